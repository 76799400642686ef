"""tip site [--out DIR]: a static explorer of the panel (map, country pages, search, the build)."""
from __future__ import annotations

from tip.commands import add_db

ORDER = 70


def register(sub) -> None:
    p = sub.add_parser("site", help="write a static explorer of the panel: map, country pages, search (opens from file://)",
                       description="A static site from the published panel's marts (read-only): a world map of tier "
                                   "placements per report year with counts per tier and region, tiers and "
                                   "law enforcement over time, one page per country (placement history, figures with "
                                   "their evidence sentences, partner countries, recommendations), search of the "
                                   "narratives in the browser, and the build it came from. Nothing is fetched: open "
                                   "index.html from disk or put the folder on any static host. See docs/site.md.")
    add_db(p)
    p.add_argument("--out", metavar="DIR", help="the folder to write (replaced whole; default: <db folder>/<db name>-site)")
    p.add_argument("--reference", metavar="CSV",
                   help="also compare marts.global_year with the report's own global law-enforcement table (CSV with "
                        "Year, Prosecutions, Convictions, Victims identified, ... columns), on tiers.html")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.config import Paths
    from tip.analyst.site import build

    r = build(Paths.for_db(args.db).db, args.out, args.reference)
    print(f"wrote {r.out}: {r.pages} files, {r.bytes / 1e6:.1f} MB (first page {r.first_page_bytes / 1e6:.2f} MB) "
          f"in {r.seconds:.1f} s; open {r.out / 'index.html'}")
    return 0
