"""tip.parse.prefilter: the strings a pattern cannot match without, and the patterns gated by them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tip.parse import agreements, measure_base, measure_readings, measures
from tip.parse.prefilter import may_match, needs, needs_any
from tip.parse.text import extract

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("pattern,expected", [
    (r"a(?:b|c)d", ("abd", "acd")),
    (r"ab?c", ("abc", "ac")),
    (r"(?:x|)yz", ("yz",)),
    (r"\bMO[UuCA]s?\b", ("moa", "moc", "mou")),
    (r"treat(?:y|ies)", ("treaties", "treaty")),
    (r"shelters?", ("shelter",)),              # "shelters" holds "shelter": testing the shorter is enough
    (r"[a-z]+", None),                         # no string every match holds
    (r"one|\d", None),                         # a branch that needs none: the pattern needs none
    (r"(?:one|two)\s+\w+\s+(?:cases|victims)", ("cases", "victims")),  # the longest shortest string
])
def test_needs(pattern, expected):
    assert needs(re.compile(pattern, re.I)) == expected


def test_needs_any_is_none_when_one_pattern_needs_nothing():
    assert needs_any([re.compile("abc"), re.compile("xy")]) == ("abc", "xy")
    assert needs_any([re.compile("abc"), re.compile("[a-z]")]) is None


def test_may_match():
    assert may_match(None, "anything")
    assert may_match(("mou", "treaty"), "signed an mou with")
    assert not may_match(("mou", "treaty"), "signed nothing")


def _gated_patterns():
    yield from (rx for _, rx, _ in measures._P)
    yield from (measures._TABLE_HEAD, measures._SPLIT, agreements._CUE)
    yield from (measure_base._COMPARE, measure_base._YEAR_IN, measure_base._PREVIOUS, measure_base._REPORTING_PERIOD)
    yield from (rx for rx, _, _ in measure_readings._ZERO_RX)
    r = measure_readings
    yield from (*r._RANGE_SENTENCE, *r._TO_LIFE, r._UP_TO_IMPOSED, *r._SINGLE_SENTENCE)


def test_every_match_in_the_labelled_texts_holds_what_its_pattern_needs():
    """The gate never skips a pattern where it matches: every match of every gated pattern, over the
    texts of every labelled set, holds one of its needed strings."""
    texts = [extract(p.read_bytes(), filename=p.name).text
             for folder in sorted(FIXTURES.glob("labelled*")) for p in sorted(folder.iterdir())
             if p.suffix in (".txt", ".html", ".htm")]
    assert len(texts) > 100
    n = 0
    for rx in _gated_patterns():
        need = needs(rx)
        for text in texts:
            for m in rx.finditer(text):
                n += 1
                assert may_match(need, m.group(0).lower()), (rx.pattern[:80], m.group(0))
    assert n > 1000
