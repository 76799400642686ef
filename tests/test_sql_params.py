"""SQL takes values as parameters, never by string building.

1. A static check over tip/ and flows/: every SQL statement built with an f-string, ``%``,
   ``.format`` or ``+`` may interpolate only reviewed identifier-shaped expressions (table,
   schema and column names from the code, quoting helpers), and never a value put between SQL
   quotes ('{x}'). A new interpolation fails this test until it is turned into a parameter (?) or
   reviewed and listed here with why it is safe.
2. Values full of SQL metacharacters (a panel path and narrative file names with quotes, semicolons
   and comments, a country name with an apostrophe) go through the whole pipeline verbatim.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb

from tests.support.reliability import ROOT, quiet

SQL_WORDS = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|CREATE|ATTACH|DETACH|COPY|DROP|ALTER|PRAGMA|DESCRIBE|"
                       r"CHECKPOINT|EXPORT|USE)\b")
SQL_SHAPE = re.compile(r"\b(FROM|INTO|TABLE|WHERE|SCHEMA|DATABASE|AS|SET|BY|VALUES)\b|^\s*(USE|CHECKPOINT|DESCRIBE)\b")

# Interpolations reviewed as identifiers or SQL fragments written in the code (never user values).
REVIEWED_NAMES = {
    "table", "t", "schema", "child",          # table / schema names from module constants or the catalog
    "catalog", "work",                        # database names: constants, or current_database()
    "cond", "what", "excerpt", "order",       # SQL fragments assembled from column names in the code
    "name",                                   # a table name read from the DuckDB catalog
    "quoted", "STORAGE_VERSION",              # quoted column list; a storage-format constant
}
REVIEWED_QUOTED = {"STORAGE_VERSION"}     # a module constant ('v1.4.0'): ATTACH options take no parameters
REVIEWED_CALLS = {"_q", "_ident"}             # quoting helpers: escape embedded quotes
REVIEWED_JOINS = {"cols", "RAW_COLUMNS"}      # ', '.join(column names)


def _is_reviewed(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id in REVIEWED_NAMES
    if isinstance(expr, ast.Attribute):
        return _is_reviewed(expr.value) if isinstance(expr.value, ast.Name) and expr.value.id == "t" else False
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in REVIEWED_CALLS:
        return True
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "join"
            and len(expr.args) == 1 and isinstance(expr.args[0], ast.Name) and expr.args[0].id in REVIEWED_JOINS):
        return True
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in REVIEWED_NAMES:
        return True
    return False


def _sql_builds(tree: ast.AST):
    """(line, interpolated expressions, constant text) of every SQL-looking f-string or concatenation."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            const = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_WORDS.search(const) and SQL_SHAPE.search(const):
                parts = []
                for i, v in enumerate(node.values):
                    if isinstance(v, ast.FormattedValue):
                        before = node.values[i - 1].value if i and isinstance(node.values[i - 1], ast.Constant) else ""
                        after = node.values[i + 1].value if i + 1 < len(node.values) and isinstance(node.values[i + 1], ast.Constant) else ""
                        parts.append((v.value, before.endswith("'") and after.startswith("'")))
                yield node.lineno, parts
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            consts = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            text = "".join(consts)
            if SQL_WORDS.search(text) and SQL_SHAPE.search(text):
                others = [n for n in (node.left, node.right) if not (isinstance(n, ast.Constant) or isinstance(n, ast.BinOp)
                                                                   or isinstance(n, ast.JoinedStr))]
                yield node.lineno, [(n, False) for n in others]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
              and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
              and SQL_WORDS.search(node.func.value.value) and SQL_SHAPE.search(node.func.value.value)):
            yield node.lineno, [(a, False) for a in [*node.args, *(k.value for k in node.keywords)]]


def test_sql_is_never_built_from_values():
    problems = []
    files = sorted([*(ROOT / "tip").rglob("*.py"), *(ROOT / "flows").rglob("*.py")])
    assert len(files) > 10
    for f in files:
        for line, parts in _sql_builds(ast.parse(f.read_text(encoding="utf-8"))):
            for expr, quoted in parts:
                where = f"{f.relative_to(ROOT)}:{line}: {{{ast.unparse(expr)}}}"
                if quoted and not (isinstance(expr, ast.Name) and expr.id in REVIEWED_QUOTED):
                    problems.append(f"{where} is put between SQL quotes: pass it as a parameter (?)")
                elif not _is_reviewed(expr):
                    problems.append(f"{where} is interpolated into SQL: pass it as a parameter (?), or review it "
                                    f"as an identifier and list it in tests/test_sql_params.py")
    assert problems == []


def test_the_check_catches_string_built_values():
    bad = ast.parse(
        "con.execute(f\"SELECT * FROM raw.documents WHERE url = '{url}'\")\n"
        "con.execute(f'DELETE FROM staging.narratives WHERE country = {country}')\n"
        "con.execute('SELECT * FROM t WHERE id = ' + ident)\n"
        "con.execute('SELECT * FROM t WHERE id = %s' % ident)\n"
        "con.execute('SELECT * FROM t WHERE id = {}'.format(ident))\n")
    found = [(line, ast.unparse(e), q) for line, parts in _sql_builds(bad) for e, q in parts]
    assert sorted(found) == [(1, "url", True), (2, "country", False), (3, "ident", False), (4, "ident", False),
                             (5, "ident", False)]
    fine = ast.parse("con.execute(f'SELECT count(*) FROM {table} WHERE url = ?', [url])\n")
    assert all(_is_reviewed(e) for _, parts in _sql_builds(fine) for e, _ in parts)


def test_values_with_sql_metacharacters_pass_through_verbatim(tmp_path):
    """A panel path and file names full of quotes, semicolons and comment marks, and a country
    written with an apostrophe: stored and published exactly as given."""
    from tip.pipeline import RunOptions, run_plain

    src = tmp_path / "it's \"narratives\"; --"
    src.mkdir()
    hostile = "o'brien\"; DROP TABLE staging.narratives; --.txt"
    (src / hostile).write_text(
        "CÔTE D'IVOIRE (Tier 2)\n\nSYNTHETIC. Côte d'Ivoire is a source and destination country for women and "
        "children subjected to forced labor and sex trafficking. The Government of Côte d'Ivoire does not fully comply "
        "with the minimum standards for the elimination of trafficking; however, it is making significant efforts to "
        "do so. Authorities convicted 9 traffickers.\n", encoding="utf-8")
    db = tmp_path / "pan'el\"; DROP --" / "tip'; --.duckdb"
    s = run_plain(RunOptions(source=f"dir:{src}", db=str(db), year_hint=2016), progress_for=quiet)
    assert s.published
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT country, source_url FROM staging.narratives").fetchall()
        tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging'").fetchone()[0]
        conv = con.execute("SELECT value FROM staging.measures WHERE measure = 'convictions'").fetchall()
    assert len(row) == 1 and row[0][0] == "CÔTE D'IVOIRE"
    assert Path(unquote(urlsplit(row[0][1]).path)).name == hostile
    assert tables >= 5 and conv == [(9.0,)]
