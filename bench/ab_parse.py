"""The parser's speed per core, A/B: ``python -m bench.ab_parse 952667c f0a5169 HEAD``.

Each commit's ``tip`` package is taken out of git (``git archive``) into a temporary directory;
each round parses the same pages once per commit, one fresh process each, in alternating order
(a, b, c then c, b, a ...), and reports the CPU seconds of the parse loop alone (``time.process_time``).
On a machine shared with other work, read the ratios of one run, not the absolute figures.

    uv run python -m bench.ab_parse 952667c f0a5169 HEAD --rounds 5 --step 10   # every 10th page of the scale-1 site
    uv run python -m bench.ab_parse f0a5169 HEAD --site tests/fixtures/real/texts --step 1  # the real pages (plain text)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r'''
import json, sys, time
from pathlib import Path
try:
    import tip.parse as parser
except ImportError:  # before the package was renamed
    import tip.parser as parser
assert parser.__file__.startswith(sys.argv[3]), parser.__file__
site, step = Path(sys.argv[1]), int(sys.argv[2])
if site.name == "texts":  # the real-text set: plain files
    docs = [(p.read_bytes(), None, p.name) for p in sorted(p for p in site.iterdir() if p.is_file())[::step]]
else:
    docs = [(p.read_bytes(), "https://" + str(p.relative_to(site)), None)
            for p in sorted(p for p in site.rglob("*.htm*") if p.is_file())[::step]]

def parse(data, url, name):
    parser.parse_document(data, url=url, filename=name, content_type=None if name else "text/html")

parse(*docs[0])  # patterns compiled, lazy tables built
c0 = time.process_time()
for d in docs:
    parse(*d)
print(json.dumps({"docs": len(docs), "mb": sum(len(d[0]) for d in docs) / 1e6, "cpu": time.process_time() - c0}))
'''


def _extract(commit: str, into: Path) -> Path:
    out = into / commit
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "tip"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as t:
        t.extractall(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("commits", nargs="+")
    ap.add_argument("--site", default=str(ROOT / "bench" / "out" / "site-k1"))
    ap.add_argument("--step", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        trees = {c: _extract(c, Path(tmp)) for c in a.commits}
        cpu: dict[str, list[float]] = {c: [] for c in a.commits}
        size = None
        for r in range(a.rounds):
            for c in (a.commits if r % 2 == 0 else a.commits[::-1]):
                env = dict(os.environ, PYTHONPATH=str(trees[c]))
                run = subprocess.run([sys.executable, "-c", _CHILD, str(Path(a.site).resolve()), str(a.step), str(trees[c])],
                                     env=env, cwd=tmp, capture_output=True, text=True)
                if run.returncode:
                    print(run.stderr, file=sys.stderr)
                    return 1
                got = json.loads(run.stdout)
                size = (got["docs"], got["mb"])
                cpu[c].append(got["cpu"])
                print(f"round {r} {c}: {got['cpu']:.2f} s CPU (load {os.getloadavg()[0]:.1f})", flush=True)
    docs, mb = size
    base = statistics.median(cpu[a.commits[0]])
    print(f"{docs} documents, {mb:.1f} MB; median CPU seconds of {a.rounds} rounds")
    for c in a.commits:
        med = statistics.median(cpu[c])
        print(f"{c}: {med:.2f} s ({min(cpu[c]):.2f}-{max(cpu[c]):.2f}), {mb / med:.2f} MB/s, {docs / med:.1f} docs/s per core, "
              f"{base / med:.2f}x {a.commits[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
