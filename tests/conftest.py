"""Shared test set-up.

* Prefect runs offline against a throwaway home (set before anything imports prefect).
* ``site`` serves the synthetic copy of the State Department sites on 127.0.0.1.
* ``shared_dir`` gives ../shared (real reference data). Tests that need it run in CI; they may
  skip only on a machine without ../shared when CI is not set, and say so.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SITE = FIXTURES / "site"
SHARED = ROOT.parent / "shared"

_prefect_home = os.environ.get("TIP_TEST_PREFECT_HOME") or tempfile.mkdtemp(prefix="tip-prefect-")
os.environ.setdefault("PREFECT_HOME", _prefect_home)
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.pop("TIP_DB", None)
os.environ.pop("TIP_STATE_DIR", None)


@pytest.fixture(scope="session")
def site():
    from tests.support.siteserver import SiteServer

    with SiteServer(SITE) as srv:
        yield srv


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED.is_dir():
        return SHARED
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the reference data {SHARED} is missing")
    pytest.skip(f"{SHARED} is absent on this machine (and CI is not set): skipping a test on real reference data")


@pytest.fixture
def seed_text(shared_dir) -> bytes:
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    assert seeds, "no seed narrative in ../shared/seeds"
    return seeds[0].read_bytes()


def run_cli(*args: str, env: dict | None = None, timeout: float = 600, cwd: Path | None = None):
    """Run the `tip` CLI in a subprocess, as a user would."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tip.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=str(cwd or ROOT))
