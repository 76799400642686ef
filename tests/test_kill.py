"""SIGKILL a run at each stage, run again: the store is consistent, the published panel is the one
an undisturbed run publishes, and nothing stored whole is fetched twice. Two runs at once: the
second is refused with a clear message and neither corrupts anything.

Runs are real subprocesses (`tip fetch`, `tip build`, and one Prefect `tip run`). A run stops at a
chosen point deterministically: in fetch, the fault server holds one page open; elsewhere
``tests.support.killpoint`` pauses the real code at the point (see its docstring) and the test
kills the process group there.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from tests.support.fault_fixtures import _clean, srv  # noqa: F401 (pytest fixtures)
from tests.support.faultserver import Stall, mirror_path
from tests.support.reliability import (copy_panel, country_year, file_sha, kill_group, quiet, run, snapshot, spawn, wait_for)
from tip.core.config import Paths
from tip.fetch.rawstore import RawStore

YEARS = "2014,2023"
LAST_2023 = "https://www.state.gov/reports/2023-trafficking-in-persons-report/somalia/"


def build_in_process(db: Path):
    from tip.pipeline import RunOptions, run_plain

    return run_plain(RunOptions(db=str(db)), do_fetch=False, progress_for=quiet)


def fetch_in_process(srv, db: Path, years: str):
    from tip.pipeline import RunOptions, open_work, stage_fetch
    from tests.support.reliability import fast_client

    paths = Paths.for_db(db)
    con = open_work(paths)
    try:
        return stage_fetch(con, paths, RunOptions(years=years, mirror=srv.url, db=str(db), rate_per_host=0),
                           client=fast_client(srv))
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(srv, tmp_path_factory):
    """What an undisturbed run publishes for 2014 and 2023."""
    db = tmp_path_factory.mktemp("reference") / "tip.duckdb"
    assert run(srv, db, years=YEARS).published
    return snapshot(db)


@pytest.fixture(scope="module")
def template(srv, tmp_path_factory):
    """A panel published for 2014 only, whose store has since fetched 2023 (not yet parsed):
    `tip build` on it parses, validates, builds and publishes the 2014+2023 panel."""
    db = tmp_path_factory.mktemp("template") / "tip.duckdb"
    assert run(srv, db, years="2014").published
    old = snapshot(db)
    assert {year for _, year in country_year(db)} == {2014}
    fetch_in_process(srv, db, "2023")
    return db, file_sha(db), old


def assert_store_consistent(db: Path) -> None:
    """The working store opens for writing (DuckDB replays or drops its WAL) and every raw file is
    named by the hash of its bytes."""
    paths = Paths.for_db(db)
    con = duckdb.connect(str(paths.work_db))
    try:
        n = con.execute("SELECT count(*) FROM raw.documents").fetchone()[0]
        assert n > 0
        missing = [sha for (sha,) in con.execute("SELECT DISTINCT sha256 FROM raw.documents WHERE sha256 IS NOT NULL").fetchall()
                   if not RawStore(paths.raw_dir).has(sha)]
        assert missing == [], "raw.documents names bodies the raw store does not hold"
    finally:
        con.close()
    assert RawStore(paths.raw_dir).problems() == []


POINTS = ["parse", "validate", "build", "publish", "published"]


def test_kill_build_at_each_stage_then_run_again(template, reference, tmp_path):
    """`tip build` killed at each stage in turn on the same panel (each run picks up what the killed
    one left), then one undisturbed run: after every kill the store is consistent and the published
    file is the old panel or (once renamed) the new one, whole; at the end it is the reference."""
    src, old_sha, old_snap = template
    db = copy_panel(src, tmp_path / "panel")
    for point in POINTS:
        marker = tmp_path / f"marker-{point}"
        proc = spawn(["build", "--db", str(db)], killpoint=point, marker=marker)
        try:
            wait_for(marker.exists, 180, proc, f"the run to reach {point}")
        finally:
            kill_group(proc)
        assert proc.returncode == -9

        if point == "published":
            assert snapshot(db) == reference
        else:
            assert file_sha(db) == old_sha, f"killed at {point}: the published file changed"
            assert snapshot(db) == old_snap
        assert_store_consistent(db)
        if point == "parse":
            # the first batch committed; the second, killed mid-transaction, left nothing behind
            with duckdb.connect(str(Paths.for_db(db).work_db), read_only=True) as con:
                parsed_2023 = con.execute(
                    "SELECT count(*) FROM staging.parsed_documents WHERE url LIKE '%/2023-%'").fetchone()[0]
                orphans = con.execute("SELECT count(*) FROM staging.narratives n ANTI JOIN staging.parsed_documents p "
                                      "ON p.url = n.source_url").fetchone()[0]
            assert parsed_2023 == 2 and orphans == 0

    # run again, undisturbed: the panel an undisturbed run publishes (the last kill came after the
    # rename, so the run finds it current and keeps it)
    s = build_in_process(db)
    assert s.published or s.current, s.lines()
    assert snapshot(db) == reference
    assert_store_consistent(db)


def test_kill_during_fetch_then_run_again_fetches_nothing_twice(srv, reference, tmp_path):
    srv.add(LAST_2023, Stall(600), then="serve")   # the run's last page: it waits on it until killed
    db = tmp_path / "tip.duckdb"
    proc = spawn(["fetch", "--years", YEARS, "--mirror", srv.url, "--rate", "0", "--db", str(db)])
    try:
        wait_for(lambda: srv.hits(LAST_2023) >= 1, 120, proc, "the fetch to reach its last page")
    finally:
        kill_group(proc)
    assert not db.exists()
    assert_store_consistent(db)
    served = {p for p, _ in srv.requests if p != mirror_path(LAST_2023)}
    assert len(served) == 12  # two index pages, every other narrative page (one is a 404)

    # run again (the whole pipeline): every page stored before the kill is asked for conditionally
    srv.reset_log()
    s = run(srv, db, years=YEARS)
    assert s.published
    assert snapshot(db) == reference
    again = {p: h for p, h in srv.requests}
    stored_before = served - {"/2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226855.htm"}  # the 404
    unconditional = sorted(p for p in stored_before if "If-None-Match" not in again[p])
    assert unconditional == [], "stored whole before the kill, fetched in full again"
    assert "If-None-Match" not in again[mirror_path(LAST_2023)]
    assert s.fetched == 1 and s.unchanged == 11


def test_kill_while_writing_a_body_leaves_no_partial_file(srv, tmp_path):
    db = tmp_path / "tip.duckdb"
    marker = tmp_path / "marker"
    proc = spawn(["fetch", "--years", "2014", "--mirror", srv.url, "--rate", "0", "--db", str(db)],
                 killpoint="fetch-write", marker=marker)
    try:
        wait_for(marker.exists, 120, proc, "the first body write")
    finally:
        kill_group(proc)
    raw = Paths.for_db(db).raw_dir
    tmp_files = [p for p in raw.rglob(".tmp-*")]
    assert len(tmp_files) == 1                       # the body written, not yet renamed
    assert [p for p in raw.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")] == []
    # the next writer finishes the job and sweeps the leftover (once it is old enough to be dead)
    os.utime(tmp_files[0], (1, 1))
    s = fetch_in_process(srv, db, "2014")
    assert s.fetched == 6 and s.failed == 0  # the index page and five narrative pages
    assert list(raw.rglob(".tmp-*")) == []
    assert_store_consistent(db)


def test_two_runs_at_once_one_is_refused_and_nothing_breaks(template, reference, tmp_path):
    from tests.conftest import run_cli
    from tip.core.errors import LockBusy

    src, old_sha, _ = template
    db = copy_panel(src, tmp_path / "panel")
    marker = tmp_path / "marker"
    first = spawn(["build", "--db", str(db)], killpoint="validate", marker=marker)
    try:
        wait_for(marker.exists, 180, first, "the first run to be mid-way")
        pid = marker.read_text().split()[0]
        message = (f"tip: error: another tip process (pid {pid}) is writing {db}; "
                   f"wait for it to finish or use a different --db")
        for args in (["build"], ["fetch", "--years", "2014", "--mirror", "http://127.0.0.1:9"]):
            second = run_cli(*args, "--db", str(db), timeout=120)
            assert second.returncode == 2, second.stderr
            assert second.stderr.strip() == message
        with pytest.raises(LockBusy):
            build_in_process(db)
        # analysts still read the old panel meanwhile
        assert file_sha(db) == old_sha
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM marts.country_year").fetchone()[0] > 0
        # let the first run finish
        Path(str(marker) + ".go").touch()
        first.wait(timeout=180)
        out = first.stdout.read().decode()
        assert first.returncode == 0, out
    finally:
        if first.poll() is None:
            kill_group(first)
    assert snapshot(db) == reference
    assert_store_consistent(db)


@pytest.mark.prefect
def test_kill_a_prefect_run_during_fetch_then_run_again(srv, reference, tmp_path):
    """The same through the Prefect flow (`tip run`): killed while it fetches, while it holds the
    panel (a second writer is refused), then run again."""
    from tests.conftest import run_cli

    srv.add(LAST_2023, Stall(600), then="serve")
    db = tmp_path / "tip.duckdb"
    proc = spawn(["run", "--years", YEARS, "--mirror", srv.url, "--rate", "0", "--db", str(db)])
    try:
        wait_for(lambda: srv.hits(LAST_2023) >= 1, 240, proc, "the Prefect run to reach its last page")
        refused = run_cli("build", "--db", str(db), timeout=120)
        assert refused.returncode == 2 and "another tip process" in refused.stderr
    finally:
        kill_group(proc)
    assert not db.exists()
    assert_store_consistent(db)
    srv.reset_log()
    res = run_cli("run", "--years", YEARS, "--mirror", srv.url, "--rate", "0", "--db", str(db), timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert snapshot(db) == reference
    again = {p: h for p, h in srv.requests}
    fetched_in_full = sorted(p for p, h in again.items() if "If-None-Match" not in h and "226855" not in p)
    assert fetched_in_full == [mirror_path(LAST_2023)]


# -- the raw store on its own --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../etc/passwd", "a" * 63, "A" * 64, "g" * 64, "/" + "a" * 63, "", None,
                                  "0" * 64 + "/../x"])
def test_raw_store_names_are_only_hashes(tmp_path, name):
    with pytest.raises(ValueError):
        RawStore(tmp_path).path_for(name)


def test_raw_store_detects_and_heals_a_damaged_copy(tmp_path):
    store = RawStore(tmp_path / "raw")
    sha = store.put(b"SYNTHETIC page body")
    path = store.path_for(sha)
    assert path.relative_to(tmp_path / "raw").parts == (sha[:2], sha)
    path.write_bytes(b"SYNTHETIC page bodX")             # same size, different bytes
    with pytest.raises(IOError, match="corrupt"):
        store.get(sha)
    assert store.problems() == [f"{sha[:2]}/{sha}: content hashes to {hashlib.sha256(b'SYNTHETIC page bodX').hexdigest()}"]
    assert store.put(b"SYNTHETIC page body") == sha      # storing it again repairs it
    assert store.get(sha) == b"SYNTHETIC page body" and store.problems() == []


def test_raw_store_sweeps_only_stale_temp_files(tmp_path):
    store = RawStore(tmp_path / "raw")
    store.put(b"one")
    folder = next((tmp_path / "raw").iterdir())
    old, fresh = folder / ".tmp-old", folder / ".tmp-fresh"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(old, (1, 1))
    assert store.sweep_temp() == 1
    assert not old.exists() and fresh.exists()
