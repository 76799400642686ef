"""tip server [start|stop|status]: a Prefect server in the background on 127.0.0.1, for fast ad-hoc runs.

Without a server each `tip run` / `tip check` starts a Prefect API of its own (the server of
Prefect's ephemeral mode, started first thing: flows/api.py; seconds of fixed start-up). While a `tip server` runs, or PREFECT_API_URL is set, those commands use it instead
(tip.core.config.prefect_env_defaults reads the state file this command writes).
"""
from __future__ import annotations

ORDER = 80
DEFAULT_PORT = 4200


def register(sub) -> None:
    p = sub.add_parser("server", help="start (or stop) a Prefect server in the background on 127.0.0.1; ad-hoc runs use it",
                       description="start: a Prefect API server on 127.0.0.1 in the background (its log and pid "
                                   "under PREFECT_HOME), used by `tip run` / `tip check` from then on; "
                                   "stop: stop it; status: say whether one runs.")
    p.add_argument("action", nargs="?", default="start", choices=["start", "stop", "status"])
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    p.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for the server to answer (default 90)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.config import prefect_env_defaults, tip_server_state

    prefect_env_defaults()
    if args.action == "status":
        st = tip_server_state()
        print(f"a Prefect server runs at {st['url']} (pid {st['pid']})" if st else "no tip server running")
        return 0
    if args.action == "stop":
        return stop()
    return start(args.port, args.timeout)


def _state_file():
    from tip.core.config import tip_server_file

    return tip_server_file()


def start(port: int = DEFAULT_PORT, timeout: float = 90.0) -> int:
    import json
    import os
    import subprocess
    import sys
    import time

    from tip.core.config import port_open, tip_server_state
    from tip.core.errors import UserError

    st = tip_server_state()
    if st:
        print(f"a Prefect server already runs at {st['url']} (pid {st['pid']}); stop it with `uv run tip server stop`")
        return 0
    if port_open(port):
        raise UserError(f"port {port} on 127.0.0.1 is taken by another program: pick one with --port")
    state = _state_file()
    state.parent.mkdir(parents=True, exist_ok=True)
    log = state.with_suffix(".log")
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)  # the server itself must not point at another API
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise UserError(f"the Prefect server exited at start (code {proc.returncode}); see {log}")
        if _healthy(url):
            state.write_text(json.dumps({"pid": proc.pid, "port": port, "url": url, "log": str(log)}), encoding="utf-8")
            print(f"Prefect server at {url} (pid {proc.pid}, log {log}).\n"
                  f"`tip run` and `tip check` use it from now on. Stop it with `uv run tip server stop` "
                  f"(or kill {proc.pid}).")
            return 0
        time.sleep(0.25)
    _terminate(proc.pid)
    raise UserError(f"the Prefect server did not answer within {timeout:.0f} s; see {log}")


def stop() -> int:
    from tip.core.config import tip_server_state

    st = tip_server_state()
    state = _state_file()
    if not st:
        state.unlink(missing_ok=True)
        print("no tip server running")
        return 0
    _terminate(st["pid"])
    state.unlink(missing_ok=True)
    print(f"stopped the Prefect server at {st['url']} (pid {st['pid']})")
    return 0


def _terminate(pid: int, wait: float = 15.0) -> None:
    import os
    import signal
    import time

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)  # the server and the workers it started (its own session)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            try:  # reap it when it is our child
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            except ChildProcessError:
                pass
            time.sleep(0.1)


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as r:
            return r.status == 200
    except Exception:
        return False
