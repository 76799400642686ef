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
from tip.core.errors import ValidationFailed
from tip.parse.staging import doc_chunks, load_parsed, parse_documents, pending_documents
from tip.parse import PARSER_VERSION
from tip.fetch.rawstore import RawStore
from tip.quality.validate import ValidationReport, validate, validate_candidate, validation_verdict

Progress = Callable[[str], None]
PARSE_CHUNK = 200


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

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.fetched} fetched, {self.unchanged} unchanged, {self.fetch_failed} failed, "
            f"{self.not_found} not found",
            f"parsed: {self.parsed} documents -> {self.narratives} narratives; {self.rejected} rejects"
            + (f"; {self.quarantined} rows quarantined" if self.quarantined else ""),
        ]
        if self.parsed == 0:
            out[-1] = "parsed: nothing new to parse (every stored document already parsed by parser " + PARSER_VERSION + ")"
        if self.years_missing:
            out.append(f"no report index found for: {', '.join(map(str, self.years_missing))}")
        out.extend(self.notes)
        out.append(f"validation: {self.validation}")
        if self.marts:
            out.append("marts: " + ", ".join(f"{k} {v}" for k, v in self.marts.items()))
        if self.published:
            out.append(f"published: {self.db}")
        elif self.current:
            out.append(f"published: unchanged, {self.db} is current (nothing to rebuild)")
        elif self.candidate:
            out.append(f"NOT published; candidate build kept at {self.candidate}; {self.db} unchanged")
        return out

    def markdown(self) -> str:
        rows = "\n".join(f"| {k} | {v} |" for k, v in self.marts.items())
        return (
            f"# tip run `{self.run_id}`\n\n"
            f"| documents | count |\n|---|---|\n| fetched (new or changed) | {self.fetched} |\n| unchanged | {self.unchanged} |\n"
            f"| failed | {self.fetch_failed} |\n| not found | {self.not_found} |\n| parsed | {self.parsed} |\n"
            f"| narratives | {self.narratives} |\n| rejected | {self.rejected} |\n| quarantined | {self.quarantined} |\n\n"
            + "".join(f"- {n}\n" for n in self.notes) + ("\n" if self.notes else "")
            + f"**Validation:** {self.validation}\n\n"
            f"**Published:** {'yes: ' + self.db if self.published else ('unchanged (current): ' + self.db if self.current else 'no')}\n\n"
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


def stage_build_publish(con, paths: Paths, run_id: str, progress: Progress | None = None) -> BuildResult:
    """Build a candidate file, validate its marts, and publish it only if they pass."""
    result = build_candidate(con, paths, run_id)
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
    from tip.marts.build import input_fingerprint, published_fingerprint

    if force or summary.parsed:
        return False
    fp = published_fingerprint(paths.db)
    if fp is None or fp != input_fingerprint(con):
        return False
    summary.current = True
    summary.validation = "not re-run: nothing changed since the published build, which passed it"
    summary.notes.append("nothing to rebuild: the published panel already holds every stored document")
    return True


def record_run(con, run_id: str, command: str, status: str, summary: RunSummary, started: dt.datetime) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta.runs VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, started, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), command, status, json.dumps(summary.as_dict())],
    )


def rejects_count(con) -> int:
    return con.execute("SELECT count(*) FROM staging.rejects WHERE stage IN ('parse', 'load')").fetchone()[0]


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
                summary.fetched, summary.unchanged = f.fetched, f.unchanged
                summary.fetch_failed, summary.not_found, summary.years_missing = f.failed, f.not_found, f.years_missing
            p = stage_parse(con, paths, progress_for("parse"), opts.year_hint)
            summary.parsed, summary.narratives = p["documents"], p["narratives"]
            summary.rejected = rejects_count(con)
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
            result = stage_build_publish(con, paths, run_id, progress_for("publish"))
            summary.validation = validation_verdict(run_id, summary.validation)
            summary.marts = mart_rows(result.rows)
            summary.published = True
            record_run(con, run_id, "run", "published", summary, started)
        finally:
            con.close()
    return summary
