"""Deployment entry point: an on-demand backfill by year range (prefect.yaml: tip-backfill/backfill).

Past years live on archive hosts; they are fetched only here (or by the yearly rebuild), never by
the weekly check. Pages already held are asked for conditionally, so re-running a backfill is cheap.
"""
from __future__ import annotations

from flows.pipeline import run_pipeline  # first: sets Prefect's offline defaults before prefect loads
from prefect import flow

from tip.core.errors import UserError


@flow(name="tip-backfill", log_prints=False, validate_parameters=True, timeout_seconds=12 * 3600)
def backfill(
    years: str | int,
    countries: str | None = None,
    mirror: str | None = None,
    db: str | None = None,
    rate_per_host: float = 1.0,
    workers: int = 0,
    dask_address: str | None = None,
    writer_limit: str | None = None,
    allow_shrink: bool = False,
) -> dict:
    """Backfill report years: fetch them, parse what is new, validate, publish.

    years: required, e.g. '2001-2012' or '2004,2010'. countries: limit the per-country pages.
    allow_shrink: publish even when a report year would hold fewer country-years than the published panel.
    """
    years = str(years).strip()  # `--param years=2004` arrives as a JSON number
    if not years:
        raise UserError("years: a backfill needs report years, e.g. '2001-2012' (the yearly rebuild does them all)")
    return run_pipeline(years=years, countries=countries, mirror=mirror, db=db, rate_per_host=rate_per_host,
                        workers=workers, dask_address=dask_address, writer_limit=writer_limit,
                        artifact_key="tip-backfill", command="backfill", allow_shrink=allow_shrink)
