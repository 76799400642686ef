"""What the quality gate costs per run: GX import, context set-up, and each suite.

    uv run python -m bench.bench_validation                   # full panel 2001-2025 (first run builds it: ~10 min)
    uv run python -m bench.bench_validation --years 2013-2015 # a smaller panel
    uv run python -m bench.bench_validation --repeat 5        # more repetitions of the in-process steps

Run by hand, never in the test suite. The panel is the SYNTHETIC copy of every report year that
bench/corpus.py writes (countries and tiers of the real Kelley panel, narratives from templates;
no real report text), fetched from 127.0.0.1 and parsed by the plain pipeline once; the working
store is kept under bench/out/validation-<years>/ and copied for every measurement, so each
validation sees the same rows (validation quarantines, and so changes, its store).

Every figure is printed next to a baseline measured in the same process, with the ratio:

* import: a fresh interpreter importing GX, against one importing what every run already
  imports (duckdb, pandas, yaml, tip.pipeline);
* context: the ephemeral GX context and its pandas data source, against opening the DuckDB
  working store;
* each suite: GX validating the suite's DataFrame, against taking that DataFrame out of DuckDB;
* the whole gate: staging (``tip.quality.validate.validate``) plus marts (``validate_candidate``) in a
  warm process, against the build of the candidate (``tip.marts.build.build_candidate``), the stage it
  guards.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _fresh_import(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        res = subprocess.run(
            [sys.executable, "-c", f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"],
            capture_output=True, text=True, cwd=str(ROOT), env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
        if res.returncode != 0:
            raise SystemExit(f"import measurement failed: {res.stderr.strip().splitlines()[-1]}")
        times.append(float(res.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def _timed(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def prepare(years: str, out: Path) -> Path:
    """The synthetic panel's working store (built once, then reused)."""
    from bench import corpus
    from tests.support.siteserver import SiteServer
    from tip.fetch import sources
    from tip.core.config import Paths
    from tip.pipeline import RunOptions, open_work, stage_fetch, stage_parse

    folder = out / f"validation-{years}"
    work = folder / "tip.state" / "work.duckdb"
    stamp = folder / "prepared.json"
    if stamp.exists() and work.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    ys = sources.parse_years(years, latest=corpus.LATEST)
    site = out / f"validation-site-{years}"
    print(f"generating the synthetic site for {years} ...", flush=True)
    corpus.generate(site, 1, range(ys[0], ys[-1] + 1), progress=lambda *a, **k: None)
    paths = Paths.for_db(folder / "tip.duckdb")
    t0 = time.perf_counter()
    with SiteServer(site) as srv:
        con = open_work(paths)
        try:
            stage_fetch(con, paths, RunOptions(years=years, mirror=srv.url, db=str(paths.db), rate_per_host=0))
            t1 = time.perf_counter()
            counts = stage_parse(con, paths)
            t2 = time.perf_counter()
        finally:
            con.close()
    stamp.write_text(json.dumps({"years": years, "fetch_s": t1 - t0, "parse_s": t2 - t1, **counts}), encoding="utf-8")
    shutil.rmtree(site, ignore_errors=True)
    return folder


def _copy(folder: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("builds", "validation", "writer.lock"))
    return dest / "tip.duckdb"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_validation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", default="2001-2025", help="report years of the synthetic panel (default 2001-2025)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (median; default 3)")
    ap.add_argument("--out", type=Path, default=OUT, help="where the panel and results live (default bench/out)")
    args = ap.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ["TIP_REFERENCE_TIERS"] = os.environ.get("TIP_REFERENCE_TIERS", "")  # default reference unless set
    if not os.environ["TIP_REFERENCE_TIERS"]:
        del os.environ["TIP_REFERENCE_TIERS"]
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, float, str, float]] = []   # (what, seconds, baseline label, baseline seconds)

    # 1. import, in fresh interpreters
    base_imp = _fresh_import("import duckdb, pandas, yaml, tip.pipeline", args.repeat)
    gx_imp = _fresh_import("import duckdb, pandas, yaml, tip.pipeline; import great_expectations, "
                           "great_expectations.expectations", args.repeat) - base_imp
    rows.append(("import great_expectations (fresh interpreter)", gx_imp, "import duckdb, pandas, yaml, tip.pipeline", base_imp))

    folder = prepare(args.years, args.out)
    info = json.loads((folder / "prepared.json").read_text(encoding="utf-8"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    try:
        import duckdb

        import tip.quality.validate as V
        from tip.marts.build import build_candidate
        from tip.core.config import Paths
        from tip.core.db import connect_work
        from tip.quality.frames import FRAMES, FrameContext

        db = _copy(folder, scratch / "ctx")
        paths = Paths.for_db(db)

        # 2. context set-up (GX already imported), against opening the working store
        V._session("warm-up")  # pays the import in this process
        t_open, con = _timed(lambda: connect_work(paths.work_db), 1)
        con.close()
        base_open = _timed(lambda: connect_work(paths.work_db).close(), args.repeat)[0]
        ctx_s = _timed(lambda: V._Session(f"ctx-{time.perf_counter()}"), args.repeat)[0]
        rows.append(("GX ephemeral context + pandas data source", ctx_s, "open the DuckDB working store", base_open))

        # 3. each staging suite: GX on its DataFrame, against taking the DataFrame out of DuckDB
        con = duckdb.connect(str(paths.work_db), read_only=True)
        session = V._session("per-suite")
        n_rows = {}
        try:
            for spec in V.load_suites(stage="staging"):
                params = dict(spec.get("params") or {})
                if spec.get("frame"):
                    get = lambda spec=spec, params=params: FRAMES[spec["frame"]](FrameContext(con=con, params=params))
                else:
                    get = lambda spec=spec, params=params: V._query_frame(con, spec.get("query") or f"SELECT * FROM {spec['table']}", params)
                t_df, df = _timed(get, args.repeat)
                df = V._gx_frame(df)
                n_rows[spec["suite"]] = len(df)
                key = [c for c in list(spec.get("key") or []) + list(spec.get("show") or []) if c in df.columns]
                ctxv = {**V._template_values(), **params}
                t_gx = _timed(lambda: session.run(spec["suite"], spec["expectations"], df, ctxv, key), args.repeat)[0]
                rows.append((f"suite {spec['suite']}: {len(spec['expectations'])} expectations, {len(df):,} rows", t_gx,
                             "its DataFrame out of DuckDB", t_df))
        finally:
            con.close()

        # 4. the whole gate in a warm process, against the build it guards
        def staging_run(i=[0]):
            i[0] += 1
            d = _copy(folder, scratch / f"s{i[0]}")
            c = connect_work(Paths.for_db(d).work_db)
            try:
                t = time.perf_counter()
                r = V.validate(c, f"bench-s{i[0]}")
                return time.perf_counter() - t, r
            finally:
                c.close()

        runs = [staging_run() for _ in range(args.repeat)]
        t_staging = statistics.median(r[0] for r in runs)
        report = runs[-1][1]

        d = _copy(folder, scratch / "build")
        bpaths = Paths.for_db(d)
        c = connect_work(bpaths.work_db)
        try:
            V.validate(c, "bench-b")
            builds = []
            for i in range(args.repeat):
                t = time.perf_counter()
                b = build_candidate(c, bpaths, f"bench-b{i}")
                builds.append(time.perf_counter() - t)
            t_build = statistics.median(builds)
            marts_times = []
            for i in range(args.repeat):
                t = time.perf_counter()
                mreport = V.validate_candidate(b.candidate, f"bench-m{i}", con=c, paths=bpaths)
                marts_times.append(time.perf_counter() - t)
            t_marts = statistics.median(marts_times)
        finally:
            c.close()
        for k, v in mreport.timings.items():
            if k.startswith("marts: "):
                rows.append((f"suite {k[7:]} (on the candidate)", v, "", 0.0))
        rows.append(("gate: staging suites, warm process (incl. quarantine, report)", t_staging, "build the candidate", t_build))
        rows.append(("gate: mart suites on the candidate (incl. report)", t_marts, "build the candidate", t_build))
        rows.append(("gate per run, warm: staging + marts + context", t_staging + t_marts + ctx_s, "build the candidate", t_build))
        rows.append(("gate per run, cold process: + GX import", t_staging + t_marts + ctx_s + gx_imp, "build the candidate", t_build))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    narratives = info.get("narratives")
    print()
    print(f"quality gate cost, synthetic panel {args.years}: {narratives:,} narratives parsed "
          f"({info.get('documents', '?')} documents); staging rows: "
          + ", ".join(f"{k} {v:,}" for k, v in n_rows.items() if k != "quarantine"))
    print(f"verdict on the synthetic panel: staging {report.verdict()}; marts {mreport.verdict()}")
    for o in report.outcomes + mreport.outcomes:
        if o.result not in ("pass", "skipped") and o.stage == ("marts" if o in mreport.outcomes else "staging"):
            print(f"  {o.result}: [{o.suite}] {o.expectation}: {o.unexpected_count} rows; first: {'; '.join(o.examples[:2])}")
    for n in mreport.notes:
        if n.startswith("tier counts"):
            print(f"  note: {n}")
    print(f"median of {args.repeat}; python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    print()
    w = max(len(r[0]) for r in rows)
    bw = max(len(r[2]) for r in rows)
    print(f"{'what':<{w}}  {'seconds':>8}  {'baseline':<{bw}}  {'seconds':>8}  {'ratio':>7}")
    for what, s, blabel, b in rows:
        ratio = f"{s / b:7.1f}x" if b else ""
        bs = f"{b:8.3f}" if b else ""
        print(f"{what:<{w}}  {s:8.3f}  {blabel:<{bw}}  {bs:>8}  {ratio}")
    result = {"years": args.years, "narratives": narratives, "repeat": args.repeat,
              "rows": [{"what": a, "seconds": s, "baseline": bl, "baseline_seconds": b} for a, s, bl, b in rows]}
    (args.out / f"bench_validation-{args.years}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
