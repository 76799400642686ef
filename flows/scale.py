"""Scale-out for the parse stage: Prefect's DaskTaskRunner (prefect-dask), chosen at run time.

* ``workers=N``: a Dask LocalCluster of N worker processes (one thread each: parsing is pure
  Python), bound to 127.0.0.1, its HTTP/dashboard server on a free loopback port.
* ``dask_address='tcp://HOST:8786'``: an existing cluster's scheduler (`dask scheduler` plus
  `dask worker` on several machines). Its workers need this project installed (same commit),
  the raw store readable at the same path (the parse tasks read documents by sha256 from it),
  and ``PREFECT_API_URL`` pointing at the Prefect server the flow reports to.
* Neither: with at least ``PROCESS_MIN_DOCS`` documents and more than one core, Prefect's
  ProcessPoolTaskRunner with one process per core (``TIP_PARSE_PROCESSES`` overrides the count;
  1 keeps parsing in the flow's own process). Fewer documents are not worth the few seconds a
  process takes to import the parser, and parse in the flow's process.

Only parsing moves: task arguments are lists of DocRef dataclasses and str paths (picklable),
results are ParsedBatch rows; the DuckDB work store is written by the flow's process alone.
Ray is deliberately not offered: it listens on every interface.
"""
from __future__ import annotations

import logging
import os
import re

from tip.core.errors import UserError

_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
MAX_LOCAL_WORKERS = 64
PROCESS_MIN_DOCS = 400


def env_processes() -> int | None:
    """``TIP_PARSE_PROCESSES`` as a number, None when unset; a clear error when it is not one."""
    raw = os.environ.get("TIP_PARSE_PROCESSES", "").strip()
    if not raw:
        return None
    try:
        wanted = int(raw)
    except ValueError:
        raise UserError(f"TIP_PARSE_PROCESSES={raw!r}: expected a whole number of processes (1 = parse in the flow's process)") from None
    if wanted < 1 or wanted > MAX_LOCAL_WORKERS:
        raise UserError(f"TIP_PARSE_PROCESSES={raw!r}: expected a number of processes between 1 and {MAX_LOCAL_WORKERS}")
    return wanted


def local_processes(n_docs: int, n_chunks: int) -> int:
    """How many local processes parse ``n_docs`` documents in ``n_chunks`` chunks (1 = the flow's own)."""
    wanted = env_processes()
    if wanted is None:
        if n_docs < PROCESS_MIN_DOCS:
            return 1
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            wanted = os.cpu_count() or 1
    return max(1, min(wanted, n_chunks))


def process_task_runner(processes: int):
    """Prefect's process pool for the parse tasks (pure functions of picklable arguments).

    Must be called inside a flow run: each process is told the API URL of the run's Prefect server
    (an ad-hoc run's ephemeral one included). Without it every process started an ephemeral API
    server of its own (about 10 s and 250 MB each; measured by bench/run.py).
    """
    from prefect.client.orchestration import get_client
    from prefect.task_runners import ProcessPoolTaskRunner

    api_url = str(get_client(sync_client=True).api_url)
    return ProcessPoolTaskRunner(max_workers=processes, initializer=_use_api, initargs=(api_url,))


def _use_api(api_url: str) -> None:
    """Run first in each parse process, before Prefect is imported there."""
    os.environ["PREFECT_API_URL"] = api_url


def check_options(workers: int | None, dask_address: str | None) -> None:
    env_processes()
    if workers and dask_address:
        raise UserError("--workers and --dask-address are exclusive: --workers starts a local cluster, "
                        "--dask-address uses an existing one")
    if workers is not None and (workers < 0 or workers > MAX_LOCAL_WORKERS):
        raise UserError(f"--workers {workers}: expected a number of processes between 1 and {MAX_LOCAL_WORKERS} (0 = no Dask)")
    if dask_address and not _ADDRESS.match(dask_address):
        raise UserError(f"--dask-address {dask_address!r}: expected a scheduler address like tcp://10.0.0.5:8786")


def parse_task_runner(workers: int | None = 0, dask_address: str | None = None, *, validate_only: bool = False):
    """A DaskTaskRunner for the parse stage, or None for the flow's default runner.

    Must be called inside a flow run when a local cluster is asked for: its workers are told the
    API URL of the run's Prefect server (an ad-hoc run's ephemeral one included), so they report
    task runs there instead of each starting a temporary server of their own.
    """
    check_options(workers, dask_address)
    if validate_only or not (workers or dask_address):
        return None
    from prefect_dask import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    from prefect.client.orchestration import get_client

    api_url = str(get_client(sync_client=True).api_url)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": int(workers),
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",
        "silence_logs": logging.WARNING,
        "env": {"PREFECT_API_URL": api_url},
    })
