"""The fetch stage: report pages -> raw store + raw.documents rows.

Plain functions; the Prefect flows call ``fetch_year`` once per report year, and
``check_latest`` for the weekly check (the newest stored report year plus a probe for a newer
one: reports of past years live on archive hosts and do not change).

Incremental: a page we hold is asked for conditionally (If-None-Match / If-Modified-Since with
the ETag / Last-Modified recorded in raw.documents); a 304, or a 200 whose body hashes to the
sha256 we hold, counts as unchanged, and the loader parses only (url, sha256, parser version)
combinations it has not parsed yet. Retries live in the HTTP client only (tip.fetch.http).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import duckdb
import pandas as pd

from tip.fetch import sources
from tip.core.countries import to_iso3
from tip.core.errors import UserError
from tip.core.progress import add_total, advance
from tip.fetch.http import HttpClient
from tip.parse import MAX_DOCUMENT_BYTES
from tip.fetch.rawstore import RawStore

log = logging.getLogger("tip.fetch.crawl")
Progress = Callable[[str], None]

RAW_COLUMNS = ["fetch_id", "url", "source", "report_year", "kind", "status", "fetched_at", "sha256", "content_type",
               "etag", "last_modified", "bytes", "error"]
FLUSH_EVERY = 20


def _reason(error: str) -> str:
    """An error without its retry count: 'HTTP 503 (gave up after 4 attempts)' -> 'HTTP 503'."""
    return re.sub(r"\s*\((?:gave up after \d+ attempts|not asked again:[^)]*)\)$", "", error or "").strip() or "no answer"


def _reasons(failures: list[tuple[str, str]]) -> str:
    counts: dict[str, int] = {}
    for _, why in failures:
        counts[_reason(why)] = counts.get(_reason(why), 0) + 1
    return ", ".join(f"{why}" + (f" x{n}" if n > 1 else "") for why, n in sorted(counts.items(), key=lambda kv: -kv[1]))


@dataclass
class YearFetch:
    """What fetching one report year found: its index page, the narrative pages the index links
    to, and what each page answered. ``unreachable`` and ``partial`` say why a year is not whole."""

    year: int
    index_url: str | None = None
    index_result: str = "not asked"     # fetched | unchanged | stored copy | not found | failed
    index_error: str | None = None
    index_stored_at: str | None = None  # when the stored copy used in place of a failed index was fetched
    linked: list[str] = field(default_factory=list)   # narrative pages the index links to
    fetched: int = 0
    unchanged: int = 0
    not_found: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)   # (page, why) of every page without a body
    absent: bool = False                # every host answered 404 for the index: no report for the year (yet)

    @property
    def unreachable(self) -> str | None:
        """Why no source of this year answered with anything usable, or None."""
        if self.absent:  # every host answered 404: this year's report is not out yet, or is gone
            return None if self.year >= sources.current_year() else \
                f"no index page on any of its hosts (HTTP 404 from {', '.join(urlsplit(u).netloc for u in sources.index_urls(self.year))})"
        if self.index_result in ("failed", "not found") and not self.linked:
            return f"index page not reached: {_reason(self.index_error or '')}"
        if self.index_url and not self.linked:
            return "its index page links to no narrative page (an error page in place of the index?)"
        if self.linked and self.fetched + self.unchanged == 0:
            return f"every narrative page failed ({len(self.linked)} of {len(self.linked)}: {_reasons(self.failures)})"
        return None

    @property
    def partial(self) -> str | None:
        """Why this year was reached but not whole (pages that failed, an index read from its stored copy), or None."""
        if self.unreachable or self.absent:
            return None
        parts = []
        if self.index_result == "stored copy":
            parts.append(f"index page not reached ({_reason(self.index_error or '')}): its pages were found from the "
                         f"copy stored {self.index_stored_at}")
        page_failures = [f for f in self.failures if f[0] != self.index_url and not f[1].startswith("HTTP 404")
                         and not f[1].startswith("HTTP 410")]
        if page_failures:
            parts.append(f"{len(page_failures)} of {len(self.linked)} narrative pages failed ({_reasons(page_failures)})")
        return "; ".join(parts) or None

    @property
    def missing(self) -> list[tuple[str, str]]:
        """Narrative pages the index links to that gave no body this time (failed or not found), with why."""
        linked = set(self.linked)
        return [(u, why) for u, why in self.failures if u in linked]

    def as_row(self) -> dict:
        return {"report_year": self.year, "index_url": self.index_url, "index_result": self.index_result,
                "index_error": self.index_error, "pages_linked": len(self.linked), "pages_fetched": self.fetched,
                "pages_unchanged": self.unchanged, "pages_not_found": self.not_found, "pages_failed": self.failed,
                "linked_pages": list(self.linked), "missing_pages": [f"{u}: {why}" for u, why in self.missing],
                "unreachable": self.unreachable, "partial": self.partial}


@dataclass
class FetchSummary:
    requested: int = 0
    conditional: int = 0    # requests sent with If-None-Match / If-Modified-Since (we held a copy)
    fetched: int = 0        # new or changed bodies stored
    unchanged: int = 0      # 304, or a 200 whose body hashes to what we had
    failed: int = 0         # no body (timeout, 5xx after retries, size cap, host refused, ...)
    not_found: int = 0      # 404/410: recorded, not fatal
    years_missing: list[int] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    years: list[YearFetch] = field(default_factory=list)   # one per report year asked for

    def add(self, other: "FetchSummary") -> "FetchSummary":
        self.requested += other.requested
        self.conditional += other.conditional
        self.fetched += other.fetched
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.not_found += other.not_found
        self.years_missing += other.years_missing
        self.failures += other.failures
        self.years += other.years
        return self

    def as_dict(self) -> dict:
        return {"requested": self.requested, "conditional": self.conditional, "fetched": self.fetched, "unchanged": self.unchanged,
                "failed": self.failed, "not_found": self.not_found, "years_missing": self.years_missing}


def resolve_countries(spec: str | None) -> set[str] | None:
    if not spec:
        return None
    out = set()
    for name in spec.split(","):
        name = name.strip()
        if not name:
            continue
        iso3 = to_iso3(name) or (name.upper() if len(name) == 3 and name.isalpha() else None)
        if iso3 is None:
            raise UserError(f"--countries: {name!r} is not a country name the reports use")
        out.add(iso3)
    return out


def make_client(mirror: str | None, rate_per_host: float = 1.0, **kw) -> HttpClient:
    if mirror:
        allowed = {urlsplit(mirror).netloc.lower()}
    else:
        allowed = set(sources.STATE_HOSTS)
    return HttpClient(allowed, rate_per_host=rate_per_host, **kw)


class Recorder:
    """Buffers raw.documents rows and writes them in batches (DataFrame inserts, no executemany)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.rows: list[dict] = []
        self.seen: list[dict] = []   # every row added (url, status, error), flushed or not

    def add(self, **row) -> None:
        now = row.get("fetched_at") or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        row["fetched_at"] = now
        row["fetch_id"] = hashlib.sha256(f"{row['url']}|{now.isoformat()}|{len(self.rows)}".encode()).hexdigest()[:32]
        self.rows.append({c: row.get(c) for c in RAW_COLUMNS})
        self.seen.append({"url": row["url"], "status": row.get("status"), "error": row.get("error")})
        if len(self.rows) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        df = pd.DataFrame(self.rows, columns=RAW_COLUMNS)
        df["report_year"] = df["report_year"].astype("Int64")
        df["status"] = df["status"].astype("Int64")
        df["bytes"] = df["bytes"].astype("Int64")
        self.con.register("_raw_batch", df)
        try:
            self.con.execute(f"INSERT INTO raw.documents ({', '.join(RAW_COLUMNS)}) SELECT {', '.join(RAW_COLUMNS)} FROM _raw_batch")
        finally:
            self.con.unregister("_raw_batch")
        self.rows.clear()


def _previous(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, tuple]:
    if not urls:
        return {}
    df = pd.DataFrame({"url": urls})
    con.register("_urls", df)
    try:
        rows = con.execute(
            """
            SELECT d.url, d.etag, d.last_modified, d.sha256
            FROM raw.documents d JOIN _urls u USING (url)
            WHERE d.sha256 IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY d.url ORDER BY d.fetched_at DESC) = 1
            """
        ).fetchall()
    finally:
        con.unregister("_urls")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _get_one(client: HttpClient, store: RawStore, rec: Recorder, url: str, year: int, kind: str, mirror: str | None,
             prev: tuple | None, summary: FetchSummary) -> bytes | None:
    """Fetch one page (conditionally when we hold a copy); record it; return the body we hold."""
    etag = last_mod = prev_sha = None
    if prev and prev[2] and store.has(prev[2]):
        etag, last_mod, prev_sha = prev
    summary.requested += 1
    if etag or last_mod:
        summary.conditional += 1
    r = client.get(sources.mirror_url(url, mirror), etag=etag, last_modified=last_mod)
    if r.not_modified and prev_sha:
        summary.unchanged += 1
        rec.add(url=url, source="statedept", report_year=year, kind=kind, status=304, sha256=prev_sha,
                content_type=r.content_type, etag=r.etag or etag, last_modified=r.last_modified or last_mod)
        return store.get(prev_sha)
    if r.ok:
        sha = store.put(r.body)
        if sha == prev_sha:
            summary.unchanged += 1
        else:
            summary.fetched += 1
        rec.add(url=url, source="statedept", report_year=year, kind=kind, status=200, sha256=sha,
                content_type=r.content_type, etag=r.etag, last_modified=r.last_modified, bytes=len(r.body))
        if sha != prev_sha:
            rec.flush()  # a new body is recorded at once: a killed run never downloads it again
        return r.body
    if r.status in (404, 410):
        summary.not_found += 1
    else:
        summary.failed += 1
        summary.failures.append((url, r.error or f"HTTP {r.status}"))
    rec.add(url=url, source="statedept", report_year=year, kind=kind, status=r.status, error=r.error or f"HTTP {r.status}")
    return None


def _stored_index(con: duckdb.DuckDBPyConnection, store: RawStore, year: int) -> tuple[str, bytes, str] | None:
    """The newest stored copy of a year's index page: (url, body, fetched_at), or None."""
    rows = con.execute(
        "SELECT url, sha256, fetched_at FROM raw.documents WHERE kind = 'index' AND report_year = ? AND sha256 IS NOT NULL "
        "ORDER BY fetched_at DESC LIMIT 1", [year]).fetchall()
    if not rows or not store.has(rows[0][1]):
        return None
    url, sha, at = rows[0]
    return url, store.get(sha), f"{at:%Y-%m-%d %H:%M} UTC"


def fetch_year(con: duckdb.DuckDBPyConnection, store: RawStore, client: HttpClient, year: int,
               countries: set[str] | None = None, mirror: str | None = None, progress: Progress | None = None) -> FetchSummary:
    """Fetch one report year: its index page, then every narrative page it links to.

    When the index page fails (anything but a 404) and a copy of it is stored, its pages are
    found from that copy (the year is then reported partial: the index was not confirmed)."""
    summary = FetchSummary()
    yf = YearFetch(year)
    summary.years.append(yf)
    rec = Recorder(con)
    try:
        index_html = None
        index_url = None
        candidates = sources.index_urls(year)
        prev = _previous(con, candidates)
        for cand in candidates:
            before_nf, before_ok = summary.not_found, (summary.fetched, summary.unchanged)
            body = _get_one(client, store, rec, cand, year, "index", mirror, prev.get(cand), summary)
            yf.index_url = cand
            if body is not None:
                index_html, index_url = body.decode("utf-8", errors="replace"), cand
                yf.index_result = "fetched" if summary.fetched > before_ok[0] else "unchanged"
                yf.index_error = None
                break
            yf.index_error = summary.failures[-1][1] if summary.not_found == before_nf else "HTTP 404"
            if summary.not_found == before_nf:
                yf.index_result = "failed"
                break  # a failure other than 404: do not hammer the other hosts
            yf.index_result = "not found"
        if index_html is None and yf.index_result == "failed":
            stored = _stored_index(con, store, year)
            if stored is not None:
                index_url, body, yf.index_stored_at = stored
                index_html = body.decode("utf-8", errors="replace")
                yf.index_result = "stored copy"
                if progress:
                    progress(f"{year}: index page failed ({_reason(yf.index_error)}); using its copy stored {yf.index_stored_at}")
        if index_html is None:
            summary.years_missing.append(year)
            yf.absent = summary.failed == 0   # every host answered 404: no report for this year (yet)
            if progress:
                for url, why in summary.failures:
                    progress(f"{year}: failed: {url}: {why}")
                progress(f"{year}: no report index found ({', '.join(urlsplit(c).netloc for c in candidates)})")
            return summary
        pages = sources.discover(year, index_url, index_html, countries, mirror)
        yf.linked = [p.url for p in pages]
        prev = _previous(con, [p.url for p in pages])
        before = (summary.fetched, summary.unchanged, summary.failed, summary.not_found, len(summary.failures))
        add_total(progress, len(pages))
        for page in pages:
            _get_one(client, store, rec, page.url, year, "narrative", mirror, prev.get(page.url), summary)
            advance(progress)
        yf.fetched, yf.unchanged = summary.fetched - before[0], summary.unchanged - before[1]
        yf.failed, yf.not_found = summary.failed - before[2], summary.not_found - before[3]
        # every page without a body, 404s included (failures lists only the errors)
        linked = set(yf.linked)
        yf.failures = [f for f in summary.failures[before[4]:] if f[0] in linked] + [
            (r["url"], r["error"]) for r in rec.seen if r["url"] in linked and r.get("status") in (404, 410)]
        if progress:
            progress(f"{year}: {len(pages)} narrative pages: {yf.fetched} new or changed, "
                     f"{yf.unchanged} unchanged, {yf.failed} failed, "
                     f"{yf.not_found} not found (404, recorded)")
            if not pages:
                progress(f"{year}: the index page {index_url} links to no narrative page")
            for url, why in summary.failures:
                progress(f"{year}: failed: {url}: {why}")
    finally:
        rec.flush()
    return summary


# -- the weekly check ------------------------------------------------------------------------------
PROBE_BACK = 4  # with nothing stored, how many years back from this year to look for the newest report


@dataclass
class CheckResult:
    """What the weekly check looked at and found."""

    summary: FetchSummary = field(default_factory=FetchSummary)
    rechecked: int | None = None                              # the newest stored report year, asked for again
    new_years: list[int] = field(default_factory=list)        # report years that appeared since the last run
    absent_years: list[int] = field(default_factory=list)     # probed, every host answered 404: not out yet

    @property
    def years(self) -> list[int]:
        return sorted(({self.rechecked} if self.rechecked else set()) | set(self.new_years))

    def notes(self) -> list[str]:
        out = []
        if self.rechecked:
            out.append(f"check: re-checked the newest stored report ({self.rechecked})")
        if self.new_years:
            out.append(f"check: new report year(s) found and fetched: {', '.join(map(str, self.new_years))}")
        if self.absent_years:
            out.append(f"check: no report yet for {_years_text(self.absent_years)} (probed the index pages)")
        return out


def _years_text(years: list[int]) -> str:
    years = sorted(years)
    if len(years) > 2 and years[-1] - years[0] == len(years) - 1:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def latest_stored_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest report year whose index page we hold (from a State Department fetch)."""
    rows = con.execute(  # fetchall: DuckDB 2 keeps a half-read result open and refuses other work until it is read
        "SELECT max(report_year) FROM raw.documents WHERE source = 'statedept' AND kind = 'index' AND sha256 IS NOT NULL"
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def check_latest(con: duckdb.DuckDBPyConnection, store: RawStore, client: HttpClient, countries: set[str] | None = None,
                 mirror: str | None = None, progress: Progress | None = None, this_year: int | None = None) -> CheckResult:
    """The weekly check: only the newest report year we hold, plus any newer year that has appeared.

    Past years live on archive hosts and do not change, so they are not asked for at all (a
    backfill or the yearly rebuild fetches them). The newest stored year is asked for again
    with conditional requests (its index page and narrative pages); each later year up to this
    year is probed through its index page, and fetched whole when it answers. With nothing
    stored yet, the newest report is looked for from this year back (PROBE_BACK years).
    """
    this_year = this_year or sources.current_year()
    result = CheckResult()
    latest = latest_stored_year(con)

    def probe(year: int) -> bool:
        said: list[str] = []
        s = fetch_year(con, store, client, year, countries, mirror, said.append)
        found = year not in s.years_missing
        if not found and s.failed == 0:  # every candidate host answered 404: not published yet
            s.years_missing = [y for y in s.years_missing if y != year]
            s.years = []  # not a year this run could not reach: there is nothing to reach yet
            result.absent_years.append(year)
            said = [f"{year}: no report yet (its index page answers 404)"]
        for line in said if progress else ():
            progress(line)
        result.summary.add(s)
        return found

    if latest is None:
        if progress:
            progress("check: nothing stored yet; looking for the newest report (run a backfill for older years)")
        for year in range(this_year, max(sources.FIRST_YEAR, this_year - PROBE_BACK) - 1, -1):
            if probe(year):
                result.new_years.append(year)
                break
    else:
        result.rechecked = latest
        result.summary.add(fetch_year(con, store, client, latest, countries, mirror, progress))
        for year in range(latest + 1, this_year + 1):
            if probe(year):
                result.new_years.append(year)
    if progress:
        for note in result.notes():
            progress(note.removeprefix("check: "))
    return result


def current_documents(con: duckdb.DuckDBPyConnection):
    """Every stored narrative document (the newest body of each URL), parsed or not: for a forced re-parse."""
    from tip.parse.staging import DocRef

    rows = con.execute(
        """
        SELECT url, sha256, report_year, content_type, source
        FROM raw.documents
        WHERE kind = 'narrative' AND sha256 IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
        ORDER BY url
        """
    ).fetchall()
    return [DocRef(*r) for r in rows]


def ingest_dir(con: duckdb.DuckDBPyConnection, store: RawStore, folder: Path, progress: Progress | None = None) -> FetchSummary:
    """The dir: source: every .txt/.html file of a folder into the raw store."""
    summary = FetchSummary()
    rec = Recorder(con)
    files = sources.dir_files(folder)
    urls = [f.resolve().as_uri() for f in files]
    prev = _previous(con, urls)
    try:
        for f, url in zip(files, urls):
            summary.requested += 1
            try:
                size = f.stat().st_size
                if size > MAX_DOCUMENT_BYTES:  # never read a huge file into memory
                    why = f"file too large: {size} bytes, more than the {MAX_DOCUMENT_BYTES}-byte limit for one document"
                    summary.failed += 1
                    summary.failures.append((str(f), why))
                    rec.add(url=url, source="dir", kind="narrative", bytes=size, error=why)
                    continue
                data = f.read_bytes()
            except OSError as exc:
                summary.failed += 1
                summary.failures.append((str(f), str(exc)))
                rec.add(url=url, source="dir", kind="narrative", error=f"cannot read: {exc}")
                continue
            sha = store.put(data)
            if prev.get(url) and prev[url][2] == sha:
                summary.unchanged += 1
            else:
                summary.fetched += 1
            ctype = "text/html" if f.suffix.lower() in (".html", ".htm", ".xhtml") else "text/plain"
            rec.add(url=url, source="dir", kind="narrative", status=200, sha256=sha, content_type=ctype, bytes=len(data))
    finally:
        rec.flush()
    if progress:
        progress(f"dir {folder}: {len(files)} files: {summary.fetched} new or changed, {summary.unchanged} unchanged"
                 + (f", {summary.failed} failed" if summary.failed else ""))
        for name, why in summary.failures:
            progress(f"failed: {name}: {why}")
    return summary
