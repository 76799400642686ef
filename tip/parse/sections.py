"""Sections of a narrative, era by era, and its recommendations.

2001-2016: the trafficking profile comes first (no heading), then the summary with the
compliance sentence, "Recommendations for X:" (2009-2014; "RECOMMENDATIONS FOR X:" 2015-2016),
then Prosecution / Protection / Prevention (Prevention first in 2003).
2017-: summary, RECOMMENDATIONS FOR X: / PRIORITIZED RECOMMENDATIONS (2019-), PROSECUTION,
PROTECTION, PREVENTION, and the profile last under TRAFFICKING PROFILE.
Special Cases: Scope and Magnitude / Government Efforts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tip.parse.text import BULLET

# Heading alone on a line (optionally with a colon or period), or at the start of a paragraph
# followed by a colon. Recommendations headings may be glued to the previous sentence.
_LINE_HEADINGS = [
    ("profile", re.compile(r"^[ \t]*(?:TRAFFICKING\s+PROFILE|Trafficking\s+Profile)[ \t]*:?[ \t]*$", re.M)),
    ("prosecution", re.compile(r"^[ \t]*(?:Prosecution|PROSECUTION)(?:[ \t]*[:.])?[ \t]*$", re.M)),
    ("protection", re.compile(r"^[ \t]*(?:Protection|PROTECTION)(?:[ \t]*[:.])?[ \t]*$", re.M)),
    ("prevention", re.compile(r"^[ \t]*(?:Prevention|PREVENTION)(?:[ \t]*[:.])?[ \t]*$", re.M)),
    ("scope_and_magnitude", re.compile(r"^[ \t]*(?:Scope\s+and\s+Magnitude|SCOPE\s+AND\s+MAGNITUDE)[ \t]*[:.]?", re.M)),
    ("government_efforts", re.compile(r"^[ \t]*(?:Government\s+Efforts|GOVERNMENT\s+EFFORTS)[ \t]*[:.]?", re.M)),
    # "Prosecution: The government ..." / "Prosecution.  The government ..." at a paragraph start
    ("prosecution", re.compile(r"^[ \t]*(?:Prosecution|PROSECUTION)[ \t]*[:.][ \t]+(?=[A-Z])", re.M)),
    ("protection", re.compile(r"^[ \t]*(?:Protection|PROTECTION)[ \t]*[:.][ \t]+(?=[A-Z])", re.M)),
    ("prevention", re.compile(r"^[ \t]*(?:Prevention|PREVENTION)[ \t]*[:.][ \t]+(?=[A-Z])", re.M)),
]
_RECS = re.compile(
    r"(?:^|(?<=[.;:!?\"')\]]))[ \t]*(?:PRIORITIZED\s+RECOMMENDATIONS|Prioritized\s+Recommendations|"
    r"(?:RECOMMENDATIONS|Recommendations)\s+(?:FOR|for)\s+[^:\n\u2022]{2,80}?)[ \t]*(?::|(?=\s*\u2022)|[ \t]*$)",
    re.M,
)


@dataclass(frozen=True)
class Section:
    name: str
    start: int   # start of the heading (or of the section's text when implicit)
    body_start: int
    end: int


@dataclass(frozen=True)
class Recommendation:
    text: str
    start: int
    end: int


# every line heading starts (after blanks) with one of these letters: only such lines are tried
_HEADING_FIRST = frozenset("TPSG")


def find_headings(text: str) -> list[tuple[str, int, int]]:
    hits: dict[int, tuple[str, int, int]] = {}
    # The line patterns are anchored at a line start (^ with re.M): try them only at the starts of
    # lines whose first non-blank character can begin a heading, instead of scanning the whole
    # text once per pattern (same matches; for one start the first pattern listed wins, as before).
    last_end = [0] * len(_LINE_HEADINGS)
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        first = pos
        while first < line_end and text[first] in " \t":
            first += 1
        if first < line_end and text[first] in _HEADING_FIRST:
            for i, (name, rx) in enumerate(_LINE_HEADINGS):
                if pos < last_end[i]:
                    continue  # finditer would not look inside an earlier match of this pattern
                m = rx.match(text, pos)
                if m:
                    last_end[i] = m.end()
                    s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                    if s not in hits:
                        hits[s] = (name, s, m.end())
        if nl < 0:
            break
        pos = nl + 1
    for m in _recommendation_headings(text):
        s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if not any(abs(s - k) < 3 for k in hits):
            hits[s] = ("recommendations", s, m.end())
    return [hits[k] for k in sorted(hits)]


_RECS_WORD = re.compile(r"RECOMMENDATIONS|Recommendations")


def _recommendation_headings(text: str):
    """_RECS's matches, as a scan of the whole text finds them, tried only where one can start: every
    match holds RECOMMENDATIONS or Recommendations, after at most blanks, PRIORITIZED / Prioritized
    and white space (a scan for those words is much faster than _RECS's own, which tries every character)."""
    searched = 0
    for w in _RECS_WORD.finditer(text):
        lo = w.start()
        while lo > 0 and text[lo - 1].isspace():  # what \s matches
            lo -= 1
        if text[max(0, lo - 11):lo] in ("PRIORITIZED", "Prioritized"):
            lo -= 11
        while lo > 0 and text[lo - 1] in " \t":
            lo -= 1
        for start in range(max(lo, searched), w.start() + 1):
            m = _RECS.match(text, start)
            if m:
                searched = m.end()
                yield m
                break


def split_sections(text: str, body_start: int, compliance_start: int | None, special_case: bool = False) -> list[Section]:
    """Sections of a narrative body (text after the headline, offsets in the narrative text)."""
    heads = [h for h in find_headings(text) if h[1] >= body_start]
    sections: list[Section] = []
    first_head = heads[0][1] if heads else len(text)
    # Implicit leading sections: profile (before the compliance sentence) and summary.
    if compliance_start is not None and compliance_start < first_head:
        # the profile is everything before the compliance sentence: the paragraphs before its
        # paragraph and, when the verdict does not open it (2001's first paragraph, a copy that
        # ran the profile and the verdict together), the sentences before it in the same paragraph
        profile_end = compliance_start
        if text[body_start:profile_end].strip():
            sections.append(Section("profile", body_start, body_start, profile_end))
        sections.append(Section("summary", profile_end, profile_end, first_head))
    elif text[body_start:first_head].strip():
        # Special Cases open with their status ("remains a Special Case ..."); their profile is Scope and Magnitude
        first = "summary" if compliance_start is not None or (special_case and heads) else "profile"
        sections.append(Section(first, body_start, body_start, first_head))
    for i, (name, s, e) in enumerate(heads):
        end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        sections.append(Section(name, s, e, end))
    return sections


def recommendations(text: str, sections: list[Section]) -> list[Recommendation]:
    out: list[Recommendation] = []
    for sec in sections:
        if sec.name != "recommendations":
            continue
        body_start, end = sec.body_start, sec.end
        region = text[body_start:end]
        has_bullets = BULLET in region
        lead = len(region) - len(region.lstrip())
        body_start += lead
        region = region[lead:]
        if not has_bullets:
            # semicolon lists run to the end of their paragraph
            para_end = region.find("\n\n")
            if para_end < 0:
                para_end = region.find("\n", 1) if region.strip().count("\n") else -1
            if para_end > 0:
                region = region[:para_end]
        sep = re.compile(r"\u2022|\n" if has_bullets else r";|\n")
        pos = 0
        for m in list(sep.finditer(region)) + [None]:
            seg_end = m.start() if m else len(region)
            seg = region[pos:seg_end]
            pos = m.end() if m else len(region)
            item = seg.strip()
            item = re.sub(r"^(?:and|or)\s+", "", item)
            item = item.rstrip(" .;,")
            if len(item) < 8 or not re.search(r"[a-z]", item):
                continue
            # locate the item inside the segment to keep exact offsets
            seg_start = seg_end - len(seg)
            off = seg.find(item)
            if off < 0:
                continue
            s = body_start + seg_start + off
            out.append(Recommendation(item, s, s + len(item)))
    return out
