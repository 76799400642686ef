"""The stages, wired without Prefect: fetch -> parse -> validate -> build -> publish.

The Prefect flows (flows/) call these same functions as tasks; the CLI's one-stage commands and
the benchmarks call them directly. Nothing here imports Prefect.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from dataclasses import dataclass, field
from typing import Callable

import duckdb

from tip.fetch import crawl as fetch_mod
from tip.fetch import sources
from tip.marts.build import BuildResult, build_candidate, check_candidate, mart_rows, publish
from tip.core.config import Paths
from tip.core.db import connect_work
from tip.core.errors import SourcesUnreachable, ValidationFailed
from tip.parse.staging import doc_chunks, load_parsed, parse_documents, pending_documents
from tip.parse import PARSER_VERSION
from tip.fetch.rawstore import RawStore
from tip.quality.validate import ValidationReport, validate, validate_candidate, validation_verdict

Progress = Callable[[str], None]
PARSE_CHUNK = 200

# Exit codes of `tip run`, `tip check`, `tip fetch` and `tip build` (docs/reliability.md).
EXIT_OK = 0          # every requested year reached and whole; published (or already current)
EXIT_FAILED = 1      # a requested year reached no source, or a critical expectation failed: nothing published
EXIT_USER = 2        # bad input, or another run holds the panel
EXIT_PARTIAL = 3     # published, but a requested year was left partial (pages failed): run again later
MISSING_SHOWN = 5    # missing pages listed per year in the summary's lines (all of them in the artifact)


from tip.core.progress import add_total, advance, stderr_progress  # noqa: E402  (a bar on a terminal)


@dataclass
class RunOptions:
    years: str | None = None
    countries: str | None = None
    source: str | None = "statedept"
    mirror: str | None = None
    db: str | None = None
    rate_per_host: float = 1.0
    year_hint: int | None = None
    max_quarantine_share: float | None = None
    allow_shrink: bool = False  # publish even when a report year would hold fewer country-years than the published panel


@dataclass
class RunSummary:
    run_id: str
    db: str
    fetched: int = 0
    unchanged: int = 0
    fetch_failed: int = 0
    not_found: int = 0
    parsed: int = 0
    narratives: int = 0
    rejected: int = 0
    quarantined: int = 0
    validation: str = "not run"
    marts: dict[str, int] = field(default_factory=dict)
    published: bool = False
    candidate: str | None = None
    years_missing: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the run looked at (the weekly check, requests, ...)
    current: bool = False  # nothing changed since the published build: it was kept, not rebuilt
    unreachable: dict[str, str] = field(default_factory=dict)   # year -> why no source of it answered
    partial: dict[str, str] = field(default_factory=dict)       # year -> why it was reached but not whole
    missing_pages: dict[str, list[str]] = field(default_factory=dict)  # year -> ['URL: why', ...]
    coverage: list[dict] = field(default_factory=list)          # per requested year: what its fetch found
    pruned: int = 0                                             # old candidate builds removed from builds/

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @property
    def exit_code(self) -> int:
        if self.unreachable:
            return EXIT_FAILED
        if self.partial:
            return EXIT_PARTIAL
        return EXIT_OK

    def year_lines(self) -> list[str]:
        out = []
        for y, why in sorted(self.unreachable.items()):
            out.append(f"{y}: NOT REACHED: {why}")
        for y, why in sorted(self.partial.items()):
            out.append(f"{y}: PARTIAL: {why}")
        for y, pages in sorted(self.missing_pages.items()):
            if y in self.unreachable and len(pages) > MISSING_SHOWN:
                continue  # every page of the year: the reason above says it
            for page in pages[:MISSING_SHOWN]:
                out.append(f"{y}: missing page: {page}")
            if len(pages) > MISSING_SHOWN:
                out.append(f"{y}: ... and {len(pages) - MISSING_SHOWN} more missing pages (marts.year_coverage.missing_pages)")
        return out

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.fetched} fetched, {self.unchanged} unchanged, {self.fetch_failed} failed, "
            f"{self.not_found} not found",
            f"parsed: {self.parsed} documents -> {self.narratives} narratives; {self.rejected} rejects"
            + (f"; {self.quarantined} rows quarantined" if self.quarantined else ""),
        ]
        if self.parsed == 0:
            out[-1] = "parsed: nothing new to parse (every stored document already parsed by parser " + PARSER_VERSION + ")"
        if self.unreachable and self.parsed == 0:
            out[-1] = "parsed: not run (a requested report year reached no source)"
        if self.years_missing:
            out.append(f"no report index found for: {', '.join(map(str, self.years_missing))}")
        out.extend(self.year_lines())
        out.extend(self.notes)
        out.append(f"validation: {self.validation}")
        if self.marts:
            out.append("marts: " + ", ".join(f"{k} {v}" for k, v in self.marts.items()))
        if self.unreachable:
            out.append(f"NOT published: no source reached for {', '.join(sorted(self.unreachable))}; {self.db} unchanged")
        elif self.published:
            out.append(f"published: {self.db}")
        elif self.current:
            out.append(f"published: unchanged, {self.db} is current (nothing to rebuild)")
        elif self.candidate:
            out.append(f"NOT published; candidate build kept at {self.candidate}; {self.db} unchanged")
        if self.partial:
            out.append(f"exit {EXIT_PARTIAL}: partial report year(s) {', '.join(sorted(self.partial))}: "
                       "the panel kept every country-year it held; run again to fetch the missing pages")
        return out

    def coverage_markdown(self) -> str:
        if not self.coverage and not self.unreachable:
            return ""
        rows = "".join(
            f"| {c['report_year']} | {'NOT REACHED' if c.get('unreachable') else ('PARTIAL' if c.get('partial') else 'whole')} "
            f"| {c.get('index_result')} | {c.get('pages_linked')} | {c.get('pages_fetched')} | {c.get('pages_unchanged')} "
            f"| {c.get('pages_not_found')} | {c.get('pages_failed')} | {c.get('unreachable') or c.get('partial') or ''} |\n"
            for c in self.coverage)
        out = ("| year | status | index | pages linked | fetched | unchanged | not found | failed | why |\n"
               "|---|---|---|---|---|---|---|---|---|\n" + rows + "\n")
        missing = [(y, page) for y, pages in sorted(self.missing_pages.items()) for page in pages]
        if missing:
            out += "**Missing pages:**\n\n" + "".join(f"- {y}: {page}\n" for y, page in missing) + "\n"
        return out

    def markdown(self) -> str:
        rows = "\n".join(f"| {k} | {v} |" for k, v in self.marts.items())
        return (
            f"# tip run `{self.run_id}`\n\n"
            f"| documents | count |\n|---|---|\n| fetched (new or changed) | {self.fetched} |\n| unchanged | {self.unchanged} |\n"
            f"| failed | {self.fetch_failed} |\n| not found | {self.not_found} |\n| parsed | {self.parsed} |\n"
            f"| narratives | {self.narratives} |\n| rejected | {self.rejected} |\n| quarantined | {self.quarantined} |\n\n"
            + self.coverage_markdown()
            + "".join(f"- {n}\n" for n in [*self.year_lines(), *self.notes])
            + ("\n" if self.notes or self.year_lines() else "")
            + f"**Validation:** {self.validation}\n\n"
            f"**Published:** {'yes: ' + self.db if self.published else ('unchanged (current): ' + self.db if self.current else 'no')}\n\n"
            + (f"**Exit code:** {self.exit_code}\n\n" if self.exit_code else "")
            + (f"| mart | rows |\n|---|---|\n{rows}\n" if rows else "")
        )


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def open_work(paths: Paths) -> duckdb.DuckDBPyConnection:
    paths.ensure()
    return connect_work(paths.work_db)


def fetch_years(opts: RunOptions) -> list[int]:
    return sources.parse_years(opts.years)


def stage_fetch(con, paths: Paths, opts: RunOptions, progress: Progress | None = None, client=None) -> fetch_mod.FetchSummary:
    kind, folder = sources.parse_source(opts.source)
    store = RawStore(paths.raw_dir)
    if kind == "dir":
        return fetch_mod.ingest_dir(con, store, folder, progress)
    mirror = sources.validate_mirror(opts.mirror)
    countries = fetch_mod.resolve_countries(opts.countries)
    client = client or fetch_mod.make_client(mirror, opts.rate_per_host)
    total = fetch_mod.FetchSummary()
    for year in fetch_years(opts):
        total.add(fetch_mod.fetch_year(con, store, client, year, countries, mirror, progress))
    return total


def stage_parse(con, paths: Paths, progress: Progress | None = None, year_hint: int | None = None,
                chunk_size: int = PARSE_CHUNK) -> dict:
    docs = pending_documents(con)
    totals = {"documents": 0, "narratives": 0, "rejects": 0, "duplicates": 0}
    add_total(progress, len(docs))
    for chunk in doc_chunks(docs, paths.raw_dir, chunk_size):
        batch = parse_documents(chunk, str(paths.raw_dir), year_hint)
        counts = load_parsed(con, batch)
        advance(progress, len(chunk))
        for k in totals:
            totals[k] += counts.get(k, 0)
    if progress:
        if totals["documents"]:
            progress(f"{totals['documents']} documents -> {totals['narratives']} narratives, {totals['rejects']} rejects")
        else:
            progress("nothing new to parse")
    return totals


def stage_validate(con, run_id: str, opts: RunOptions | None = None, progress: Progress | None = None) -> ValidationReport:
    report = validate(con, run_id, max_quarantine_share=(opts.max_quarantine_share if opts else None))
    if progress:
        progress(report.verdict())
    return report


def stage_build_publish(con, paths: Paths, run_id: str, progress: Progress | None = None,
                        allow_shrink: bool = False) -> BuildResult:
    """Build a candidate file, validate its marts, and publish it only if they pass."""
    result = build_candidate(con, paths, run_id, allow_shrink=allow_shrink)
    report = validate_candidate(result.candidate, run_id, con=con, paths=paths)
    if not report.passed:
        raise ValidationFailed(report.failure_message() + f"\ncandidate build kept at {result.candidate}", report)
    check_candidate(result.candidate)
    publish(result.candidate, paths.db)
    if progress:
        progress(f"published {paths.db}")
    return result


def published_is_current(con, paths: Paths, summary: RunSummary, force: bool = False) -> bool:
    """True when nothing the build is made from changed since the published build: the run then
    keeps the published file (validated when it was built) instead of validating and rebuilding
    the same panel. ``force`` rebuilds anyway."""
    from tip.marts.build import input_fingerprint, published_fingerprint, published_info

    if force or summary.parsed:
        return False
    fp = published_fingerprint(paths.db)
    if fp is None or fp != input_fingerprint(con):
        return False
    summary.current = True
    summary.validation = "not re-run: nothing changed since the published build, which passed it"
    summary.notes.append("nothing to rebuild: the published panel already holds every stored document")
    info = published_info(paths.db)
    if info.get("built_at"):
        summary.notes.append(f"the published file is left as built {info['built_at']:%Y-%m-%d %H:%M} UTC: its raw.documents "
                             f"and marts.year_coverage are as of then (this run's fetches are in the working store)")
    return True


def record_run(con, run_id: str, command: str, status: str, summary: RunSummary, started: dt.datetime) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta.runs VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, started, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), command, status, json.dumps(summary.as_dict())],
    )


def rejects_count(con) -> int:
    return con.execute("SELECT count(*) FROM staging.rejects WHERE stage IN ('parse', 'load')").fetchone()[0]


# -- year coverage: fail closed on years no source answered for ------------------------------------
def note_fetch(con, run_id: str, summary: RunSummary, total: fetch_mod.FetchSummary) -> None:
    """After the fetch stage: the summary's counts, and what each report year's fetch found
    (recorded in meta.year_fetches, one row per year; the build turns it into marts.year_coverage)."""
    summary.fetched, summary.unchanged = total.fetched, total.unchanged
    summary.fetch_failed, summary.not_found, summary.years_missing = total.failed, total.not_found, total.years_missing
    rows = [y.as_row() for y in total.years]
    summary.coverage = [{k: v for k, v in r.items() if k != "linked_pages"} for r in rows]
    summary.unreachable = {str(y.year): y.unreachable for y in total.years if y.unreachable}
    summary.partial = {str(y.year): y.partial for y in total.years if y.partial}
    summary.missing_pages = {str(y.year): [f"{u}: {why}" for u, why in y.missing] for y in total.years if y.missing}
    record_year_fetches(con, run_id, rows)


def record_year_fetches(con, run_id: str, rows: list[dict]) -> None:
    if not rows:
        return
    import pandas as pd

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    cols = ["report_year", "run_id", "checked_at", "index_url", "index_result", "index_error", "pages_linked",
            "pages_fetched", "pages_unchanged", "pages_not_found", "pages_failed", "linked_pages", "missing_pages",
            "unreachable", "partial"]
    df = pd.DataFrame([{**r, "run_id": run_id, "checked_at": now} for r in rows], columns=cols)
    con.register("_year_fetches", df)
    try:
        con.execute("DELETE FROM meta.year_fetches WHERE report_year IN (SELECT report_year FROM _year_fetches)")
        con.execute("INSERT INTO meta.year_fetches BY NAME SELECT * FROM _year_fetches")
    finally:
        con.unregister("_year_fetches")


def note_error_pages(con, summary: RunSummary) -> None:
    """After the parse stage: a reached year none of whose pages holds a narrative (an error page
    served in place of every page) reached no source either."""
    from tip.parse import PARSER_VERSION

    for c in summary.coverage:
        year = str(c["report_year"])
        if year in summary.unreachable or not (c.get("pages_fetched") or c.get("pages_unchanged")):
            continue
        row = con.execute(
            """WITH pages AS (SELECT unnest(linked_pages) AS url FROM meta.year_fetches WHERE report_year = ?),
                    latest AS (SELECT url, sha256 FROM raw.documents WHERE kind = 'narrative' AND sha256 IS NOT NULL
                               QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1)
               SELECT count(*), count(*) FILTER (WHERE p.narratives > 0),
                      min(r.input || ': ' || r.reason)
               FROM pages JOIN latest l USING (url)
               LEFT JOIN staging.parsed_documents p ON p.url = l.url AND p.sha256 = l.sha256 AND p.parser_version = ?
               LEFT JOIN (SELECT input, any_value(reason) AS reason FROM staging.rejects WHERE stage = 'parse' GROUP BY ALL) r
                      ON r.input = l.url""", [int(year), PARSER_VERSION]).fetchone()
        held, good, first = row
        if held and not good:
            why = f"every page an error page: none of its {held} pages holds a narrative" + (f" (first: {first})" if first else "")
            summary.unreachable[year] = why
            summary.partial.pop(year, None)
            c["unreachable"], c["partial"] = why, None
            con.execute("UPDATE meta.year_fetches SET unreachable = ?, \"partial\" = NULL WHERE report_year = ?", [why, int(year)])


def fail_if_unreachable(con, run_id: str, command: str, summary: RunSummary, started: dt.datetime) -> None:
    """A requested year that reached no source: the run publishes nothing and fails (exit 1)."""
    if not summary.unreachable:
        return
    summary.validation = "not run: a requested report year reached no source"
    record_run(con, run_id, command, "sources_unreachable", summary, started)
    years = "; ".join(f"{y}: {why}" for y, why in sorted(summary.unreachable.items()))
    raise SourcesUnreachable(f"no source reached for report year(s) {', '.join(sorted(summary.unreachable))}, "
                             f"nothing published ({summary.db} unchanged): {years}", dict(summary.unreachable), summary)


def run_plain(opts: RunOptions, *, do_fetch: bool = True, progress_for: Callable[[str], Progress] = stderr_progress,
              client=None, force: bool = False) -> RunSummary:
    """The whole pipeline in one process without Prefect (CLI stage commands, tests, benchmarks)."""
    from tip.core.lock import writer_lock

    paths = Paths.for_db(opts.db)
    paths.ensure()
    run_id = new_run_id()
    summary = RunSummary(run_id=run_id, db=str(paths.db))
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = open_work(paths)
        try:
            if do_fetch:
                f = stage_fetch(con, paths, opts, progress_for("fetch"), client=client)
                note_fetch(con, run_id, summary, f)
                fail_if_unreachable(con, run_id, "run", summary, started)
            p = stage_parse(con, paths, progress_for("parse"), opts.year_hint)
            summary.parsed, summary.narratives = p["documents"], p["narratives"]
            summary.rejected = rejects_count(con)
            note_error_pages(con, summary)
            fail_if_unreachable(con, run_id, "run", summary, started)
            # explicit validation settings ask for a validation: do not skip it
            if published_is_current(con, paths, summary, force or opts.max_quarantine_share is not None):
                progress_for("publish")(f"nothing changed: {paths.db} is current")
                record_run(con, run_id, "run", "current", summary, started)
                return summary
            report = stage_validate(con, run_id, opts, progress_for("validate"))
            summary.validation = report.verdict()
            summary.quarantined = sum(report.quarantined.values())
            if not report.passed:
                record_run(con, run_id, "run", "validation_failed", summary, started)
                raise ValidationFailed(report.failure_message(), report)
            result = stage_build_publish(con, paths, run_id, progress_for("publish"), allow_shrink=opts.allow_shrink)
            summary.validation = validation_verdict(run_id, summary.validation)
            summary.marts = mart_rows(result.rows)
            summary.published = True
            summary.pruned = result.pruned
            record_run(con, run_id, "run", "published_partial" if summary.partial else "published", summary, started)
        finally:
            con.close()
    return summary
