"""Deployment entry point: the yearly full rebuild (prefect.yaml: tip-full-rebuild/yearly-rebuild).

Every report year is asked for again (conditional requests: unchanged pages cost a 304), every
stored document is re-parsed from the raw store with the current parser, and the panel is
validated, rebuilt and published. Scheduled in the weeks after the report's usual summer release.
"""
from __future__ import annotations

from flows.pipeline import run_pipeline  # first: sets Prefect's offline defaults before prefect loads
from prefect import flow


@flow(name="tip-full-rebuild", log_prints=False, validate_parameters=True, timeout_seconds=12 * 3600)
def full_rebuild(
    years: str | int | None = None,
    mirror: str | None = None,
    db: str | None = None,
    rate_per_host: float = 1.0,
    reparse: bool = True,
    workers: int = 0,
    dask_address: str | None = None,
    writer_limit: str | None = None,
    allow_shrink: bool = False,
) -> dict:
    """Full rebuild: fetch every report year (conditionally), re-parse everything, validate, publish.

    years: empty for 2001 to this year. reparse: parse every stored document again, not only new ones.
    allow_shrink: publish even when a report year would hold fewer country-years than the published panel.
    """
    return run_pipeline(years=str(years) if years is not None else None, mirror=mirror, db=db, rate_per_host=rate_per_host, reparse=reparse,
                        workers=workers, dask_address=dask_address, writer_limit=writer_limit,
                        artifact_key="tip-full-rebuild", command="full-rebuild", allow_shrink=allow_shrink)
