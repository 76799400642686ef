"""The parser measured on the held-out SYNTHETIC labelled set (tests/fixtures/labelled_round2).

The round-2 set was written by a different author from the documented report formats only,
without reading the parser or the first set's narratives, so the parser was never tuned on it.
The issue's floors apply to it as to the first set: tier, country and compliance exact on every
narrative, measures precision >= 0.97 and recall >= 0.9. The test fails (printing the figures and
every miss and false positive with its sentence) until the parser reaches them; it is not xfail.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tip.measure.evaluate import DEFAULT_FLOORS, evaluate, load_labelled, problems_text, table

ROUND2 = Path(__file__).resolve().parent / "fixtures" / "labelled_round2"


@pytest.fixture(scope="module")
def round2_report():
    return evaluate(ROUND2)


def test_round2_set_is_a_fair_held_out_sample():
    files = load_labelled(ROUND2)
    narrs = [n for f in files for n in f.narratives]
    assert len(narrs) >= 40
    assert {n.report_year for n in narrs} == set(range(2001, 2026))
    assert {n.tier for n in narrs} == {"1", "2", "2WL", "3", "SPECIAL"}
    assert {f.path.suffix for f in files} == {".txt", ".html"}
    assert sum(len(f.narratives) >= 4 for f in files) >= 5                  # band / region pages
    long_modern = [n for n in narrs if n.report_year >= 2017 and len(n.measures) >= 8]
    assert len(long_modern) >= 12
    ms = [m for n in narrs for m in n.measures]
    assert len(ms) >= 400
    assert sum(m.is_prior_period for m in ms) >= 60 and any(m.value == 0 for m in ms)
    assert {m.qualifier for m in ms} >= {"exact", "approximately"}
    assert {m.subtype for m in ms} == {None, "sex", "labor"}
    assert {m.measure for m in ms} >= {"investigations", "prosecutions", "convictions", "victims_identified",
                                        "potential_victims_identified", "arrests", "sentence_min_years",
                                        "sentence_max_years", "sentence_years"}
    assert all("SYNTHETIC" in f.path.read_text(encoding="utf-8")[:400] for f in files)


def test_parser_meets_the_floors_on_the_round2_set(round2_report):
    rep = round2_report
    below = rep.below(DEFAULT_FLOORS)
    assert not below, "\n" + table(rep, DEFAULT_FLOORS) + "\n" + problems_text(rep)
    m = rep.metrics()
    assert m["tier"] == m["country"] == m["compliance"] == 1.0
    assert m["measures_precision"] >= 0.97 and m["measures_recall"] >= 0.9
