"""One module per `tip` subcommand; each defines register(subparsers) and an optional ORDER."""
from __future__ import annotations

import argparse

from tip.core.config import DEFAULT_DB


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", default=None,
                   help=f"the published DuckDB panel (default: $TIP_DB or {DEFAULT_DB.relative_to(DEFAULT_DB.parent.parent)})")


def add_run_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--years", metavar="RANGE", help="report years, e.g. 2019-2024 or 2004,2010 (default: 2001 to the latest)")
    p.add_argument("--countries", metavar="NAME,...", help="only these countries' pages (pages that group several countries are fetched whole)")
    p.add_argument("--source", default="statedept", metavar="statedept|dir:PATH", help="where the reports come from (default: statedept)")
    p.add_argument("--mirror", metavar="URL", help="serve https://HOST/PATH from URL/HOST/PATH (a local copy of the sites)")
    p.add_argument("--rate", type=float, default=1.0, metavar="REQ_PER_S", help="requests per second per host (default 1; 0 = no limit)")
