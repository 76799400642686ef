"""One measurement per process: ``python -m bench.measure STEP --out RESULT.json [...]``.

Run by ``bench/run.py`` (which samples the process tree's memory from outside); each step also
records its own peak RSS (``resource.getrusage``) and wall time from process start, so a figure
includes its imports and start-up, as a user's run does.

Steps:
  fetch            plain fetch stage as `tip fetch` runs it (tip.pipeline.stage_fetch, then note_fetch: each
                   year's coverage recorded, as every fetching command does), no Prefect
  plain            the bare rebuild from the raw store, stage by stage, no Prefect: parse (the plain
                   function tip.parse.staging.parse_documents), load (tip.parse.staging.load_parsed), validate
                   (GX), build + publish; the parse and load calls are timed one by one
  gx-startup       GX's fixed cost: import + validate() on empty staging tables
  prefect-startup  Prefect's fixed cost: import + one trivial flow run (ephemeral API start)
  flow             flows.pipeline.tip_run (parse, validate, build, publish; fetch when asked)
"""
from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def code_version() -> dict:
    """The code a figure was measured on: a run whose steps saw different code is flagged by bench/run.py."""
    import subprocess

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=str(ROOT), capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = git("status", "--porcelain", "--", "tip", "flows", "sql", "expectations")
    try:
        from tip.parse import PARSER_VERSION
    except Exception:  # pragma: no cover
        PARSER_VERSION = "?"
    return {"git_head": git("rev-parse", "--short", "HEAD"), "code_dirty": bool(dirty), "parser_version": PARSER_VERSION}


def _write(out: Path, result: dict) -> None:
    result.setdefault("wall", round(time.perf_counter() - T_START, 3))
    result["self_peak_mb"] = round(_peak_mb(), 1)
    result.update(code_version())
    out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


class Timers:
    """Wrap named functions (module attribute by attribute) to add up their calls, seconds and peak RSS.

    The stages stay the real ones (tip.pipeline, flows.pipeline); only the time and memory spent
    inside each wrapped function is attributed, so the breakdown follows the code as it changes.
    """

    def __init__(self):
        self.stats: dict[str, dict] = {}

    def wrap(self, module, *names: str, label: str | None = None) -> None:
        for name in names:
            fn = getattr(module, name, None)
            if fn is None or getattr(fn, "_bench_wrapped", False):
                continue
            key = label or name
            st = self.stats.setdefault(key, {"calls": 0, "seconds": 0.0, "peak_mb_after": 0.0})

            def wrapper(*a, __fn=fn, __st=st, **kw):
                t0 = time.perf_counter()
                try:
                    return __fn(*a, **kw)
                finally:
                    __st["calls"] += 1
                    __st["seconds"] += time.perf_counter() - t0
                    __st["peak_mb_after"] = round(_peak_mb(), 1)

            wrapper._bench_wrapped = True
            wrapper.__wrapped__ = fn
            wrapper.__name__ = getattr(fn, "__name__", name)
            setattr(module, name, wrapper)

    def result(self) -> dict:
        return {k: {**v, "seconds": round(v["seconds"], 3)} for k, v in self.stats.items() if v["calls"]}


def _stage_timers() -> Timers:
    import tip.pipeline as tp

    t = Timers()
    t.wrap(tp, "validate", label="validate_staging")
    t.wrap(tp, "build_candidate", "validate_candidate", "check_candidate", "publish")
    return t


def _quiet(stage: str):
    def _p(msg: str) -> None:
        print(f"[{stage}] {msg}", file=sys.stderr, flush=True)

    return _p


def step_fetch(args) -> dict:
    from tip.core.config import Paths
    from tip.core.lock import writer_lock
    from tip.pipeline import RunOptions, RunSummary, new_run_id, note_fetch, open_work, stage_fetch

    opts = RunOptions(years=args.years, source="statedept", mirror=args.mirror, db=args.db, rate_per_host=args.rate)
    paths = Paths.for_db(args.db).ensure()
    t0 = time.perf_counter()
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = open_work(paths)
        try:
            s = stage_fetch(con, paths, opts, _quiet("fetch"))
            # what `tip fetch` and `tip run` also do: record each year's coverage (meta.year_fetches). Without
            # it the rebuilt panel held no coverage and the first weekly check's coverage row of the newest
            # year was a change of the build's inputs: it validated and rebuilt although nothing had changed
            note_fetch(con, new_run_id(), RunSummary(run_id="bench", db=str(paths.db)), s)
            nbytes = con.execute("SELECT coalesce(sum(bytes), 0) FROM raw.documents WHERE status = 200").fetchone()[0]
        finally:
            con.close()
    return {"stage_seconds": round(time.perf_counter() - t0, 3), "requested": s.requested, "fetched": s.fetched,
            "unchanged": s.unchanged, "failed": s.failed, "not_found": s.not_found, "years_missing": s.years_missing,
            "bytes": int(nbytes)}


def step_plain(args) -> dict:
    """The bare figures: the plain functions in one process, no orchestration."""
    from tip.core.config import Paths
    from tip.parse.staging import doc_chunks, load_parsed, parse_documents, pending_documents
    from tip.core.lock import writer_lock
    from tip.pipeline import PARSE_CHUNK, RunOptions, new_run_id, open_work, stage_build_publish, stage_validate

    paths = Paths.for_db(args.db).ensure()
    res: dict = {"import_seconds": round(time.perf_counter() - T_START, 3)}
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = open_work(paths)
        try:
            docs = pending_documents(con)
            sizes = dict(con.execute("SELECT sha256, max(bytes) FROM raw.documents WHERE sha256 IS NOT NULL GROUP BY 1").fetchall())
            t_parse = t_load = 0.0
            n_narr = n_rej = 0
            text_chars = 0
            for c in doc_chunks(docs, paths.raw_dir, PARSE_CHUNK):
                t0 = time.perf_counter()
                batch = parse_documents(c, str(paths.raw_dir))
                t1 = time.perf_counter()
                counts = load_parsed(con, batch)
                t2 = time.perf_counter()
                t_parse += t1 - t0
                t_load += t2 - t1
                n_narr += counts["narratives"]
                n_rej += counts["rejects"]
                text_chars += sum(n["text_length"] for n in batch.narratives)
                del batch
            res["parse_peak_mb"] = round(_peak_mb(), 1)
            res.update(documents=len(docs), bytes=int(sum(sizes.get(d.sha256) or 0 for d in docs)),
                       narratives_parsed=n_narr, parse_rejects=n_rej, text_chars=text_chars,
                       parse_seconds=round(t_parse, 3), load_seconds=round(t_load, 3))
            res["staging"] = dict(con.execute(
                "SELECT 'narratives', count(*) FROM staging.narratives UNION ALL SELECT 'measures', count(*) FROM staging.measures "
                "UNION ALL SELECT 'partners', count(*) FROM staging.partners UNION ALL SELECT 'rejects', count(*) FROM staging.rejects"
            ).fetchall())
            t0 = time.perf_counter()
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations  # noqa: F401  (its import is GX's fixed cost, timed on its own)

            res["gx_import_seconds"] = round(time.perf_counter() - t0, 3)
            timers = _stage_timers()
            run_id = new_run_id()
            t0 = time.perf_counter()
            report = stage_validate(con, run_id, RunOptions(db=args.db), _quiet("validate"))
            res["validate_seconds"] = round(time.perf_counter() - t0, 3)
            res["validation"] = report.verdict()
            if not report.passed:
                res["error"] = f"validation failed: {report.failure_message()[:400]}"
            t0 = time.perf_counter()
            if report.passed:
                result = stage_build_publish(con, paths, run_id, _quiet("publish"))
                res["marts"] = {k: v for k, v in result.rows.items() if k.startswith("marts.")}
            res["build_publish_seconds"] = round(time.perf_counter() - t0, 3)
            res["breakdown"] = timers.result()
        finally:
            con.close()
    return res


def step_gx_startup(args) -> dict:
    from tip.core.config import Paths
    from tip.pipeline import open_work

    paths = Paths.for_db(args.db).ensure()
    con = open_work(paths)
    try:
        t0 = time.perf_counter()
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations  # noqa: F401

        t1 = time.perf_counter()
        from tip.quality.validate import validate

        report = validate(con, "gx-startup")
        t2 = time.perf_counter()
    finally:
        con.close()
    return {"gx_import_seconds": round(t1 - t0, 3), "gx_empty_validate_seconds": round(t2 - t1, 3),
            "gx_total_seconds": round(t2 - t0, 3), "verdict": report.verdict()}


def step_prefect_startup(args) -> dict:
    t0 = time.perf_counter()
    from tip.core.config import prefect_env_defaults

    prefect_env_defaults()
    from prefect import flow

    t1 = time.perf_counter()

    @flow(name="bench-noop")
    def noop() -> int:
        return 1

    noop()
    t2 = time.perf_counter()
    import flows.pipeline  # noqa: F401  (the project's flow module on top of prefect)

    t3 = time.perf_counter()
    return {"prefect_import_seconds": round(t1 - t0, 3), "first_flow_run_seconds": round(t2 - t1, 3),
            "flows_module_import_seconds": round(t3 - t2, 3), "prefect_total_seconds": round(t3 - t0, 3)}


def step_flow(args) -> dict:
    """A flow run as `tip run` / `tip check` start it: the run's Prefect API first (flows/api.py;
    none when PREFECT_API_URL names a server), the flows imported meanwhile; the process exits as
    the `tip` executable does (tip.cli.entry: exit handlers, then no teardown)."""
    t0 = time.perf_counter()
    from tip.core.config import prefect_env_defaults

    prefect_env_defaults()
    from flows import api

    api.allow()
    api.start_early()
    import importlib

    flows = importlib.import_module("flows.pipeline")
    weekly = importlib.import_module("flows.weekly") if args.flow == "weekly" else None
    if args.flow == "run":  # as tip.commands.run.run does
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        api.import_while_starting("great_expectations")
    api.wait_ready()
    global QUICK_EXIT
    QUICK_EXIT = True
    t1 = time.perf_counter()
    timers = _stage_timers()
    timers.wrap(flows, "parse_documents", "load_parsed", "pending_documents")
    import tip.fetch.crawl as tf

    timers.wrap(tf, "fetch_year", "check_latest")
    target = weekly.weekly_check if weekly else flows.tip_run
    params = inspect.signature(target.fn).parameters
    kw = dict(years=args.years, db=args.db, source="statedept", mirror=args.mirror, rate_per_host=args.rate,
              fetch=bool(args.fetch))
    res: dict = {"import_seconds": round(t1 - t0, 3)}
    if args.workers is not None:
        if "workers" not in params:
            return {"skipped": f"{target.name} has no 'workers' parameter (yet)"}
        kw["workers"] = args.workers
    for extra in args.param or []:
        k, _, v = extra.partition("=")
        if k not in params:
            return {"skipped": f"{target.name} has no {k!r} parameter (yet)"}
        kw[k] = json.loads(v) if v[:1] in "[{0123456789tfn\"" else v
    kw = {k: v for k, v in kw.items() if k in params}
    summary = target(**kw)
    t2 = time.perf_counter()
    res.update(flow=target.name, flow_seconds=round(t2 - t1, 3), params={k: v for k, v in kw.items() if k != "db"},
               summary=summary, breakdown=timers.result())
    return res


STEPS = {"fetch": step_fetch, "plain": step_plain, "gx-startup": step_gx_startup,
         "prefect-startup": step_prefect_startup, "flow": step_flow}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.measure")
    ap.add_argument("step", choices=sorted(STEPS))
    ap.add_argument("--out", required=True, type=Path, help="where to write the JSON result")
    ap.add_argument("--db", help="the panel file (its state folder sits next to it)")
    ap.add_argument("--years")
    ap.add_argument("--mirror")
    ap.add_argument("--rate", type=float, default=0.0)
    ap.add_argument("--fetch", action="store_true")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--flow", choices=["run", "weekly"], default="run", help="flows.pipeline.tip_run or flows.weekly.weekly_check")
    ap.add_argument("--param", action="append", help="extra tip_run parameter NAME=VALUE (skipped if the flow lacks it)")
    args = ap.parse_args(argv)
    try:
        result = STEPS[args.step](args)
    except BaseException as exc:  # record the failure as a result: the runner shows it in the table
        import traceback

        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {str(exc)[:500]}"}
        _write(args.out, result)
        return 1
    _write(args.out, result)
    return 0


QUICK_EXIT = False  # set by the steps that run as the `tip` executable does


if __name__ == "__main__":
    rc = main()
    if QUICK_EXIT:
        from tip.cli import _quick_exit

        _quick_exit(rc)
    sys.exit(rc)
