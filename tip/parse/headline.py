"""Narrative headlines in every printed form, and the report year a page declares.

The tier comes only from the headline (the body names other tiers when it explains the scale or
a previous placement). Forms accepted, case-insensitively:

    Angola (Tier 2)                       2001-2014, 2022-
    HAITI (TIER 2 - WATCH LIST)           2005
    Curacao (Tier 2 Watch List) *         2011 (territory marker)
    AFGHANISTAN: Tier 2                   2015-2021
    CURAÇAO: Tier 2 WATCH LIST†           2019
    SOMALIA (Special Case)  /  SOMALIA: SPECIAL CASE  /  SPECIAL CASE: SOMALIA
    HAITI (not rated)                     a republisher's word for a Special Case

Copies held by republishers (Refworld, ecoi.net, embassies, NGO mirrors) wrap the same headline
in more text; every form above also accepts, on the same line:

    [ Country-by-Country ] BURMA (Tier 3)                  a bracketed site label before the name
    2007 Trafficking in Persons Report - Taiwan (Tier 2)   a report title before the name
    Serbia and Montenegro1 (Tier 2)                        a footnote digit after the name
    ESWATINI (SWAZILAND): Tier 2                           a former name in brackets
    COTE D'IVOIRE (TIER 2 Watch List)  [Extracted from ... June 2009]   a publisher's note after it
    BURMA: Tier 3 The Government of Burma does not ...     the first sentence, when one HTML block held both

and two forms of PDF copies: a long name wrapped over two lines ("DEMOCRATIC REPUBLIC" / "OF THE
CONGO (Tier 2)": joined when the whole is a known country) and a headline split by the columns
("... subject AFGHANISTAN: these migrants ..." / "Tier 2 Watch List In 2015, ...").

The report year is read elsewhere (tip/parse/year.py).

How to add a form: a new way of printing the placement is a word in ``_TIER`` and ``normalise_tier``;
a new wrapper around the name is a pattern in ``_NAME_PREFIX`` / ``_NAME_SUFFIX`` (stripped before the
name is looked up); a new note after the placement is a pattern in ``_NOTE``. The line shapes
themselves (parenthesis, colon, placement first, two lines, glued, placement alone) stay as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MARKERS = "*\u2020"
_TIER = (r"(?:TIER\s*(?:(?:[123]|ONE|TWO|THREE|III|II|I)(?![A-Za-z0-9])|2(?=WL\b))(?:\s*[-:,\u2013]?\s*(?:SPECIAL\s+)?WATCH\s*-?\s*LIST|\s*-?\s*WL\b)?|"
         r"SPECIAL\s*CASE|NOT\s+RATED)")
_NAME = r"[^\n():]{2,80}?"
# a former or fuller name in brackets between the name and the placement: "ESWATINI (SWAZILAND)",
# "Serbia and Montenegro (and Kosovo)"
_AKA = r"(?:\([^()\n]{2,40}\)[ \t]*)?"
# what a republisher prints after the placement on the headline's line
# ("[Extracted from ... Report, June 2009]", "- Extracted in part from the U.S. State Dept 2023 TIP Report - Burma");
# a note that names the report ends there, so a first sentence joined after it is still read
_NOTE = (r"(?:[ \t]*(?:\[[^\]\n]*\]?|[-\u2013\u2014]?[ \t]*\(?\s*Extracted\b(?:[^\n]*?\bReport\b(?:,?[ \t]*"
         r"(?:[A-Z][a-z]+[ \t]+)?(?:19|20)\d{2})?\]?\)?(?:[ \t]*[-\u2013][ \t]*[A-Z][\w'\u2019.\u00c0-\u024f]*(?:[ \t]+[A-Z][\w'\u2019.\u00c0-\u024f]*){0,3}?(?=[ \t]|$))?|"
         r"[^\n]*)|\(?Source:[^\n]*|\(?(?:19|20)\d{2}\s+(?:TIP|Trafficking\s+in\s+Persons)\s+Report\)?))?")
# the narrative's first sentence on the headline's line (one HTML block held both); only counted
# for a known country's name, see find_headlines
_SENTENCE = r"(?P<tail>[ \t]+(?:The|This|In|During|Although|While|Despite|[A-Z][\w'\u2019.-]+)\b[^\n]{20,})?"
# wrappers around the name, stripped before it is looked up
_NAME_PREFIX = re.compile(
    r"^(?:\[[^\]\n]*\]\s*|[^\n]*?\b(?:Report|Narratives?|Cases?)\b[^\n]*?\s[-\u2013:|]\s*|\d{1,3}\s+(?=[A-Z]{2}))+")
_NAME_SUFFIX = re.compile(r"(?<=[A-Za-z\u00c0-\u024f])\d{1,2}$")

MARKS = rf"[{MARKERS}\u2021\u00a7]"
HEADLINE_PAREN = re.compile(
    rf"^[ \t]*(?P<name>{_NAME})[ \t]*(?P<m1>{MARKS}+)?[ \t]*{_AKA}\([ \t]*(?P<tier>{_TIER})[ \t]*\)[ \t]*(?P<m2>{MARKS}+)?{_NOTE}{_SENTENCE}[ \t]*$",
    re.I | re.M,
)
HEADLINE_COLON = re.compile(
    rf"^[ \t]*(?P<name>{_NAME})[ \t]*(?P<m1>{MARKS}+)?[ \t]*{_AKA}:[ \t]*(?P<tier>{_TIER})[ \t]*(?P<m2>{MARKS}+)?{_NOTE}{_SENTENCE}[ \t]*$",
    re.I | re.M,
)
HEADLINE_PREFIX = re.compile(
    rf"^[ \t]*(?:[^\n]*?\bReport\b[^\n]*?[ \t][-\u2013:][ \t]*)?(?P<tier>SPECIAL\s*CASES?)[ \t]*(?:[-\u2013:][ \t]*(?P<name>{_NAME})|"
    rf"\([ \t]*(?P<name2>{_NAME})[ \t]*\))[ \t]*(?P<m1>{MARKS}+)?"
    # the first sentence on the same line, after a name in capitals ("Special Case: SOMALIA Somalia remains ...")
    r"(?-i:(?<=[A-Z])(?P<tail>[ \t]+[A-Z][a-z][^\n]{20,}))?[ \t]*$",
    re.I | re.M,
)
# A headline glued to the end of the previous narrative's last sentence (two files joined without a
# newline): "... to do so.THAILAND (Tier 2 Watch List)"; counted only for a known country's name
HEADLINE_GLUED = re.compile(
    rf"(?<=[.!?\"')\]])[ \t]*(?P<name>[A-Z][^\n():.;]{{2,60}}?)[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*"
    rf"(?:\([ \t]*(?P<tier>{_TIER})[ \t]*\)|:[ \t]*(?P<tier2>{_TIER}))[ \t]*(?P<m2>[{MARKERS}]+)?[ \t]*$",
    re.I | re.M,
)
# The country on one line and the tier on the next: "AFGHANISTAN" / "(Tier 2)" or "Indonesia" / "Tier 2"
HEADLINE_TWO_LINES = re.compile(
    rf"^[ \t]*(?P<name>[^\n():]{{2,60}}?)[ \t]*(?P<m1>{MARKS}+)?[ \t]*\n[ \t]*\n?[ \t]*\(?[ \t]*(?P<tier>{_TIER})[ \t]*\)?[ \t]*(?P<m2>{MARKS}+)?{_NOTE}[ \t]*$",
    re.I | re.M,
)
# A headline split by a PDF copy's columns: "... the recruiters subject AFGHANISTAN:" / "Tier 2 Watch List In 2015, ..."
# (the name in capitals ends one line, the placement opens the next); counted only for a known country
HEADLINE_SPLIT_COLON = re.compile(rf"[ \t]*(?P<tier>{_TIER})(?=[ \t]+[A-Z]|[ \t]*$)", re.I | re.M)
_CAPS_NAME_COLON = re.compile(r"(?:^|[ \t])(?P<name>[A-Z][A-Z\u00c0-\u00de'\u2019.-]+(?:[ \t]+[A-Z\u00c0-\u00de'\u2019.-]+){0,4}):(?=[ \t]+[a-z]|[ \t]*$)")
# A tier printed alone on its line (2013-2016 per-country pages: the country is in the page title).
TIER_ONLY = re.compile(rf"^[ \t]*(?:Tier\s+Placement:?\s*)?\(?(?P<tier>{_TIER})\)?[ \t]*(?P<m1>{MARKS}+)?[ \t]*$", re.I | re.M)

# Words that make a headline-shaped line page chrome rather than a country ("IV. Country
# Narratives: Tier 2", "Countries A through G (Tier 2)").
_CHROME_WORDS = re.compile(
    r"\b(narratives?|report|countries|country|tiers?|list|through|introduction|section|chapter|"
    r"table|page|map|photo|placement|ranking|year|prosecution|protection|prevention|recommendations?)\b",
    re.I,
)


@dataclass(frozen=True)
class Headline:
    name: str          # country as printed (markers stripped)
    tier: str          # '1' | '2' | '2WL' | '3' | 'SPECIAL'
    marker: bool       # '*' or '†' printed with it
    line: str          # the whole line as printed
    start: int         # offsets of the line in the text
    end: int


def normalise_tier(raw: str) -> str:
    t = re.sub(r"[\s\-:,\u2013]+", " ", raw.upper()).strip()
    if t.startswith("SPECIAL") or t.startswith("NOT RATED"):
        return "SPECIAL"
    words = {"ONE": "1", "TWO": "2", "THREE": "3", "I": "1", "II": "2", "III": "3"}
    m = re.match(r"TIER ?([123]|[A-Z]+)", t)
    num = m.group(1) if m else ""
    num = words.get(num, num)
    if "WATCH" in t or re.search(r"\dWL\b| WL\b", t):
        return "2WL" if num == "2" else f"{num}WL"
    return num


def _clean_name(name: str) -> str:
    n = re.sub(r"\s+", " ", name).strip().strip(MARKERS + "\u2021\u00a7").strip()
    stripped = _NAME_PREFIX.sub("", n).strip()
    if stripped:
        n = stripped
    n = _NAME_SUFFIX.sub("", n).strip()
    return n


def is_chrome_name(name: str) -> bool:
    if _CHROME_WORDS.search(name):
        return True
    if len(name) > 60 or len(name.split()) > 8:
        return True
    # sentence punctuation inside a name means a body line, not a headline ("St." is fine)
    if re.search(r"(?<!\bst)(?<!\bmt)\.\s+\S|[;!?]", name, re.I):
        return True
    return False


_PLACEMENT_WORD = re.compile(r"tier|special\s*case|not\s+rated", re.I)


def _placement_lines(text: str) -> list[int]:
    """Start offsets of the lines that hold a placement word (every headline form needs one)."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
        hits = [m.start() for m in _PLACEMENT_WORD.finditer(text)]
    else:
        hits = []
        for word in ("tier", "special", "not"):
            i = low.find(word)
            while i >= 0:
                if word == "tier" or _PLACEMENT_WORD.match(text, i):
                    hits.append(i)
                i = low.find(word, i + 1)
    return sorted({text.rfind("\n", 0, i) + 1 for i in hits})


def _line_matches(rx: re.Pattern[str], text: str, starts: list[int]):
    """What ``rx.finditer(text)`` gives for a pattern anchored at a line start, trying only ``starts``."""
    last_end = -1
    for st in starts:
        if st < last_end:
            continue
        m = rx.match(text, st)
        if m:
            last_end = m.end()
            yield m


def find_headlines(text: str) -> list[Headline]:
    """Every headline-shaped line in the text, in order (chrome-worded lines skipped). The line forms
    are tried only on lines that hold a placement word (and, for the two-line form, the two lines above)."""
    found: dict[int, Headline] = {}
    from tip.core.countries import to_iso3

    starts = _placement_lines(text)
    for rx in (HEADLINE_PREFIX, HEADLINE_PAREN, HEADLINE_COLON):
        for m in _line_matches(rx, text, starts):
            if m.start() in found:
                continue
            gd = m.groupdict()
            raw_name = gd.get("name") or gd.get("name2") or ""
            name = _clean_name(raw_name)
            if not name or is_chrome_name(name):
                continue
            if gd.get("tail") and to_iso3(name) is None:
                continue  # a sentence after the placement: only a known country's name makes it a headline
            marker = bool((m.groupdict().get("m1") or "") + (m.groupdict().get("m2") or "")) or bool(
                re.search(f"[{MARKERS}]", raw_name)
            )
            end = m.start("tail") if gd.get("tail") else m.end()
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            if to_iso3(name) is None:  # a long name wrapped over two lines ("DEMOCRATIC REPUBLIC" / "OF THE CONGO (Tier 2)")
                start, name = _wrapped_name(text, start, name)
            found[m.start()] = Headline(
                name=name,
                tier=normalise_tier(m.group("tier")),
                marker=marker,
                line=re.sub(r"\s*\n\s*", " ", text[start:end].strip()),
                start=start,
                end=end,
            )
    above: set[int] = set()
    for st in starts:
        prev = text.rfind("\n", 0, st - 1) + 1 if st > 0 else None
        if prev is not None:
            above.add(prev)
            if prev > 0:
                above.add(text.rfind("\n", 0, prev - 1) + 1)
    for m in _line_matches(HEADLINE_TWO_LINES, text, sorted(above)):
        if any(m.start() <= k < m.end() for k in found):
            continue
        name = _clean_name(m.group("name"))
        if not name or is_chrome_name(name):
            continue
        if to_iso3(name) is None:  # this form only counts when the first line is a country's name
            continue
        found[m.start()] = Headline(
            name=name, tier=normalise_tier(m.group("tier")),
            marker=bool((m.group("m1") or "") + (m.group("m2") or "")),
            line=re.sub(r"\s+", " ", m.group(0).strip()), start=m.start() + (len(m.group(0)) - len(m.group(0).lstrip())),
            end=m.end(),
        )
    for st in starts:  # a PDF copy's columns left the name at the end of one line, the placement opening the next
        m = HEADLINE_SPLIT_COLON.match(text, st)
        if not m or st == 0:
            continue
        above = text[max(0, st - 400):st]
        if above.rstrip(" \t").endswith("\n\n\n") or not above.strip():
            continue  # more than one blank line between
        line_above = above.rstrip().rsplit("\n", 1)[-1]
        nm = None
        for nm in _CAPS_NAME_COLON.finditer(line_above):
            pass
        if nm is None or to_iso3(nm.group("name")) is None or any(abs(st - k) < 300 for k in found):
            continue
        start = st - len(above) + above.rstrip().rfind(line_above) + nm.start("name")
        found[start] = Headline(
            name=nm.group("name"), tier=normalise_tier(m.group("tier")), marker=False,
            line=f"{nm.group('name')}: {m.group('tier')}", start=start, end=m.end(),
        )
    for m in _glued(text, starts):
        if any(abs(m.start("name") - k) < 3 for k in found):
            continue
        name = _clean_name(m.group("name"))
        if not name or is_chrome_name(name) or to_iso3(name) is None:
            continue
        found[m.start("name")] = Headline(
            name=name, tier=normalise_tier(m.group("tier") or m.group("tier2")),
            marker=bool((m.group("m1") or "") + (m.group("m2") or "")), line=m.group(0).strip(),
            start=m.start("name"), end=m.end(),
        )
    heads = [found[k] for k in sorted(found)]
    # the same headline printed twice in a row (page title and body): keep the second
    out: list[Headline] = []
    for h in heads:
        if out and _same(out[-1], h) and len(text[out[-1].end:h.start].strip()) < 200:
            out[-1] = h
            continue
        out.append(h)
    return out


_NAME_PART_ABOVE = re.compile(r"(?:^|\n)[ \t]*(?P<part>[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f' \t,.-]{1,40}?)[ \t]*\n(?:[ \t]*\n)?[ \t]*$")


def _wrapped_name(text: str, start: int, name: str) -> tuple[int, str]:
    """(start, name) of a headline whose name began on the line above (a PDF copy wrapped a long name:
    "DEMOCRATIC REPUBLIC" / "OF THE CONGO (Tier 2)"); unchanged unless the joined name is a known country."""
    from tip.core.countries import to_iso3

    m = _NAME_PART_ABOVE.search(text, max(0, start - 80), start)
    if m:
        joined = re.sub(r"\s+", " ", f"{m.group('part')} {name}").strip()
        if to_iso3(joined):
            return m.start("part"), joined
    return start, name


def _glued(text: str, starts: list[int]):
    """What ``HEADLINE_GLUED.finditer(text)`` gives, searched only on lines that hold a placement word."""
    last_end = -1
    for st in starts:
        end = text.find("\n", st)
        end = len(text) if end < 0 else end
        nxt = text.find("\n", end + 1)
        m = HEADLINE_GLUED.search(text, max(st, last_end), len(text) if nxt < 0 else nxt)
        if m and m.start() <= end:
            last_end = m.end()
            yield m


def _same(a: Headline, b: Headline) -> bool:
    from tip.core.countries import to_iso3

    return a.tier == b.tier and (to_iso3(a.name) or a.name.lower()) == (to_iso3(b.name) or b.name.lower())


def find_tier_only(text: str, limit: int = 1500) -> re.Match[str] | None:
    """A tier line on its own near the top of a page (country given only by the title)."""
    m = TIER_ONLY.search(text[:limit])
    return m
