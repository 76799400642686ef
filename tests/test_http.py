"""The HTTP client's own guarantees: which hosts it will contact, its limits, its retry timing,
and its settings. (What a run does with each fault: tests/test_faults.py.)"""
from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from tests.conftest import SITE
from tests.support.fault_fixtures import _clean, srv  # noqa: F401 (pytest fixtures)
from tests.support.faultserver import Serve, Status, mirror_path
from tip.core.errors import UserError
from tip.fetch.http import HttpClient, HttpSettings, RateLimiter

PAGE = "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm"


def client_for(srv, **kw) -> HttpClient:
    kw.setdefault("sleep", lambda s: None)
    kw.setdefault("rate_per_host", 0)
    return HttpClient({urlsplit(srv.url).netloc}, **kw)


STATE = {"www.state.gov", "2009-2017.state.gov"}


@pytest.mark.parametrize("url", [
    "https://www.state.gov/reports/2023-trafficking-in-persons-report/",
    "http://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm",
    "https://WWW.STATE.GOV/reports/",
])
def test_state_department_urls_are_allowed(url):
    assert HttpClient(STATE).host_allowed(url)


@pytest.mark.parametrize("url", [
    "https://evil.example.com/reports/",
    "https://www.state.gov.evil.example.com/reports/",
    "https://evil.example.com/www.state.gov/reports/",
    "https://www.state.gov@evil.example.com/reports/",             # user-info: the host is evil.example.com
    "https://user:pw@www.state.gov/reports/",                      # credentials in a URL: refused outright
    "https://evil.example.com\\@www.state.gov/reports/",          # parsers disagree on backslashes
    "https://www.state.gov\\.evil.example.com/",
    "https://www.state.gov:8443/reports/",                         # another port is another server
    "ftp://www.state.gov/reports/",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "//www.state.gov/reports/",                                    # no scheme
    "https://www.state.gov\t.evil.example.com/",
    "https://www.state.gov\n/reports/",
    "https:///reports/",
    "https://[::1]/reports/",
    "https://127.0.0.1/reports/",
    "",
])
def test_other_hosts_and_ambiguous_urls_are_refused(url):
    c = HttpClient(STATE)
    assert not c.host_allowed(url)
    r = c.get(url)
    assert not r.ok and r.error.startswith("host not allowed") and r.attempts == 0
    assert c.requested == []


def test_a_mirror_is_one_host_and_port(srv):
    c = client_for(srv)
    assert c.host_allowed(srv.url + "/www.state.gov/reports/")
    port = urlsplit(srv.url).port
    assert not c.host_allowed(f"http://127.0.0.1:{port + 1}/www.state.gov/reports/")
    assert not c.host_allowed("https://www.state.gov/reports/")   # the real site is not the mirror


def test_browser_like_user_agent_and_conditional_requests(srv):
    c = client_for(srv)
    first = c.get(srv.url + mirror_path(PAGE))
    assert first.ok and first.etag and first.last_modified
    again = c.get(srv.url + mirror_path(PAGE), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body is None
    (_, h1), (_, h2) = srv.requests
    assert h1["User-Agent"].startswith("Mozilla/5.0") and "If-None-Match" not in h1
    assert h2["If-None-Match"] == first.etag and h2["If-Modified-Since"] == first.last_modified


def test_no_retry_on_403_and_404(srv):
    c = client_for(srv, max_attempts=5)
    for code in (403, 404, 410):
        srv.reset_log()
        srv.add(PAGE, Status(code), then="repeat")
        r = c.get(srv.url + mirror_path(PAGE))
        assert r.status == code and not r.ok and srv.hits(PAGE) == 1 and r.attempts == 1


def test_backoff_doubles_with_jitter_and_is_capped(srv):
    waits: list[float] = []
    c = client_for(srv, max_attempts=8, backoff_base=1.0, backoff_max=10.0, sleep=waits.append, rng=random.Random(7))
    srv.add(PAGE, Status(503), then="repeat")
    r = c.get(srv.url + mirror_path(PAGE))
    assert r.error == "HTTP 503 (gave up after 8 attempts)" and srv.hits(PAGE) == 8
    assert len(waits) == 7
    for i, w in enumerate(waits):
        nominal = min(10.0, 2 ** i)
        assert 0.5 * nominal <= w <= min(10.0, 1.5 * nominal), (i, w)
    assert max(waits) <= 10.0
    # the jitter really varies (two clients do not retry in lock-step)
    assert len({round(w / min(10.0, 2 ** i), 3) for i, w in enumerate(waits)}) > 3


def test_retry_after_is_honoured_and_capped_by_the_longest_wait(srv):
    waits: list[float] = []
    c = client_for(srv, max_attempts=3, backoff_max=30.0, sleep=waits.append)
    srv.add(PAGE, Status(429, retry_after=30), Status(503, retry_after=0))
    assert c.get(srv.url + mirror_path(PAGE)).ok
    assert waits == [30.0]  # Retry-After: 0 retries at once, without sleeping
    assert srv.hits(PAGE) == 3
    waits.clear()
    srv.reset_log()
    srv.add(PAGE, Status(429, retry_after=31), then="repeat")
    r = c.get(srv.url + mirror_path(PAGE))
    assert not r.ok and waits == [] and srv.hits(PAGE) == 1
    assert "retry after 31s" in r.error and r.retry_after == "31"


def test_rate_limit_spaces_requests_per_host():
    now = [100.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    lim = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        lim.wait("www.state.gov")
    lim.wait("2009-2017.state.gov")  # another host has its own budget
    assert slept == [0.5, 0.5]
    assert RateLimiter(0).interval == 0


def test_settings_come_from_the_environment_and_arguments_win():
    s = HttpSettings.from_env({"TIP_HTTP_READ_TIMEOUT": "2.5", "TIP_HTTP_MAX_ATTEMPTS": "2", "TIP_HTTP_MAX_BYTES": "1000"})
    assert (s.read_timeout, s.max_attempts, s.max_bytes, s.connect_timeout) == (2.5, 2, 1000, 10.0)
    c = HttpClient(STATE, settings=s, max_attempts=5)
    assert c.max_attempts == 5 and c.timeout == (10.0, 2.5) and c.max_bytes == 1000


@pytest.mark.parametrize("env,message", [
    ({"TIP_HTTP_READ_TIMEOUT": "soon"}, "$TIP_HTTP_READ_TIMEOUT='soon': expected a number"),
    ({"TIP_HTTP_MAX_ATTEMPTS": "2.5"}, "$TIP_HTTP_MAX_ATTEMPTS='2.5': expected a whole number"),
    ({"TIP_HTTP_MAX_ATTEMPTS": "0"}, "$TIP_HTTP_MAX_ATTEMPTS='0': must be at least 1"),
    ({"TIP_HTTP_BACKOFF_MAX": "-1"}, "$TIP_HTTP_BACKOFF_MAX='-1': must be zero or more"),
])
def test_bad_settings_are_one_clear_line(env, message):
    with pytest.raises(UserError) as err:
        HttpSettings.from_env(env)
    assert str(err.value) == message


def test_a_bad_setting_stops_the_cli_with_one_line(tmp_path):
    from tests.conftest import run_cli

    res = run_cli("fetch", "--years", "2014", "--mirror", "http://127.0.0.1:9", "--db", str(tmp_path / "t.duckdb"),
                  env={"TIP_HTTP_READ_TIMEOUT": "soon"})
    assert res.returncode == 2
    assert res.stderr.strip() == "tip: error: $TIP_HTTP_READ_TIMEOUT='soon': expected a number"


def test_the_cap_counts_decompressed_bytes_and_a_body_just_under_it_passes(srv):
    body = b"<html><body>" + b"x" * 5000 + b"</body></html>"
    from tests.support.faultserver import Body

    c = client_for(srv, max_bytes=len(body))
    srv.add(PAGE, Body(body))
    assert c.get(srv.url + mirror_path(PAGE)).body == body
    c = client_for(srv, max_bytes=len(body) - 1)
    srv.add(PAGE, Body(body))
    r = c.get(srv.url + mirror_path(PAGE))
    assert r.body is None and r.error.startswith("body larger than the cap")


def test_an_untyped_body_is_judged_by_its_bytes(srv):
    from tests.support.faultserver import Body

    page = (SITE / mirror_path(PAGE).lstrip("/")).read_bytes()
    c = client_for(srv)
    srv.add(PAGE, Body(page, {"Content-Type": "application/octet-stream"}))
    assert c.get(srv.url + mirror_path(PAGE)).body == page
    srv.add(PAGE, Body(b"%PDF-1.4\n" + bytes(100), {"Content-Type": "application/octet-stream"}))
    r = c.get(srv.url + mirror_path(PAGE))
    assert r.body is None and r.error == "not a web page: the body is PDF data"
    srv.add(PAGE, Body(page, {"Content-Type": "image/png"}))
    assert c.get(srv.url + mirror_path(PAGE)).error == "not a web page: Content-Type image/png"
