"""Scale-out: the parse stage on a Dask LocalCluster (prefect-dask) gives the sequential result.

The cluster is the one `tip run --workers N` starts: N worker processes bound to 127.0.0.1. The
flow runs in this process (Prefect's ephemeral API); the parse tasks run in the Dask workers,
which report to that same API.
"""
from __future__ import annotations

import pytest
from prefect import task

from tests.conftest import SITE
from tests.support.siteserver import SiteServer
from tip.fetch import crawl as fetch_mod
from tip.core.config import Paths
from tip.core.db import connect_work
from tip.parse.staging import parse_documents, pending_documents
from tip.fetch.rawstore import RawStore

TIMESTAMPS = {"parsed_at", "recorded_at"}
TABLES = ("narratives", "measures", "partners", "recommendations", "agreements", "rejects", "parsed")


def _rows(batches, table):
    rows = []
    for b in batches:
        rows += [tuple(sorted((k, repr(v)) for k, v in r.items() if k not in TIMESTAMPS)) for r in b.records(table)]
    return sorted(rows)


@pytest.fixture(scope="module")
def stored_docs(tmp_path_factory):
    paths = Paths.for_db(tmp_path_factory.mktemp("dask") / "tip.duckdb").ensure()
    con = connect_work(paths.work_db)
    try:
        with SiteServer(SITE) as site:  # its own server: the session's request log stays other tests' own
            client = fetch_mod.make_client(site.url, 0)
            for year in (2001, 2010, 2014, 2023):
                fetch_mod.fetch_year(con, RawStore(paths.raw_dir), client, year, None, site.url)
        docs = pending_documents(con)
    finally:
        con.close()
    return docs, str(paths.raw_dir)


@pytest.mark.prefect
def test_parse_stage_on_a_dask_local_cluster_equals_the_sequential_parse(stored_docs):
    from prefect import flow

    from flows.pipeline import parse_chunks

    docs, raw_dir = stored_docs
    assert len(docs) >= 12

    @flow(name="parse-on-dask")
    def parse_on_dask(chunk_size: int):
        where: list[str] = []
        batches = list(parse_chunks(docs, raw_dir, chunk_size=chunk_size, workers=2, placements=where))
        return batches, where

    batches, where = parse_on_dask(3)
    sequential = parse_documents(docs, raw_dir)

    assert len(batches) == -(-len(docs) // 3)
    for table in TABLES:
        assert _rows(batches, table) == _rows([sequential], table), table
    assert sum(b.count("narratives") for b in batches) > 0
    # the chunks ran in the cluster's worker processes, on loopback, and on both of them
    workers = {w for w in where}
    assert all(w.startswith("tcp://127.0.0.1:") for w in workers), workers
    assert len(workers) == 2, workers


@pytest.mark.prefect
def test_parse_stage_in_the_default_process_pool_equals_the_sequential_parse(stored_docs, monkeypatch):
    """`tip run` without --workers: large runs parse in Prefect's ProcessPoolTaskRunner, chunk order kept."""
    from prefect import flow

    from flows.pipeline import parse_chunks

    docs, raw_dir = stored_docs
    monkeypatch.setenv("TIP_PARSE_PROCESSES", "2")  # the default for 400+ documents on a 2-core machine

    @flow(name="parse-in-processes")
    def parse_in_processes(chunk_size: int):
        where: list[str] = []
        batches = list(parse_chunks(docs, raw_dir, chunk_size=chunk_size, placements=where))
        return batches, where

    batches, where = parse_in_processes(2)
    sequential = parse_documents(docs, raw_dir)
    assert where == ["process pool"] * -(-len(docs) // 2)
    # chunk order is document order, as the loader's duplicate rule needs
    assert [r["url"] for b in batches for r in b.parsed] == [r["url"] for r in sequential.parsed]
    for table in TABLES:
        assert _rows(batches, table) == _rows([sequential], table), table


@task(name="api-probe")
def _api_probe() -> tuple[str, int]:
    import psutil
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value()), len(psutil.Process().children(recursive=True))


@pytest.mark.prefect
def test_parse_processes_report_to_the_flows_api_instead_of_starting_their_own():
    """Each process of the pool once started an ephemeral Prefect server of its own (~10 s, ~250 MB)."""
    from prefect import flow
    from prefect.client.orchestration import get_client

    from flows.scale import process_task_runner

    @flow(name="api-of-parse-processes")
    def probe():
        with process_task_runner(2) as pool:
            seen = [f.result() for f in [pool.submit(_api_probe, {}) for _ in range(4)]]
        return str(get_client(sync_client=True).api_url), seen

    flow_api, seen = probe()
    assert flow_api.startswith("http://127.0.0.1:")
    assert seen == [(flow_api, 0)] * 4  # the flow's API, and no server process under the worker


def test_how_many_local_processes_parse():
    import os

    from flows.scale import PROCESS_MIN_DOCS, local_processes

    cores = len(os.sched_getaffinity(0))
    assert local_processes(PROCESS_MIN_DOCS - 1, 10) == 1  # a weekly check's few pages: the flow's process
    assert local_processes(PROCESS_MIN_DOCS * 5, 100) == cores
    assert local_processes(PROCESS_MIN_DOCS * 5, 1) == 1  # never more processes than chunks


def test_scale_options_are_checked_before_anything_starts(tmp_path, capsys):
    from tip.cli import main

    db = str(tmp_path / "x.duckdb")
    assert main(["run", "--workers", "2", "--dask-address", "tcp://127.0.0.1:8786", "--db", db]) == 2
    assert "--workers and --dask-address are exclusive" in capsys.readouterr().err
    assert main(["check", "--dask-address", "127.0.0.1:8786", "--db", db]) == 2
    assert "--dask-address '127.0.0.1:8786': expected a scheduler address like tcp://" in capsys.readouterr().err
    import os

    os.environ["TIP_PARSE_PROCESSES"] = "many"
    try:
        assert main(["run", "--db", db]) == 2
    finally:
        del os.environ["TIP_PARSE_PROCESSES"]
    assert "TIP_PARSE_PROCESSES='many': expected a whole number of processes" in capsys.readouterr().err
    assert main(["run", "--workers", "-1", "--db", db]) == 2
    assert "--workers -1: expected a number of processes" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists() and not (tmp_path / "x.state").exists()


def test_parse_chunks_are_bounded_by_documents_and_by_bytes(tmp_path):
    """A chunk's rows are held whole while parsed and loaded: its pages' size bounds a task's memory."""
    from tip.parse.staging import DocRef, doc_chunks

    store = RawStore(tmp_path)
    docs = [DocRef(f"https://www.state.gov/p{i}", store.put(bytes([i]) * size), 2024, "text/html", "statedept")
            for i, size in enumerate([10, 10, 10, 60, 10, 10, 10])]
    assert [len(c) for c in doc_chunks(docs, tmp_path, 200, max_bytes=50)] == [3, 1, 3]
    assert [len(c) for c in doc_chunks(docs, tmp_path, 2, max_bytes=10_000)] == [2, 2, 2, 1]
    assert [d for c in doc_chunks(docs, tmp_path, 3, max_bytes=50) for d in c] == docs  # order kept
    missing = DocRef("https://www.state.gov/gone", "0" * 64, 2024, "text/html", "statedept")
    assert doc_chunks([missing], tmp_path, 200) == [[missing]]  # parse_documents rejects it with its reason
