"""The Prefect API of an ad-hoc run, started first thing instead of when the flow starts.

Without ``PREFECT_API_URL`` (and no `tip server`), Prefect starts its ephemeral API when the
flow run is created: after this process has imported Prefect, the project's flows and the
server's own modules, it starts a server process (``uvicorn`` over
``prefect.server.api.server:create_app``) that imports them all again, and waits for it. The
two run one after the other: seconds of a small run.

``start_early()`` starts that same server process, with the same command and settings Prefect's
``SubprocessASGIServer`` uses (``PREFECT__SERVER_EPHEMERAL=1``, no UI, 127.0.0.1, a free port,
the same ``PREFECT_HOME`` and database), before anything of Prefect is imported here, and points
``PREFECT_API_URL`` at it; the server's start then overlaps this process's imports.
``wait_ready()`` waits for its health check before the flow is called. The run is a Prefect flow
run on a Prefect API as before; the server stops when this process exits (after Prefect's own
exit handlers have sent their last logs and events), as the ephemeral one does.

Importable without Prefect (the CLI calls it before importing flows.pipeline).
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ENV_SWITCH = "TIP_EARLY_API"  # 0: leave the API to Prefect (its ephemeral start, when the flow starts)

_started: "EarlyAPI | None" = None
_allowed = False  # set by the `tip` executable (tip.cli.entry): never in a process that runs flows in-process


def allow() -> None:
    """This process is a command's own: ``start_early`` may start the API (and set PREFECT_API_URL)."""
    global _allowed
    _allowed = True


class EarlyAPI:
    def __init__(self, proc: subprocess.Popen, port: int):
        self.proc, self.port = proc, port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prefect_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _ephemeral_allowed() -> bool:
    raw = os.environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true").strip().lower()
    return raw not in ("0", "false", "no", "off")


def _spawn(port: int, app_dir: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir.parent), "--factory",
               "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "error", "--lifespan", "on"]
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)


def start_early() -> EarlyAPI | None:
    """Start the run's Prefect API now, unless one is already given (``PREFECT_API_URL``, a
    `tip server`: call ``tip.core.config.prefect_env_defaults`` first) or ``TIP_EARLY_API=0``.
    Must run before Prefect is imported in this process (its settings read the URL once)."""
    global _started
    if _started is not None:
        return _started
    if not _allowed:
        return None
    if os.environ.get("PREFECT_API_URL") or os.environ.get(ENV_SWITCH, "1") == "0" or not _ephemeral_allowed():
        return None
    if "prefect" in sys.modules:  # too late: Prefect has read its settings
        return None
    app_dir = _prefect_dir()
    if app_dir is None:
        return None
    port = _free_port()
    _started = EarlyAPI(_spawn(port, app_dir), port)
    os.environ["PREFECT_API_URL"] = _started.url
    atexit.register(_stop)
    return _started


def _healthy(api: EarlyAPI) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(api.url + "/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def import_while_starting(module: str) -> bool:
    """Import ``module`` in a background thread while the early API is still starting (this
    process would otherwise only wait for it). Call it once this process's own imports are done
    (they would fight over the GIL and the import locks). Nothing when there is no early API or
    it is up already: no wait to fill (the flow's own GX prewarm starts when it needs to)."""
    if _started is None or _started.proc is None or _healthy(_started):
        return False
    import importlib
    import threading

    def work() -> None:
        try:
            importlib.import_module(module)
        except Exception:  # pragma: no cover - the real import later says why
            pass

    threading.Thread(target=work, name=f"import-{module}", daemon=True).start()
    return True


def _stop() -> None:
    if _started is not None:
        _started.stop()


def wait_ready(timeout: float | None = None) -> None:
    """Wait until the early API answers its health check (nothing to do without one)."""
    api = _started
    if api is None or api.proc is None:
        return
    if timeout is None:
        try:
            timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90"))
        except ValueError:
            timeout = 90.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and api.proc.poll() is None:
        if _healthy(api):
            return
        time.sleep(0.05)
    code = api.proc.poll()
    api.stop()
    raise RuntimeError(f"the run's Prefect API server on {api.url} did not start"
                       + (f": it exited with code {code}" if code is not None else f" within {timeout:.0f} s"))
