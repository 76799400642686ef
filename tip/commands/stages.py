"""tip fetch / tip validate / tip build: one stage each on what is already stored (no Prefect)."""
from __future__ import annotations


from tip.commands import add_db, add_run_inputs

ORDER = 20


def register(sub) -> None:
    p = sub.add_parser("fetch", help="fetch stage only: pages -> raw store (no parsing)")
    add_run_inputs(p)
    add_db(p)
    p.set_defaults(func=fetch)

    p = sub.add_parser("validate", help="run the Great Expectations suites on the staging tables and the published marts, print the results")
    add_db(p)
    p.add_argument("--year", type=int, metavar="N", help="report year for stored files that do not say")
    p.add_argument("--reference", metavar="FILE", help="reference tier counts (CSV) for the tier-count check "
                   "(default: $TIP_REFERENCE_TIERS or Kelley's panel in ../shared; 'none' turns it off)")
    p.add_argument("--max-quarantine-share", type=float, metavar="SHARE",
                   help="largest share of rows the run may quarantine or reject (default: $TIP_MAX_QUARANTINE_SHARE or 0.25)")
    p.set_defaults(func=validate)

    p = sub.add_parser("build", help="rebuild from the raw store: parse what is new, validate, build the marts, publish")
    add_db(p)
    p.add_argument("--year", type=int, metavar="N", help="report year for stored files that do not say")
    p.add_argument("--force", action="store_true",
                   help="validate, build and publish even when nothing changed since the published build")
    p.add_argument("--allow-shrink", action="store_true",
                   help="publish even when a report year would hold fewer country-years than the published panel")
    p.set_defaults(func=build)


def _opts(args):
    from tip.pipeline import RunOptions

    return RunOptions(years=getattr(args, "years", None), countries=getattr(args, "countries", None),
                      source=getattr(args, "source", None), mirror=getattr(args, "mirror", None), db=args.db,
                      rate_per_host=getattr(args, "rate", 1.0), year_hint=getattr(args, "year", None),
                      allow_shrink=bool(getattr(args, "allow_shrink", False)))


def fetch(args) -> int:
    from tip.core.config import Paths
    from tip.core.lock import writer_lock
    from tip.pipeline import RunSummary, new_run_id, note_fetch, open_work, stage_fetch, stderr_progress

    opts = _opts(args)
    paths = Paths.for_db(args.db).ensure()
    summary = RunSummary(run_id=new_run_id(), db=str(paths.db))
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = open_work(paths)
        try:
            s = stage_fetch(con, paths, opts, stderr_progress("fetch"))
            note_fetch(con, summary.run_id, summary, s)
        finally:
            con.close()
    print(f"documents: {s.fetched} fetched, {s.unchanged} unchanged, {s.failed} failed, {s.not_found} not found")
    for line in summary.year_lines():
        print(line)
    print(f"raw store: {paths.raw_dir}; run `tip build` to parse and publish")
    return summary.exit_code  # 1: a year reached no source; 3: a year left partial


def validate(args) -> int:
    """Run every suite on demand: staging on the working store (quarantining as a run would), marts
    on the published panel (read-only); print a table; exit 1 when a critical expectation fails."""
    from tip.core.config import Paths
    from tip.core.lock import writer_lock
    from tip.pipeline import new_run_id, open_work, stage_parse, stderr_progress
    from tip.quality.validate import validate as run_validation
    from tip.quality.validate import validate_published

    from tip.quality.validate import check_options

    check_options(max_quarantine_share=args.max_quarantine_share, reference=args.reference)  # before paying for GX
    paths = Paths.for_db(args.db).ensure()
    run_id = new_run_id()
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = open_work(paths)
        try:
            stage_parse(con, paths, stderr_progress("parse"), args.year)
            report = run_validation(con, run_id, max_quarantine_share=args.max_quarantine_share)
            marts = validate_published(con, paths, run_id, reference=args.reference)
        finally:
            con.close()
    if marts is not None:
        report = marts
    else:
        report.notes.append(f"mart suites not run: no published panel at {paths.db} yet (run `tip build`)")
    print(report.table())
    print()
    print(f"verdict: {report.verdict()}")
    if report.report_path:
        print(f"report: {report.report_path}")
    if not report.passed:
        print(report.failure_message())
        return 1
    return 0


def build(args) -> int:
    from tip.pipeline import run_plain

    summary = run_plain(_opts(args), do_fetch=False, force=args.force)
    for line in summary.lines():
        print(line)
    return summary.exit_code
