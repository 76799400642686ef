"""tip parse FILE: parse one narrative file and print JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ORDER = 30


def register(sub) -> None:
    p = sub.add_parser("parse", help="parse one narrative file (.txt or .html) and print JSON",
                       description="Print a JSON list with one object per narrative in FILE (a page that holds several "
                                   "narratives gives several). Rejected parts are reported on stderr.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--year", type=int, metavar="N", help="report year when neither the text nor the page says")
    p.add_argument("--url", metavar="URL", help="the page's URL (its report year and layout are read from it)")
    p.add_argument("--strict", action="store_true", help="exit 1 when nothing could be parsed")
    p.set_defaults(func=run)


def run(args) -> int:
    from tip.core.errors import UserError
    from tip.parse import MAX_DOCUMENT_BYTES, parse_document

    path = Path(args.file)
    if not path.exists():
        raise UserError(f"{args.file}: no such file")
    if path.is_dir():
        raise UserError(f"{args.file}: is a folder, not a narrative file")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise UserError(f"{args.file}: {size} bytes is larger than the {MAX_DOCUMENT_BYTES}-byte limit for one document")
    if args.year is not None and not (2001 <= args.year <= 2100):
        raise UserError(f"--year {args.year}: the reports start in 2001")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read: {exc.strerror or exc}") from None
    result = parse_document(data, filename=path.name, url=args.url, year=args.year)
    json.dump([n.to_json() for n in result.narratives], sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    for r in result.rejects:
        where = f" ({r.country})" if r.country else ""
        print(f"tip: rejected{where} in {args.file}: {r.reason}", file=sys.stderr)
    if not result.narratives:
        if args.strict:
            return 1
    return 0
