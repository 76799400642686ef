"""Export every mart of the published panel to Parquet or CSV files, deterministically.

One file per mart (``country_year.parquet`` ...), rows sorted by the mart's key (order_by in
sql/marts/dictionary.yml), nothing time-dependent in them: two builds from the same raw
documents give byte-for-byte equal files. Each file is written under a temporary name and
renamed into place, so a reader never sees half a file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tip.marts import dictionary
from tip.core.db import connect_published
from tip.core.errors import UserError

FORMATS = ("parquet", "csv")


@dataclass
class Exported:
    table: str
    path: Path
    rows: int


def default_out(db: Path) -> Path:
    return db.parent / f"{db.stem}-export"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def export(db: Path, fmt: str, out: Path | None = None) -> list[Exported]:
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    out = Path(out) if out else default_out(db)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None
    con = connect_published(db)
    try:
        present = {f"{s}.{t}" for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
        marts = [t for t in dictionary.exported_marts() if t.name in present]
        if not marts:
            raise UserError(f"--db {db}: holds none of the marts (is it a tip panel? rebuild it with `tip build`)")
        done: list[Exported] = []
        for t in marts:
            # the mart's key first, then every other column: a total order, whatever duplicates hold
            cols = [r[0] for r in con.execute(f"DESCRIBE {_ident(t.schema)}.{_ident(t.short)}").fetchall()]
            order = ", ".join(_ident(c) for c in [*t.order_by, *(c for c in cols if c not in t.order_by)])
            rel = con.sql(f"SELECT * FROM {_ident(t.schema)}.{_ident(t.short)} ORDER BY {order}")
            target = out / f"{t.short}.{fmt}"
            tmp = out / f".{t.short}.{fmt}.partial"
            if fmt == "parquet":
                rel.write_parquet(str(tmp), compression="zstd")
            else:
                rel.write_csv(str(tmp), header=True)
            os.replace(tmp, target)
            rows = con.execute(f"SELECT count(*) FROM {_ident(t.schema)}.{_ident(t.short)}").fetchall()[0][0]
            done.append(Exported(t.name, target, rows))
        return done
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    finally:
        con.close()
