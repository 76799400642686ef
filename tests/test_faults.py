"""The web's failures, one at a time, through the whole plain pipeline (fetch -> parse ->
validate -> build -> publish) against the fault server on 127.0.0.1.

For every fault the run completes and publishes, and either
* the page is retried and recovered (the panel is the undisturbed run's), or
* the page is recorded as failed in raw.documents with its reason, every other row is the
  undisturbed run's, and a panel that already held the page keeps every earlier row.

The HTTP client gets small timeouts and a fake sleep (it records the waits), so nothing here
waits for real backoff.
"""
from __future__ import annotations

import email.utils
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from tests.support.fault_fixtures import _clean, srv  # noqa: F401 (pytest fixtures)
from tests.support.faultserver import (Body, Charset, Endless, FaultServer, Huge, Redirect, Reset, SlowHeaders, Stall,
                                       Status, Transform, Trickle, Truncate, gzip_bomb, mirror_path)
from tests.support.reliability import (ROOT, completed, copy_panel, country_year, fast_client, last_fetch, raw_store_problems,
                                       run, snapshot)
from tip.core.errors import SourcesUnreachable
from tip.pipeline import EXIT_PARTIAL

SITE = ROOT / "tests" / "fixtures" / "site"
KHM14 = "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm"
MOVED14 = "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/moved.htm"
IDX14 = "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/index.htm"
IDX23 = "https://www.state.gov/reports/2023-trafficking-in-persons-report/"
CUW23 = "https://www.state.gov/reports/2023-trafficking-in-persons-report/curacao/"
CAP = 256 * 1024
YEARS = "2001,2010,2014,2023"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@pytest.fixture(scope="module")
def trap():
    """A second server on another port: a host the pipeline must never contact."""
    with FaultServer(SITE) as s:
        yield s


@pytest.fixture(scope="module")
def good(srv, tmp_path_factory):
    """An undisturbed run: the reference panel, and a state later runs start from."""
    db = tmp_path_factory.mktemp("good") / "tip.duckdb"
    s = run(srv, db, years=YEARS)
    assert s.published and s.fetch_failed == 0
    rows = country_year(db)
    assert ("KHM", 2014) in rows and ("CUW", 2023) in rows and len(rows) >= 20
    return db, snapshot(db), rows


def _mp(url: str) -> str:
    return mirror_path(url)


def answers(*steps, then="repeat"):
    """A fault set-up: the page answers ``steps`` (then repeats the last, or serves the page)."""
    def setup(srv, page, trap):
        srv.add(page, *steps, then=then)
    return setup


def loop(srv, page, trap):
    """page -> page-moved -> page -> ..."""
    srv.add(page, Redirect(_mp(page) + "-moved"), then="repeat")
    srv.add(_mp(page) + "-moved", Redirect(_mp(page)), then="repeat")


def hops(srv, page, trap):
    srv.add(page, *[Redirect(_mp(page) + f"?hop={i}") for i in range(1, 12)])


def to_trap(srv, page, trap):
    srv.add(page, Redirect(trap.url + _mp(page)), then="repeat")


def to_evil(srv, page, trap):
    srv.add(page, Redirect("http://evil.example.com" + _mp(page)), then="repeat")


# name, set-up, the reason recorded for the page, requests the page gets
PERMANENT = [
    ("500", answers(Status(500)), r"^HTTP 500 \(gave up after 3 attempts\)$", 3),
    ("502", answers(Status(502)), r"^HTTP 502 \(gave up after 3 attempts\)$", 3),
    ("503", answers(Status(503, retry_after=1)), r"^HTTP 503 \(gave up after 3 attempts\)$", 3),
    ("429-retry-after-too-long", answers(Status(429, retry_after=3600)),
     r"^HTTP 429: the server asked to retry after 3600s, longer than the 60s this client waits", 1),
    ("403", answers(Status(403)), r"^HTTP 403$", 1),
    ("slow-headers", answers(Stall(10)), r"^timeout: the server sent nothing for longer than the read timeout \(gave up after 3", 3),
    ("slow-trickle", answers(Trickle()), r"^slow response: not complete after 0.6s", 3),
    ("slow-headers-trickle", answers(SlowHeaders()), r"^slow response: not complete after 0.6s \(headers and body\)", 3),
    ("connection-reset", answers(Reset()), r"^connection reset by the server \(gave up after 3 attempts\)$", 3),
    ("reset-mid-body", answers(Reset(after_bytes=300)), r"^connection reset by the server part-way through the body", 3),
    ("truncated-body", answers(Truncate()), r"^truncated body: the connection closed after \d+ of \d+ bytes \(gave up", 3),
    ("endless-body", answers(Endless()), rf"^body larger than the cap \(> {CAP} bytes\)$", 1),
    ("huge-body-declared", answers(Huge(50_000_000)), rf"^body larger than the cap \(50000000 > {CAP} bytes\)$", 1),
    ("huge-body-undeclared", answers(Huge(50_000_000, declare=False)), rf"^body larger than the cap \(> {CAP} bytes\)$", 1),
    ("gzip-bomb", answers(Body(gzip_bomb(20_000_000), {"Content-Type": "text/html", "Content-Encoding": "gzip"})),
     rf"^body larger than the cap \(> {CAP} bytes\)$", 1),
    ("pdf-instead-of-html", answers(Body(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", {"Content-Type": "application/pdf"})),
     r"^not a web page: Content-Type application/pdf$", 1),
    ("png-labelled-html", answers(Body(PNG, {"Content-Type": "text/html"})), r"^not a web page: the body is PNG data$", 1),
    ("empty-200", answers(Body(b"")), r"^empty body \(gave up after 3 attempts\)$", 3),
    ("redirect-loop", loop, r"^redirect loop: \S+ -> \S+(?:-moved|\.\.\.) -> \S+$", 1),
    ("too-many-redirects", hops, r"^more than 5 redirects from ", 6),
    ("redirect-to-another-host", to_trap, r"^redirect to a host that is not allowed: 127\.0\.0\.1:\d+ \(from ", 1),
    ("redirect-to-evil-host", to_evil, r"^redirect to a host that is not allowed: evil\.example\.com \(from ", 1),
]

# name, set-up (the page as usual afterwards), requests the page gets, the client's waits
TRANSIENT = [
    ("500-once", answers(Status(500), then="serve"), 2, None),
    ("502-twice", answers(Status(502), Status(502), then="serve"), 3, None),
    ("503-with-retry-after", answers(Status(503, retry_after=7), then="serve"), 2, [7.0]),
    ("429-with-retry-after", answers(Status(429, retry_after=2), Status(429, retry_after=2), then="serve"), 3, [2.0, 2.0]),
    ("429-retry-after-as-date", lambda srv, page, trap: srv.add(
        page, Status(429, retry_after=email.utils.formatdate(time.time() + 30, usegmt=True))), 2, "about-30"),
    ("slow-headers-once", answers(Stall(10), then="serve"), 2, None),
    ("slow-trickle-once", answers(Trickle(), then="serve"), 2, None),
    ("connection-reset-once", answers(Reset(), then="serve"), 2, None),
    ("reset-mid-body-once", answers(Reset(after_bytes=300), then="serve"), 2, None),
    ("truncated-once", answers(Truncate(keep=0.3), then="serve"), 2, None),
    ("empty-200-once", answers(Body(b""), then="serve"), 2, None),
    ("redirect-within-the-mirror", lambda srv, page, trap: srv.add(page, Redirect(_mp(page) + "?moved=1", code=301)), 2, []),
]


def fetch_only(srv, db: Path, years: str = "2014", client=None):
    """The fetch stage alone into a new working store (cheap: no parse, validation or build)."""
    from tip.core.config import Paths
    from tip.pipeline import RunOptions, open_work, stage_fetch

    paths = Paths.for_db(db)
    con = open_work(paths)
    try:
        summary = stage_fetch(con, paths, RunOptions(years=years, mirror=srv.url, db=str(db), rate_per_host=0),
                              client=client or fast_client(srv))
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT url, status, error, sha256 FROM raw.documents "
            "QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1").fetchall()}
    finally:
        con.close()
    return summary, rows


@pytest.mark.parametrize("name,setup,reason,hits", PERMANENT, ids=[p[0] for p in PERMANENT])
def test_each_failing_page_is_recorded_with_its_reason(srv, trap, tmp_path, name, setup, reason, hits):
    trap.reset_log()
    setup(srv, KHM14, trap)
    client = fast_client(srv)
    summary, rows = fetch_only(srv, tmp_path / "tip.duckdb", client=client)
    status, error, sha = rows[KHM14]
    assert sha is None and re.search(reason, error), (status, error)
    assert srv.hits(KHM14) == hits
    assert summary.failed == 1
    # the year's other pages are fetched as usual
    assert sum(1 for u, r in rows.items() if r[2] is not None and "/2014/" in u) == 5
    # nothing but the mirror was ever contacted
    assert trap.requests == []
    assert {urlsplit(u).netloc for u in client.requested} == {urlsplit(srv.url).netloc}


@pytest.mark.parametrize("name,setup,hits,waits", TRANSIENT, ids=[t[0] for t in TRANSIENT])
def test_each_passing_fault_is_retried_and_recovers(srv, trap, tmp_path, name, setup, hits, waits):
    setup(srv, KHM14, trap)
    sleeps: list[float] = []
    summary, rows = fetch_only(srv, tmp_path / "tip.duckdb", client=fast_client(srv, sleeps))
    status, error, sha = rows[KHM14]
    assert (status, error) == (200, None) and sha
    assert (SITE / _mp(KHM14).lstrip("/")).read_bytes() == (tmp_path / "tip.state" / "raw" / sha[:2] / sha).read_bytes()
    assert srv.hits(KHM14) == hits and summary.failed == 0
    if waits == "about-30":
        assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30.5
    elif waits is not None:
        assert sleeps == waits
    else:  # exponential backoff with 50-150% jitter: about 1 s, then about 2 s
        assert len(sleeps) == hits - 1
        for i, w in enumerate(sleeps):
            assert 0.5 * 2 ** i <= w <= 1.5 * 2 ** i


def _year(url: str) -> int:
    return int(re.search(r"/(\d{4})(?:-trafficking|/)", url).group(1))


def _pages(good_db: Path) -> dict[str, set]:
    """Narrative page -> the (country, year) rows it gives in the undisturbed panel."""
    with duckdb.connect(str(good_db), read_only=True) as con:
        rows = con.execute("SELECT source_url, country_iso3, report_year FROM staging.narratives").fetchall()
    out: dict[str, set] = {}
    for url, iso, year in rows:
        out.setdefault(url, set()).add((iso, year))
    return out


@pytest.mark.parametrize("group", [0, 1])
def test_failing_pages_leave_the_rest_of_the_run_and_the_earlier_rows(srv, trap, good, tmp_path, group):
    """Half of the faults at once, one per page, through the whole pipeline: each page is recorded
    with its reason, the run publishes everything else; a panel that held those pages keeps them."""
    good_db, good_snap, good_rows = good
    pages = _pages(good_db)
    faults = PERMANENT[group::2]
    # one page of each year stays good: a year none of whose pages answers is another case
    # (tests/test_fail_closed.py: nothing is published)
    spared = {min(u for u in pages if _year(u) == y) for y in {_year(u) for u in pages}}
    usable = sorted(set(pages) - spared)
    assert len(faults) <= len(usable)
    chosen = dict(zip(usable, faults))
    partial_years = {str(_year(u)) for u in chosen}

    def arm():
        srv.clear()
        trap.reset_log()
        for page, (_, setup, _, _) in chosen.items():
            setup(srv, page, trap)

    # 1. a new panel
    arm()
    db = tmp_path / "new" / "tip.duckdb"
    s = run(srv, db, years=YEARS)
    assert s.published, s.lines()
    assert s.fetch_failed == len(chosen)
    assert s.exit_code == EXIT_PARTIAL and set(s.partial) == partial_years, s.partial
    assert {m.split(": ", 1)[0] for ms in s.missing_pages.values() for m in ms} >= set(chosen)
    for page, (name, _, reason, _) in chosen.items():
        status, error, sha = last_fetch(db, page)
        assert sha is None and re.search(reason, error), (name, status, error)
    lost = set().union(*(pages[p] for p in chosen))
    rows = country_year(db)
    assert set(rows) == set(good_rows) - lost
    assert all(rows[k] == good_rows[k] for k in rows)
    assert trap.requests == []

    # 2. a panel that already holds those pages: every earlier row stays
    arm()
    db = copy_panel(good_db, tmp_path / "earlier")
    s = run(srv, db, years=YEARS)
    assert completed(s) and s.fetch_failed == len(chosen)
    assert s.exit_code == EXIT_PARTIAL and set(s.partial) == partial_years
    assert snapshot(db) == good_snap
    assert trap.requests == []
    assert raw_store_problems(db.parent / "tip.state" / "raw") == []


def test_passing_faults_leave_the_panel_as_an_undisturbed_run(srv, trap, good, tmp_path):
    good_db, good_snap, _ = good
    pages = sorted(_pages(good_db))
    assert len(TRANSIENT) <= len(pages)
    for page, (_, setup, _, _) in zip(pages, TRANSIENT):
        setup(srv, page, trap)
    db = tmp_path / "tip.duckdb"
    s = run(srv, db, years=YEARS)
    assert s.published and s.fetch_failed == 0, s.lines()
    assert s.exit_code == 0 and not s.partial
    assert snapshot(db) == good_snap
    for page, (name, _, hits, _) in zip(pages, TRANSIENT):
        assert srv.hits(page) == hits, name


def test_a_404_is_recorded_as_not_found_and_not_retried(srv, tmp_path):
    srv.add(KHM14, Status(404, body=b"<html><body>Page not found</body></html>"), then="repeat")
    summary, rows = fetch_only(srv, tmp_path / "tip.duckdb")
    assert rows[KHM14] == (404, "HTTP 404", None)
    assert srv.hits(KHM14) == 1
    assert summary.not_found == 2 and summary.failed == 0  # this page and the fixture's own 404


def test_a_failing_index_page_fails_the_run_or_falls_back_to_its_stored_copy(srv, good, tmp_path):
    good_db, good_snap, good_rows = good
    srv.add(IDX23, Status(503), then="repeat")
    db = tmp_path / "tip.duckdb"
    with pytest.raises(SourcesUnreachable) as exc:  # no copy of the index: 2023 reached nothing
        run(srv, db, years=YEARS)
    assert exc.value.years == {"2023": "index page not reached: HTTP 503"} and not db.exists()
    # a failure other than 404 does not send the run to the year's other hosts
    assert srv.hits(IDX23) == 3 and srv.hits("https://2021-2025.state.gov/reports/2023-trafficking-in-persons-report/") == 0
    db = copy_panel(good_db, tmp_path / "earlier")
    s = run(srv, db, years=YEARS)
    assert completed(s) and s.exit_code == EXIT_PARTIAL and list(s.partial) == ["2023"]
    assert snapshot(db) == good_snap


def test_index_links_to_other_hosts_are_never_followed(srv, trap, good, tmp_path):
    good_db, good_snap, _ = good
    trap.reset_log()
    hostile = (
        f'<li><a href="{trap.url}/2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226702.htm">Thailand</a></li>'
        '<li><a href="http://evil.example.com/j/tip/rls/tiprpt/countries/2014/226703.htm">Laos</a></li>'
        '<li><a href="//evil.example.com/j/tip/rls/tiprpt/countries/2014/226704.htm">Vietnam</a></li>'
        '<li><a href="/evil.example.com/j/tip/rls/tiprpt/countries/2014/226705.htm">Nepal</a></li>'
        '<li><a href="https://www.state.gov.evil.example.com/j/tip/rls/tiprpt/countries/2014/226706.htm">India</a></li>'
        '<li><a href="https://user@2009-2017.state.gov@evil.example.com/j/tip/rls/tiprpt/countries/2014/226707.htm">Chad</a></li>'
        '<li><a href="http://2009-2017.state.gov\\@evil.example.com/j/tip/rls/tiprpt/countries/2014/226708.htm">Mali</a></li>'
        '<li><a href="file:///etc/passwd">Peru</a></li><li><a href="javascript:alert(1)">Chile</a></li>'
        '<li><a href="../../../../../../etc/passwd">Niger</a></li>'
        '<li><a href="226701.htm/../../../../../../../etc/passwd">Togo</a></li>'
    ).encode()
    srv.add(IDX14, Transform(lambda page: page.replace(b"</ul>", hostile + b"</ul>")), then="repeat")
    client = fast_client(srv)
    db = copy_panel(good_db, tmp_path / "earlier")
    s = run(srv, db, years=YEARS, client=client)
    assert completed(s) and s.fetch_failed == 0
    assert trap.requests == []
    assert {urlsplit(u).netloc for u in client.requested} == {urlsplit(srv.url).netloc}
    served_hosts = {p.split("/")[1] for p, _ in srv.requests}
    assert served_hosts <= {"2001-2009.state.gov", "2009-2017.state.gov", "www.state.gov"}
    assert not any("passwd" in p or "evil" in p for p, _ in srv.requests)
    assert snapshot(db) == good_snap
    # raw-store names come from hashes only: nothing a page says chose a path
    assert raw_store_problems(db.parent / "tip.state" / "raw") == []
    with duckdb.connect(str(db), read_only=True) as con:
        urls = [r[0] for r in con.execute("SELECT DISTINCT url FROM raw.documents").fetchall()]
    assert {urlsplit(u).netloc for u in urls} <= {"2001-2009.state.gov", "2009-2017.state.gov", "www.state.gov",
                                                  "2021-2025.state.gov"}


# -- what a page's bytes say: charsets, error pages ---------------------------------------------
def fetch_parse(srv, db: Path, years: str = "2023"):
    """Fetch and parse into a working store; returns the connection (caller closes)."""
    from tip.core.config import Paths
    from tip.pipeline import open_work, stage_parse

    fetch_only(srv, db, years)
    paths = Paths.for_db(db)
    con = open_work(paths)
    stage_parse(con, paths)
    return con


@pytest.mark.parametrize("fault", [
    Charset(None),                                       # no charset anywhere, UTF-8 bytes
    Charset(None, encode_as="cp1252"),                   # no charset anywhere, Windows-1252 bytes
    Charset("utf-8", encode_as="cp1252"),                # says UTF-8, is Windows-1252
    Charset("iso-8859-1", encode_as="iso-8859-1"),       # says Latin-1 and is
], ids=["missing-utf8", "missing-cp1252", "wrong-says-utf8-is-cp1252", "latin1-declared-correctly"])
def test_missing_or_wrong_charsets_still_read_the_page_right(srv, good, tmp_path, fault):
    good_db = good[0]
    srv.add(CUW23, fault, then="repeat")
    con = fetch_parse(srv, tmp_path / "tip.duckdb")
    try:
        got = con.execute("SELECT country, tier, text FROM staging.narratives WHERE narrative_id = 'CUW-2023'").fetchone()
        measures = con.execute("SELECT measure, value, evidence FROM staging.measures WHERE narrative_id = 'CUW-2023' "
                               "ORDER BY ALL").fetchall()
    finally:
        con.close()
    with duckdb.connect(str(good_db), read_only=True) as g:
        want = g.execute("SELECT country, tier, text FROM staging.narratives WHERE narrative_id = 'CUW-2023'").fetchone()
        want_measures = g.execute("SELECT measure, value, evidence FROM staging.measures WHERE narrative_id = 'CUW-2023' "
                                  "ORDER BY ALL").fetchall()
    assert got == want and "Curaçao" in got[2]
    assert measures == want_measures


def test_a_utf8_page_labelled_latin1_is_read_as_utf8_not_misread(srv, good, tmp_path):
    """Header says ISO-8859-1, bytes are clean UTF-8 with multibyte characters (a common server
    mislabel): the page is read as UTF-8, so Curaçao is Curaçao, never a row under a mangled name;
    a panel that already holds the page is untouched (same bytes: nothing to parse again)."""
    srv.add(CUW23, Charset("iso-8859-1", strip_meta=False), then="repeat")
    con = fetch_parse(srv, tmp_path / "new" / "tip.duckdb")
    try:
        reasons = [r[0] for r in con.execute("SELECT reason FROM staging.rejects WHERE input = ?", [CUW23]).fetchall()]
        names = [r[0] for r in con.execute("SELECT country FROM staging.narratives").fetchall()]
    finally:
        con.close()
    assert reasons == []
    assert len(names) == 5 and "CURAÇAO" in names and not any("Ã" in n for n in names)

    from tip.parse.staging import pending_documents
    db = copy_panel(good[0], tmp_path / "earlier")
    summary, _ = fetch_only(srv, db, "2023")
    assert summary.failed == 0 and summary.fetched == 0
    with duckdb.connect(str(db.parent / "tip.state" / "work.duckdb")) as con:
        assert pending_documents(con) == []


def test_an_error_page_served_as_200_keeps_the_earlier_narrative(srv, good, tmp_path):
    """A CDN's 'Access Denied' page with status 200 in place of a narrative that parsed before: the
    earlier copy's rows stay in the published panel, and a reject says why."""
    good_db, good_snap, _ = good
    denied = b"<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>" \
             b"<p>You don't have permission to access this server.</p></body></html>"
    srv.add(KHM14, Body(denied), then="repeat")
    db = copy_panel(good_db, tmp_path / "earlier")
    s = run(srv, db, years=YEARS)
    assert s.published and s.fetched == 1 and s.exit_code == 0  # rejected for a stated reason, not missing
    snap = snapshot(db)
    assert {k: v for k, v in snap.items() if k != "staging.rejects"} == \
           {k: v for k, v in good_snap.items() if k != "staging.rejects"}
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = [r[0] for r in con.execute("SELECT reason FROM staging.rejects WHERE input = ?", [KHM14]).fetchall()]
    assert any(r.startswith("no narrative headline found") for r in reasons)
    assert any("kept the narratives parsed from its earlier copy" in r for r in reasons)
