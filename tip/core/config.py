"""Where things live. Every path has a default inside the project and an env var to move it.

- ``TIP_DB``: the published panel analysts open (default ``data/tip.duckdb``).
- ``TIP_STATE_DIR``: the pipeline's private state for that panel: the raw store, the
  working DuckDB file (raw.documents and staging tables), candidate builds and validation
  reports. Default: ``<db dir>/<db stem>.state/`` so that two panels never share state.
- ``PREFECT_HOME``: Prefect's own database and settings (default ``.prefect/`` in the project).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "tip.duckdb"


def default_db_path() -> Path:
    env = os.environ.get("TIP_DB")
    return Path(env).expanduser() if env else DEFAULT_DB


@dataclass(frozen=True)
class Paths:
    """All the files that belong to one published panel."""

    db: Path  # the published file analysts read

    @classmethod
    def for_db(cls, db: str | os.PathLike | None = None) -> "Paths":
        p = Path(db).expanduser() if db else default_db_path()
        return cls(db=p.resolve())

    @property
    def state_dir(self) -> Path:
        env = os.environ.get("TIP_STATE_DIR")
        if env:
            return Path(env).expanduser().resolve()
        return self.db.parent / f"{self.db.stem}.state"

    @property
    def raw_dir(self) -> Path:
        return self.state_dir / "raw"

    @property
    def work_db(self) -> Path:
        return self.state_dir / "work.duckdb"

    @property
    def builds_dir(self) -> Path:
        return self.state_dir / "builds"

    @property
    def reports_dir(self) -> Path:
        return self.state_dir / "validation"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "writer.lock"

    def ensure(self) -> "Paths":
        for d in (self.db.parent, self.state_dir, self.raw_dir, self.builds_dir, self.reports_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def prefect_env_defaults() -> None:
    """Point Prefect at a project-local home and quiet, offline-friendly settings.

    Must run before ``import prefect``. Values a user already exported win.
    """
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if not os.environ.get("PREFECT_API_URL"):
        # a `tip server` running in the background: talk to it instead of starting an ephemeral API
        st = tip_server_state()
        if st:
            os.environ["PREFECT_API_URL"] = st["url"]


def tip_server_file() -> Path:
    """Where `tip server` records the Prefect server it started (pid, port, url)."""
    return Path(os.environ.get("PREFECT_HOME") or PROJECT_ROOT / ".prefect").expanduser() / "tip-server.json"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def tip_server_state() -> dict | None:
    """The running `tip server` (its pid is alive and its port answers), or None."""
    import json

    try:
        st = json.loads(tip_server_file().read_text(encoding="utf-8"))
        os.kill(int(st["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return st if port_open(int(st["port"])) else None
