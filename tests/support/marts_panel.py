"""Small synthetic panels for the marts, search, export and publish tests.

Built with the plain pipeline (tip.pipeline.run_plain: fetch -> parse -> validate -> build ->
publish, no Prefect) from the synthetic site in tests/fixtures/site served on 127.0.0.1.
``shared_panel()`` builds one panel per test session (read-only for the tests that use it).
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
# 2013-2015 are consecutive (tier history, Watch List runs, a downgrade); 2010 and 2023 add eras.
YEARS = "2010,2013,2014,2015,2023"


def _quiet(stage: str):
    return lambda msg: None


def build_panel(db: Path, years: str = YEARS, site_url: str | None = None, fetch: bool = True, force: bool = False):
    """Run the plain pipeline into ``db``; returns its RunSummary (``force``: rebuild even if nothing changed)."""
    from tip.pipeline import RunOptions, run_plain

    opts = RunOptions(years=years, mirror=site_url, db=str(db), rate_per_host=0)
    if site_url is None and fetch:
        from tests.support.siteserver import SiteServer

        with SiteServer(SITE) as srv:
            opts.mirror = srv.url
            return run_plain(opts, progress_for=_quiet, force=force)
    return run_plain(opts, do_fetch=fetch, progress_for=_quiet, force=force)


@lru_cache(maxsize=None)
def shared_panel(years: str = YEARS) -> Path:
    """A published panel for `years`, built once per session; do not write to it."""
    root = Path(tempfile.mkdtemp(prefix="tip-marts-"))
    atexit.register(shutil.rmtree, root, True)
    db = root / "tip.duckdb"
    summary = build_panel(db, years)
    assert summary.published, summary.lines()
    return db
