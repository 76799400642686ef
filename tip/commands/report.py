"""tip report [--out FILE]: a static HTML page showing the panel."""
from __future__ import annotations

from tip.commands import add_db

ORDER = 70


def register(sub) -> None:
    p = sub.add_parser("report", help="write a static HTML page of the panel (tier-by-year heat table, counts per region)",
                       description="One self-contained HTML page from the marts: tier placements per year, a "
                                   "tier-by-year heat table per country grouped by region, and law-enforcement counts "
                                   "over time per region.")
    add_db(p)
    p.add_argument("--out", metavar="FILE", help="where to write the page (default: <db folder>/<db name>-report.html)")
    p.add_argument("--reference", metavar="CSV",
                   help="also compare marts.global_year with the report's own global law-enforcement table (CSV with "
                        "Year, Prosecutions, Convictions, Victims identified, ... columns)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.config import Paths
    from tip.analyst.report import write

    path = write(Paths.for_db(args.db).db, args.out, args.reference)
    print(f"wrote {path}")
    return 0
