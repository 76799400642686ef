"""Deployments: what prefect.yaml declares, and the real thing on 127.0.0.1.

The slow test does what the README's "Deployments and scheduled runs" says, with the synthetic
sites served on loopback: `prefect server start` (a fresh PREFECT_HOME), a process work pool, the
`tip-writer` global concurrency limit, `prefect deploy --all` from this clone, a worker, then the
backfill deployment (its parameters overridden at trigger time) and the weekly check. It stops
everything it started, by process id, also when it fails.
"""
from __future__ import annotations

import importlib
import inspect
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests
import yaml

from tests.conftest import ROOT

PREFECT_YAML = ROOT / "prefect.yaml"
PREFECT = [sys.executable, "-m", "prefect"]
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def deployments() -> list[dict]:
    return yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]


# -- prefect.yaml, without a server ------------------------------------------------------------------
def test_every_entrypoint_imports_and_is_a_flow_taking_the_declared_parameters():
    from prefect import Flow

    deps = deployments()
    assert {d["name"] for d in deps} == {"weekly", "yearly-rebuild", "backfill"}
    for d in deps:
        path, func = d["entrypoint"].split(":")
        assert path.startswith("flows/") and (ROOT / path).is_file(), d["entrypoint"]
        obj = getattr(importlib.import_module(path[:-3].replace("/", ".")), func)
        assert isinstance(obj, Flow), f"{d['entrypoint']} is not a Prefect flow"
        params = inspect.signature(obj.fn).parameters
        assert set(d.get("parameters") or {}) <= set(params), f"{d['name']}: parameters the flow does not take"
        assert d.get("description", "").strip(), f"{d['name']}: no description"
        assert d["work_pool"]["name"] == "tip"
        assert d["concurrency_limit"]["limit"] == 1, f"{d['name']} writes the panel: one run at a time"
        assert d["parameters"]["writer_limit"] == "tip-writer"


def test_schedules_are_valid_and_the_weekly_check_is_the_incremental_flow():
    from prefect.client.schemas.schedules import CronSchedule

    by_name = {d["name"]: d for d in deployments()}
    for name in ("weekly", "yearly-rebuild"):
        (sched,) = by_name[name]["schedules"]
        CronSchedule(cron=sched["cron"], timezone=sched["timezone"])  # raises on a bad cron or timezone
    assert "schedules" not in by_name["backfill"], "the backfill runs on demand only"
    # weekly: every week; yearly: once a year, in the weeks after the usual June release
    minute, hour, dom, month, dow = by_name["weekly"]["schedules"][0]["cron"].split()
    assert (dom, month) == ("*", "*") and dow.isdigit()
    minute, hour, dom, month, dow = by_name["yearly-rebuild"]["schedules"][0]["cron"].split()
    assert month.isdigit() and 7 <= int(month) <= 9 and dom.isdigit()
    assert by_name["weekly"]["entrypoint"] == "flows/weekly.py:weekly_check"
    backfill = importlib.import_module("flows.backfill").backfill
    assert inspect.signature(backfill.fn).parameters["years"].default is inspect.Parameter.empty, "years is required"


# -- the real thing ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Started:
    """Processes this test started; stop() ends each one and its descendants, by pid."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, p))
        return p

    def log(self, name: str, tail: int = 4000) -> str:
        f = self.logs / f"{name}.log"
        return f.read_text(errors="replace")[-tail:] if f.exists() else ""

    def stop(self) -> None:
        import psutil

        for _, p in reversed(self.procs):
            try:
                family = psutil.Process(p.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                family = []
            for proc in [p, *family]:
                try:
                    os.kill(proc.pid, signal.SIGTERM)
                except (ProcessLookupError, psutil.NoSuchProcess):
                    pass
            _, alive = psutil.wait_procs(family, timeout=10)
            for proc in alive:
                proc.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on 127.0.0.1 with a fresh PREFECT_HOME; yields (api_url, env, started)."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    started = Started(tmp_path)
    try:
        server = started.start("server", [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port),
                                          "--no-ui"], env)
        deadline = time.monotonic() + 150
        while True:
            assert server.poll() is None, f"prefect server exited:\n{started.log('server')}"
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"no /api/health after 150 s:\n{started.log('server')}"
            time.sleep(0.5)
        yield api, env, started
    finally:
        started.stop()


def _cli(env: dict, *args: str) -> str:
    res = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, f"prefect {' '.join(args)} -> {res.returncode}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res.stdout


def _trigger(env: dict, deployment: str, **params) -> str:
    args = ["deployment", "run", deployment]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    out = _cli(env, *args)
    m = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert m, out
    return m.group(1)


def _wait(api: str, run_id: str, started: Started, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = requests.get(f"{api}/flow_runs/{run_id}", timeout=5).json()
        state = (run.get("state") or {}).get("type")
        if state in TERMINAL:
            return run
        assert time.monotonic() < deadline, f"flow run still {state} after {timeout} s\n{started.log('worker')}"
        time.sleep(1)


def _artifact(api: str, run_id: str, key: str) -> str:
    found = requests.post(f"{api}/artifacts/filter", timeout=5,
                          json={"artifacts": {"flow_run_id": {"any_": [run_id]}, "key": {"any_": [key]}}}).json()
    assert found, f"no {key!r} artifact for flow run {run_id}"
    return found[0]["data"]


@pytest.fixture
def site():
    """This test's own copy of the synthetic sites on 127.0.0.1 (its request log is this test's alone)."""
    from tests.conftest import SITE
    from tests.support.siteserver import SiteServer

    with SiteServer(SITE) as srv:
        yield srv


@pytest.mark.prefect
def test_backfill_and_weekly_deployments_run_on_a_local_prefect_server(prefect_server, site, tmp_path):
    from tests.test_end_to_end import EXPECTED_TIERS

    api, env, started = prefect_server
    _cli(env, "work-pool", "create", "tip", "--type", "process")
    _cli(env, "gcl", "create", "tip-writer", "--limit", "1")
    _cli(env, "--no-prompt", "deploy", "--all")

    weekly = requests.get(f"{api}/deployments/name/tip-weekly-check/weekly", timeout=5).json()
    (sched,) = weekly["schedules"]
    assert (sched["schedule"]["cron"], sched["schedule"]["timezone"]) == ("30 3 * * 0", "America/New_York")
    for name in ("tip-weekly-check/weekly", "tip-full-rebuild/yearly-rebuild", "tip-backfill/backfill"):
        dep = requests.get(f"{api}/deployments/name/{name}", timeout=5).json()
        assert dep["global_concurrency_limit"]["limit"] == 1, name
        assert dep["work_pool_name"] == "tip"
        # runs start in the folder `prefect deploy` ran in: this clone, wherever it is
        assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]

    worker = started.start("worker", [*PREFECT, "worker", "start", "--pool", "tip", "--type", "process"], env)
    db = tmp_path / "panel" / "tip.duckdb"

    # the backfill, its parameters overridden at trigger time
    run_id = _trigger(env, "tip-backfill/backfill", years="2014,2023", mirror=site.url, db=db, rate_per_host=0)
    run = _wait(api, run_id, started)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{started.log('worker')}"
    assert worker.poll() is None
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT country_iso3, report_year, tier FROM marts.country_year").fetchall()
    assert {(iso, year): tier for iso, year, tier in rows} == {k: v for k, v in EXPECTED_TIERS.items() if k[1] in (2014, 2023)}
    summary = _artifact(api, run_id, "tip-backfill")
    assert "| failed | 0 |" in summary and "| not found | 1 |" in summary, summary  # 2014's one missing page

    # the weekly check: only the newest report, conditionally, plus probes for a newer year
    before = len(site.requests)
    run_id = _trigger(env, "tip-weekly-check/weekly", mirror=site.url, db=db, rate_per_host=0)
    run = _wait(api, run_id, started)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{started.log('worker')}"
    asked = site.requests[before:]
    newest = [h for p, h in asked if p.startswith("/www.state.gov/reports/2023-trafficking-in-persons-report/")]
    assert len(newest) == 6 and all("If-None-Match" in h for h in newest)
    others = [p for p, _ in asked if not p.startswith("/www.state.gov/reports/2023-trafficking-in-persons-report/")]
    assert others and all(re.search(r"/reports/20(2[4-9]|[3-9]\d)-trafficking-in-persons-report/index\.html$", p)
                          for p in others), others
    summary = _artifact(api, run_id, "tip-weekly-check")
    assert "| parsed | 0 |" in summary and "| fetched (new or changed) | 0 |" in summary, summary
    assert "re-checked the newest stored report (2023)" in summary
    assert "nothing changed on the sites" in summary

    # fail closed: the backfill against a host that refuses connections fails the flow run, names
    # each year and its reason in the artifact, and leaves the published file byte for byte
    import hashlib

    before = hashlib.sha256(db.read_bytes()).hexdigest()
    dead = f"http://127.0.0.1:{_free_port()}"
    run_id = _trigger(env, "tip-backfill/backfill", years="2014,2023", mirror=dead, db=db, rate_per_host=0)
    run = _wait(api, run_id, started)
    assert run["state"]["type"] == "FAILED", f"{run['state']}\n{started.log('worker')}"
    assert "no source reached for report year(s) 2014, 2023" in (run["state"].get("message") or ""), run["state"]
    summary = _artifact(api, run_id, "tip-backfill")
    assert "| 2014 | NOT REACHED |" in summary and "| 2023 | NOT REACHED |" in summary, summary
    # the stored index copies are read: every page of each year is refused
    assert "every narrative page failed" in summary and "connection refused" in summary, summary
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
