"""Numbers as the narratives print them: digits with thousands separators and number words."""
from __future__ import annotations

import re

# a month's name, as dates are printed ("June 14, 2010", "in March 2012")
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}

_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen)"
)
_WORD_FULL = rf"(?:{_WORD}(?:\s+hundred(?:\s+(?:and\s+)?{_WORD})?)?(?:\s+thousand)?)"
# A count: 1,234 | 1234 | 12 | twenty-one | three hundred (years like 2013 are handled by callers)
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?(?![\d,]\d)|{_WORD_FULL})"
NUMBER_RE = re.compile(rf"\b{NUMBER}\b", re.I)


def parse_number(token: str) -> float | None:
    """Value of a number token; None when it is not one."""
    t = token.strip().lower().replace("\u2009", "")
    if not t:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    total = 0
    current = 0
    for w in re.split(r"[\s-]+", t):
        if w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return float(total + current)


def parse_ordinal(token: str) -> int | None:
    t = token.strip().lower()
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", t)
    if m:
        return int(m.group(1))
    if t in _ORDINALS:
        return _ORDINALS[t]
    parts = re.split(r"[\s-]+", t)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ORDINALS:
        return _TENS[parts[0]] + _ORDINALS[parts[1]]
    return None


ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|(?:twenty|thirty)[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)


def looks_like_year(token: str) -> bool:
    t = token.strip()
    return bool(re.fullmatch(r"(?:19|20)\d{2}", t))
