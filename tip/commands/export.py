"""tip export: every mart to Parquet or CSV files."""
from __future__ import annotations

from tip.commands import add_db

ORDER = 60


def register(sub) -> None:
    p = sub.add_parser("export", help="write every mart of the panel to Parquet or CSV files (one file per mart)",
                       description="Write every mart (marts.country_year, tier_history, measures, flows, recommendations, "
                                   "region_year, global_year, countries) to one file each, sorted by its key. Two builds "
                                   "from the same raw documents give byte-for-byte equal files.")
    add_db(p)
    p.add_argument("--format", default="parquet", choices=("parquet", "csv"), help="file format (default parquet)")
    p.add_argument("--out", metavar="DIR", help="folder to write to (default: <db folder>/<db name>-export)")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.config import Paths
    from tip.analyst.export import export

    paths = Paths.for_db(args.db)
    for e in export(paths.db, args.format, args.out):
        print(f"{e.table:<24} {e.rows:>8} rows  {e.path}")
    return 0
