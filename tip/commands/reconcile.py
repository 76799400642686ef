"""tip reconcile: compare the panel's tiers with a reference panel and list every disagreement."""
from __future__ import annotations

import json
import sys

from tip.commands import add_db

ORDER = 65


def register(sub) -> None:
    p = sub.add_parser(
        "reconcile", help="compare the panel's tiers with a reference panel (CSV or Stata) and list every disagreement",
        description="Read marts.country_year of the published panel and a reference panel, and list every country and "
                    "report year where the tiers disagree, with counts of agreements and of country-years found on "
                    "one side only. Codings of the Watch List: 2.5 (Kelley: 1, 2, 2.5, 3; 555 not in report; 666 "
                    "special case), 3-of-4 (map_tiers.csv: 1, 2, 3 = Watch List, 4 = Tier 3), 2w (sure2018: wide "
                    "tierYYYY columns, 2w = Watch List).")
    p.add_argument("--reference", required=True, metavar="FILE", help="the reference panel: .csv or Stata .dta")
    p.add_argument("--coding", required=True, metavar="NAME", help="how the reference codes the Watch List: 2.5, 3-of-4 or 2w")
    p.add_argument("--tier-column", metavar="NAME", help="the reference's tier column, when it is not found by name")
    p.add_argument("--years", metavar="RANGE", help="only these report years, e.g. 2001-2014 (default: every year in both)")
    add_db(p)
    p.add_argument("--verbose", "-v", action="store_true", help="also list the country-years found only in the reference")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is any disagreement")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.errors import UserError
    from tip.measure.reconcile import CODINGS, read_panel, read_reference, reconcile, report_text
    from tip.fetch.sources import parse_years

    if args.coding not in CODINGS:
        raise UserError(f"--coding {args.coding!r}: expected one of {', '.join(CODINGS)}")
    years = parse_years(args.years, latest=2100) if args.years else None
    panel_path, panel = read_panel(args.db)
    ref = read_reference(args.reference, args.coding, args.tier_column)
    rep = reconcile(panel, ref, panel_path, years)
    if args.json:
        json.dump(rep.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(report_text(rep, verbose=args.verbose))
    return 1 if args.strict and rep.disagreements else 0
