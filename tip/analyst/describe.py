"""What is in a published panel: its tables and columns with their descriptions.

Read from the file's own catalog (the COMMENT ON descriptions the build wrote from
sql/marts/dictionary.yml), so it describes the file at hand, whatever version built it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tip.core.db import connect_published
from tip.core.errors import UserError

SCHEMA_ORDER = {"marts": 0, "search": 1, "staging": 2, "raw": 3, "meta": 4}


@dataclass
class TableInfo:
    name: str
    rows: int
    description: str


@dataclass
class ColumnInfo:
    name: str
    type: str
    description: str


def list_tables(db: Path) -> list[TableInfo]:
    con = connect_published(db)
    try:
        rows = con.execute(
            "SELECT schema_name, table_name, coalesce(comment, ''), estimated_size FROM duckdb_tables() "
            "WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
        out = []
        for schema, name, comment, _ in rows:
            n = con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchall()[0][0]
            out.append(TableInfo(f"{schema}.{name}", n, comment))
    finally:
        con.close()
    return sorted(out, key=lambda t: (SCHEMA_ORDER.get(t.name.split(".")[0], 9), t.name))


def resolve(con, name: str) -> tuple[str, str]:
    """'country_year' or 'marts.country_year' -> (schema, table) present in the file."""
    known = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal"
    ).fetchall()
    want = name.strip().lower()
    if "." in want:
        for s, t in known:
            if f"{s}.{t}".lower() == want:
                return s, t
    else:
        hits = sorted(((s, t) for s, t in known if t.lower() == want), key=lambda st: SCHEMA_ORDER.get(st[0], 9))
        if hits:
            return hits[0]
    names = ", ".join(sorted(f"{s}.{t}" for s, t in known if s == "marts"))
    raise UserError(f"table {name!r}: not in this panel (marts: {names}; `tip describe` lists every table)")


def describe_table(db: Path, name: str) -> tuple[TableInfo, list[ColumnInfo]]:
    con = connect_published(db)
    try:
        schema, table = resolve(con, name)
        comment = con.execute(
            "SELECT coalesce(comment, '') FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?", [schema, table]).fetchall()[0][0]
        n = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchall()[0][0]
        cols = [ColumnInfo(c, t, d or "") for c, t, d in con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()]
    finally:
        con.close()
    return TableInfo(f"{schema}.{table}", n, comment), cols
