"""A run that changes nothing keeps the published panel instead of rebuilding the same one."""
import hashlib

from tests.support.marts_panel import build_panel


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_nothing_changed_keeps_the_published_file_and_says_so(site, tmp_path):
    db = tmp_path / "tip.duckdb"
    first = build_panel(db, years="2014", site_url=site.url)
    assert first.published
    before = _sha(db)
    again = build_panel(db, years="2014", site_url=site.url)
    assert not again.published and again.current and again.parsed == 0
    assert _sha(db) == before
    assert any("is current" in line for line in again.lines())
    # --force rebuilds the same panel anyway
    forced = build_panel(db, years="2014", site_url=site.url, force=True)
    assert forced.published and not forced.current


def test_a_new_document_is_not_skipped(site, tmp_path):
    db = tmp_path / "tip.duckdb"
    assert build_panel(db, years="2014", site_url=site.url).published
    more = build_panel(db, years="2014,2023", site_url=site.url)
    assert more.published and more.parsed > 0 and not more.current
