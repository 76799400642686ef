"""The data dictionary: one description for every table and column analysts see.

The single source is ``sql/marts/dictionary.yml``. From it:

* the build writes ``COMMENT ON TABLE`` / ``COMMENT ON COLUMN`` into the published file (so any
  SQL client shows them, and ``tip describe`` prints them from the file's own catalog);
* ``python -m tip.marts.dictionary`` rewrites the generated section of docs/data-dictionary.md (between the
  ``<!-- dictionary:begin -->`` / ``<!-- dictionary:end -->`` markers); a test fails when the
  README and the YAML disagree.

Tables built by ``sql/marts`` (schemas ``marts`` and ``search``) must be described completely:
a table or column without a description, or a description of a column that no longer exists,
fails the build. The copied tables (``raw``, ``staging``, ``meta``) are described where they
match, so a new staging column never breaks a build (a test still asks for its description).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from tip.core.config import PROJECT_ROOT

DICTIONARY_FILE = PROJECT_ROOT / "sql" / "marts" / "dictionary.yml"
DICTIONARY_DOC = PROJECT_ROOT / "docs" / "data-dictionary.md"
STRICT_SCHEMAS = ("marts", "search")
BEGIN = "<!-- dictionary:begin (generated from sql/marts/dictionary.yml by `uv run python -m tip.marts.dictionary`; do not edit by hand) -->"
END = "<!-- dictionary:end -->"


@dataclass(frozen=True)
class Table:
    name: str                      # schema.table
    description: str
    columns: dict[str, str]
    order_by: tuple[str, ...] = ()
    export: bool = False
    owner_note: str = field(default="", compare=False)

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short(self) -> str:
        return self.name.split(".", 1)[1]


@lru_cache(maxsize=1)
def tables() -> tuple[Table, ...]:
    data = yaml.safe_load(DICTIONARY_FILE.read_text(encoding="utf-8"))
    out = []
    for name, spec in data.items():
        cols = {str(k): " ".join(str(v).split()) for k, v in (spec.get("columns") or {}).items()}
        out.append(Table(name=name, description=" ".join(str(spec["description"]).split()), columns=cols,
                         order_by=tuple(spec.get("order_by") or ()), export=bool(spec.get("export", False))))
    return tuple(out)


def table(name: str) -> Table | None:
    for t in tables():
        if t.name == name:
            return t
    return None


def exported_marts() -> list[Table]:
    return [t for t in tables() if t.export]


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def problems(con, lenient: tuple[str, ...] | frozenset[str] = ()) -> list[str]:
    """What the dictionary and the current database disagree on, for the strict schemas.

    ``lenient`` names tables that are copied into the build rather than built by sql/marts
    (e.g. marts.validation_runs): they are not required to match column for column.
    """
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    present: dict[str, list[str]] = {}
    for schema, tname, col in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
        "ORDER BY schema_name, table_name, column_index", [db]
    ).fetchall():
        present.setdefault(f"{schema}.{tname}", []).append(col)
    out = []
    described = {t.name: t for t in tables()}
    for name, cols in present.items():
        if name.split(".")[0] not in STRICT_SCHEMAS or name in lenient:
            continue
        t = described.get(name)
        if t is None:
            out.append(f"{name}: no description in {DICTIONARY_FILE.name}")
            continue
        for c in cols:
            if not t.columns.get(c):
                out.append(f"{name}.{c}: no description in {DICTIONARY_FILE.name}")
        for c in t.columns:
            if c not in cols:
                out.append(f"{name}.{c}: described in {DICTIONARY_FILE.name} but not in the table")
    for t in described.values():
        if t.schema in STRICT_SCHEMAS and t.name not in present and t.name not in lenient:
            out.append(f"{t.name}: described in {DICTIONARY_FILE.name} but not built")
    return out


def apply_comments(con, strict: bool = True, lenient: tuple[str, ...] = ()) -> None:
    """COMMENT ON every described table and column of the current database."""
    if strict:
        bad = problems(con, lenient)
        if bad:
            raise RuntimeError("data dictionary out of step with the marts: " + "; ".join(bad[:10]))
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    existing: dict[str, set[str]] = {}
    for schema, tname, col in con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = ?", [db]
    ).fetchall():
        existing.setdefault(f"{schema}.{tname}", set()).add(col)
    for t in tables():
        if t.name not in existing:
            continue
        qualified = f"{_ident(t.schema)}.{_ident(t.short)}"
        con.execute(f"COMMENT ON TABLE {qualified} IS {_lit(t.description)}")
        for col, text in t.columns.items():
            if col in existing[t.name]:
                con.execute(f"COMMENT ON COLUMN {qualified}.{_ident(col)} IS {_lit(text)}")


# --- the generated section of docs/data-dictionary.md ---------------------------------------------------------------------------
def _cell(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def markdown() -> str:
    lines = [BEGIN, ""]
    for t in tables():
        lines.append(f"#### `{t.name}`")
        lines.append("")
        lines.append(_cell(t.description))
        lines.append("")
        lines.append("| column | description |")
        lines.append("|---|---|")
        for col, text in t.columns.items():
            lines.append(f"| `{col}` | {_cell(text)} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def generated_section(text: str) -> str | None:
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < 0:
        return None
    return text[a:b + len(END)]


def write_doc(path: Path = DICTIONARY_DOC) -> bool:
    """Rewrite the generated section of docs/data-dictionary.md; True when it changed."""
    text = path.read_text(encoding="utf-8")
    current = generated_section(text)
    if current is None:
        raise SystemExit(f"{path}: the markers {BEGIN!r} ... {END!r} are missing")
    new = text.replace(current, markdown())
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":  # python -m tip.marts.dictionary
    changed = write_doc()
    print(f"{DICTIONARY_DOC}: data dictionary {'updated' if changed else 'already up to date'}", file=sys.stderr)
