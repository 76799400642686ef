"""Prefect flows: thin wiring over the plain stages in ``tip``.

What Prefect adds here: one task per report year for fetching and one per chunk of documents
for parsing (coarse tasks: Prefect's local server records only ~20 task runs a second), logging,
and markdown artifacts summarising the run and its validation. HTTP retries live in the HTTP
client only, so fetch tasks are not retried again here; tasks holding connections or DataFrames
do not cache (NO_CACHE).
"""
from __future__ import annotations

from tip.config import prefect_env_defaults

prefect_env_defaults()

import datetime as dt  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from tip import fetch as fetch_mod  # noqa: E402
from tip import pipeline as plain  # noqa: E402
from tip import sources  # noqa: E402
from tip.config import Paths  # noqa: E402
from tip.errors import ValidationFailed  # noqa: E402
from tip.loader import ParsedBatch, chunks, load_parsed, parse_documents, pending_documents  # noqa: E402
from tip.lock import writer_lock  # noqa: E402
from tip.rawstore import RawStore  # noqa: E402


def _progress(stage: str):
    echo = plain.stderr_progress(stage)

    def _p(msg: str) -> None:
        echo(msg)
        try:
            get_run_logger().info("[%s] %s", stage, msg)
        except Exception:
            pass

    return _p


@task(name="fetch-year", cache_policy=NO_CACHE, retries=0)
def fetch_year_task(con, paths: Paths, year: int, countries, mirror, client) -> fetch_mod.FetchSummary:
    return fetch_mod.fetch_year(con, RawStore(paths.raw_dir), client, year, countries, mirror, _progress("fetch"))


@task(name="ingest-dir", cache_policy=NO_CACHE)
def ingest_dir_task(con, paths: Paths, folder) -> fetch_mod.FetchSummary:
    return fetch_mod.ingest_dir(con, RawStore(paths.raw_dir), folder, _progress("fetch"))


@task(name="parse-chunk", cache_policy=NO_CACHE)
def parse_chunk_task(docs, raw_dir: str, year_hint: int | None) -> ParsedBatch:
    return parse_documents(docs, raw_dir, year_hint)


@task(name="load-staging", cache_policy=NO_CACHE)
def load_task(con, batch: ParsedBatch) -> dict:
    return load_parsed(con, batch)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(con, run_id: str, opts: plain.RunOptions):
    report = plain.stage_validate(con, run_id, opts, _progress("validate"))
    create_markdown_artifact(key="tip-validation", markdown=report.markdown(), description="Great Expectations results")
    return report


@task(name="build-and-publish", cache_policy=NO_CACHE)
def build_publish_task(con, paths: Paths, run_id: str):
    return plain.stage_build_publish(con, paths, run_id, _progress("publish"))


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
) -> dict:
    """Fetch -> parse -> validate -> build -> publish the TIP panel.

    years: '2019-2024', '2004', or empty for every year from 2001 to the latest.
    countries: comma-separated names limiting the per-country pages fetched.
    source: 'statedept' or 'dir:PATH'. mirror: a base URL standing in for the State Department hosts.
    db: the published DuckDB file (default data/tip.duckdb). fetch: false rebuilds from the raw store.
    """
    logger = get_run_logger()
    opts = plain.RunOptions(years=years, countries=countries, source=source, mirror=mirror, db=db,
                            rate_per_host=rate_per_host, year_hint=year_hint)
    paths = Paths.for_db(db)
    paths.ensure()
    run_id = plain.new_run_id()
    summary = plain.RunSummary(run_id=run_id, db=str(paths.db))
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with writer_lock(paths.lock_file, what=str(paths.db)):
        con = plain.open_work(paths)
        try:
            if fetch:
                kind, folder = sources.parse_source(source)
                total = fetch_mod.FetchSummary()
                if kind == "dir":
                    total.add(ingest_dir_task(con, paths, folder))
                else:
                    m = sources.validate_mirror(mirror)
                    wanted = fetch_mod.resolve_countries(countries)
                    client = fetch_mod.make_client(m, rate_per_host)
                    for year in sources.parse_years(years):
                        total.add(fetch_year_task(con, paths, year, wanted, m, client))
                summary.fetched, summary.unchanged = total.fetched, total.unchanged
                summary.fetch_failed, summary.not_found, summary.years_missing = total.failed, total.not_found, total.years_missing
            docs = pending_documents(con)
            futures = [parse_chunk_task.submit(c, str(paths.raw_dir), year_hint) for c in chunks(docs, plain.PARSE_CHUNK)]
            for fut in futures:
                counts = load_task(con, fut.result())
                summary.parsed += counts["documents"]
                summary.narratives += counts["narratives"]
            _progress("parse")(f"{summary.parsed} documents -> {summary.narratives} narratives" if summary.parsed else "nothing new to parse")
            summary.rejected = plain.rejects_count(con)
            report = validate_task(con, run_id, opts)
            summary.validation = report.verdict()
            summary.quarantined = sum(report.quarantined.values())
            if not report.passed:
                result = None
                plain.record_run(con, run_id, "run", "validation_failed", summary, started)
                create_markdown_artifact(key="tip-run", markdown=summary.markdown(), description="tip run summary")
                raise ValidationFailed(report.failure_message(), report)
            result = build_publish_task(con, paths, run_id)
            summary.marts = plain.mart_rows(result.rows)
            summary.published = True
            plain.record_run(con, run_id, "run", "published", summary, started)
        finally:
            con.close()
    create_markdown_artifact(key="tip-run", markdown=summary.markdown(), description="tip run summary")
    logger.info("run %s: %s", run_id, "; ".join(summary.lines()))
    return summary.as_dict()


if __name__ == "__main__":
    tip_run()
