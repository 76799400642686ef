"""The recommendations heading pattern is tried only where a match can start; the matches are the
ones a scan of the whole text with the pattern finds."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tip.parse.sections import _RECS, _recommendation_headings

_PIECES = st.sampled_from(["Recommendations for Ghana:", "RECOMMENDATIONS FOR GHANA:", "PRIORITIZED RECOMMENDATIONS:",
                           "Prioritized Recommendations", "Prioritized", "PRIORITIZED", "Recommendations", "RECOMMENDATIONS",
                           " for ", " ", "\t", "\n", "\n\n", ".", ";", ":", ")", "word", "\u2022 Increase efforts", "x"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=16))
def test_recommendation_headings_are_the_whole_text_scan(pieces):
    text = "".join(pieces)
    assert [m.span() for m in _recommendation_headings(text)] == [m.span() for m in _RECS.finditer(text)]
