"""Sentence spans with offsets. Evidence for every extracted value is one of these spans."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that end in a period without ending the sentence.
_ABBREV = {
    "u.s", "u.n", "u.k", "e.u", "mr", "mrs", "ms", "dr", "st", "no", "nos", "gov", "govt", "jan",
    "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "e.g", "i.e", "approx", "art",
    "arts", "ltd", "inc", "co", "corp", "vs", "etc", "para", "sec", "fig", "jr", "sr", "ft", "mt",
    "d.c", "p.m", "a.m", "u.a.e", "gen", "col", "lt", "sgt", "rep", "sen", "hon", "est", "min",
}
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_BOUNDARY = re.compile(r"([.!?]+)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9\u2022])|\n+")
# every _BOUNDARY match starts with one of these: it is tried only there (a scan for them is much
# faster than _BOUNDARY's own scan, which tries both alternatives at every character)
_BOUNDARY_START = re.compile(r"[.!?\n]")


def ends_abbreviation(text: str, start: int, dot: int) -> bool:
    """Whether the period at ``dot`` ends an abbreviation ("U.S.", "No.", an initial), not a sentence
    begun at ``start``: the run of letters and dots right before it, within the sentence."""
    i = dot
    while i > start and text[i - 1] in _WORD_CHARS:
        i -= 1
    if i == dot:
        return False
    word = text[i:dot].lower().rstrip(".")
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Split text into sentences. Paragraph and line breaks always end a sentence."""
    spans: list[Span] = []
    start = 0
    searched = 0  # _BOUNDARY's matches as finditer finds them: the next one starts at or after the last one's end
    for c in _BOUNDARY_START.finditer(text):
        p = c.start()
        if p < searched:
            continue
        m = _BOUNDARY.match(text, p)
        if m is None:
            continue
        searched = nxt = m.end()
        if text[p] == "\n":
            end = p
        else:
            end = m.end(2)
            if m.group(1) == "." and ends_abbreviation(text, start, p):
                continue
        _emit(text, start, end, offset, spans)
        start = nxt
    _emit(text, start, len(text), offset, spans)
    return spans


def _emit(text: str, start: int, end: int, offset: int, spans: list[Span]) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if not stripped:
        return
    lead = len(seg) - len(seg.lstrip())
    s = start + lead
    e = s + len(stripped)
    spans.append(Span(s + offset, e + offset, stripped))
