"""The fault server as pytest fixtures, shared by the reliability tests (faults, kills, fail-closed).

A test module takes them with ``from tests.support.fault_fixtures import _clean, srv``: one server
serving the synthetic site per module, its faults and request log cleared around every test.
"""
from __future__ import annotations

import pytest

from tests.conftest import SITE
from tests.support.faultserver import FaultServer


@pytest.fixture(scope="module")
def srv():
    with FaultServer(SITE) as s:
        yield s


@pytest.fixture(autouse=True)
def _clean(srv):
    srv.clear()
    srv.reset_log()
    yield
    srv.clear()
