"""Scale-out for the parse stage: Prefect's DaskTaskRunner (prefect-dask), chosen at run time.

* ``workers=N``: a Dask LocalCluster of N worker processes (one thread each: parsing is pure
  Python), bound to 127.0.0.1, its HTTP/dashboard server on a free loopback port.
* ``dask_address='tcp://HOST:8786'``: an existing cluster's scheduler (`dask scheduler` plus
  `dask worker` on several machines). Its workers need this project installed (same commit),
  the raw store readable at the same path (the parse tasks read documents by sha256 from it),
  and ``PREFECT_API_URL`` pointing at the Prefect server the flow reports to.
* Neither: None, and the flow's own thread pool runs the parse tasks.

Only parsing moves: task arguments are lists of DocRef dataclasses and str paths (picklable),
results are ParsedBatch rows; the DuckDB work store is written by the flow's process alone.
Ray is deliberately not offered: it listens on every interface.
"""
from __future__ import annotations

import logging
import re

from tip.errors import UserError

_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
MAX_LOCAL_WORKERS = 64


def check_options(workers: int | None, dask_address: str | None) -> None:
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
