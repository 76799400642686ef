"""Bare parse speed and profile on a sample of the synthetic corpus: ``python -m bench.profile_parse``.

    uv run python -m bench.profile_parse --site bench/out/site-k1 --step 5            # docs/s, MB/s
    uv run python -m bench.profile_parse --site bench/out/site-k1 --step 5 --profile  # + cProfile top functions (own time)
    uv run python -m bench.profile_parse --labelled --profile                          # tests/fixtures/labelled*
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _docs(a) -> list[tuple[bytes, str | None, str | None, int | None]]:
    if a.labelled:
        from bench.fingerprints import FIXTURES, _labelled_docs
        out = []
        for folder in sorted(FIXTURES.glob("labelled*")):
            out += [(p.read_bytes(), u, p.name, y) for _, p, u, y in _labelled_docs(folder)]
        return out * a.repeat
    site = Path(a.site)
    pages = sorted(p for p in site.rglob("*.htm*") if p.is_file())
    return [(p.read_bytes(), "https://" + str(p.relative_to(site)), None, None) for p in pages[:: a.step]]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", default=str(ROOT / "bench" / "out" / "site-k1"))
    ap.add_argument("--step", type=int, default=5)
    ap.add_argument("--labelled", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args(argv)
    from tip.parse import parse_document

    docs = _docs(a)
    mb = sum(len(d[0]) for d in docs) / 1e6
    prof = cProfile.Profile() if a.profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    n = 0
    for data, url, filename, year in docs:
        r = parse_document(data, url=url, filename=filename, year=year, content_type=None if filename else "text/html")
        n += len(r.narratives)
    if prof:
        prof.disable()
    dt = time.perf_counter() - t0
    print(f"{len(docs)} docs, {n} narratives, {mb:.1f} MB in {dt:.2f} s: {len(docs) / dt:.1f} docs/s, {mb / dt:.2f} MB/s"
          + (" (under cProfile)" if prof else ""))
    if prof:
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(a.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
