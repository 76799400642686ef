"""Benchmarks at full scale: every report year and country, and K times that.

    uv run python -m bench.run                    # scale 1 and scale 10, every step (about 2 hours on 2 cores)
    uv run python -m bench.run --scales 1         # scale 1 only (about 15 minutes)
    uv run python -m bench.run --report           # print the last results again, no run

Run by hand, never in the test suite. Each measurement runs in its own process (``bench/measure.py``)
while this process serves the synthetic site (``bench/corpus.py``) on 127.0.0.1 and samples the
measured process tree's memory (RSS of the process and its children: Prefect's API server,
Dask workers) every 0.1 s. Results go to ``bench/out/results-k<K>.json``; the table at the end
puts scale 1 and scale 10 side by side and checks the floors of issue 7.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
YEARS = "2001-2025"

# (key, label) in display order
ROWS = [
    ("generate", "generate the synthetic site"),
    ("fetch", "full fetch, politeness off (--rate 0)"),
    ("fetch_polite_sample", "fetch one year at 1 req/s (measured)"),
    ("fetch_polite", "full fetch at 1 req/s (ESTIMATED from the sample)"),
    ("bare_parse", "bare parse (tip.parse.staging.parse_documents)"),
    ("bare_load", "bare load (tip.parse.staging.load_parsed)"),
    ("bare_parse_load", "bare parse + load"),
    ("bare_validate", "bare validate (GX, incl. import)"),
    ("bare_build", "bare build + publish"),
    ("plain", "plain full rebuild, one process (= tip build)"),
    ("gx_startup", "GX fixed start-up (import + empty validate)"),
    ("prefect_startup", "Prefect fixed start-up (import + no-op flow)"),
    ("flow", "full rebuild through the flows (default: a process per core)"),
    ("flow_workers", "full rebuild through the flows (--workers N: Dask)"),
    ("weekly_nochange", "weekly check (tip check), nothing changed, --rate 0"),
    ("weekly_nochange_polite", "weekly check, nothing changed, 1 req/s (ESTIMATED)"),
    ("weekly_nochange_server", "weekly check, nothing changed, on a running server"),
    ("weekly_1pct", "weekly check, 1% of pages changed (newest year)"),
    ("rerun_nochange", "tip run, every year again, nothing changed"),
    ("rerun_1pct", "tip run, every year again, 1% of pages changed"),
    ("demo_cold", "README offline demo end to end, cold (new PREFECT_HOME)"),
    ("demo_server", "README offline demo end to end, a `tip server` running"),
]


class Sampler(threading.Thread):
    """Peak RSS of a process and all its descendants, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                self.peak = max(self.peak, total)
            except psutil.NoSuchProcess:
                return
            self.stop.wait(self.interval)


def child_env(work: Path) -> dict:
    env = dict(os.environ)
    for k in ("TIP_DB", "TIP_STATE_DIR", "PREFECT_API_URL"):
        env.pop(k, None)
    env.update({
        "PREFECT_HOME": str(work / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def max_share_for(k: int) -> str:
    """The quarantine gate's limit for a scale-K corpus.

    At scale K every country-year is written K times and K-1 copies are rejected on purpose
    (bench/corpus.py); the gate's default (25% of the narratives may be lost) then reads
    "a quarter of the country-years": 1 - 0.75 / K.
    """
    return f"{1 - 0.75 / k:.4f}"


def measure(step: str, work: Path, name: str, *args: str, log=print, scale: int = 1, env_extra: dict | None = None) -> dict:
    """Run one bench.measure step in a child process; return its JSON plus wall and tree peak."""
    out = work / "results" / f"{name}.json"
    errlog = work / "logs" / f"{name}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    errlog.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    cmd = [sys.executable, "-m", "bench.measure", step, "--out", str(out), *args]
    log(f"  -> {name}: {' '.join(cmd[3:])}")
    t0 = time.perf_counter()
    with errlog.open("w") as ef:
        env = child_env(work)
        if scale > 1:
            env["TIP_MAX_QUARANTINE_SHARE"] = max_share_for(scale)
        env.update(env_extra or {})
        p = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=ef, stderr=subprocess.STDOUT,
                             start_new_session=True)
        s = Sampler(p.pid)
        s.start()
        try:
            rc = p.wait()
        except BaseException:  # interrupted: take the child's whole process group down with us
            import signal

            os.killpg(p.pid, signal.SIGTERM)
            raise
        finally:
            s.stop.set()
            s.join()
    wall = time.perf_counter() - t0
    res = json.loads(out.read_text()) if out.exists() else {"error": f"no result (exit {rc}); see {errlog}"}
    res["outer_wall"] = round(wall, 3)
    res["tree_peak_mb"] = round(s.peak / 1e6, 1)
    res["exit"] = rc
    res["log"] = str(errlog)
    if rc != 0 and "error" not in res:
        res["error"] = f"exit {rc}; see {errlog}"
    tail = ""
    if res.get("error"):
        tail = f" ERROR {res['error']}"
    elif res.get("skipped"):
        tail = f" skipped: {res['skipped']}"
    log(f"     {wall:8.1f} s, peak {res['tree_peak_mb']:.0f} MB (tree){tail}")
    return res


def fresh_state(work: Path, name: str, fetched_db: Path) -> Path:
    """A new panel whose state shares the fetched raw store and starts from the fetched snapshot."""
    d = work / name
    if d.exists():
        shutil.rmtree(d)
    state = d / "tip.state"
    state.mkdir(parents=True)
    src_state = fetched_db.parent / "tip.state"
    (state / "raw").symlink_to(src_state / "raw", target_is_directory=True)
    shutil.copy2(src_state / "snapshot.duckdb", state / "work.duckdb")
    return d / "tip.duckdb"


class PrefectServer:
    """A long-running Prefect server on 127.0.0.1, as the deployments' worker talks to (no ephemeral start per run)."""

    def __init__(self, work: Path):
        import socket

        with socket.socket() as so:
            so.bind(("127.0.0.1", 0))
            self.port = so.getsockname()[1]
        self.home = work / "prefect-server-home"
        self.log = work / "logs" / "prefect-server.log"
        self.proc = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> "PrefectServer":
        import urllib.request

        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = child_env(self.home.parent)
        env["PREFECT_HOME"] = str(self.home)
        self._logf = self.log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--no-ui", "--analytics-off"], cwd=str(ROOT), env=env,
                                     stdout=self._logf, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(1)
            if self.proc.poll() is not None:
                break
        self.__exit__()
        raise RuntimeError(f"Prefect server did not start; see {self.log}")

    def rss_mb(self) -> float:
        import psutil

        try:
            p = psutil.Process(self.proc.pid)
            return round(sum(x.memory_info().rss for x in [p] + p.children(recursive=True)) / 1e6, 1)
        except Exception:
            return 0.0

    def __exit__(self, *exc) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._logf.close()


def copy_panel(src_dir: Path, dest_dir: Path) -> Path:
    """A copy of a built panel (published file + working store; the raw store stays shared)."""
    if dest_dir.exists():
        shutil.rmtree(dest_dir)
    shutil.copytree(src_dir, dest_dir, symlinks=True, ignore=shutil.ignore_patterns("builds", "*.lock"))
    return dest_dir / "tip.duckdb"


class Saved(dict):
    """The scale's results, written to disk on every new entry (a killed run keeps what it measured)."""

    def __init__(self, path: Path, **kw):
        super().__init__(**kw)
        self.path = path

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.save()

    def save(self) -> None:
        data = dict(self)
        derive(data)
        self.path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def run_scale(k: int, args, log=print) -> dict:
    from bench import corpus
    from tests.support.siteserver import SiteServer

    work = Path(args.work) / f"k{k}"
    work.mkdir(parents=True, exist_ok=True)
    site = Path(args.work) / f"site-k{k}"
    results = Saved(Path(args.work) / f"results-k{k}.json", scale=k, years=args.years,
                    started=time.strftime("%Y-%m-%d %H:%M:%S"))
    log(f"== scale {k} ==")
    corpus.restore(site)
    m = corpus.read_manifest(site)
    if args.regen or not m or m.get("generator_version") != corpus.GENERATOR_VERSION or m.get("scale") != k:
        t0 = time.perf_counter()
        m = corpus.generate(site, k, progress=lambda s: None)
        results["generate"] = {"outer_wall": round(time.perf_counter() - t0, 1)}
    else:
        results["generate"] = {"outer_wall": m.get("seconds"), "cached": True}
    results["site"] = {key: m[key] for key in ("pages", "narrative_pages", "narratives", "country_years", "bytes")}
    log(f"  site: {m['pages']} pages, {m['narratives']} narratives for {m['country_years']} country-years, "
        f"{m['bytes'] / 1e6:.0f} MB")

    with SiteServer(site) as srv:
        # full fetch, politeness off: also builds the raw store every other step starts from
        fetched = work / "fetched"
        if fetched.exists():
            shutil.rmtree(fetched)
        db = fetched / "tip.duckdb"
        n0 = len(srv.requests)
        results["fetch"] = measure("fetch", work, "fetch", "--db", str(db), "--mirror", srv.url, "--rate", "0",
                                   "--years", args.years, log=log, scale=k)
        results["fetch"] = {**results["fetch"], "server_requests": len(srv.requests) - n0}
        shutil.copy2(fetched / "tip.state" / "work.duckdb", fetched / "tip.state" / "snapshot.duckdb")

        if args.polite_year and k == min(args.scale_list):
            pdb = work / "polite" / "tip.duckdb"
            if pdb.parent.exists():
                shutil.rmtree(pdb.parent)
            n0 = len(srv.requests)
            r = measure("fetch", work, "fetch-polite-sample", "--db", str(pdb), "--mirror", srv.url, "--rate", "1",
                        "--years", str(args.polite_year), log=log, scale=k)
            r["server_requests"] = len(srv.requests) - n0
            r["year"] = args.polite_year
            results["fetch_polite_sample"] = r
            args.polite_sample = r
        elif getattr(args, "polite_sample", None):
            results["fetch_polite_sample"] = {**args.polite_sample, "from_scale": min(args.scale_list)}

        if "plain" in args.steps:
            results["plain"] = measure("plain", work, "plain", "--db", str(fresh_state(work, "plain", db)), log=log, scale=k)
        if "startup" in args.steps:
            measure("prefect-startup", work, "prefect-startup-cold", log=log, scale=k)  # creates Prefect's database
            results["prefect_startup"] = measure("prefect-startup", work, "prefect-startup", log=log, scale=k)
            results["gx_startup"] = measure("gx-startup", work, "gx-startup", "--db",
                                            str(work / "gx-empty" / "tip.duckdb"), log=log, scale=k)
        if "flow" in args.steps:
            fdb = fresh_state(work, "flow", db)
            results["flow"] = measure("flow", work, "flow", "--db", str(fdb), "--years", args.years, log=log, scale=k)
            if args.workers:
                results["flow_workers"] = measure("flow", work, "flow-workers", "--db", str(fresh_state(work, "flow-workers", db)),
                                                  "--years", args.years, "--workers", str(args.workers), log=log, scale=k)
                results["flow_workers"] = {**results["flow_workers"], "workers": args.workers}
            if "weekly" in args.steps and not results["flow"].get("error"):
                base = work / "flow"
                latest = int(args.years.split("-")[-1].split(",")[-1])
                scenarios = [
                    # key, flow, mutate (year filter or 'all' or None)
                    ("weekly_nochange", "weekly", None),
                    ("weekly_1pct", "weekly", latest),
                    ("rerun_nochange", "run", None),
                    ("rerun_1pct", "run", "all"),
                ]
                if "server" in args.steps:
                    scenarios.append(("weekly_nochange_server", "weekly", None))
                server = None
                for key, flow_name, change in scenarios:
                    env_extra = None
                    if key.endswith("_server"):
                        server = PrefectServer(work).__enter__()
                        env_extra = {"PREFECT_API_URL": server.api_url}
                    wdb = copy_panel(base, work / key.replace("_", "-"))
                    changed = []
                    if change is not None:
                        changed = corpus.mutate(site, 0.01, year=None if change == "all" else change)
                    try:
                        n0 = len(srv.requests)
                        extra = ["--years", args.years] if flow_name == "run" else []
                        r = measure("flow", work, key.replace("_", "-"), "--flow", flow_name, "--db", str(wdb), "--fetch",
                                    "--mirror", srv.url, "--rate", "0", *extra, *args.weekly_param, log=log, scale=k,
                                    env_extra=env_extra)
                        r["server_requests"] = len(srv.requests) - n0
                        r["pages_changed"] = len(changed)
                        if server:
                            r["prefect_server_rss_mb"] = server.rss_mb()
                        results[key] = r
                    finally:
                        corpus.restore(site)
                        if server:
                            server.__exit__()
                            server = None
    if "demo" in args.steps and k == min(args.scale_list):
        for key, v in measure_demo(work, log).items():
            results[key] = v
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    data = dict(results)
    derive(data)
    return data


DEMO_YEARS = "2001,2010,2014,2023"


def measure_demo(work: Path, log=print) -> dict:
    """The README's offline demo, timed from outside as a user runs it: `tip run --mirror` over
    tests/fixtures/site for four years, once cold (a new PREFECT_HOME: Prefect's database is
    created and its ephemeral API started) and once with `tip server` already running."""
    import socket
    from tests.support.siteserver import SiteServer

    out: dict = {}
    with SiteServer(ROOT / "tests" / "fixtures" / "site") as srv:
        for key in ("demo_cold", "demo_server"):
            d = work / key.replace("_", "-")
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)
            env = child_env(work)
            env["PREFECT_HOME"] = str(d / "prefect-home")
            tip = [sys.executable, "-m", "tip.cli"]
            server_started = False
            try:
                if key == "demo_server":
                    with socket.socket() as sk:
                        sk.bind(("127.0.0.1", 0))
                        port = sk.getsockname()[1]
                    subprocess.run([*tip, "server", "start", "--port", str(port)], cwd=str(ROOT), env=env, check=True,
                                   capture_output=True, timeout=180)
                    server_started = True
                cmd = [*tip, "run", "--mirror", srv.url, "--years", DEMO_YEARS, "--db", str(d / "demo.duckdb"), "--rate", "0"]
                log(f"  -> {key}: tip run --mirror ... --years {DEMO_YEARS}")
                t0 = time.perf_counter()
                p = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
                smp = Sampler(p.pid)
                smp.start()
                _, err = p.communicate()
                smp.stop.set()
                smp.join()
                wall = time.perf_counter() - t0
                r = {"outer_wall": round(wall, 3), "tree_peak_mb": round(smp.peak / 1e6, 1), "exit": p.returncode}
                if p.returncode != 0:
                    r["error"] = f"exit {p.returncode}: {err.decode(errors='replace').strip()[-300:]}"
                log(f"     {wall:8.1f} s, peak {r['tree_peak_mb']:.0f} MB (tree)" + (f" ERROR {r['error']}" if r.get("error") else ""))
                out[key] = r
            finally:
                if server_started:
                    subprocess.run([*tip, "server", "stop"], cwd=str(ROOT), env=env, capture_output=True, timeout=60)
    return out


def derive(r: dict) -> None:
    """Figures computed from the measured ones (marked as such in the table)."""
    p = r.get("plain") or {}
    if "parse_seconds" in p:
        docs, mb = p["documents"], p["bytes"] / 1e6
        r["bare_parse"] = {"outer_wall": p["parse_seconds"], "tree_peak_mb": p.get("parse_peak_mb"),
                           "docs_per_s": round(docs / p["parse_seconds"], 1) if p["parse_seconds"] else None,
                           "mb_per_s": round(mb / p["parse_seconds"], 2) if p["parse_seconds"] else None}
        r["bare_load"] = {"outer_wall": p["load_seconds"]}
        r["bare_parse_load"] = {"outer_wall": round(p["parse_seconds"] + p["load_seconds"], 3),
                                "tree_peak_mb": p.get("parse_peak_mb")}
        r["bare_validate"] = {"outer_wall": round(p.get("gx_import_seconds", 0) + p.get("validate_seconds", 0), 3)}
        r["bare_build"] = {"outer_wall": p.get("build_publish_seconds")}
    s = r.get("fetch_polite_sample")
    f = r.get("fetch")
    if s and f and s.get("server_requests") and s.get("stage_seconds"):
        per = s["stage_seconds"] / s["server_requests"]
        r["fetch_polite"] = {"outer_wall": round(per * f["server_requests"], 1), "estimated": True,
                             "basis": f"{s['server_requests']} requests of {s['year']} took {s['stage_seconds']:.1f} s; "
                                      f"x {f['server_requests']} requests"}
    w = r.get("weekly_nochange")
    if w and w.get("server_requests") is not None:
        r["weekly_nochange_polite"] = {"outer_wall": round(w["outer_wall"] + w["server_requests"] * 1.0, 1), "estimated": True,
                                       "basis": f"the --rate 0 run + {w['server_requests']} requests x 1 s"}


# ------------------------------------------------------------------------------------------------
def _fmt_s(v) -> str:
    if v is None:
        return "-"
    if v >= 3600:
        return f"{v / 3600:.1f} h"
    if v >= 120:
        return f"{v / 60:.1f} min"
    return f"{v:.1f} s"


def _wall(r: dict | None) -> float | None:
    if not r or r.get("error") or r.get("skipped"):
        return None
    return r.get("outer_wall")


def _brief(b: dict | None) -> str:
    if not b:
        return "-"
    return ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in b.items())


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} cores (nproc){mem}, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def report(all_results: dict[int, dict], out=print) -> dict:
    scales = sorted(all_results)
    lo, hi = scales[0], scales[-1]
    out("")
    out(f"machine: {machine()}")
    for k in scales:
        s = all_results[k].get("site", {})
        out(f"scale {k}: {s.get('pages')} pages ({s.get('narrative_pages')} narrative pages), {s.get('narratives')} narratives "
            f"for {s.get('country_years')} country-years, {s.get('bytes', 0) / 1e6:.0f} MB; years {all_results[k].get('years')}")
    head = f"{'step':<52}" + "".join(f"{'wall k=' + str(k):>12}{'peak MB':>9}" for k in scales)
    if len(scales) > 1:
        head += f"{'ratio':>8}{'mem ratio':>10}"
    out("")
    out(head)
    out("-" * len(head))
    for key, label in ROWS:
        cells = ""
        vals = []
        for k in scales:
            r = all_results[k].get(key)
            w = _wall(r)
            vals.append((w, (r or {}).get("tree_peak_mb")))
            note = ""
            if r and r.get("error"):
                note = "ERROR"
            elif r and r.get("skipped"):
                note = "n/a"
            cells += f"{(note or _fmt_s(w)):>12}{(str(int(r['tree_peak_mb'])) if r and r.get('tree_peak_mb') else '-'):>9}"
        if all(v[0] is None for v in vals):
            if not any(all_results[k].get(key) for k in scales):
                continue
        if len(scales) > 1:
            (w1, m1), (w2, m2) = vals[0], vals[-1]
            cells += f"{(f'{w2 / w1:.1f}x' if w1 and w2 else '-'):>8}{(f'{m2 / m1:.1f}x' if m1 and m2 else '-'):>10}"
        out(f"{label:<52}{cells}")
    out("")
    for k in scales:
        seen = {(v.get("git_head"), v.get("parser_version"), v.get("code_dirty")) for v in all_results[k].values()
                if isinstance(v, dict) and v.get("git_head")}
        if len(seen) > 1 or any(d for _, _, d in seen):
            out(f"WARNING scale {k}: the steps ran on different or uncommitted code {sorted(seen, key=str)}: "
                "figures are not comparable; run again on a quiet tree")
        else:
            out(f"scale {k}: code {seen.pop() if seen else '?'} (git HEAD, parser version, uncommitted changes)")
    for k in scales:
        r = all_results[k]
        bp = r.get("bare_parse") or {}
        if bp:
            p = r["plain"]
            out(f"scale {k}: plain stages: {_brief(p.get('breakdown'))}")
            out(f"scale {k}: bare parse {bp['docs_per_s']} documents/s, {bp['mb_per_s']} MB/s "
                f"({p['documents']} documents, {p['bytes'] / 1e6:.0f} MB raw, {p['text_chars'] / 1e6:.0f} M chars of narrative text); "
                f"staging {p.get('staging')}")
        for key in ("flow", "flow_workers"):
            f = r.get(key)
            if f and not f.get("error") and not f.get("skipped"):
                out(f"scale {k}: {key}: import {f.get('import_seconds')} s, flow body {f.get('flow_seconds')} s, "
                    f"parsed={f.get('summary', {}).get('parsed')} validation={f.get('summary', {}).get('validation')!r}; "
                    f"breakdown {_brief(f.get('breakdown'))}")
        for key in ("weekly_nochange", "weekly_nochange_server", "weekly_1pct", "rerun_nochange", "rerun_1pct"):
            w = r.get(key)
            if w and not w.get("error"):
                sm = w.get("summary") or {}
                out(f"scale {k}: {key}: {w.get('server_requests')} requests, fetched {sm.get('fetched')}, unchanged "
                    f"{sm.get('unchanged')}, parsed {sm.get('parsed')}, pages changed {w.get('pages_changed')}; "
                    f"breakdown {_brief(w.get('breakdown'))}")
        for key in ("fetch_polite", "weekly_nochange_polite"):
            e = r.get(key)
            if e:
                out(f"scale {k}: {key} is an estimate: {e['basis']}")
    return floors(all_results, out)


def floors(all_results: dict[int, dict], out=print) -> dict:
    scales = sorted(all_results)
    lo, hi = scales[0], scales[-1]
    verdicts = {}
    out("")
    out("floors (issue 7):")

    def line(name: str, ok: bool | None, detail: str) -> None:
        verdicts[name] = ok
        out(f"  [{'PASS' if ok else 'FAIL' if ok is not None else 'n/a '}] {name}: {detail}")

    for k in scales:
        r = all_results[k]
        bp = r.get("bare_parse") or {}
        if bp.get("mb_per_s") is not None:
            ok = bp["mb_per_s"] >= 4.5 and (bp.get("docs_per_s") or 0) >= 68 if k == 1 else None
            line(f"k={k} bare parse >= 4.5 MB/s and >= 68 docs/s (issue 15)", ok,
                 f"{bp['mb_per_s']} MB/s, {bp.get('docs_per_s')} docs/s")
        bare = _wall(r.get("bare_parse_load"))
        f = _wall(r.get("flow"))
        if bare and f:
            line(f"k={k} flow <= 1.0x bare parse+load (issue 15)", f <= bare, f"{f / bare:.2f}x")
        for key, limit in (("demo_server", 10.0), ("demo_cold", 20.0)):
            dv = _wall(r.get(key))
            if dv:
                line(f"k={k} {key} <= {limit:.0f} s (issue 15)", dv <= limit, _fmt_s(dv))
        for key in ("flow", "flow_workers"):
            f = _wall(r.get(key))
            if bare and f:
                line(f"k={k} {key} <= 1.5x bare parse+load", f <= 1.5 * bare,
                     f"{_fmt_s(f)} vs {_fmt_s(bare)} = {f / bare:.2f}x")
        f = _wall(r.get("flow"))
        w = _wall(r.get("weekly_nochange"))
        if f and w:
            line(f"k={k} no-change weekly run <= 10% of a full rebuild", w <= 0.10 * f, f"{_fmt_s(w)} vs {_fmt_s(f)} = {w / f:.0%}")
        ws = _wall(r.get("weekly_nochange_server"))
        if f and ws:
            line(f"k={k} no-change weekly run on a running Prefect server <= 10% of a full rebuild", ws <= 0.10 * f,
                 f"{_fmt_s(ws)} vs {_fmt_s(f)} = {ws / f:.0%}")
        wp = _wall(r.get("weekly_nochange_polite"))
        if f and wp:
            out(f"         (at 1 req/s, estimated: {_fmt_s(wp)} = {wp / f:.0%} of the rebuild)")
    if hi != lo or len(scales) == 1:
        r = all_results[hi]
        peaks = {key: v.get("tree_peak_mb") for key, v in r.items() if isinstance(v, dict) and v.get("tree_peak_mb")}
        if peaks:
            worst = max(peaks, key=peaks.get)
            line(f"k={hi} peak memory < 2 GB", peaks[worst] < 2000, f"worst step {worst}: {peaks[worst]:.0f} MB (process tree)")
    if hi != lo:
        for key in ("bare_parse_load", "plain", "flow", "flow_workers", "fetch"):
            a, b = _wall(all_results[lo].get(key)), _wall(all_results[hi].get(key))
            if a and b:
                line(f"k={hi} {key} <= {hi + 1}x k={lo}", b <= (hi + 1) * a / lo, f"{_fmt_s(b)} / {_fmt_s(a)} = {b / a:.1f}x")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1,10", help="comma-separated scale factors (default 1,10)")
    ap.add_argument("--years", default=YEARS, help=f"report years to fetch and build (default {YEARS})")
    ap.add_argument("--work", default=str(OUT), help="where sites, panels and results go (default bench/out)")
    ap.add_argument("--steps", default="plain,startup,flow,weekly,server,demo",
                    help="subset of plain,startup,flow,weekly,server (weekly check on a running Prefect server),"
                         "demo (the README's offline demo, cold and on a `tip server`)")
    ap.add_argument("--workers", type=int, default=os.cpu_count(), help="also run the flows with --workers N (0: skip)")
    ap.add_argument("--polite-year", default="2025", help="year fetched at 1 req/s to estimate the polite full fetch ('' to skip)")
    ap.add_argument("--weekly-param", action="append", default=[],
                    help="extra tip_run NAME=VALUE for the weekly runs (e.g. an incremental switch)")
    ap.add_argument("--regen", action="store_true", help="regenerate the synthetic sites even if cached")
    ap.add_argument("--report", action="store_true", help="only print the table from the saved results")
    args = ap.parse_args(argv)
    args.scale_list = [int(s) for s in args.scales.split(",") if s.strip()]
    args.steps = set(args.steps.split(","))
    args.weekly_param = [x for p in args.weekly_param for x in ("--param", p)]
    work = Path(args.work)
    if args.report:
        res = {k: json.loads((work / f"results-k{k}.json").read_text()) for k in args.scale_list
               if (work / f"results-k{k}.json").exists()}
        if not res:
            print(f"no results in {work}; run without --report first", file=sys.stderr)
            return 2
        report(res)
        return 0
    sys.path.insert(0, str(ROOT))
    res = {}
    for k in args.scale_list:
        res[k] = run_scale(k, args)
    report(res)
    print(f"\nreproduce: uv run python -m bench.run --scales {args.scales}"
          + (f" --years {args.years}" if args.years != YEARS else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
