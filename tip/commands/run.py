"""tip run: the main job, as Prefect flows."""
from __future__ import annotations

import sys

from . import add_db, add_run_inputs

ORDER = 10


def register(sub) -> None:
    p = sub.add_parser("run", help="fetch -> parse -> validate -> build -> publish (Prefect flows)",
                       description="The main job: fetch the reports, parse them into staging tables, validate them with "
                                   "Great Expectations, build the marts and publish the panel atomically.")
    add_run_inputs(p)
    add_db(p)
    p.add_argument("--year", type=int, metavar="N", help="report year for files that do not say (dir: source)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..config import prefect_env_defaults
    from ..pipeline import RunSummary
    from .. import sources, fetch

    # Check inputs before paying for Prefect's start-up.
    sources.parse_source(args.source)
    sources.validate_mirror(args.mirror)
    sources.parse_years(args.years)
    fetch.resolve_countries(args.countries)
    prefect_env_defaults()
    import importlib

    flows = importlib.import_module("flows.pipeline")  # Prefect lives in flows/, never in tip/
    result = flows.tip_run(years=args.years, countries=args.countries, source=args.source, mirror=args.mirror,
                           db=args.db, rate_per_host=args.rate, year_hint=args.year)
    summary = RunSummary(**result)
    for line in summary.lines():
        print(line)
    return 0
