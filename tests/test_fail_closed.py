"""Fail closed: a run never reports success for work it did not do (docs/reliability.md,
"Unreachable sources and partial years"). One test per row of that table, through the plain
pipeline (what every flow calls), then the exit codes through the `tip` CLI and the flow run's
state through Prefect. The deployment row is in tests/test_deployments.py.

Every source is on 127.0.0.1 (the fault server, a closed port) or a name under `.invalid`, which
never resolves.
"""
from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.fault_fixtures import _clean, srv  # noqa: F401 (pytest fixtures)
from tests.support.faultserver import Body, Stall, Status
from tests.support.reliability import copy_panel, country_year, fast_client, file_sha, quiet, run
from tip.core.errors import SourcesUnreachable, ValidationFailed
from tip.pipeline import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL

YEARS = "2014,2023"
IDX23 = "https://www.state.gov/reports/2023-trafficking-in-persons-report/"
PAGES23 = [f"{IDX23}{slug}/" for slug in ("burma", "cambodia", "curacao", "hong-kong", "somalia")]
DENIED = (b"<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>"
          b"<p>You don't have permission to access this server.</p></body></html>")


@pytest.fixture(scope="module")
def good(srv, tmp_path_factory):
    db = tmp_path_factory.mktemp("good") / "tip.duckdb"
    s = run(srv, db, years=YEARS)
    assert s.published and s.exit_code == EXIT_OK, s.lines()
    rows = country_year(db)
    assert {y for _, y in rows} == {2014, 2023}
    return db, rows


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]   # closed again when the block ends: connections are refused


class Dead:
    """A stand-in for a server that is not there (the client only needs its URL)."""

    def __init__(self, url: str):
        self.url = url


def coverage(db: Path) -> dict[int, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT report_year, status, why_not_complete, missing_pages FROM marts.year_coverage").fetchall()
    return {r[0]: r[1:] for r in rows}


def refused(srv, tmp_path, years, setup, reason: str, good=None):
    """The run raises SourcesUnreachable naming each year with ``reason``; nothing is published:
    no file on a first run, the same bytes when a panel is in place."""
    setup()
    db = tmp_path / "first" / "tip.duckdb"
    with pytest.raises(SourcesUnreachable) as exc:
        run(srv, db, years=years)
    assert not db.exists(), "a run that reached no source published a panel"
    expected = set(years.split(","))
    assert set(exc.value.years) == expected, exc.value.years
    for y, why in exc.value.years.items():
        assert reason in why, (y, why)
    assert exc.value.summary.exit_code == EXIT_FAILED
    lines = exc.value.summary.lines()
    assert any(line.startswith("NOT published: no source reached for") for line in lines), lines
    for y in expected:
        assert any(line.startswith(f"{y}: NOT REACHED: ") and reason in line for line in lines), lines
    if good is not None:
        setup()
        db = copy_panel(good[0], tmp_path / "earlier")
        before = file_sha(db)
        with pytest.raises(SourcesUnreachable):
            run(srv, db, years=years)
        assert file_sha(db) == before, "the published file changed"
    return exc.value


# -- rows: nothing reached, nothing published ----------------------------------------------------------
def test_dns_fails(good, tmp_path):
    dead = Dead("http://tip-panel-test.invalid")
    exc = refused(dead, tmp_path, YEARS, lambda: None, "index page not reached: host name not found", good)
    assert "nothing published" in str(exc)


def test_connection_refused_is_not_retried(good, tmp_path):
    dead = Dead(f"http://127.0.0.1:{closed_port()}")
    sleeps: list[float] = []
    client = fast_client(dead, sleeps)
    db = tmp_path / "tip.duckdb"
    with pytest.raises(SourcesUnreachable) as exc:
        run(dead, db, years=YEARS, client=client)
    assert {y: w for y, w in exc.value.years.items()} == {
        "2014": "index page not reached: connection refused", "2023": "index page not reached: connection refused"}
    # one connection attempt for the whole run, no backoff: the host is not asked again
    assert client.requests_made == 1 and sleeps == []
    assert not db.exists()
    refused(dead, tmp_path / "again", YEARS, lambda: None, "connection refused", good)


def test_time_outs(srv, good, tmp_path):
    def setup():  # the index and every page: with a stored index, its pages time out too
        for url in [IDX23, *PAGES23]:
            srv.add(url, Stall(10), then="repeat")
    refused(srv, tmp_path, "2023", setup, "timeout: the server sent nothing", good)


def test_every_page_404(srv, good, tmp_path):
    def setup():
        srv.clear()
        for p in PAGES23:
            srv.add(p, Status(404), then="repeat")
    refused(srv, tmp_path, "2023", setup, "every narrative page failed (5 of 5: HTTP 404 x5)", good)


def test_every_page_an_error_page(srv, good, tmp_path):
    def setup():
        srv.clear()
        for p in PAGES23:
            srv.add(p, Body(DENIED), then="repeat")
    refused(srv, tmp_path, "2023", setup, "every page an error page: none of its 5 pages holds a narrative", good)


def test_an_error_page_in_place_of_the_index(srv, good, tmp_path):
    refused(srv, tmp_path, "2023", lambda: srv.add(IDX23, Body(DENIED), then="repeat"),
            "its index page links to no narrative page", good)


def test_one_unreachable_year_stops_the_whole_run(srv, good, tmp_path):
    for url in [IDX23, *PAGES23]:
        srv.add(url, Status(503), then="repeat")
    db = copy_panel(good[0], tmp_path / "earlier")
    before = file_sha(db)
    with pytest.raises(SourcesUnreachable) as exc:
        run(srv, db, years=YEARS)
    assert set(exc.value.years) == {"2023"}
    assert file_sha(db) == before


# -- rows: partial years ---------------------------------------------------------------------------------
def test_half_of_a_years_pages_fail(srv, good, tmp_path):
    for p in PAGES23[:3]:
        srv.add(p, Status(503), then="repeat")
    db = tmp_path / "first" / "tip.duckdb"
    s = run(srv, db, years=YEARS)
    assert s.published and s.exit_code == EXIT_PARTIAL
    assert s.partial == {"2023": "3 of 5 narrative pages failed (HTTP 503 x3)"}
    assert len(s.missing_pages["2023"]) == 3
    lines = s.lines()
    assert "2023: PARTIAL: 3 of 5 narrative pages failed (HTTP 503 x3)" in lines
    assert any(line.startswith("exit 3: partial report year(s) 2023") for line in lines)
    assert "| 2023 | PARTIAL |" in s.markdown() and PAGES23[0] in s.markdown()
    cov = coverage(db)
    assert cov[2023][0] == "partial" and len(cov[2023][2]) == 3 and cov[2014][0] == "complete"
    # with a panel that held them: every country-year stays
    db = copy_panel(good[0], tmp_path / "earlier")
    s = run(srv, db, years=YEARS)
    assert s.exit_code == EXIT_PARTIAL and (s.published or s.current)
    assert country_year(db) == good[1]
    assert coverage(db)[2023][0] == "partial"


def test_the_index_fails_but_the_pages_answer(srv, good, tmp_path):
    srv.add(IDX23, Status(503), then="repeat")
    # no stored copy of the index: the pages cannot be found, the year reached nothing
    with pytest.raises(SourcesUnreachable) as exc:
        run(srv, tmp_path / "first" / "tip.duckdb", years="2023")
    assert exc.value.years == {"2023": "index page not reached: HTTP 503"}
    assert not (tmp_path / "first" / "tip.duckdb").exists()
    # a stored copy: its pages are asked for, the year is partial (the index was not confirmed)
    db = copy_panel(good[0], tmp_path / "earlier")
    srv.reset_log()
    s = run(srv, db, years=YEARS)
    assert s.exit_code == EXIT_PARTIAL
    assert s.partial["2023"].startswith("index page not reached (HTTP 503): its pages were found from the copy stored ")
    assert all(srv.hits(p) == 1 for p in PAGES23)
    assert country_year(db) == good[1]


def test_a_404_page_alone_leaves_the_year_whole(good):
    """The fixture's 2014 index links one page that answers 404 (a dead link on the site): recorded
    and listed as missing, but the year is whole and the run exits 0."""
    db, _ = good
    cov = coverage(db)
    assert cov[2014][0] == "complete" and cov[2014][2] == [
        "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226855.htm: HTTP 404"]


# -- no silent shrink ------------------------------------------------------------------------------------
def test_a_build_with_fewer_country_years_is_refused_unless_allowed(srv, good, tmp_path):
    db = copy_panel(good[0], tmp_path / "lost-state")
    shutil.rmtree(db.parent / "tip.state")   # the working store is gone: a run of one year knows only that year
    before = file_sha(db)
    with pytest.raises(ValidationFailed) as exc:
        run(srv, db, years="2023")
    assert "[no_shrink] no report year loses country-years without a stated reason" in str(exc.value)
    assert "2014" in str(exc.value)
    assert file_sha(db) == before
    from tip.pipeline import RunOptions, run_plain

    s = run_plain(RunOptions(years="2023", mirror=srv.url, db=str(db), rate_per_host=0, allow_shrink=True),
                  client=fast_client(srv), progress_for=quiet)
    assert s.published
    assert {y for _, y in country_year(db)} == {2023}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT allow_shrink FROM meta.build_info").fetchone() == (True,)
        assert con.execute("SELECT count(*) FROM meta.published_before WHERE report_year = 2014").fetchone()[0] > 0


# -- leftovers -------------------------------------------------------------------------------------------
def test_old_candidates_are_pruned_keeping_the_newest_three(srv, good, tmp_path):
    from tip.marts.build import KEEP_BUILDS

    db = copy_panel(good[0], tmp_path / "p")
    builds = db.parent / "tip.state" / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for i in range(5):
        f = builds / f"tip-2000010{i}T000000-half{i}.duckdb"
        f.write_bytes(b"half-built")
        os.utime(f, (time.time() - 1000 + i, time.time() - 1000 + i))
    s = run(srv, db, years=YEARS)
    from tip.pipeline import RunOptions, run_plain

    s = run_plain(RunOptions(years=YEARS, mirror=srv.url, db=str(db), rate_per_host=0), client=fast_client(srv),
                  progress_for=quiet, force=True)
    assert s.published and s.pruned >= 1
    left = sorted(p.name for p in builds.glob("tip-*.duckdb"))
    assert KEEP_BUILDS == 3 and len(left) <= KEEP_BUILDS - 1, left  # the published one moved out of builds/
    assert "tip-20000100T000000-half0.duckdb" not in left


def test_a_current_run_says_as_of_when_and_changes_nothing(srv, good, tmp_path):
    db = copy_panel(good[0], tmp_path / "p")
    before = file_sha(db)
    s = run(srv, db, years=YEARS)
    assert s.current and not s.published and s.exit_code == EXIT_OK
    assert file_sha(db) == before
    assert any("its raw.documents and marts.year_coverage are as of then" in n for n in s.notes)
    with duckdb.connect(str(db), read_only=True) as con:
        built_at, as_of = con.execute("SELECT built_at, raw_documents_as_of FROM meta.build_info").fetchone()
        newest = con.execute("SELECT max(fetched_at) FROM raw.documents").fetchone()[0]
    assert as_of == newest and as_of <= built_at


# -- the CLI's exit codes and the flow run's state (Prefect, in this process) --------------------------
@pytest.mark.prefect
def test_exit_codes_and_flow_states(srv, good, tmp_path, capsys):
    from flows.pipeline import tip_run
    from tip.cli import main

    dead = f"http://127.0.0.1:{closed_port()}"
    db = tmp_path / "first" / "tip.duckdb"
    assert main(["run", "--years", YEARS, "--mirror", dead, "--db", str(db), "--rate", "0"]) == EXIT_FAILED
    out = capsys.readouterr()
    assert "2014: NOT REACHED: index page not reached: connection refused" in out.out
    assert "nothing published" in out.err and not db.exists()

    state = tip_run(years=YEARS, mirror=dead, db=str(db), rate_per_host=0, return_state=True)
    assert state.type.value == "FAILED" and "2023" in state.message and not db.exists()

    panel = copy_panel(good[0], tmp_path / "earlier")
    before = file_sha(panel)
    assert main(["check", "--mirror", dead, "--db", str(panel), "--rate", "0"]) == EXIT_FAILED
    assert file_sha(panel) == before
    capsys.readouterr()

    srv.add(PAGES23[0], Status(503), then="repeat")
    state = tip_run(years=YEARS, mirror=srv.url, db=str(panel), rate_per_host=0, return_state=True)
    assert state.type.value == "COMPLETED" and state.name == "Partial" and "2023" in state.message
    assert country_year(panel) == good[1]
    os.environ["TIP_HTTP_MAX_ATTEMPTS"] = "1"
    try:
        assert main(["run", "--years", YEARS, "--mirror", srv.url, "--db", str(panel), "--rate", "0"]) == EXIT_PARTIAL
    finally:
        del os.environ["TIP_HTTP_MAX_ATTEMPTS"]
    assert "2023: PARTIAL: 1 of 5 narrative pages failed (HTTP 503)" in capsys.readouterr().out
    srv.clear()
    state = tip_run(years=YEARS, mirror=srv.url, db=str(panel), rate_per_host=0, return_state=True)
    assert state.type.value == "COMPLETED" and state.name == "Completed"
    assert country_year(panel) == good[1]


def test_the_tip_executable_ends_a_failed_run_with_its_reason_last(tmp_path):
    """The executable (tip.cli.entry: its own Prefect API, then a quick exit) exits 1, publishes nothing,
    and its last word is the reason: Prefect's last logs reach the API before it stops."""
    import subprocess
    import sys

    db = tmp_path / "tip.duckdb"
    out = subprocess.run([sys.executable, "-m", "tip.cli", "run", "--mirror", f"http://127.0.0.1:{closed_port()}",
                          "--years", "2023", "--db", str(db), "--rate", "0"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "TIP_FAST_EXIT": "1"})
    assert out.returncode == 1, out.stderr[-2000:]
    assert not db.exists()
    assert "Error logging to API" not in out.stdout + out.stderr, out.stderr[-2000:]
    assert out.stderr.strip().splitlines()[-1].startswith("tip: no source reached for report year(s) 2023"), out.stderr[-2000:]
