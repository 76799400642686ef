"""tip search QUERY [--year N]: find narratives by full text."""
from __future__ import annotations

import shutil
import textwrap

from tip.commands import add_db

ORDER = 65


def register(sub) -> None:
    p = sub.add_parser("search", help="find narratives by full text (country, year and a snippet)",
                       description="Full-text search of the narratives: every word of QUERY must occur (after stemming: "
                                   "'trafficked' finds 'trafficking'); narratives holding the exact phrase come first, then "
                                   "by BM25 relevance.")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--year", type=int, metavar="N", help="only narratives of this report year")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    add_db(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.config import Paths
    from tip.analyst.search import search

    hits = search(Paths.for_db(args.db).db, args.query, args.year, args.limit)
    if not hits:
        where = f" in {args.year}" if args.year else ""
        print(f"no narrative matches {args.query!r}{where}")
        return 0
    width = min(shutil.get_terminal_size((110, 24)).columns, 120)
    for h in hits:
        mark = "" if h.phrase_match else "  (words, not the phrase)"
        print(f"{h.country} ({h.country_iso3}) {h.report_year}  score {h.score:.3f}{mark}")
        print(textwrap.fill(h.snippet, width=width, initial_indent="    ", subsequent_indent="    "))
    return 0
