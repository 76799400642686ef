"""Narrative headlines in every printed form, and the report year a page declares.

The tier comes only from the headline (the body names other tiers when it explains the scale or
a previous placement). Forms accepted, case-insensitively:

    Angola (Tier 2)                       2001-2014, 2022-
    HAITI (TIER 2 - WATCH LIST)           2005
    Curacao (Tier 2 Watch List) *         2011 (territory marker)
    AFGHANISTAN: Tier 2                   2015-2021
    CURAÇAO: Tier 2 WATCH LIST†           2019
    SOMALIA (Special Case)  /  SOMALIA: SPECIAL CASE  /  SPECIAL CASE: SOMALIA
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MARKERS = "*\u2020"
_TIER = r"(?:TIER\s*(?:[123]|ONE|TWO|THREE)(?:\s*[-:,]?\s*(?:SPECIAL\s+)?WATCH\s*-?\s*LIST)?|SPECIAL\s*CASE)"
_NAME = r"[^\n():]{2,80}?"

HEADLINE_PAREN = re.compile(
    rf"^[ \t]*(?P<name>{_NAME})[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*\([ \t]*(?P<tier>{_TIER})[ \t]*\)[ \t]*(?P<m2>[{MARKERS}]+)?[ \t]*$",
    re.I | re.M,
)
HEADLINE_COLON = re.compile(
    rf"^[ \t]*(?P<name>{_NAME})[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*:[ \t]*(?P<tier>{_TIER})[ \t]*(?P<m2>[{MARKERS}]+)?[ \t]*$",
    re.I | re.M,
)
HEADLINE_PREFIX = re.compile(
    rf"^[ \t]*(?P<tier>SPECIAL\s*CASE)[ \t]*:[ \t]*(?P<name>{_NAME})[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*$",
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
    rf"^[ \t]*(?P<name>[^\n():]{{2,60}}?)[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*\n[ \t]*\n?[ \t]*\(?[ \t]*(?P<tier>{_TIER})[ \t]*\)?[ \t]*(?P<m2>[{MARKERS}]+)?[ \t]*$",
    re.I | re.M,
)
# A tier printed alone on its line (2013-2016 per-country pages: the country is in the page title).
TIER_ONLY = re.compile(rf"^[ \t]*(?:Tier\s+Placement:?\s*)?(?P<tier>{_TIER})[ \t]*(?P<m1>[{MARKERS}]+)?[ \t]*$", re.I | re.M)

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
    t = re.sub(r"[\s\-:,]+", " ", raw.upper()).strip()
    if t.startswith("SPECIAL"):
        return "SPECIAL"
    words = {"ONE": "1", "TWO": "2", "THREE": "3"}
    m = re.match(r"TIER (\w+)", t)
    num = m.group(1) if m else ""
    num = words.get(num, num)
    if "WATCH" in t:
        return "2WL" if num == "2" else f"{num}WL"
    return num


def _clean_name(name: str) -> str:
    n = name.strip().strip(MARKERS).strip()
    n = re.sub(r"\s+", " ", n)
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


def find_headlines(text: str) -> list[Headline]:
    """Every headline-shaped line in the text, in order (chrome-worded lines skipped)."""
    found: dict[int, Headline] = {}
    for rx in (HEADLINE_PREFIX, HEADLINE_PAREN, HEADLINE_COLON):
        for m in rx.finditer(text):
            if m.start() in found:
                continue
            raw_name = m.group("name")
            name = _clean_name(raw_name)
            if not name or is_chrome_name(name):
                continue
            marker = bool((m.groupdict().get("m1") or "") + (m.groupdict().get("m2") or "")) or bool(
                re.search(f"[{MARKERS}]", raw_name)
            )
            found[m.start()] = Headline(
                name=name,
                tier=normalise_tier(m.group("tier")),
                marker=marker,
                line=m.group(0).strip(),
                start=m.start() + (len(m.group(0)) - len(m.group(0).lstrip())),
                end=m.end(),
            )
    for m in HEADLINE_TWO_LINES.finditer(text):
        if any(m.start() <= k < m.end() for k in found):
            continue
        name = _clean_name(m.group("name"))
        if not name or is_chrome_name(name):
            continue
        from tip.core.countries import to_iso3

        if to_iso3(name) is None:  # this form only counts when the first line is a country's name
            continue
        found[m.start()] = Headline(
            name=name, tier=normalise_tier(m.group("tier")),
            marker=bool((m.group("m1") or "") + (m.group("m2") or "")),
            line=re.sub(r"\s+", " ", m.group(0).strip()), start=m.start() + (len(m.group(0)) - len(m.group(0).lstrip())),
            end=m.end(),
        )
    for m in HEADLINE_GLUED.finditer(text):
        if any(abs(m.start("name") - k) < 3 for k in found):
            continue
        name = _clean_name(m.group("name"))
        from tip.core.countries import to_iso3

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


def _same(a: Headline, b: Headline) -> bool:
    from tip.core.countries import to_iso3

    return a.tier == b.tier and (to_iso3(a.name) or a.name.lower()) == (to_iso3(b.name) or b.name.lower())


def find_tier_only(text: str, limit: int = 1500) -> re.Match[str] | None:
    """A tier line on its own near the top of a page (country given only by the title)."""
    m = TIER_ONLY.search(text[:limit])
    return m


# ---------------------------------------------------------------------------------------------
# Report year as the page declares it
_URL_YEAR = [
    re.compile(r"/tiprpt/(?:countries/)?((?:19|20)\d{2})/"),
    re.compile(r"/reports/((?:19|20)\d{2})-trafficking-in-persons-report"),
    re.compile(r"trafficking-in-persons-report-((?:19|20)\d{2})"),
]
_TEXT_YEAR = [
    re.compile(r"\b((?:19|20)\d{2})\s+Trafficking\s+in\s+Persons\s+Report\b", re.I),
    re.compile(
        r"\bTrafficking\s+in\s+Persons\s+Report\s*[,:-]?\s*(?:(?:January|February|March|April|May|June|July|August|"
        r"September|October|November|December)\s+(?:\d{1,2},?\s+)?)?((?:19|20)\d{2})\b",
        re.I,
    ),
]


def year_from_url(url: str | None) -> int | None:
    if not url:
        return None
    for rx in _URL_YEAR:
        m = rx.search(url)
        if m:
            return int(m.group(1))
    return None


def year_from_text(*texts: str | None) -> int | None:
    for t in texts:
        if not t:
            continue
        for rx in _TEXT_YEAR:
            m = rx.search(t)
            if m:
                y = int(m.group(1))
                if 2001 <= y <= 2100:
                    return y
    return None
