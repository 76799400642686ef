"""Deployment entry point: the weekly incremental check (prefect.yaml: tip-weekly-check/weekly).

Looks only at the newest stored report (its index and country pages, with conditional requests)
and probes for a newer report year; past years live on archive hosts and are left alone. With
nothing changed it makes only conditional requests (plus the probes), parses nothing, and says so.
"""
from __future__ import annotations

from flows.pipeline import run_pipeline  # first: sets Prefect's offline defaults before prefect loads
from prefect import flow


@flow(name="tip-weekly-check", log_prints=False, validate_parameters=True, timeout_seconds=4 * 3600)
def weekly_check(
    mirror: str | None = None,
    db: str | None = None,
    countries: str | None = None,
    rate_per_host: float = 1.0,
    workers: int = 0,
    dask_address: str | None = None,
    writer_limit: str | None = None,
    allow_shrink: bool = False,
) -> dict:
    """Weekly check for new or changed pages: the newest stored report year, and whether a newer one appeared.

    mirror: a base URL standing in for the State Department hosts. db: the published panel.
    writer_limit: the Prefect global concurrency limit that serialises writing runs (deployments: tip-writer).
    allow_shrink: publish even when a report year would hold fewer country-years than the published panel.
    """
    return run_pipeline(check=True, mirror=mirror, db=db, countries=countries, rate_per_host=rate_per_host,
                        workers=workers, dask_address=dask_address, writer_limit=writer_limit,
                        artifact_key="tip-weekly-check", command="weekly-check", allow_shrink=allow_shrink)
