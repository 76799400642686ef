"""split_sentences tries its boundary pattern only where a match can start; the sentences are
the ones a plain scan with the pattern (the reference below) gives."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tip.parse.sentences import _BOUNDARY, _emit, ends_abbreviation, split_sentences


def _reference(text: str, offset: int = 0):
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0).startswith("\n"):
            end, nxt = m.start(), m.end()
        else:
            end, nxt = m.end(2), m.end()
            if m.group(1) == "." and ends_abbreviation(text, start, m.start()):
                continue
        _emit(text, start, end, offset, spans)
        start = nxt
    _emit(text, start, len(text), offset, spans)
    return spans


_PIECES = st.sampled_from([".", "..", "!", "?", "?!", "\n", "\n\n", " ", "  ", "\t", "A", "The", "a", "word", "7", "U.S.", "e.g.",
                           "No.", "Mr.", '"', "'", ")", "(", "]", "[", "\u2022", "x.y"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.integers(min_value=0, max_value=50))
def test_split_sentences_is_a_scan_with_the_boundary_pattern(pieces, offset):
    text = "".join(pieces)
    assert split_sentences(text, offset) == _reference(text, offset)


def test_split_sentences_examples():
    text = "The U.S. Government did. It is\nnot. (Tier 2) Next one! Done?  \"Quoted.\" Then 3 more.\n\nLast"
    assert [s.text for s in split_sentences(text)] == [s.text for s in _reference(text)]
    assert [s.text for s in split_sentences(text)][:2] == ["The U.S. Government did.", "It is"]
