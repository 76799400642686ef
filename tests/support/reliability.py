"""Helpers for the reliability tests (faults, kills, bad inputs): what a published panel holds,
whether a raw store is whole, a fast HTTP client, and subprocess control."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(os.path.abspath(__file__)).parent.parent.parent

# Columns that differ between two honest runs of the same data (when, which run).
VOLATILE = {"fetched_at", "parsed_at", "recorded_at", "validated_at", "built_at", "run_id", "fetch_id", "started_at",
            "finished_at"}
SKIP_TABLES = {"marts.validation_runs", "meta.build_info", "meta.runs", "raw.documents", "staging.parsed_documents",
               "marts.year_coverage"}  # year_coverage: what the last fetch found (run-specific by design)


def quiet(_stage: str):
    return lambda _msg: None


def fast_client(srv, sleeps: list | None = None, **kw):
    """The pipeline's own client for ``srv``, with small limits and a fake sleep (records the waits)."""
    from tip.fetch.crawl import make_client

    settings = dict(connect_timeout=1.0, read_timeout=0.3, total_timeout=0.6, max_attempts=3, backoff_base=1.0,
                    backoff_max=60.0, max_bytes=256 * 1024)
    settings.update(kw)
    waits = sleeps if sleeps is not None else []
    return make_client(srv.url, 0, sleep=waits.append, **settings)


def run(srv, db: Path, years: str = "2014,2023", client=None, **client_kw):
    """The plain pipeline (fetch -> parse -> validate -> build -> publish) against ``srv``."""
    from tip.pipeline import RunOptions, run_plain

    client = client or fast_client(srv, **client_kw)
    return run_plain(RunOptions(years=years, mirror=srv.url, db=str(db), rate_per_host=0), client=client,
                     progress_for=quiet)


def completed(summary) -> bool:
    """The run ended with a published panel: built now, or kept because nothing it is built from
    changed (a run whose only news is failed fetches may keep the published build as current)."""
    return bool(summary.published or getattr(summary, "current", False))


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every staging and mart table of a published panel, without run-specific columns, sorted."""
    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('staging', 'marts') ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            name = f"{schema}.{table}"
            if name in SKIP_TABLES:
                continue
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                "AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY column_index", [schema, table]).fetchall()
                if r[0] not in VOLATILE]
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f"SELECT {quoted} FROM {schema}.{table}").fetchall()
            out[name] = sorted(rows, key=repr)
    return out


def country_year(db: Path) -> dict[tuple[str, int], tuple]:
    """marts.country_year keyed by (country_iso3, report_year), without run-specific columns."""
    rows = snapshot(db)["marts.country_year"]
    with duckdb.connect(str(db), read_only=True) as con:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'country_year' "
            "AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY column_index").fetchall() if r[0] not in VOLATILE]
    i, j = cols.index("country_iso3"), cols.index("report_year")
    return {(r[i], r[j]): r for r in rows}


def last_fetch(db: Path, url: str) -> tuple:
    """(status, error, sha256) of the last fetch of ``url`` recorded in the published panel."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT status, error, sha256 FROM raw.documents WHERE url = ? ORDER BY fetched_at DESC LIMIT 1", [url]
        ).fetchone()
    return row


def raw_store_problems(raw_dir: Path) -> list[str]:
    """Files in the raw store whose name is not the sha256 of their bytes, or that sit in the wrong folder."""
    problems = []
    if not raw_dir.exists():
        return problems
    for f in raw_dir.rglob("*"):
        if not f.is_file() or f.name.startswith(".tmp-"):
            continue
        sha = hashlib.sha256(f.read_bytes()).hexdigest()
        if f.name != sha or f.parent.name != sha[:2] or f.parent.parent != raw_dir:
            problems.append(f"{f.relative_to(raw_dir)}: holds {sha}")
    return problems


def file_sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def copy_panel(src_db: Path, dest_dir: Path) -> Path:
    """Copy a panel and its state folder (db next to ``<stem>.state/``) into ``dest_dir``."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    for p in src_db.parent.iterdir():
        if p.name.startswith(src_db.stem):
            if p.is_dir():
                shutil.copytree(p, dest_dir / p.name)
            else:
                shutil.copy2(p, dest_dir / p.name)
    return dest_dir / src_db.name


# -- subprocesses --------------------------------------------------------------------------------
def spawn(args: list[str], env: dict | None = None, killpoint: str | None = None, marker: Path | None = None,
          log: Path | None = None) -> subprocess.Popen:
    """Start ``tip ARGS`` in its own process group (so a kill takes any child with it)."""
    full = dict(os.environ)
    full.update(env or {})
    if killpoint:
        full["TIP_KILLPOINT"] = killpoint
        full["TIP_KILLPOINT_MARKER"] = str(marker)
        cmd = [sys.executable, "-m", "tests.support.killpoint", *args]
    else:
        cmd = [sys.executable, "-m", "tip.cli", *args]
    out = open(log, "wb") if log else subprocess.PIPE
    return subprocess.Popen(cmd, cwd=str(ROOT), env=full, stdout=out, stderr=subprocess.STDOUT if log else subprocess.PIPE,
                            start_new_session=True)


def wait_for(cond, timeout: float, proc: subprocess.Popen | None = None, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            out += proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise AssertionError(f"process ended (exit {proc.returncode}) before {what}:\n{out[-3000:]}")
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
