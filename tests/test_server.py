"""`tip server`: a Prefect server in the background that ad-hoc runs find and use; `tip server stop` ends it."""
from __future__ import annotations

import os
import socket

from tip.cli import main
from tip.core import config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_start_is_found_by_runs_and_stops(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    port = _free_port()
    assert main(["server", "status"]) == 0 and "no tip server" in capsys.readouterr().out
    assert main(["server", "start", "--port", str(port)]) == 0
    try:
        out = capsys.readouterr().out
        assert f"http://127.0.0.1:{port}/api" in out and "tip server stop" in out
        st = config.tip_server_state()
        assert st and st["port"] == port
        config.prefect_env_defaults()           # what `tip run` / `tip check` do before importing Prefect
        assert os.environ["PREFECT_API_URL"] == f"http://127.0.0.1:{port}/api"
        assert main(["server", "start", "--port", str(port)]) == 0 and "already runs" in capsys.readouterr().out
    finally:
        assert main(["server", "stop"]) == 0
    assert "stopped" in capsys.readouterr().out
    assert config.tip_server_state() is None and not config.port_open(port)
    # prefect_env_defaults set it outside monkeypatch's bookkeeping: remove it by hand, or every later test's
    # subprocess would talk to the stopped server
    os.environ.pop("PREFECT_API_URL")
    config.prefect_env_defaults()                # no server: Prefect's ephemeral API, as before
    assert not os.environ.get("PREFECT_API_URL")
