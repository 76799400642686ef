"""tip describe [TABLE]: the tables of the panel, or one table's columns, with their descriptions."""
from __future__ import annotations

import shutil
import textwrap

from tip.commands import add_db

ORDER = 55


def register(sub) -> None:
    p = sub.add_parser("describe", help="list the panel's tables, or one table's columns, with their descriptions",
                       description="Without TABLE: every table with its row count and description. With TABLE "
                                   "(e.g. country_year or marts.country_year): its columns, types and descriptions.")
    p.add_argument("table", nargs="?", metavar="TABLE")
    add_db(p)
    p.set_defaults(func=run)


def _line(prefix: str, text: str, width: int) -> str:
    """prefix + text, wrapped to width, continuation lines aligned under the text."""
    return textwrap.fill(text or "(no description)", width=max(width, len(prefix) + 30), initial_indent=prefix,
                         subsequent_indent=" " * len(prefix), break_on_hyphens=False)


def run(args) -> int:
    from tip.core.config import Paths
    from tip.analyst.describe import describe_table, list_tables

    db = Paths.for_db(args.db).db
    width = min(shutil.get_terminal_size((110, 24)).columns, 140)
    if not args.table:
        tables = list_tables(db)
        w = max(len(t.name) for t in tables)
        for t in tables:
            print(_line(f"{t.name:<{w}}  {t.rows:>8}  ", t.description, width))
        return 0
    info, cols = describe_table(db, args.table)
    print(f"{info.name} ({info.rows} rows)")
    print(textwrap.fill(info.description or "(no description)", width=width))
    print()
    cw = max(len(c.name) for c in cols)
    tw = min(max(len(c.type) for c in cols), 24)
    for c in cols:
        print(_line(f"  {c.name:<{cw}}  {c.type:<{tw}}  ", c.description, width))
    return 0
