"""tip eval DIR: the parser's per-field accuracy, precision and recall on a labelled set."""
from __future__ import annotations

import json
import sys

ORDER = 60


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="measure the parser against a labelled set (per-field precision / recall; exits 1 below floors)",
        description="Parse every narrative file in DIR and compare it with DIR/expected.yml (format: docs/parser.md)"
                    ". Prints a table of per-field figures; exits 1 when a figure is below its "
                    "floor. Default floors: tier, country and compliance 1.0, measures_precision 0.97, "
                    "measures_recall 0.9.")
    p.add_argument("dir", metavar="DIR", help="a folder of .txt / .html narratives and its expected.yml")
    p.add_argument("--floors", action="append", metavar="NAME=VALUE,...",
                   help="set or add floors, e.g. --floors measures_recall=0.85,partners_recall=0.8 (0 drops a default)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="also list every miss, false positive and wrong field, grouped by kind, with the sentence")
    p.add_argument("--json", action="store_true", help="print the figures and problems as JSON instead of a table")
    p.add_argument("--split", choices=("dev", "holdout"), help="score only the files of this split (real-text sets)")
    p.add_argument("--kind", choices=("narrative", "news"),
                   help="score only copies of narratives, or only news articles about the report (real-text sets)")
    p.add_argument("--by", choices=("host", "era", "split", "kind"),
                   help="also print the headline figures per publisher, era, split or kind of page")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.measure.evaluate import evaluate_groups, group_table, parse_floors, problems_text, table

    floors = parse_floors(args.floors)
    reports = evaluate_groups(args.dir, split=args.split, by=args.by, kind=args.kind)
    report = reports[None]
    below = report.below(floors)
    if args.json:
        out = report.as_dict()
        out["floors"] = floors
        out["below_floors"] = [{"figure": k, "value": v, "floor": f} for k, v, f in below]
        if args.by:
            out["groups"] = {str(g): r.as_dict() for g, r in reports.items() if g is not None}
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(table(report, floors))
        if args.by:
            print()
            print(group_table(reports, args.by))
        if args.verbose:
            print(problems_text(report))
        if below:
            print("below floors: " + ", ".join(f"{k} {'n/a' if v is None else f'{v:.3f}'} < {f:g}" for k, v, f in below))
        else:
            print("all floors met")
    return 1 if below else 0
