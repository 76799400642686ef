"""Per-document fingerprints of the parse stage's staging rows (what tests/test_parse_same_rows.py checks).

A document's fingerprint is the sha256 of its staging rows, exactly as
``tip.parse.staging.parse_documents`` returns them (every list of its ParsedBatch: narratives,
measures, partners, recommendations, rejects, parsed_documents, ...), each row as sorted-key JSON tagged with its table,
the rows sorted; the wall-clock stamps (``parsed_at``, ``recorded_at``) and ``parser_version``
are left out (the version is stored once, in the fixture).

Documents: every file of every labelled set (tests/fixtures/labelled*), the real-text set when
its texts are present (tests/fixtures/real/texts, kept out of git), and a sample of the synthetic
benchmark corpus (``bench.corpus`` for a few report years, every SAMPLE_STEP-th narrative page;
needs ../shared/corpus_raw).

Regenerate the fixture only when the parser's output changes ON PURPOSE (and bump
``tip.parse.PARSER_VERSION`` with it, so stored documents are re-parsed)::

    uv run python -m bench.fingerprints write      # tests/fixtures/parse_fingerprints.json
    uv run python -m bench.fingerprints check      # what the test does, with the list of changed documents
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE = FIXTURES / "parse_fingerprints.json"
SAMPLE_YEARS = (2001, 2003, 2004, 2007, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2025)
SAMPLE_STEP = 9
_VOLATILE = ("parsed_at", "recorded_at", "parser_version")


def fingerprint(batch) -> str:
    rows = []
    for t in [f.name for f in dataclasses.fields(batch)]:  # every table the stage returns, new ones included
        for r in getattr(batch, t):
            r = {k: v for k, v in r.items() if k not in _VOLATILE}
            rows.append(t + "\t" + json.dumps(r, sort_keys=True, default=str, ensure_ascii=False))
    rows.sort()
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


def _labelled_docs(folder: Path, texts: Path | None = None) -> list[tuple[str, Path, str | None, int | None]]:
    """(key, path, url, year) for every file named in a labelled set's expected*.yml."""
    import yaml

    out = []
    for exp in sorted(folder.glob("expected*.yml")):
        data = yaml.safe_load(exp.read_text(encoding="utf-8"))
        for name, spec in (data.get("files") or {}).items():
            spec = spec or {}
            path = (texts or folder) / str(name)
            if path.is_file():
                out.append((f"{folder.name}/{name}", path, spec.get("url"), spec.get("year")))
    return out


def sets(corpus_dir: Path | None = None) -> dict[str, list[tuple[str, bytes, str | None, int | None]]]:
    """Every document to fingerprint, by set: key -> (doc key, bytes, url, year)."""
    out: dict[str, list] = {}
    for folder in sorted(FIXTURES.glob("labelled*")):
        out[folder.name] = [(k, p.read_bytes(), u, y) for k, p, u, y in _labelled_docs(folder)]
    real = FIXTURES / "real"
    if (real / "texts").is_dir():
        out["real"] = [(k, p.read_bytes(), u, y) for k, p, u, y in _labelled_docs(real, real / "texts")]
    bench = bench_sample(corpus_dir)
    if bench is not None:
        out["bench"] = bench
    return out


def bench_sample(corpus_dir: Path | None = None):
    """Every SAMPLE_STEP-th narrative page of SAMPLE_YEARS of the synthetic corpus (None without ../shared)."""
    from bench import corpus

    try:
        corpus.load_panel(corpus.SHARED)
    except (OSError, SystemExit, KeyError, ValueError):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = []
        for y in SAMPLE_YEARS:
            site = Path(corpus_dir or tmp) / f"site-{y}"
            corpus.generate(site, scale=1, years=range(y, y + 1), progress=lambda *a, **k: None)
            pages = sorted(p for p in site.rglob("*") if p.is_file() and p.suffix != ".json")
            narrative = [p for p in pages if b"Tier" in p.read_bytes()]
            out += [(f"bench/{p.relative_to(site)}", p.read_bytes(), "https://" + str(p.relative_to(site)), None)
                    for p in narrative[::SAMPLE_STEP]]
        return out


def compute(docs_by_set: dict[str, list]) -> dict[str, dict[str, str]]:
    """Parse each document through the parse stage (a temporary raw store) and fingerprint its rows."""
    from tip.fetch.rawstore import RawStore
    from tip.parse.staging import DocRef, parse_documents

    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = RawStore(Path(tmp))
        for name, docs in docs_by_set.items():
            fps = {}
            for key, data, url, year in docs:
                sha = store.put(data)
                ref = DocRef(url=url or f"file:///{key}", sha256=sha, report_year=year,
                             content_type="text/html" if key.startswith("bench/") else None,
                             source="fixture")
                fps[key] = fingerprint(parse_documents([ref], tmp, year_hint=year))
            out[name] = fps
    return out


def write(path: Path = FIXTURE) -> dict:
    from tip.parse import PARSER_VERSION

    fps = compute(sets())
    data = {"about": "sha256 of each document's staging rows; regenerate with `uv run python -m bench.fingerprints write` "
                     "only when the parser's output changes on purpose (and bump tip.parse.PARSER_VERSION)",
            "parser_version": PARSER_VERSION, "sets": fps}
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data


def diff(stored: dict, now: dict) -> list[str]:
    """Documents whose rows differ (or that appeared / disappeared), set by set present in both."""
    out = []
    for name, fps in now.items():
        old = stored.get(name)
        if old is None:
            out.append(f"{name}: set not in the fixture")
            continue
        for key in sorted(set(old) | set(fps)):
            if old.get(key) != fps.get(key):
                out.append(f"{key}: {'new document' if key not in old else 'gone' if key not in fps else 'rows differ'}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fingerprints", description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["write", "check"])
    a = ap.parse_args(argv)
    if a.action == "write":
        data = write()
        print(f"wrote {FIXTURE} ({sum(len(v) for v in data['sets'].values())} documents, "
              f"parser {data['parser_version']})")
        return 0
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    changed = diff(stored["sets"], compute(sets()))
    print("\n".join(changed) or "same rows on every document")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
