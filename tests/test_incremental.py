"""Incremental runs and politeness, on plain functions against a copy of the synthetic site.

* The weekly check asks only for the newest stored report (conditionally) and probes for a newer
  year; past years are never asked for. A new year is picked up when it appears.
* A 404 for a country-year is recorded, not fatal.
* A new parser version re-parses every stored document from the raw store, with no request.
"""
from __future__ import annotations

import shutil

import pytest

import tip.parse.staging
from tests.conftest import SITE
from tests.support.siteserver import SiteServer
from tip.fetch import crawl as fetch_mod
from tip.core.config import Paths
from tip.core.db import connect_work
from tip.pipeline import stage_parse
from tip.fetch.rawstore import RawStore

R23 = "/www.state.gov/reports/2023-trafficking-in-persons-report/"
R24 = "/www.state.gov/reports/2024-trafficking-in-persons-report/"


@pytest.fixture
def site_copy(tmp_path):
    """A private copy of the synthetic site (tests add a report year to it), served on 127.0.0.1."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    with SiteServer(root) as srv:
        srv.root = root
        yield srv


@pytest.fixture
def store(tmp_path):
    paths = Paths.for_db(tmp_path / "panel" / "tip.duckdb").ensure()
    con = connect_work(paths.work_db)
    yield paths, con, RawStore(paths.raw_dir)
    con.close()


def add_report_year(root, year: int) -> None:
    """A SYNTHETIC report for a new year: the 2023 pages under the new year's URLs."""
    src = root / "www.state.gov" / "reports" / "2023-trafficking-in-persons-report"
    dst = root / "www.state.gov" / "reports" / f"{year}-trafficking-in-persons-report"
    shutil.copytree(src, dst)
    for page in dst.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("2023-trafficking", f"{year}-trafficking").replace("2023 Trafficking", f"{year} Trafficking"),
                        encoding="utf-8")


def new_requests(srv, since: int) -> list[tuple[str, dict]]:
    return list(srv.requests[since:])


def test_weekly_check_asks_only_for_the_newest_report_and_probes_for_a_newer_one(site_copy, store):
    paths, con, raw = store
    client = fetch_mod.make_client(site_copy.url, 0)
    for year in (2010, 2023):
        fetch_mod.fetch_year(con, raw, client, year, None, site_copy.url)
    before = len(site_copy.requests)

    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2025)

    reqs = new_requests(site_copy, before)
    paths_asked = [p for p, _ in reqs]
    assert not any("/2010/" in p or "2009-2017" in p for p in paths_asked), "a past year was asked for"
    newest = [(p, h) for p, h in reqs if p.startswith(R23)]
    assert len(newest) == 6  # the 2023 index page and its 5 country pages
    assert all("If-None-Match" in h or "If-Modified-Since" in h for _, h in newest), "not conditional"
    probes = sorted(p for p in paths_asked if not p.startswith(R23))
    assert probes == ["/2021-2025.state.gov/reports/2024-trafficking-in-persons-report/index.html",
                      "/www.state.gov/reports/2024-trafficking-in-persons-report/index.html",
                      "/www.state.gov/reports/2025-trafficking-in-persons-report/index.html"]
    assert (res.rechecked, res.new_years, res.absent_years) == (2023, [], [2024, 2025])
    s = res.summary
    assert (s.fetched, s.unchanged, s.failed, s.conditional, s.years_missing) == (0, 6, 0, 6, [])
    assert "check: no report yet for 2024, 2025 (probed the index pages)" in res.notes()


def test_weekly_check_picks_up_a_new_report_year_and_then_leaves_the_old_one_alone(site_copy, store):
    paths, con, raw = store
    client = fetch_mod.make_client(site_copy.url, 0)
    fetch_mod.fetch_year(con, raw, client, 2023, None, site_copy.url)
    add_report_year(site_copy.root, 2024)

    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2025)
    assert (res.rechecked, res.new_years, res.absent_years) == (2023, [2024], [2025])
    assert res.summary.fetched == 6  # the new index page and its 5 country pages
    stored = con.execute("SELECT count(*) FROM raw.documents WHERE report_year = 2024 AND kind = 'narrative' "
                         "AND status = 200").fetchall()[0][0]
    assert stored == 5

    before = len(site_copy.requests)
    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2025)
    asked = [p for p, _ in new_requests(site_copy, before)]
    assert (res.rechecked, res.new_years, res.absent_years) == (2024, [], [2025])
    assert not any(p.startswith(R23) for p in asked), "the previous report is archived: not asked for again"
    assert sum(p.startswith(R24) for p in asked) == 6


def test_weekly_check_records_a_404_for_a_country_year_and_carries_on(site_copy, store):
    paths, con, raw = store
    client = fetch_mod.make_client(site_copy.url, 0)
    fetch_mod.fetch_year(con, raw, client, 2023, None, site_copy.url)
    gone = R23 + "burma/index.html"

    def not_found(handler):
        handler.send_response(404)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<html><body>Page not found</body></html>")

    site_copy.handler.overrides[gone] = not_found
    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2023)

    assert (res.summary.not_found, res.summary.failed, res.summary.unchanged) == (1, 0, 5)
    rows = con.execute("SELECT status, error FROM raw.documents WHERE url = ? ORDER BY fetched_at",
                       ["https://www.state.gov/reports/2023-trafficking-in-persons-report/burma/"]).fetchall()
    assert [r[0] for r in rows] == [200, 404] and rows[-1][1] == "HTTP 404"


def test_weekly_check_with_nothing_stored_finds_the_newest_report_only(site_copy, store):
    paths, con, raw = store
    client = fetch_mod.make_client(site_copy.url, 0)
    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2025)
    asked = [p for p, _ in site_copy.requests]
    assert (res.rechecked, res.new_years, res.absent_years) == (None, [2023], [2025, 2024])
    assert all(p.startswith(R23) or "-trafficking-in-persons-report/index.html" in p for p in asked)
    assert fetch_mod.latest_stored_year(con) == 2023


def test_unchanged_check_parses_nothing_and_a_new_parser_version_reparses_everything_without_a_request(
        site_copy, store, monkeypatch):
    paths, con, raw = store
    client = fetch_mod.make_client(site_copy.url, 0)
    for year in (2014, 2023):
        fetch_mod.fetch_year(con, raw, client, year, None, site_copy.url)
    first = stage_parse(con, paths)
    assert first["documents"] == 10

    # nothing changed: the check makes only conditional requests and nothing is parsed
    res = fetch_mod.check_latest(con, raw, client, None, site_copy.url, this_year=2023)
    assert (res.summary.requested, res.summary.conditional, res.summary.fetched) == (6, 6, 0)
    assert stage_parse(con, paths)["documents"] == 0

    # a new parser version: every stored document is parsed again, from the raw store alone
    monkeypatch.setattr(tip.parse.staging, "PARSER_VERSION", "9.9.9-test")
    before = len(site_copy.requests)
    again = stage_parse(con, paths)
    assert len(site_copy.requests) == before, "re-parsing must not touch the network"
    assert again["documents"] == first["documents"] and again["narratives"] == first["narratives"]
    versions = con.execute("SELECT DISTINCT parser_version FROM staging.narratives").fetchall()
    reparsed = con.execute("SELECT count(*) FROM staging.parsed_documents WHERE parser_version = '9.9.9-test'").fetchall()
    assert versions == [("9.9.9-test",)]
    assert reparsed[0][0] == first["documents"]
