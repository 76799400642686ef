"""tip run / tip check: the main job and the weekly check, as Prefect flows (ad hoc: a Prefect API started for
the run, first thing, as Prefect's ephemeral one; or the one PREFECT_API_URL / `tip server` gives)."""
from __future__ import annotations

from tip.commands import add_db, add_run_inputs

ORDER = 10


def _add_scale(p) -> None:
    g = p.add_argument_group("scale-out (parse stage on Dask; loading stays in this process, the one DuckDB writer)")
    g.add_argument("--workers", type=int, default=0, metavar="N",
                   help="parse on a local Dask cluster of N processes bound to 127.0.0.1 (default 0: no Dask; large runs parse in a local process pool, one process per core, TIP_PARSE_PROCESSES=N sets the count)")
    g.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="parse on an existing Dask cluster (its scheduler's address); see docs/performance.md")


def _add_shrink(p) -> None:
    p.add_argument("--allow-shrink", action="store_true",
                   help="publish even when a report year would hold fewer country-years than the published panel "
                        "(refused by default: the no_shrink expectation)")


EPILOG = ("exit codes: 0 published (or already current), every requested year whole; 1 nothing published "
          "(a requested year reached no source, or a critical expectation failed); 2 bad input or the panel is busy; "
          "3 published, but a requested year was left partial (pages failed; run again)")


def register(sub) -> None:
    p = sub.add_parser("run", help="fetch -> parse -> validate -> build -> publish (Prefect flows)",
                       description="The main job: fetch the reports, parse them into staging tables, validate them with "
                                   "Great Expectations, build the marts and publish the panel atomically.",
                       epilog=EPILOG)
    add_run_inputs(p)
    add_db(p)
    p.add_argument("--year", type=int, metavar="N", help="report year for files that do not say (dir: source)")
    p.add_argument("--reparse", action="store_true", help="parse every stored document again, not only new or changed ones")
    p.add_argument("--force", action="store_true",
                   help="validate, build and publish even when nothing changed since the published build")
    _add_shrink(p)
    _add_scale(p)
    p.set_defaults(func=run)

    p = sub.add_parser("check", help="the weekly check: the newest stored report year, and whether a newer one appeared",
                       description="Incremental check (what the weekly deployment runs): asks again only for the newest "
                                   "report year already stored (conditional requests) and probes for a newer report year; "
                                   "past years are left alone. Then parses what changed, validates and publishes.",
                       epilog=EPILOG)
    p.add_argument("--countries", metavar="NAME,...", help="only these countries' pages")
    p.add_argument("--mirror", metavar="URL", help="serve https://HOST/PATH from URL/HOST/PATH (a local copy of the sites)")
    p.add_argument("--rate", type=float, default=1.0, metavar="REQ_PER_S", help="requests per second per host (default 1; 0 = no limit)")
    add_db(p)
    _add_shrink(p)
    _add_scale(p)
    p.set_defaults(func=check)


def _check_common(args) -> None:
    """Check inputs before paying for Prefect's start-up (one line per bad input)."""
    from tip.fetch import crawl as fetch
    from tip.fetch import sources
    from tip.core.errors import UserError

    sources.validate_mirror(args.mirror)
    fetch.resolve_countries(args.countries)
    if args.rate is not None and args.rate < 0:
        raise UserError(f"--rate {args.rate}: expected requests per second >= 0 (0 = no limit)")
    # flows/scale.py holds the same check; it is importable without Prefect
    from flows.scale import check_options

    check_options(args.workers, args.dask_address)


def _print(result: dict) -> int:
    """Print the run's summary; the exit code says whether every requested year was whole (0) or
    one was left partial (3)."""
    from tip.pipeline import RunSummary

    summary = RunSummary(**result)
    for line in summary.lines():
        print(line)
    return summary.exit_code


def _early_api() -> bool:
    """Prefect's API for this run, started before Prefect and the flows are imported (flows/api.py):
    its start overlaps the imports. Nothing when PREFECT_API_URL or a `tip server` gives one."""
    from tip.core.config import prefect_env_defaults

    prefect_env_defaults()
    from flows.api import start_early

    return start_early() is not None


def _flow(call) -> int:
    """Run a flow; a requested year that reached no source prints the summary and exits 1."""
    import sys

    from flows.api import wait_ready
    from tip.core.errors import SourcesUnreachable

    wait_ready()
    try:
        return _print(call())
    except SourcesUnreachable as exc:
        if exc.summary is not None:
            for line in exc.summary.lines():
                print(line)
        print(f"tip: {exc}", file=sys.stderr)
        return 1


def run(args) -> int:
    from tip.fetch import sources
    from tip.core.config import prefect_env_defaults

    sources.parse_source(args.source)
    sources.parse_years(args.years)
    _check_common(args)
    prefect_env_defaults()
    _early_api()
    import importlib
    import os

    flows = importlib.import_module("flows.pipeline")  # Prefect lives in flows/, never in tip/
    # a run usually validates: GX's import (seconds) while the API is still starting, not later
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from flows.api import import_while_starting

    import_while_starting("great_expectations")
    return _flow(lambda: flows.tip_run(years=args.years, countries=args.countries, source=args.source, mirror=args.mirror,
                                       db=args.db, rate_per_host=args.rate, year_hint=args.year, reparse=args.reparse,
                                       workers=args.workers, dask_address=args.dask_address, force=args.force,
                                       allow_shrink=args.allow_shrink))


def check(args) -> int:
    from tip.core.config import prefect_env_defaults

    _check_common(args)
    prefect_env_defaults()
    _early_api()
    import importlib

    weekly = importlib.import_module("flows.weekly")
    return _flow(lambda: weekly.weekly_check(mirror=args.mirror, db=args.db, countries=args.countries,
                                             rate_per_host=args.rate, workers=args.workers,
                                             dask_address=args.dask_address, allow_shrink=args.allow_shrink))
