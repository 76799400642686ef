"""The parser measured on a third held-out SYNTHETIC labelled set (tests/fixtures/labelled_round3).

Round 3 was written by a third author from the documented report formats and the round-2 reading
rules only, without reading the parser or the narratives and labels of rounds 1 and 2, and its
labels were committed before the parser was first run on it. It is weighted like the real corpus
(most narratives long, 2013-2025). The issue's floors apply to it as to the other sets: tier,
country and compliance exact on every narrative, measures precision >= 0.97 and recall >= 0.9.
The test fails (printing the figures and every miss and false positive with its sentence) until
the parser reaches them; it is not xfail.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tip.measure.evaluate import DEFAULT_FLOORS, evaluate, load_labelled, problems_text, table

ROUND3 = Path(__file__).resolve().parent / "fixtures" / "labelled_round3"


@pytest.fixture(scope="module")
def round3_report():
    return evaluate(ROUND3)


def test_round3_set_is_a_fair_held_out_sample():
    files = load_labelled(ROUND3)
    narrs = [n for f in files for n in f.narratives]
    assert len(narrs) >= 40
    assert {n.report_year for n in narrs} == set(range(2001, 2026))
    assert {n.tier for n in narrs} == {"1", "2", "2WL", "3", "SPECIAL"}
    assert {f.path.suffix for f in files} == {".txt", ".html"}
    assert sum(len(f.narratives) >= 3 for f in files) >= 6                  # band / region / tier pages
    # weighted like the real corpus: most narratives are long and modern
    long_modern = [n for n in narrs if n.report_year >= 2013 and len(n.measures) >= 8]
    assert len(long_modern) >= 25
    ms = [m for n in narrs for m in n.measures]
    assert len(ms) >= 500
    assert sum(m.is_prior_period for m in ms) >= 100 and sum(m.value == 0 for m in ms) >= 20
    assert {m.qualifier for m in ms} == {"exact", "approximately", "at_least", "more_than"}
    assert {m.subtype for m in ms} == {None, "sex", "labor"}
    assert {m.measure for m in ms} >= {"investigations", "prosecutions", "convictions", "victims_identified",
                                        "potential_victims_identified", "arrests", "sentence_min_years",
                                        "sentence_max_years", "sentence_years"}
    assert {n.tier_movement for n in narrs} >= {"upgraded", "downgraded", "remained", "placed"}
    assert any(n.waiver for n in narrs) and any(n.territory_marker for n in narrs)
    assert all("SYNTHETIC" in f.path.read_text(encoding="utf-8")[:400] for f in files)
    assert "SYNTHETIC" in (ROUND3 / "README.md").read_text(encoding="utf-8")[:200]


def test_parser_meets_the_floors_on_the_round3_set(round3_report):
    rep = round3_report
    below = rep.below(DEFAULT_FLOORS)
    assert not below, "\n" + table(rep, DEFAULT_FLOORS) + "\n" + problems_text(rep)
    m = rep.metrics()
    assert m["tier"] == m["country"] == m["compliance"] == 1.0
    assert m["measures_precision"] >= 0.97 and m["measures_recall"] >= 0.9
