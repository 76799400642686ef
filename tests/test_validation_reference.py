"""Tier counts against a reference panel, for report years built complete (issue 4).

The reference reader is checked on the real Kelley files in ../shared (both of its shapes) and on
small files a user might write. The check itself runs through the plain pipeline on SYNTHETIC
sites written into tmp dirs (one page per country, 2013 layout) and served on 127.0.0.1:

* a complete year whose counts match the reference publishes; one whose counts are off by more
  than the tolerance does not (the published file stays byte-identical);
* a year that is not complete (a page 404s, or --countries fetched part of it) is not compared;
* on a real-sized synthetic year (182 countries), Kelley's own 2013 counts are the default
  reference: matching counts pass, ten countries moved from Tier 2 to Tier 3 fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.support.siteserver import SiteServer
from tests.test_validation import TIER_LABEL, VERDICT, quiet
from tip.core.errors import UserError, ValidationFailed
from tip.pipeline import RunOptions, run_plain
from tip.quality.frames import load_reference

YEAR = 2013
KELLEY = Path("corpus_raw/andrewheiss__scorecard-diplomacy/data/processed")
EXPECTATION = "countries per tier within tolerance of the reference panel"


def _counts(df, year):
    return dict(zip(df[df.report_year == year].tier, df[df.report_year == year].reference))


# ------------------------------------------------------------------------------------------------
# the reference reader


def test_reads_kelleys_summary_counts(shared_dir):
    ref = load_reference(shared_dir / KELLEY / "map_tiers_summary.csv")
    assert _counts(ref, 2001) == {"1": 11, "2": 47, "3": 21}
    assert _counts(ref, 2013) == {"1": 29, "2": 89, "2WL": 43, "3": 21}
    assert sorted(ref.report_year.unique()) == list(range(2001, 2016))


def test_reads_kelleys_country_panel_in_its_map_coding(shared_dir):
    """map_tiers.csv: one row per country, 1 = Tier 1, 2 = Tier 2, 3 = Watch List, 4 = Tier 3, NA skipped."""
    ref = load_reference(shared_dir / KELLEY / "map_tiers.csv")
    assert _counts(ref, 2004) == {"1": 24, "2": 54, "2WL": 43, "3": 10}
    assert 1999 not in set(ref.report_year)  # all NA
    # the same counts as Kelley's own summary, every year (map_tiers_summary.csv is built from it)
    summary = load_reference(shared_dir / KELLEY / "map_tiers_summary.csv")
    assert all(_counts(ref, y) == _counts(summary, y) for y in range(2001, 2016))


def test_reads_a_users_own_file(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("report_year,tier,count\n2019,Tier 1,30\n2019,Tier 2 Watch List,40\n2019,2.5,1\n2019,Special Case,3\n"
                 "2019,tier 3,20\n", encoding="utf-8")
    assert _counts(load_reference(f), 2019) == {"1": 30, "2WL": 41, "SPECIAL": 3, "3": 20}
    g = tmp_path / "countries.csv"
    g.write_text("iso,year,tier\nKHM,2019,2WL\nTHA,2019,2\nMMR,2019,3\nSOM,2019,NA\n", encoding="utf-8")
    assert _counts(load_reference(g), 2019) == {"2WL": 1, "2": 1, "3": 1}


@pytest.mark.parametrize("content,message", [
    ("year,count\n2019,3\n", "needs a 'year' and a 'tier' column"),
    ("year,tier,n\n2019,Tier 9,3\n", "unknown tier 'Tier 9'"),
    ("year,tier,n\nlast year,Tier 1,3\n", "year 'last year' is not a year"),
    ("year,tier,n\n2019,Tier 1,many\n", "count 'many' is not a number"),
    ("year,tier\n", "no tier counts in it"),
])
def test_a_bad_reference_file_is_one_clear_line(tmp_path, content, message):
    f = tmp_path / "ref.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_reference(f)
    assert str(err.value).startswith(f"reference tier file {f}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_reference_file_named_by_the_user_is_an_error(tmp_path, monkeypatch):
    from tip.quality.validate import _reference

    monkeypatch.setenv("TIP_REFERENCE_TIERS", str(tmp_path / "nope.csv"))
    with pytest.raises(UserError, match="nope.csv: no such file"):
        _reference(None)


# ------------------------------------------------------------------------------------------------
# synthetic sites, one page per country (the 2013-2016 layout)


def country_page(name: str, tier: str, year: int) -> str:
    return f"""<!DOCTYPE html><!-- SYNTHETIC test page written by tests/test_validation_reference.py -->
<html lang="en"><head><meta charset="utf-8"><title>{name}</title></head><body>
<div id="content"><h1>{name}</h1>
<h3>{name.upper()} ({TIER_LABEL[tier]})</h3>
<p>{name} is a source and destination country for men, women, and children subjected to forced labor and sex trafficking.</p>
<p>{VERDICT[tier].format(c=name)}</p>
<p>Recommendations for {name}: Investigate and prosecute trafficking offenses; and identify victims.</p>
<p><b>Prosecution</b></p>
<p>The government investigated 12 cases of suspected trafficking in {year - 1} and convicted four traffickers.</p>
<p><b>Protection</b></p><p>The government identified 30 victims in {year - 1}.</p>
<p><b>Prevention</b></p><p>The government made modest prevention efforts.</p>
</div></body></html>
"""


def write_site(root: Path, countries: list[tuple[str, str]], year: int = YEAR, missing: set[str] = frozenset()) -> Path:
    """An index linking one page per country; pages of ``missing`` countries are linked but absent (404)."""
    folder = root / "2009-2017.state.gov" / "j" / "tip" / "rls" / "tiprpt" / "countries" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text("SYNTHETIC site written by tests/test_validation_reference.py.\n")
    links = []
    for i, (name, tier) in enumerate(countries):
        page = f"{300000 + i}.htm"
        links.append(f'<li><a href="{page}">{name}</a></li>')
        if name not in missing:
            (folder / page).write_text(country_page(name, tier, year), encoding="utf-8")
    (folder / "index.htm").write_text(
        "<!DOCTYPE html><!-- SYNTHETIC index --><html><head><title>Country Narratives</title></head><body>"
        f"<h1>Country Narratives</h1><ul>{''.join(links)}</ul></body></html>", encoding="utf-8")
    return root


SMALL = [("Cambodia", "2WL"), ("Indonesia", "2"), ("Denmark", "1"), ("Burma", "3"), ("Thailand", "2WL"),
         ("Nepal", "2"), ("Norway", "1"), ("Chile", "2")]  # 2 x Tier 1, 3 x Tier 2, 2 x Watch List, 1 x Tier 3


def reference_file(path: Path, counts: dict[str, int], year: int = YEAR) -> Path:
    label = {"1": "Tier 1", "2": "Tier 2", "2WL": "Watchlist", "3": "Tier 3"}
    path.write_text("year,tier,num_countries\n" + "".join(f"{year},{label[t]},{n}\n" for t, n in counts.items()),
                    encoding="utf-8")
    return path


def run_site(site_root: Path, db: Path, **opts):
    with SiteServer(site_root) as srv:
        return run_plain(RunOptions(mirror=srv.url, years=str(YEAR), db=str(db), rate_per_host=0, **opts),
                         progress_for=quiet)


def tier_outcome(db: Path, run_id: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT success, detail FROM marts.validation_runs WHERE run_id = ? AND expectation = ?",
                           [run_id, EXPECTATION]).fetchone()


def test_complete_year_within_tolerance_publishes(tmp_path, monkeypatch):
    from tip.quality.validate import run_report

    site = write_site(tmp_path / "site", SMALL)
    monkeypatch.setenv("TIP_REFERENCE_TIERS", str(reference_file(tmp_path / "ref.csv", {"1": 2, "2": 4, "2WL": 2, "3": 1})))
    summary = run_site(site, tmp_path / "p" / "tip.duckdb")
    assert summary.published
    assert tier_outcome(tmp_path / "p" / "tip.duckdb", summary.run_id) == (True, None)
    notes = run_report(summary.run_id).notes
    assert any(re.search(rf"report years built complete, with reference counts: {YEAR} \(reference: .*ref.csv\)", n) for n in notes)


def test_complete_year_off_the_reference_does_not_publish(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SMALL)
    db = tmp_path / "p" / "tip.duckdb"
    monkeypatch.setenv("TIP_REFERENCE_TIERS", "none")
    assert run_site(site, db).published
    before = db.read_bytes()
    # the reference says 8 countries on Tier 1; the build has 2 (allowed difference: 3)
    monkeypatch.setenv("TIP_REFERENCE_TIERS", str(reference_file(tmp_path / "ref.csv", {"1": 8, "2": 3, "2WL": 2, "3": 1})))
    with pytest.raises(ValidationFailed) as err:
        run_site(site, db)
    assert db.read_bytes() == before
    msg = str(err.value)
    assert f"[tier_counts] {EXPECTATION} (1 offending rows; first: report_year={YEAR} tier=1 (" in msg
    line = [ln for ln in msg.splitlines() if EXPECTATION in ln][0]
    assert "built=2" in line and "reference=8" in line and "allowed=3" in line
    assert "candidate build kept at" in msg


def test_incomplete_years_are_not_compared(tmp_path, monkeypatch):
    """A page that 404s, or a fetch limited by --countries: the year is not complete, the far-off
    reference is not applied, and the report says why."""
    from tip.quality.validate import run_report

    monkeypatch.setenv("TIP_REFERENCE_TIERS", str(reference_file(tmp_path / "ref.csv", {"1": 8, "2": 3, "2WL": 2, "3": 1})))
    site = write_site(tmp_path / "site", SMALL, missing={"Chile"})
    summary = run_site(site, tmp_path / "a" / "tip.duckdb")
    assert summary.published
    assert any(f"{YEAR} not compared: 1 of 8 narrative pages not fetched" in n for n in run_report(summary.run_id).notes)

    site2 = write_site(tmp_path / "site2", SMALL)
    summary = run_site(site2, tmp_path / "b" / "tip.duckdb", countries="Cambodia,Denmark")
    assert summary.published
    assert any(f"{YEAR} not compared: 6 of 8 narrative pages not fetched" in n for n in run_report(summary.run_id).notes)


# ------------------------------------------------------------------------------------------------
# Kelley's counts, the default reference, on a real-sized synthetic year


def _report_names(n: int) -> list[str]:
    """n country names the parser and the index both read back to their own ISO3 code."""
    import pycountry

    from tip.core.countries import to_iso3
    from tip.parse import parse_document

    names = []
    for c in sorted(pycountry.countries, key=lambda c: c.name):
        name = getattr(c, "common_name", None) or c.name
        if not re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", name) or to_iso3(name) != c.alpha_3:
            continue
        got = parse_document(country_page(name, "2", YEAR).encode(), url=f"https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/{YEAR}/1.htm")
        if [(x.country_iso3, x.tier) for x in got.narratives] == [(c.alpha_3, "2")] and not got.rejects:
            names.append(name)
        if len(names) == n:
            return names
    raise AssertionError(f"only {len(names)} usable country names")


def test_kelleys_counts_are_the_default_reference(shared_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("TIP_REFERENCE_TIERS", raising=False)
    kelley = _counts(load_reference(shared_dir / KELLEY / "map_tiers_summary.csv"), YEAR)  # 29 / 89 / 43 / 21
    names = _report_names(sum(kelley.values()))
    tiers = [t for t in ("1", "2", "2WL", "3") for _ in range(kelley[t])]
    countries = list(zip(names, tiers))
    db = tmp_path / "p" / "tip.duckdb"
    summary = run_site(write_site(tmp_path / "site", countries), db)
    assert summary.published
    assert tier_outcome(db, summary.run_id) == (True, None)

    # ten countries move from Tier 2 to Tier 3: Tier 2 is off by 10 (allowed 9), Tier 3 by 10 (allowed 3)
    moved = [(n, "3") if t == "2" and i < 10 else (n, t) for i, (n, t) in
             enumerate(sorted(countries, key=lambda x: x[1] != "2"))]
    before = db.read_bytes()
    with pytest.raises(ValidationFailed) as err:
        run_site(write_site(tmp_path / "site", moved), db)
    assert db.read_bytes() == before
    line = [ln for ln in str(err.value).splitlines() if EXPECTATION in ln][0]
    assert "(2 offending rows; first: " in line
    assert f"report_year={YEAR} tier=2 (" in line and "built=79" in line and "reference=89" in line
    assert f"report_year={YEAR} tier=3 (" in line and "built=31" in line
