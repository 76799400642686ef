"""DuckDB connections and the DDL in sql/ (the one owner of table definitions)."""
from __future__ import annotations

import time
from pathlib import Path

import duckdb

from tip.core.config import PROJECT_ROOT
from tip.core.errors import UserError

SQL_DIR = PROJECT_ROOT / "sql"
# Files analysts open may be read by DuckDB 1.4/1.5 (embedded in many tools): write that format.
STORAGE_VERSION = "v1.4.0"


def sql_files(sub: str) -> list[Path]:
    return sorted((SQL_DIR / sub).glob("*.sql"))


def read_sql(rel: str) -> str:
    return (SQL_DIR / rel).read_text(encoding="utf-8")


def apply_ddl(con: duckdb.DuckDBPyConnection, schema_prefix: str | None = None) -> None:
    """Create every table in sql/ddl (idempotent)."""
    for f in sql_files("ddl"):
        sql = f.read_text(encoding="utf-8")
        if schema_prefix:
            sql = _prefix(sql, schema_prefix)
        con.execute(sql)


def _prefix(sql: str, catalog: str) -> str:
    import re

    sql = re.sub(r"CREATE SCHEMA IF NOT EXISTS (\w+)", rf"CREATE SCHEMA IF NOT EXISTS {catalog}.\1", sql)
    return re.sub(r"CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)", rf"CREATE TABLE IF NOT EXISTS {catalog}.\1.\2", sql)


def connect_work(path: Path, retries: int = 0) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the private working store and make sure its tables exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    last = None
    for attempt in range(retries + 1):
        try:
            con = duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})
            break
        except duckdb.IOException as exc:
            last = exc
            if "lock" not in str(exc).lower() or attempt == retries:
                raise UserError(f"cannot open the working store {path}: {exc}") from None
            time.sleep(0.5 * (attempt + 1))
    else:  # pragma: no cover
        raise UserError(f"cannot open the working store {path}: {last}")
    apply_ddl(con)
    return con


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the published panel (what analysts do)."""
    if not path.exists():
        raise UserError(f"--db {path}: no panel there yet; run `tip run` (or `tip build`) first")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"--db {path}: cannot open it as a DuckDB panel: {exc}") from None
