"""The real-text evaluation set (tests/fixtures/real): its labels always, the parser when the texts are there.

The texts of real pages are not in git (the folder's README says how to re-collect them into the
git-ignored texts/ folder). Without them the scoring test is skipped and says so; with them it holds
the parser to what it reaches now, and to the one rule that has no tolerance: no wrong tier.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from tip.measure.evaluate import TIERS, _real_narrative, evaluate, problems_text, table

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


def _labels() -> dict[str, dict]:
    files: dict[str, dict] = {}
    for p in sorted(REAL.glob("expected-*.yml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert data["format"] == 2
        for name in data["files"]:
            assert name not in files, f"{name} labelled twice"
        files.update(data["files"])
    return files


def test_labels_cover_every_year_publisher_and_placement():
    files = _labels()
    narrs = [_real_narrative(n, f"{name}: {i}") for name, spec in files.items() for i, n in enumerate(spec["narratives"])]
    assert len(files) >= 300
    assert len({spec["host"] for spec in files.values()}) >= 10
    assert {n.report_year for n in narrs} == set(range(2001, 2026))
    assert {n.tier for n in narrs} == set(TIERS)
    isos = {n.country_iso3 for n in narrs}
    for quirk in ("SWZ", "MKD", "MMR", "CIV", "TLS", "CUW", "HKG", "MAC", "TWN", "XKX", "COD", "COG", "PRK", "KOR"):
        assert quirk in isos, quirk
    for spec in files.values():
        assert spec["url"].startswith("http") and spec["query"].strip() and spec["split"] in ("dev", "holdout")
        assert spec.get("kind", "narrative") in ("narrative", "news")
    splits = Counter(spec["split"] for spec in files.values())
    assert 0.2 <= splits["holdout"] / len(files) <= 0.3


def test_the_texts_stay_out_of_git():
    ignore = (REAL.parents[2] / ".gitignore").read_text(encoding="utf-8")
    assert "/tests/fixtures/real/texts/" in ignore.splitlines()


def _texts_complete() -> bool:
    return all((REAL / "texts" / name).is_file() for name in _labels())


@pytest.mark.skipif(not (REAL / "texts").is_dir() or not _texts_complete(),
                    reason="the real pages' texts are not collected here (tests/fixtures/real/README.md says how)")
@pytest.mark.parametrize("split, kind", [(None, "narrative"), ("holdout", "narrative"), (None, "news")])
def test_parser_on_real_pages(split, kind):
    rep = evaluate(REAL, split=split, kind=kind)
    m = rep.metrics()
    shown = "\n" + table(rep) + "\n" + problems_text(rep)
    assert m["tier_given"] == 1.0, "a wrong tier on a real page" + shown       # a reject is better than a wrong tier
    assert m["narratives_precision"] == 1.0, shown
    if kind == "news":  # articles about the report in their writers' words: read when they state it as a narrative does
        return
    # what it reaches now on all narrative copies (95.2%) and on the set-aside pages (94.3%): the misses
    # are pages that print no year or no placement (docs/parser.md)
    for fld, floor in (("tier", 0.94), ("country", 0.94), ("report_year", 0.94), ("compliance", 0.94),
                       ("roles_precision", 0.98), ("roles_recall", 0.90)):
        assert m[fld] >= floor, f"{fld} {m[fld]:.3f} < {floor}" + shown
