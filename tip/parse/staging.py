"""The parse stage: raw documents -> staging tables.

``pending_documents`` lists what needs parsing (a document whose (url, sha256, parser version)
has no parse yet); ``parse_documents`` is pure (reads the raw store, returns rows) so it can run
in worker threads or processes; ``load_parsed`` is the single writer, one transaction per batch,
loading DataFrames or Arrow tables. ``ParsePool`` runs ``parse_documents`` in processes that start
once and stay for the whole stage (documents go to them as raw-store keys, never as bytes; rows
come back as Arrow tables).

pandas and DuckDB are imported where they are used: a parse process imports only the parser.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from tip.parse import PARSER_VERSION, Narrative, parse_document
from tip.fetch.rawstore import RawStore

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class DocRef:
    url: str
    sha256: str
    report_year: int | None
    content_type: str | None
    source: str


ROW_TABLES = ("narratives", "measures", "partners", "recommendations", "agreements", "rejects")


@dataclass
class ParsedBatch:
    """Staging rows of parsed documents: dict rows per table, or (from ``to_arrow``, what the
    parse processes send back) Arrow tables in ``arrow``: cheap to pickle, loaded by DuckDB
    without a DataFrame in between. ``parsed`` (one row per document) always stays dict rows."""
    narratives: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    parsed: list[dict] = field(default_factory=list)
    arrow: dict[str, list] = field(default_factory=dict)  # table name -> pyarrow Tables, in row order

    def extend(self, other: "ParsedBatch") -> "ParsedBatch":
        for name in ROW_TABLES + ("parsed",):
            getattr(self, name).extend(getattr(other, name))
        for name, tables in other.arrow.items():
            self.arrow.setdefault(name, []).extend(tables)
        return self

    @property
    def documents(self) -> int:
        return len(self.parsed)

    def count(self, name: str) -> int:
        """Rows of one table, whatever their form."""
        return len(getattr(self, name)) + sum(t.num_rows for t in self.arrow.get(name, ()))

    def records(self, name: str) -> list[dict]:
        """Rows of one table as dicts (Arrow tables converted back), in order."""
        out = [r for t in self.arrow.get(name, ()) for r in t.to_pylist()]
        return out + list(getattr(self, name))

    def to_arrow(self) -> "ParsedBatch":
        """Each table's dict rows as one Arrow table (a table whose values Arrow cannot type stays dicts)."""
        import pyarrow as pa

        for name in ROW_TABLES:
            rows = getattr(self, name)
            if not rows:
                continue
            try:
                table = pa.Table.from_pylist(rows)
            except (pa.ArrowException, TypeError, ValueError):
                continue
            self.arrow.setdefault(name, []).append(table)
            setattr(self, name, [])
        return self


def pending_documents(con: duckdb.DuckDBPyConnection, parser_version: str | None = None) -> list[DocRef]:
    parser_version = parser_version or PARSER_VERSION  # read at call time, like the stamp on every row
    rows = con.execute(
        """
        WITH cur AS (
            SELECT url, sha256, report_year, content_type, source
            FROM raw.documents
            WHERE kind = 'narrative' AND sha256 IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
        )
        SELECT cur.url, cur.sha256, cur.report_year, cur.content_type, cur.source
        FROM cur
        ANTI JOIN staging.parsed_documents p
            ON p.url = cur.url AND p.sha256 = cur.sha256 AND p.parser_version = ?
        ORDER BY cur.url
        """,
        [parser_version],
    ).fetchall()
    return [DocRef(*r) for r in rows]


PARSE_CHUNK_BYTES = 16_000_000


def doc_chunks(docs: list[DocRef], raw_dir: str | Path, size: int, max_bytes: int = PARSE_CHUNK_BYTES) -> list[list[DocRef]]:
    """Documents in order, in chunks of at most ``size`` documents and about ``max_bytes`` of stored body.

    A chunk's rows (narrative texts, evidence sentences) are held whole while it is parsed and
    loaded, so its raw size bounds the memory a parse task takes: 200 pages of 2001 are a few MB,
    200 of today's pages several tens.
    """
    store = RawStore(Path(raw_dir))
    out: list[list[DocRef]] = []
    cur: list[DocRef] = []
    cur_bytes = 0
    for d in docs:
        try:
            n = store.path_for(d.sha256).stat().st_size
        except (OSError, ValueError):
            n = 0  # unreadable: parse_documents rejects it with its reason
        if cur and (len(cur) >= max(1, size) or cur_bytes + n > max_bytes):
            out.append(cur)
            cur, cur_bytes = [], 0
        cur.append(d)
        cur_bytes += n
    if cur:
        out.append(cur)
    return out


# A chunk (the unit loaded in one transaction) is parsed in pieces spread over the processes:
# small pieces keep both cores busy to the end of the stage and let the loader start early.
PIECE_DOCS = 25
PIECE_BYTES = 1_500_000


def warm_parser() -> None:
    """A parse process's initializer: import the parser (and compile its patterns) once, before
    its first piece, and keep what is imported out of the garbage collector's way."""
    import gc

    import pyarrow  # noqa: F401  (the rows go back as Arrow tables)

    import tip.parse  # noqa: F401

    try:
        parse_document(b"<html><body><p>warm-up</p></body></html>", url=None, filename="warm.html",
                       content_type="text/html", year=2001)
    except Exception:  # pragma: no cover - a warm-up only
        pass
    gc.freeze()


class ParsePool:
    """Parse processes that start once and stay for a whole parse stage.

    A ``concurrent.futures.ProcessPoolExecutor`` (spawned, not forked: the caller may hold
    threads and a DuckDB connection) whose processes import only the parser. Documents travel
    as ``DocRef``s (raw-store keys); each process reads the bodies from the raw store itself.
    """

    def __init__(self, processes: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.processes = processes
        self.executor = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=warm_parser)

    def __enter__(self) -> "ParsePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, cancel: bool = False) -> None:
        self.executor.shutdown(wait=True, cancel_futures=cancel)

    def parse_chunks(self, chunks: list[list[DocRef]], raw_dir: str | Path, year_hint: int | None = None, *,
                     piece_docs: int = PIECE_DOCS, piece_bytes: int = PIECE_BYTES,
                     ahead: int | None = None) -> Iterator[ParsedBatch]:
        """One ParsedBatch per chunk, in chunk order (the loader's order); each chunk is parsed in
        pieces spread over the processes. Two pieces per process are kept submitted (none waits
        for a slow piece ahead of it), and at most ``ahead`` pieces past the oldest one not yet
        yielded are held (their rows wait for their chunk to be whole: that bounds the memory)."""
        from concurrent.futures import FIRST_COMPLETED, wait

        ahead = ahead or 8 * self.processes
        raw_dir = str(raw_dir)
        pieces: list[tuple[int, list[DocRef]]] = [(i, piece) for i, chunk in enumerate(chunks)
                                                  for piece in doc_chunks(chunk, raw_dir, piece_docs, piece_bytes)]
        futs: list = []  # by piece index; None once its rows are handed over
        first = 0        # the oldest piece not yet handed over

        def running() -> list:
            return [f for f in futs[first:] if f is not None and not f.done()]

        def top_up() -> None:
            while len(futs) < len(pieces) and len(futs) - first < ahead and len(running()) < 2 * self.processes:
                futs.append(self.executor.submit(parse_documents_arrow, pieces[len(futs)][1], raw_dir, year_hint))

        try:
            k = 0
            for i in range(len(chunks)):
                batch = ParsedBatch()
                while k < len(pieces) and pieces[k][0] == i:
                    top_up()
                    while not futs[k].done():
                        wait(running(), return_when=FIRST_COMPLETED)
                        top_up()
                    batch.extend(futs[k].result())
                    futs[k] = None
                    k += 1
                    first = k
                top_up()  # the next pieces parse while this chunk loads
                yield batch
                del batch
        finally:
            for f in futs[first:]:  # a failed load: do not leave work running
                if f is not None:
                    f.cancel()


def parse_documents_arrow(docs: list[DocRef], raw_dir: str | Path, year_hint: int | None = None) -> ParsedBatch:
    """``parse_documents`` with the rows as Arrow tables: what a parse process sends back (the
    table building happens there, in parallel, instead of unpickling dicts and building
    DataFrames in the loading process)."""
    return parse_documents(docs, raw_dir, year_hint).to_arrow()


def parse_documents(docs: list[DocRef], raw_dir: str | Path, year_hint: int | None = None) -> ParsedBatch:
    """Parse documents from the raw store. Pure apart from reading the store; never raises per document."""
    store = RawStore(Path(raw_dir))
    batch = ParsedBatch()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for d in docs:
        label = d.url
        try:
            data = store.get(d.sha256)
        except (OSError, ValueError) as exc:
            batch.rejects.append(_reject(label, "parse", f"raw body unreadable: {exc}", d, now))
            batch.parsed.append(_parsed(d, now, 0, 1))
            continue
        filename = Path(d.url).name if d.url.startswith("file:") else None
        url = None if d.url.startswith("file:") else d.url
        try:
            result = parse_document(data, url=url, filename=filename, content_type=d.content_type,
                                    year=d.report_year or year_hint)
        except Exception as exc:  # a parser bug must not sink the batch
            batch.rejects.append(_reject(label, "parse", f"parser error: {type(exc).__name__}: {exc}", d, now))
            batch.parsed.append(_parsed(d, now, 0, 1))
            continue
        for n in result.narratives:
            _rows_for(n, d, now, batch)
        for r in result.rejects:
            batch.rejects.append({
                "input": label, "stage": "parse", "reason": r.reason, "report_year": r.report_year,
                "country": r.country, "narrative_id": None, "expectation": None,
                "excerpt": (r.excerpt or "")[:300] or None, "doc_sha256": d.sha256, "parser_version": PARSER_VERSION,
                "recorded_at": now,
            })
        batch.parsed.append(_parsed(d, now, len(result.narratives), len(result.rejects)))
    return batch


def _parsed(d: DocRef, now, n: int, r: int) -> dict:
    return {"url": d.url, "sha256": d.sha256, "parser_version": PARSER_VERSION, "parsed_at": now, "narratives": n, "rejects": r}


def _reject(label: str, stage: str, reason: str, d: DocRef, now) -> dict:
    return {"input": label, "stage": stage, "reason": reason, "report_year": d.report_year, "country": None,
            "narrative_id": None, "expectation": None, "excerpt": None, "doc_sha256": d.sha256,
            "parser_version": PARSER_VERSION, "recorded_at": now}


def _rows_for(n: Narrative, d: DocRef, now, batch: ParsedBatch) -> None:
    nid = n.narrative_id
    roles = n.roles
    batch.narratives.append({
        "narrative_id": nid, "country_iso3": n.country_iso3, "country": n.country, "report_year": n.report_year,
        "year_source": n.year_source, "tier": n.tier, "headline": n.headline, "territory_marker": n.territory_marker,
        "compliance": n.compliance, "compliance_sentence": n.compliance_sentence, "tier_movement": n.tier_movement,
        "consecutive_years": n.consecutive_years, "waiver": n.waiver,
        "is_source": roles.source if roles else None, "is_transit": roles.transit if roles else None,
        "is_destination": roles.destination if roles else None, "is_internal": roles.internal if roles else None,
        "sections": [s.name for s in n.sections], "n_recommendations": len(n.recommendations), "text": n.text,
        "text_length": len(n.text), "text_sha256": n.text_sha256, "source_url": d.url, "doc_sha256": d.sha256,
        "doc_start": n.doc_start, "doc_end": n.doc_end, "parser_version": PARSER_VERSION, "parsed_at": now,
    })
    for m in n.measures:
        batch.measures.append({
            "narrative_id": nid, "country_iso3": n.country_iso3, "report_year": n.report_year, "measure": m.measure,
            "value": float(m.value), "unit": m.unit, "qualifier": m.qualifier, "subtype": m.subtype,
            "period_label": m.period_label, "data_year": m.data_year, "data_year_basis": m.data_year_basis,
            "is_prior_period": m.is_prior_period, "evidence": m.evidence.text, "start": m.evidence.start,
            "end": m.evidence.end, "value_start": m.value_start, "value_end": m.value_end,
            "parent_measure": m.parent_measure, "parent_value": m.parent_value, "parent_value_start": m.parent_value_start,
            "source_url": d.url, "parser_version": PARSER_VERSION,
        })
    for p in n.partners:
        origin, dest = (p.iso3, n.country_iso3) if p.direction == "origin" else (n.country_iso3, p.iso3)
        batch.partners.append({
            "narrative_id": nid, "country_iso3": n.country_iso3, "report_year": n.report_year, "partner_iso3": p.iso3,
            "partner_name": p.name, "direction": p.direction, "origin_iso3": origin, "destination_iso3": dest,
            "evidence": p.evidence.text, "start": p.evidence.start, "end": p.evidence.end, "source_url": d.url,
            "parser_version": PARSER_VERSION,
        })
    for i, r in enumerate(n.recommendations, 1):
        batch.recommendations.append({
            "narrative_id": nid, "country_iso3": n.country_iso3, "report_year": n.report_year, "position": i,
            "recommendation": r.text, "start": r.start, "end": r.end, "source_url": d.url, "parser_version": PARSER_VERSION,
        })
    for a in n.agreements:
        batch.agreements.append({
            "narrative_id": nid, "country_iso3": n.country_iso3, "report_year": n.report_year, "kind": a.kind,
            "status": a.status, "partner_iso3": a.partner_iso3, "partner_name": a.partner_name, "agreement_year": a.year,
            "evidence": a.evidence.text, "start": a.evidence.start, "end": a.evidence.end, "mention_start": a.mention_start,
            "mention_end": a.mention_end, "source_url": d.url, "parser_version": PARSER_VERSION,
        })


_TABLES = {
    "narratives": "staging.narratives",
    "measures": "staging.measures",
    "partners": "staging.partners",
    "recommendations": "staging.recommendations",
    "agreements": "staging.agreements",
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, name]).fetchall()]


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows) -> int:
    """Append rows to a table, columns matched by name: dict rows (through a DataFrame) or an Arrow table."""
    if not isinstance(rows, list):  # a pyarrow Table
        if not rows.num_rows:
            return 0
        cols = _columns(con, table)
        df = rows.select([c for c in cols if c in rows.column_names])
        names = df.column_names
    else:
        if not rows:
            return 0
        import pandas as pd

        cols = _columns(con, table)
        df = pd.DataFrame(rows)
        df = df[[c for c in cols if c in df.columns]]
        names = list(df.columns)
    quoted = ", ".join(f'"{c}"' for c in names)
    con.register("_batch", df)
    try:
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _batch")
    finally:
        con.unregister("_batch")
    return len(df)


def load_parsed(con: duckdb.DuckDBPyConnection, batch: ParsedBatch) -> dict:
    """Replace the staging rows of every document in the batch, in one transaction."""
    if not batch.parsed:
        return {"documents": 0, "narratives": 0, "rejects": 0, "duplicates": 0}
    import pandas as pd

    urls = pd.DataFrame({"url": sorted({p["url"] for p in batch.parsed})})
    con.execute("BEGIN TRANSACTION")
    try:
        kept = _keep_earlier_copies(con, batch)
        con.register("_urls", urls[~urls["url"].isin(list(kept))])
        for t in _TABLES.values():
            con.execute(f"DELETE FROM {t} WHERE source_url IN (SELECT url FROM _urls)")
        con.register("_urls", urls)
        con.execute("DELETE FROM staging.rejects WHERE stage IN ('parse', 'load') AND input IN (SELECT url FROM _urls)")
        con.execute("DELETE FROM staging.parsed_documents WHERE url IN (SELECT url FROM _urls)")
        con.unregister("_urls")
        for key, table in _TABLES.items():
            for t in batch.arrow.get(key, ()):
                insert_rows(con, table, t)
            insert_rows(con, table, getattr(batch, key))
        for t in batch.arrow.get("rejects", ()):
            insert_rows(con, "staging.rejects", t)
        insert_rows(con, "staging.rejects", batch.rejects + list(kept.values()))
        insert_rows(con, "staging.parsed_documents", batch.parsed)
        dups = _resolve_duplicates(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"documents": len(batch.parsed), "narratives": batch.count("narratives"), "rejects": batch.count("rejects"),
            "duplicates": dups}


def _keep_earlier_copies(con: duckdb.DuckDBPyConnection, batch: ParsedBatch) -> dict[str, dict]:
    """Pages whose new copy holds no narrative while the earlier copy did (an error page served
    with 200, a page cut short): keep the earlier copy's rows and say so in a reject.

    Returns url -> that reject row. A page that changed and still holds narratives replaces the
    old rows as usual; the same bytes re-parsed by a new parser version are never kept back.
    """
    empty = {p["url"]: p["sha256"] for p in batch.parsed if p["narratives"] == 0}
    if not empty:
        return {}
    import pandas as pd

    con.register("_empty", pd.DataFrame({"url": list(empty)}))
    try:
        rows = con.execute(
            "SELECT source_url, any_value(doc_sha256), any_value(report_year), "
            "CASE WHEN count(DISTINCT country) = 1 THEN any_value(country) END "
            "FROM staging.narratives WHERE source_url IN (SELECT url FROM _empty) GROUP BY source_url"
        ).fetchall()
    finally:
        con.unregister("_empty")
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return {
        url: {"input": url, "stage": "load", "reason": f"the page changed (now {empty[url][:12]}) and holds no narrative; "
              f"kept the narratives parsed from its earlier copy ({old[:12]})", "report_year": year, "country": country,
              "narrative_id": None, "expectation": None, "excerpt": None, "doc_sha256": empty[url],
              "parser_version": PARSER_VERSION, "recorded_at": now}
        for url, old, year, country in rows if old != empty[url]
    }


def _resolve_duplicates(con: duckdb.DuckDBPyConnection) -> int:
    """Keep one narrative per country and report year; the others become rejects, with the reason.

    The kept copy is the one from the main URL tree (not the 2019 '-report-2/' duplicate tree),
    then the one whose URL sorts first: the same choice on every run.
    """
    losers = con.execute(
        """
        SELECT narrative_id, source_url, country, report_year, doc_sha256, parser_version,
               first_value(source_url) OVER w AS kept
        FROM staging.narratives
        WINDOW w AS (PARTITION BY narrative_id ORDER BY (source_url LIKE '%-report-2/%'), source_url)
        QUALIFY row_number() OVER w > 1
        """
    ).fetchall()
    if not losers:
        return 0
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rejects = []
    for nid, url, country, year, sha, pv, kept in losers:
        rejects.append({"input": url, "stage": "load", "reason": f"duplicate narrative for {nid}; kept the copy from {kept}",
                        "report_year": year, "country": country, "narrative_id": nid, "expectation": None, "excerpt": None,
                        "doc_sha256": sha, "parser_version": pv, "recorded_at": now})
    import pandas as pd

    df = pd.DataFrame([(r[0], r[1]) for r in losers], columns=["narrative_id", "source_url"])
    con.register("_losers", df)
    try:
        for t in _TABLES.values():
            con.execute(f"DELETE FROM {t} USING _losers l WHERE {t}.narrative_id = l.narrative_id AND {t}.source_url = l.source_url")
    finally:
        con.unregister("_losers")
    insert_rows(con, "staging.rejects", rejects)
    return len(losers)
