"""Prefect flows: thin wiring over the plain stages in ``tip``.

What Prefect adds here: one task per report year for fetching, one for the whole parse stage
when it runs in local processes (one per chunk of documents on Dask; coarse tasks: Prefect's
local server records only ~20 task runs a second), logging, and markdown artifacts summarising
the run and its validation.

* Retries happen at one level only: the HTTP client (tip.fetch.http) retries timeouts, connection
  errors, 429 and 5xx with backoff; the Prefect tasks are not retried again on top (retries=0).
* Tasks that take connections or DataFrames do not cache (NO_CACHE). Parse tasks do not either:
  the raw store plus staging.parsed_documents (url, sha256, parser version) is the cache.
* One writer: the DuckDB work store is written only from the flow's own process (fetch and
  load tasks are called in-process); parse tasks are pure (documents in, rows out) and may run
  on a Dask cluster (``workers`` / ``dask_address``). Writing runs hold the panel's file lock and,
  when ``writer_limit`` names one, a slot of that Prefect global concurrency limit (deployments
  use ``tip-writer``), so runs of different deployments queue instead of colliding.

``tip_run`` is the flow behind `tip run`; flows/weekly.py, flows/rebuild.py and flows/backfill.py
are the deployments' entry points (see prefect.yaml). All of them call ``run_pipeline``.
"""
from __future__ import annotations

from tip.core.config import prefect_env_defaults

prefect_env_defaults()

import contextlib  # noqa: E402
from collections import deque  # noqa: E402
import datetime as dt  # noqa: E402
from typing import Iterator  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from tip.fetch import crawl as fetch_mod  # noqa: E402
from tip.parse import staging as loader_mod  # noqa: E402
from tip import pipeline as plain  # noqa: E402
from tip.core import progress as progress_mod  # noqa: E402
from tip.fetch import sources  # noqa: E402
from tip.core.config import Paths  # noqa: E402
from tip.core.errors import ValidationFailed  # noqa: E402
from tip.parse.staging import DocRef, ParsedBatch, ParsePool, doc_chunks, load_parsed, parse_documents, pending_documents  # noqa: E402
from tip.core.lock import writer_lock  # noqa: E402
from tip.fetch.rawstore import RawStore  # noqa: E402

from flows.scale import local_processes, parse_task_runner  # noqa: E402


def _progress(stage: str):
    return progress_mod.with_log(plain.stderr_progress(stage), lambda msg: get_run_logger().info("[%s] %s", stage, msg))


# -- tasks ------------------------------------------------------------------------------------------
@task(name="fetch-year", cache_policy=NO_CACHE, retries=0)
def fetch_year_task(con, paths: Paths, year: int, countries, mirror, client) -> fetch_mod.FetchSummary:
    return fetch_mod.fetch_year(con, RawStore(paths.raw_dir), client, year, countries, mirror, _progress("fetch"))


@task(name="check-latest", cache_policy=NO_CACHE, retries=0)
def check_latest_task(con, paths: Paths, countries, mirror, client) -> fetch_mod.CheckResult:
    return fetch_mod.check_latest(con, RawStore(paths.raw_dir), client, countries, mirror, _progress("check"))


@task(name="ingest-dir", cache_policy=NO_CACHE, retries=0)
def ingest_dir_task(con, paths: Paths, folder) -> fetch_mod.FetchSummary:
    return fetch_mod.ingest_dir(con, RawStore(paths.raw_dir), folder, _progress("fetch"))


@task(name="parse-chunk", cache_policy=NO_CACHE, persist_result=False)
def parse_chunk_task(docs: list[DocRef], raw_dir: str, year_hint: int | None) -> ParsedBatch:
    """Pure: documents from the raw store in, staging rows out (runs in the flow, a local process pool or on a Dask worker)."""
    batch = parse_documents(docs, raw_dir, year_hint)
    get_run_logger().info("parsed %d documents (%s ... %s) -> %d narratives, %d measures, %d rejects",
                          batch.documents, docs[0].url if docs else "-", docs[-1].url if docs else "-",
                          len(batch.narratives), len(batch.measures), len(batch.rejects))
    return batch


@task(name="load-staging", cache_policy=NO_CACHE)
def load_task(con, batch: ParsedBatch) -> dict:
    counts = load_parsed(con, batch)
    get_run_logger().info("loaded %d documents: %d narratives, %d rejects, %d duplicates set aside",
                          counts["documents"], counts["narratives"], counts.get("rejects", 0), counts.get("duplicates", 0))
    return counts


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(con, run_id: str, opts: plain.RunOptions):
    report = plain.stage_validate(con, run_id, opts, _progress("validate"))
    create_markdown_artifact(key="tip-validation", markdown=report.markdown(), description="Great Expectations results")
    return report


@task(name="build-and-publish", cache_policy=NO_CACHE)
def build_publish_task(con, paths: Paths, run_id: str, allow_shrink: bool = False):
    try:
        return plain.stage_build_publish(con, paths, run_id, _progress("publish"), allow_shrink=allow_shrink)
    finally:
        # the run's whole validation (staging + the candidate's marts), passed or not
        from tip.quality.validate import run_report

        report = run_report(run_id)
        if report is not None:
            create_markdown_artifact(key="tip-validation", markdown=report.markdown(),
                                     description="Great Expectations results: staging and marts")


# -- the parse stage --------------------------------------------------------------------------------
def parse_chunks(docs: list[DocRef], raw_dir: str, year_hint: int | None = None, *, chunk_size: int = plain.PARSE_CHUNK,
                 workers: int = 0, dask_address: str | None = None,
                 placements: list[str] | None = None) -> Iterator[ParsedBatch]:
    """Parse documents in coarse chunks, yielding each chunk's rows in order.

    Without ``workers``/``dask_address`` the chunks are parsed by local processes that start once
    for the stage and stay (``ParsePool``: one per core, flows/scale.py ``local_processes``; small
    runs stay in the flow's process), each chunk in small pieces spread over them; no Prefect
    task run per chunk. With them, one Prefect task per chunk on a Dask cluster (a LocalCluster
    on 127.0.0.1, or the scheduler at the address). The runner is chosen here, at run time, so
    deployments can pick it by parameter. Must be called inside a flow run.
    ``placements`` (optional) receives where each chunk ran.
    """
    parts = doc_chunks(docs, raw_dir, chunk_size)
    if not parts:
        return
    runner = parse_task_runner(workers, dask_address)
    if runner is None:
        processes = local_processes(len(docs), len(parts))
        if processes <= 1:
            # one chunk at a time in the flow's own process: threads would only fight over the GIL
            for c in parts:
                batch = parse_chunk_task.submit(c, raw_dir, year_hint).result()
                if placements is not None:
                    placements.append("flow process")
                yield batch
            return
        with ParsePool(processes) as pool:
            batches = pool.parse_chunks(parts, raw_dir, year_hint)
            with contextlib.closing(batches):
                for batch in batches:
                    if placements is not None:
                        placements.append("process pool")
                    yield batch
        get_run_logger().info("parsed %d chunks in %d local processes", len(parts), processes)
        return
    with runner:
        where: set[str] = set()
        for fut, batch in _windowed(runner, parts, raw_dir, year_hint, max(1, workers or 2), with_futures=True):
            held_by = runner.client.who_has(fut.wrapped_future).get(fut.wrapped_future.key, ())
            where.update(held_by)
            if placements is not None:
                placements.append(",".join(sorted(held_by)) or "?")
            yield batch
        get_run_logger().info("parsed %d chunks on %d Dask workers (%s)", len(parts), len(where), ", ".join(sorted(where)))


def _windowed(runner, parts: list[list[DocRef]], raw_dir: str, year_hint: int | None, window: int, *,
              with_futures: bool = False):
    """Results in chunk order with at most ``window`` chunks in flight, none kept once yielded.

    Submitting every chunk at once would hold every chunk's rows (in this process and on the
    workers) until the last one is loaded: at scale that is the run's peak memory.
    """
    todo = deque(parts)
    pending: deque = deque()

    def top_up() -> None:
        while todo and len(pending) < window:
            pending.append(runner.submit(parse_chunk_task, {"docs": todo.popleft(), "raw_dir": raw_dir, "year_hint": year_hint}))

    top_up()
    try:
        while pending:
            fut = pending.popleft()
            batch = fut.result()
            top_up()
            yield (fut, batch) if with_futures else batch
            del fut, batch
    finally:
        for fut in pending:  # a failed load: do not leave work running
            with contextlib.suppress(Exception):
                fut.cancel()


def _load_all(con, batches: Iterator[ParsedBatch], bar, *, as_tasks: bool) -> dict:
    """Load each chunk as it arrives (the parse processes go on with the next ones meanwhile)."""
    totals = {"documents": 0, "narratives": 0, "rejects": 0, "duplicates": 0}
    with contextlib.closing(batches):  # a failed load stops the parse processes / the Dask cluster at once
        for batch in batches:
            counts = load_task(con, batch) if as_tasks else load_parsed(con, batch)
            progress_mod.advance(bar, batch.documents)
            for k in totals:
                totals[k] += counts.get(k, 0)
            if not as_tasks:
                bar(f"{totals['documents']} documents parsed and loaded ({totals['narratives']} narratives)")
            del batch
    return totals


@task(name="parse-and-load", cache_policy=NO_CACHE, retries=0)
def parse_and_load_task(con, docs: list[DocRef], raw_dir: str, year_hint: int | None, chunk_size: int) -> dict:
    """The whole parse stage in one task run: local parse processes started once, loading here
    (the only DuckDB writer) overlapped with the parsing of the next chunks."""
    bar = _progress("parse")
    progress_mod.add_total(bar, len(docs))
    return _load_all(con, parse_chunks(docs, raw_dir, year_hint, chunk_size=chunk_size), bar, as_tasks=False)


def parse_and_load(con, docs: list[DocRef], raw_dir: str, year_hint: int | None, *, workers: int = 0,
                   dask_address: str | None = None, chunk_size: int = plain.PARSE_CHUNK) -> dict:
    """Parse (possibly elsewhere) and load here: the flow's process is the only DuckDB writer."""
    if not docs:
        return {"documents": 0, "narratives": 0, "rejects": 0, "duplicates": 0}
    if not (workers or dask_address) and local_processes(len(docs), len(doc_chunks(docs, raw_dir, chunk_size))) > 1:
        return parse_and_load_task(con, docs, raw_dir, year_hint, chunk_size)
    batches = parse_chunks(docs, raw_dir, year_hint, chunk_size=chunk_size, workers=workers, dask_address=dask_address)
    bar = _progress("parse")
    progress_mod.add_total(bar, len(docs))
    return _load_all(con, batches, bar, as_tasks=True)


# -- the pipeline body shared by every flow ---------------------------------------------------------
def run_pipeline(*, years: str | None = None, countries: str | None = None, source: str = "statedept",
                 mirror: str | None = None, db: str | None = None, rate_per_host: float = 1.0,
                 year_hint: int | None = None, fetch: bool = True, check: bool = False, reparse: bool = False,
                 workers: int = 0, dask_address: str | None = None, writer_limit: str | None = None,
                 artifact_key: str = "tip-run", command: str = "run", force: bool = False, allow_shrink: bool = False):
    """Fetch -> parse -> validate -> build -> publish, inside the calling flow's run.

    check: the weekly check (the newest stored report year plus a probe for a newer one) instead
    of ``years``. reparse: parse every stored document again, not only new or changed ones.
    """
    logger = get_run_logger()
    opts = plain.RunOptions(years=years, countries=countries, source=source, mirror=mirror, db=db,
                            rate_per_host=rate_per_host, year_hint=year_hint)
    # inputs are checked before anything is locked or written
    kind, folder = sources.parse_source(source)
    m = sources.validate_mirror(mirror)
    wanted = fetch_mod.resolve_countries(countries)
    year_list = sources.parse_years(years) if (fetch and kind == "statedept" and not check) else []
    parse_task_runner(workers, dask_address, validate_only=True)

    paths = Paths.for_db(db)
    paths.ensure()
    run_id = plain.new_run_id()
    summary = plain.RunSummary(run_id=run_id, db=str(paths.db))
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with contextlib.ExitStack() as held:
        if writer_limit:
            from prefect.concurrency.sync import concurrency

            logger.info("waiting for a slot of the %r concurrency limit (one writing run at a time)", writer_limit)
            held.enter_context(concurrency(writer_limit, occupy=1, strict=False))
        held.enter_context(writer_lock(paths.lock_file, what=str(paths.db)))
        con = plain.open_work(paths)
        held.callback(con.close)
        # a run that fetches report years (not the weekly check, which usually finds nothing new)
        # imports GX and builds its context in the background while it fetches
        gx_warming = bool(fetch and not check) and _prewarm_gx(run_id)
        if fetch:
            total = fetch_mod.FetchSummary()
            if kind == "dir":
                total.add(ingest_dir_task(con, paths, folder))
            else:
                client = fetch_mod.make_client(m, rate_per_host)
                if check:
                    result = check_latest_task(con, paths, wanted, m, client)
                    total.add(result.summary)
                    summary.notes += result.notes()
                else:
                    for year in year_list:
                        total.add(fetch_year_task(con, paths, year, wanted, m, client))
            plain.note_fetch(con, run_id, summary, total)
            if kind == "statedept":
                summary.notes.append(f"requests: {total.requested} ({total.conditional} conditional)")
            if kind == "statedept" and total.requested and total.fetched == 0 and total.failed == 0:
                summary.notes.append("nothing changed on the sites" + (
                    ": only conditional requests" if total.conditional == total.requested else
                    f": {total.conditional} conditional requests, {total.requested - total.conditional} for pages not held"))
            _fail_if_unreachable(con, run_id, command, summary, started, artifact_key)
        version = loader_mod.PARSER_VERSION
        docs = fetch_mod.current_documents(con) if reparse else pending_documents(con, parser_version=version)
        if docs and not gx_warming:
            _prewarm_gx(run_id)  # GX's import and context while the documents parse
        if reparse:
            summary.notes.append(f"re-parsed every stored document ({len(docs)}) with parser {version}")
        counts = parse_and_load(con, docs, str(paths.raw_dir), year_hint, workers=workers, dask_address=dask_address)
        summary.parsed, summary.narratives = counts["documents"], counts["narratives"]
        _progress("parse")(f"{summary.parsed} documents -> {summary.narratives} narratives" if summary.parsed
                           else "nothing new to parse")
        summary.rejected = plain.rejects_count(con)
        if fetch:
            plain.note_error_pages(con, summary)
            _fail_if_unreachable(con, run_id, command, summary, started, artifact_key)
        if plain.published_is_current(con, paths, summary, force or reparse):
            _progress("publish")(f"nothing changed: {paths.db} is current")
            plain.record_run(con, run_id, command, "current", summary, started)
            return _finish(summary, artifact_key, command)
        report = validate_task(con, run_id, opts)
        summary.validation = report.verdict()
        summary.quarantined = sum(report.quarantined.values())
        if not report.passed:
            plain.record_run(con, run_id, command, "validation_failed", summary, started)
            create_markdown_artifact(key=artifact_key, markdown=summary.markdown(), description=f"tip {command} summary")
            raise ValidationFailed(report.failure_message(), report)
        result = build_publish_task(con, paths, run_id, allow_shrink)
        summary.validation = plain.validation_verdict(run_id, summary.validation)
        summary.marts = plain.mart_rows(result.rows)
        summary.published = True
        summary.pruned = result.pruned
        plain.record_run(con, run_id, command, "published_partial" if summary.partial else "published", summary, started)
    return _finish(summary, artifact_key, command)


def _prewarm_gx(run_id: str) -> bool:
    import os

    if os.environ.get("TIP_GX_PREWARM", "1") == "0":
        return False
    from tip.quality.validate import prewarm

    prewarm(run_id)
    return True


def _fail_if_unreachable(con, run_id: str, command: str, summary: plain.RunSummary, started, artifact_key: str) -> None:
    """A requested year that reached no source: the artifact says which and why, the flow run fails."""
    if summary.unreachable:
        summary.validation = "not run: a requested report year reached no source"
        create_markdown_artifact(key=artifact_key, markdown=summary.markdown(), description=f"tip {command} summary")
        get_run_logger().error("run %s: %s", run_id, "; ".join(summary.lines()))
        plain.fail_if_unreachable(con, run_id, command, summary, started)


def _finish(summary: plain.RunSummary, artifact_key: str, command: str):
    """The run's artifact and log line; a run that left a requested year partial ends in a
    Completed state named 'Partial' (its result is the same summary)."""
    create_markdown_artifact(key=artifact_key, markdown=summary.markdown(), description=f"tip {command} summary")
    get_run_logger().info("run %s: %s", summary.run_id, "; ".join(summary.lines()))
    if summary.partial:
        from prefect.states import Completed

        return Completed(data=summary.as_dict(), name="Partial",
                         message="partial report year(s): " + "; ".join(f"{y}: {w}" for y, w in sorted(summary.partial.items())))
    return summary.as_dict()


@flow(name="tip-run", log_prints=False, validate_parameters=True)
def tip_run(
    years: str | None = None,
    countries: str | None = None,
    source: str = "statedept",
    mirror: str | None = None,
    db: str | None = None,
    rate_per_host: float = 1.0,
    year_hint: int | None = None,
    fetch: bool = True,
    reparse: bool = False,
    workers: int = 0,
    dask_address: str | None = None,
    writer_limit: str | None = None,
    force: bool = False,
    allow_shrink: bool = False,
) -> dict:
    """Fetch -> parse -> validate -> build -> publish the TIP panel (`tip run`).

    years: '2019-2024', '2004', or empty for every year from 2001 to the latest.
    countries: comma-separated names limiting the per-country pages fetched.
    source: 'statedept' or 'dir:PATH'. mirror: a base URL standing in for the State Department hosts.
    db: the published DuckDB file (default data/tip.duckdb). fetch: false rebuilds from the raw store.
    workers / dask_address: parse on a local Dask cluster of N processes, or on the scheduler at the address.
    force: validate, build and publish even when nothing changed since the published build.
    allow_shrink: publish even when a report year would hold fewer country-years than the published panel.
    """
    return run_pipeline(years=years, countries=countries, source=source, mirror=mirror, db=db,
                        rate_per_host=rate_per_host, year_hint=year_hint, fetch=fetch, reparse=reparse,
                        workers=workers, dask_address=dask_address, writer_limit=writer_limit, force=force,
                        allow_shrink=allow_shrink)


if __name__ == "__main__":
    tip_run()
