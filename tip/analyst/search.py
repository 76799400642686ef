"""Full-text search of the narratives (the `search` schema the build writes; see sql/marts/90_search.sql)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from tip.core.db import connect_published
from tip.core.errors import UserError


@dataclass
class Hit:
    narrative_id: str
    country_iso3: str
    country: str
    report_year: int
    score: float
    phrase_match: bool
    snippet: str


def search(db: Path, query: str, year: int | None = None, limit: int = 20) -> list[Hit]:
    if not query or not query.strip():
        raise UserError("search: the query is empty")
    if limit < 1:
        raise UserError(f"--limit {limit}: must be at least 1")
    con = connect_published(db)
    try:
        has_index = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'search' "
            "AND table_name = 'postings'").fetchall()[0][0]
        if not has_index:
            raise UserError(f"--db {db}: this panel has no search index (built by an older version); run `tip build`")
        terms = con.execute("SELECT search.tokenize(?)", [query]).fetchall()[0][0]
        if not terms:
            raise UserError(f"search {query!r}: only stop words or punctuation, nothing to search for")
        try:
            rows = con.execute(
                "SELECT narrative_id, country_iso3, country, report_year, score, phrase_match, snippet "
                "FROM search.narratives(?, year := ?) LIMIT ?", [query, year, limit]).fetchall()
        except duckdb.Error as exc:
            raise UserError(f"search {query!r}: {exc}") from None
    finally:
        con.close()
    return [Hit(*r) for r in rows]
