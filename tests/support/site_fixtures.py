"""`tip site` written once per test module from the shared synthetic panel (tests/test_site*.py).

A test module takes them with ``from tests.support.site_fixtures import db, site``.
"""
from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.support.marts_panel import shared_panel


@pytest.fixture(scope="module")
def db():
    return shared_panel()


@pytest.fixture(scope="module")
def site(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    res = run_cli("site", "--db", str(db), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"wrote {out}: ") and "first page" in res.stdout
    return out
