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

    def add(self, other: "FetchSummary") -> "FetchSummary":
        self.requested += other.requested
        self.conditional += other.conditional
        self.fetched += other.fetched
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.not_found += other.not_found
        self.years_missing += other.years_missing
        self.failures += other.failures
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

    def add(self, **row) -> None:
        now = row.get("fetched_at") or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        row["fetched_at"] = now
        row["fetch_id"] = hashlib.sha256(f"{row['url']}|{now.isoformat()}|{len(self.rows)}".encode()).hexdigest()[:32]
        self.rows.append({c: row.get(c) for c in RAW_COLUMNS})
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


def fetch_year(con: duckdb.DuckDBPyConnection, store: RawStore, client: HttpClient, year: int,
               countries: set[str] | None = None, mirror: str | None = None, progress: Progress | None = None) -> FetchSummary:
    """Fetch one report year: its index page, then every narrative page it links to."""
    summary = FetchSummary()
    rec = Recorder(con)
    try:
        index_html = None
        index_url = None
        candidates = sources.index_urls(year)
        prev = _previous(con, candidates)
        for cand in candidates:
            before_nf = summary.not_found
            body = _get_one(client, store, rec, cand, year, "index", mirror, prev.get(cand), summary)
            if body is not None:
                index_html, index_url = body.decode("utf-8", errors="replace"), cand
                break
            if summary.not_found == before_nf:
                break  # a failure other than 404: do not hammer the other hosts
        if index_html is None:
            summary.years_missing.append(year)
            if progress:
                for url, why in summary.failures:
                    progress(f"{year}: failed: {url}: {why}")
                progress(f"{year}: no report index found ({', '.join(urlsplit(c).netloc for c in candidates)})")
            return summary
        pages = sources.discover(year, index_url, index_html, countries, mirror)
        prev = _previous(con, [p.url for p in pages])
        before = (summary.fetched, summary.unchanged, summary.failed, summary.not_found)
        add_total(progress, len(pages))
        for page in pages:
            _get_one(client, store, rec, page.url, year, "narrative", mirror, prev.get(page.url), summary)
            advance(progress)
        if progress:
            progress(f"{year}: {len(pages)} narrative pages: {summary.fetched - before[0]} new or changed, "
                     f"{summary.unchanged - before[1]} unchanged, {summary.failed - before[2]} failed, "
                     f"{summary.not_found - before[3]} not found (404, recorded)")
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
