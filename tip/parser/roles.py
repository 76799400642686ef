"""Roles (source / transit / destination / internal) and partner countries with direction.

Roles come from the profile's role statement ("X is a source, transit, and destination country
for ...", 2001: "a country of origin") or, in the 2017- profiles, from "traffickers exploit
foreign victims in X" (destination) and "victims from X abroad" (source). Roles stay None when
the text makes no such statement.

Partners are country names and demonyms in profile sentences about trafficking, read with the
preposition in front of them: "from Vietnam", "Vietnamese women" -> origin (victims from the
partner exploited here); "to Thailand and Malaysia", "in Thailand" -> destination (victims from
here exploited in the partner). A list after one preposition shares it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..countries import gazetteer
from .sentences import Span

_ROLE_STATEMENT = re.compile(
    r"\b(?:is|are|remains|remain|was|were|has\s+become|serves\s+as)\s+(?:(?:also|now|still)\s+)?(?:a|an|both|primarily|mainly|"
    r"principally|predominantly|largely|increasingly|one)\b(?P<roles>[^.;:]{0,160}?)\b(?:country|countries|point|location|hub|area|nation)\b",
    re.I,
)
_ORIGIN_2001 = re.compile(r"\b(?:is|remains)\s+(?:a|an)\s+(?:\w+\s+)?country\s+of\s+(?P<roles>origin|destination|transit)"
                          r"(?:(?:,\s*|\s+and\s+|\s+or\s+)(?:of\s+)?(?P<more>origin|destination|transit))*", re.I)
_MODERN_DEST = re.compile(r"\bexploit\w*\s+(?:domestic\s+and\s+)?foreign\s+victims\s+in\b", re.I)
_MODERN_SRC = re.compile(r"\bexploit\w*\s+victims\s+from\s+[\w' .-]+?\s+abroad\b", re.I)
_MODERN_DOMESTIC = re.compile(r"\bexploit\w*\s+domestic\s+(?:and\s+foreign\s+)?victims\b", re.I)
_INTERNAL = re.compile(r"\binternal(?:ly)?\s+traffick|\btrafficked\s+internally|\bwithin\s+the\s+country\b|\bdomestic\s+victims\b", re.I)
_TRAFFICKING_CUE = re.compile(r"traffick|exploit|victim|forced\s+(?:labor|prostitution)|servitude|bondage|sex\s+trade|commercial\s+sex|prostitution", re.I)


@dataclass(frozen=True)
class Roles:
    source: bool
    transit: bool
    destination: bool
    internal: bool | None
    evidence: Span | None


def find_roles(sentences: list[Span]) -> Roles | None:
    internal = None
    for sp in sentences:
        if _INTERNAL.search(sp.text):
            internal = True
    for sp in sentences:
        m = _ROLE_STATEMENT.search(sp.text)
        words = None
        if m and re.search(r"source|origin|transit|destination", m.group("roles"), re.I):
            words = m.group("roles").lower()
        else:
            m2 = _ORIGIN_2001.search(sp.text)
            if m2:
                words = m2.group(0).lower()
        if words:
            return Roles(
                source=("source" in words or "origin" in words),
                transit="transit" in words,
                destination="destination" in words,
                internal=internal,
                evidence=sp,
            )
    # 2017- profile phrasing
    src = dest = False
    ev = None
    for sp in sentences:
        if _MODERN_DEST.search(sp.text):
            dest = True
            ev = ev or sp
        if _MODERN_SRC.search(sp.text):
            src = True
            ev = ev or sp
        if _MODERN_DOMESTIC.search(sp.text):
            internal = True
    if src or dest:
        transit = any(re.search(r"\btransit\s+(?:country|point|route|hub)|\bin\s+transit\b|\btransit\s+through\b", s.text, re.I) for s in sentences)
        return Roles(source=src, transit=transit, destination=dest, internal=internal, evidence=ev)
    return None


@dataclass(frozen=True)
class PartnerMention:
    iso3: str
    name: str          # as printed
    direction: str     # 'origin' | 'destination'
    evidence: Span


_LIST_GAP = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*,?\s*as\s+well\s+as\s+)(?:the\s+)?$")


def find_partners(sentences: list[Span], self_iso3: str | None) -> list[PartnerMention]:
    pattern, table = gazetteer()
    out: list[PartnerMention] = []
    seen: set[tuple[str, str]] = set()
    for sp in sentences:
        t = sp.text
        if not _TRAFFICKING_CUE.search(t):
            continue
        if re.search(r"\b(?:memorandum|MOU|agreement|cooperat\w+|signed|embassy|extradit\w*|funded|donor)\b", t, re.I):
            continue
        mentions = list(pattern.finditer(t))
        prev_dir: str | None = None
        prev_end = -1
        for m in mentions:
            surface = m.group(1)
            iso3 = table.get(surface)
            if not iso3:
                continue
            gap = t[prev_end:m.start()] if prev_end >= 0 else None
            direction: str | None = None
            # continuation of a list after one preposition: "to Thailand and Malaysia"
            if prev_dir and gap is not None and _LIST_GAP.match(gap):
                direction = prev_dir
            else:
                before = t[max(0, m.start() - 40):m.start()]
                after = t[m.end():m.end() + 40]
                is_demonym = surface[:1].isupper() and not surface.endswith(("land", "stan")) and surface not in _names_only()
                if is_demonym:
                    # "Vietnamese women", "Burmese men and boys": people of the partner = origin
                    if re.match(r"(?:\s*,\s*(?:and\s+|or\s+)?[A-Z][\w-]+|\s+(?:and|or)\s+[A-Z][\w-]+)*"
                                r"\s+(?:and\s+\w+\s+)?(?:women|men|girls|boys|children|nationals|citizens|migrants|workers|"
                                r"victims|laborers|fishermen|domestic|females|males|adults|persons|people|teenagers|minors|"
                                r"individuals|[a-z]+\s+workers)", after):
                        direction = "origin"
                else:
                    pm = re.search(r"(?:\bfrom|\bto|\binto|\bin|\btoward|\btowards|\bfor|\bincluding|\bthrough)\s+(?:the\s+)?$", before)
                    if pm:
                        prep = pm.group(0).split()[0].lower()
                        if prep == "from":
                            direction = "origin"
                        elif prep in ("to", "into", "toward", "towards", "in"):
                            direction = "destination"
                        elif prep == "for" and re.search(r"bound\s+for\s+$|destined\s+for\s+$", before):
                            direction = "destination"
            prev_end = m.end()
            prev_dir = direction
            if not direction or iso3 == self_iso3:
                continue
            key = (iso3, direction)
            if key in seen:
                continue
            seen.add(key)
            out.append(PartnerMention(iso3=iso3, name=surface, direction=direction, evidence=sp))
    return out


@lru_cache(maxsize=1)
def _names_only() -> frozenset[str]:
    from ..countries import DEMONYMS

    _, table = gazetteer()
    return frozenset(k for k in table if k not in DEMONYMS)
