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

from tip.core.countries import gazetteer
from tip.parse.sentences import Span

_ROLE_WORD = r"(?:source|origin|transit|destination)"
_SUBJECT_VERB = re.compile(r"\b(?:is|are|remains|remain|was|were|has\s+become|have\s+become|serves\s+as|serve\s+as|may\s+be)\b", re.I)
# "a source, transit, and destination country", "a source and, to a lesser extent, a transit country",
# "a transit and destination point", "primarily a destination territory"
_ROLE_PHRASE = re.compile(
    rf"\b{_ROLE_WORD}(?:(?:\s*,\s*|\s+)(?:(?:and|or)\s*,?\s*)?(?:(?:to\s+a\s+(?:much\s+)?(?:lesser|greater|smaller)\s+extent|possibly|"
    rf"likely|increasingly|also|primarily|significant|major|growing|a|an)\s*,?\s*)*{_ROLE_WORD})*\s+"
    r"(?:country|countries|point|points|location|hub|area|nation|territory|state|region)\b",
    re.I,
)
# the same list with the people it concerns instead of "country": "Iran is a source, transit, and
# destination for men, women, and children", "it is a source of women"; counted only when the
# sentence's subject is the narrative's own country (or "it"), since "Thailand is a destination for
# Cambodian women" in Cambodia's narrative is Thailand's role
_ROLE_LIST = (rf"\b{_ROLE_WORD}(?:(?:\s*,\s*|\s+)(?:(?:and|or)\s*,?\s*)?(?:(?:to\s+a\s+(?:much\s+|far\s+)?(?:lesser|greater|smaller)\s+extent|"
              rf"possibly|likely|increasingly|also|primarily|significant|major|growing|a|an)\s*,?\s*)*{_ROLE_WORD})*")
_ROLE_FOR = re.compile(
    rf"^(?P<subject>[^,;]{{2,60}}?)\s+(?:is|remains|was)\s+(?:(?:also|primarily|principally|predominantly|chiefly|mostly|mainly|largely|increasingly|now|still)\s+)?an?\s+"
    rf"(?P<list>{_ROLE_LIST[2:]})\s+(?:for|of)\s+(?:\w+\s+){{0,2}}?"
    r"(?:men|women|children|girls|boys|persons|people|victims|adults|individuals|workers|migrants|minors|nationals|citizens)\b",
    re.I,
)
# a second list the same sentence adds after a hedge: "X is a destination for men ... and, to a much
# lesser extent, a source of men and women ..." (counted when the sentence's subject is the country)
_ROLE_CONTINUED = re.compile(
    rf"(?:,|\band)\s*,?\s*to\s+a\s+(?:much\s+|far\s+)?(?:lesser|greater|smaller)\s+extent,?\s+(?:also\s+)?an?\s+"
    rf"(?P<list>{_ROLE_LIST[2:]})\s+(?:for|of)\s+(?:\w+\s+){{0,2}}?"
    r"(?:men|women|children|girls|boys|persons|people|victims|adults|individuals|workers|migrants|minors|nationals|citizens)\b",
    re.I,
)
_ROLE_FOR_LATER = re.compile(
    rf"(?:^|[,;]\s*|\bextent,?\s+)(?P<subject>it|[A-Z][\w'\u2019 -]{{1,40}}?)\s+(?:is|was)\s+(?:also\s+)?an?\s+(?P<list>{_ROLE_LIST[2:]})\s+"
    r"(?:for|of)\s+(?:\w+\s+){0,2}?(?:men|women|children|girls|boys|persons|people|victims|adults|individuals|workers|migrants|minors|nationals|citizens)\b",
    re.I,
)


def _own_subject(subject: str, self_iso3: str | None) -> bool:
    from tip.core.countries import to_iso3

    subj = re.sub(r"^(?:to\s+a\s+(?:much\s+|far\s+)?lesser\s+extent,?\s+|the\s+)", "", subject.strip(), flags=re.I)
    return subj.lower() == "it" or (self_iso3 is not None and to_iso3(subj) == self_iso3)


# 2001-2008: "a country of origin, transit, and destination"
_COUNTRY_OF = re.compile(
    rf"\b(?:country|territory|point)\s+of\s+{_ROLE_WORD}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s*,?\s*)"
    rf"(?:,?\s*to\s+a\s+(?:much\s+|far\s+)?(?:lesser|greater|smaller)\s+extent,?\s+)?(?:of\s+)?{_ROLE_WORD})*",
    re.I,
)
_MODERN_DEST = re.compile(r"\bexploit\w*\s+(?:domestic\s+and\s+)?foreign\s+victims\s+in\b", re.I)
_MODERN_SRC = re.compile(
    r"\bexploit\w*\s+victims\s+from\s+[\w' .-]+?\s+abroad\b|"
    r"\bexploit\w*\s+(?-i:(?:[A-Z][\w'-]+\s+)+)(?:(?:men|women|children|workers|citizens|nationals)\s+)?[^.;]{0,60}?\babroad\b",
    re.I,
)
_MODERN_DOMESTIC = re.compile(r"\bexploit\w*\s+domestic\s+(?:and\s+foreign\s+)?victims\b|\bwithin\s+the\s+country\s+and\s+abroad\b", re.I)
_INTERNAL = re.compile(
    r"\binternal(?:ly)?\s+traffick|\btrafficked\s+internally|\bwithin\s+the\s+country\b|\bwithin\s+(?:its|their)\s+borders\b|"
    r"\bdomestic\s+victims\b|\b(?:trafficking|exploitation|it)\b[^.;]{0,60}?\b(?:is|was|remains)\s+(?:\w+\s+){0,2}internal\b|"
    r"\binternal\s+(?:trafficking|sex\s+trafficking|forced\s+labou?r)|"
    r"\bwithin\s+(?:the\s+country['\u2019]s|[A-Z][\w'\u2019 -]{1,30}?['\u2019]s?)\s+borders\b|"  # "within China's borders"
    r"\binternally\s+traffic|^\s*Internally,|"
    r"\bdomestic(?:ally)?\s+and\s+(?:international(?:ly)?|abroad|transnational)\b|"
    r"\btraffick\w*\s+internally\b|\binternal\s+slavery\b|\binternal\s+(?:movement|migrants?|migration)\b[^.;]{0,80}?\b(?:traffick|forced|exploit)|"
    r"\b(?:traffick|exploit|forced)[^.;]{0,80}?\binternal\s+(?:movement|migrants?|migration)\b|"
    # "trafficked from rural areas to urban centers", "from rural areas in X ... to urban centers"
    r"\bfrom\s+(?:the\s+)?(?:poor\s+)?rural\s+(?:areas|regions|villages|communities|provinces)\b[^.;]{0,60}?\bto\s+"
    r"(?:the\s+)?(?:urban|(?:major\s+|larger\s+)?cities|city|capital|tourist)",
    re.I,
)
_WITHIN_NAMED = re.compile(r"\b[Ww]ithin\s+((?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3})")
_TRAFFICKING_CUE = re.compile(
    r"traffick|exploit|victim|forced\s+(?:labor|prostitution|marriage)|servitude|bondage|sex\s+trade|commercial\s+sex|prostitution|"
    r"\bsold\b|\bbrides?\b|\bcountr(?:y|ies)\s+of\s+origin\b",
    re.I,
)


_NOT_A_ROLE = re.compile(r"\b(?:becom(?:e|es|ing)|possib\w*|potential(?:ly)?|decreas\w*\s+as|no\s+longer|ceased\s+to\s+be|"
                         r"less\s+of|not)(?:\s+(?:considered|seen|regarded|viewed|deemed|as|an?|the|major|significant|"
                         r"important|primary|main|large|\w+ing|\w+ly))*\s+$", re.I)


# "transit through" names where the victims pass: the country itself only when it names it ("transit through
# Ghana"), not "women ... transit through Russia en route to ..."
_TRANSIT_MENTION = re.compile(r"(?i:\btransit\s+(?:country|point|route|hub)|\bin\s+transit\b)|"
                              r"(?i:\btransit\s+through)\s+(?P<via>(?:the\s+)?[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){0,3})")


def _transit_here(m: re.Match[str], self_iso3: str | None) -> bool:
    if not m.group("via"):
        return True
    from tip.core.countries import to_iso3

    return self_iso3 is not None and to_iso3(re.sub(r"^the\s+", "", m.group("via"))) == self_iso3


@dataclass(frozen=True)
class Roles:
    source: bool
    transit: bool
    destination: bool
    internal: bool | None
    evidence: Span | None


def _internal(sp: Span, self_iso3: str | None) -> bool:
    t = sp.text
    if _INTERNAL.search(t.replace("internally displaced", "")):
        return True
    if self_iso3:
        from tip.core.countries import to_iso3

        for m in _WITHIN_NAMED.finditer(t):
            if to_iso3(m.group(1)) == self_iso3:
                return True
    return False


def find_roles(sentences: list[Span], self_iso3: str | None = None) -> Roles | None:
    """Roles from every role statement of the profile, joined ("a destination country ..., and
    a source country ..." is both)."""
    internal = True if any(_internal(sp, self_iso3) for sp in sentences) else None
    words: set[str] = set()
    evidence = None
    for sp in sentences:
        t = sp.text
        verb = _SUBJECT_VERB.search(t)
        if not verb:
            continue
        found = [m for m in _ROLE_PHRASE.finditer(t, verb.start())] + [m for m in _COUNTRY_OF.finditer(t, verb.start())]
        # a role it might take or has given up is not one it has ("the possibility of X becoming a source
        # country", "X has significantly decreased as a transit country")
        found = [m for m in found if not _NOT_A_ROLE.search(t, max(0, m.start() - 40), m.start())]
        own = [m for rx in (_ROLE_FOR, _ROLE_FOR_LATER) for m in rx.finditer(t.strip())
               if _own_subject(m.group("subject"), self_iso3)]
        if own:
            own += list(_ROLE_CONTINUED.finditer(t.strip(), own[0].end()))
        found += own
        for m in found:
            span = m.group("list") if "list" in m.re.groupindex else m.group(0)
            words.update(w.lower() for w in re.findall(_ROLE_WORD, span, re.I))
        if found and evidence is None:
            evidence = sp
    # 2017- profile phrasing, joined with any role statement ("Mexico is also a transit country")
    src = bool(words & {"source", "origin"})
    dest = "destination" in words
    ev = evidence
    for sp in sentences:
        if _MODERN_DEST.search(sp.text):
            dest = True
            ev = ev or sp
        if _MODERN_SRC.search(sp.text):
            src = True
            ev = ev or sp
        if _MODERN_DOMESTIC.search(sp.text):
            internal = True
    if words or src or dest:
        transit = "transit" in words or any(
            not _NOT_A_ROLE.search(s.text, max(0, m.start() - 40), m.start()) and _transit_here(m, self_iso3)
            for s in sentences for m in _TRANSIT_MENTION.finditer(s.text))
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
        if re.search(r"\btransit\s+(?:country|point|hub|route)\s+for\b|\ben\s+route\b|\btravel(?:l)?ing\s+to\b|\btrafficked\s+through\b|"
                     r"\btransit(?:ing)?\s+(?:through|via)\b", t, re.I):
            continue  # a transit route: the people passing through are neither from here nor exploited there
        mentions = list(pattern.finditer(t))
        prev_dir: str | None = None
        prev_end = -1
        prev_demonym = False
        for m in mentions:
            surface = m.group(1)
            iso3 = table.get(surface)
            if not iso3:
                continue
            gap = t[prev_end:m.start()] if prev_end >= 0 else None
            direction: str | None = None
            before = t[max(0, m.start() - 60):m.start()]
            after = t[m.end():m.end() + 40]
            is_demonym = surface not in _names_only()
            # continuation of a list after one preposition: "to Thailand and Malaysia" (names only:
            # "... in Thailand, and Vietnamese women" starts a new clause)
            if prev_dir and gap is not None and _LIST_GAP.match(gap) and not is_demonym and not prev_demonym:
                direction = prev_dir
            elif not is_demonym and re.search(r"\bcountr(?:y|ies)\s+of\s+origin\b[^.;]{0,80}\b(?:were|was|are|is|included?|includes)\s+(?:the\s+)?$",
                                              t[max(0, m.start() - 160):m.start()], re.I):
                direction = "origin"
            else:
                if is_demonym:
                    # "Vietnamese women", "Burmese men and boys": people of the partner = origin; but not
                    # the buyers or exploiters ("sold as brides to Chinese men", "exploited by Thai employers")
                    if re.search(r"\b(?:to|by|for|with|among|of)\s+(?:the\s+)?$", before, re.I):
                        direction = None
                    elif re.match(r"(?:\s*,\s*(?:and\s+|or\s+)?[A-Z][\w-]+|\s+(?:and|or)\s+[A-Z][\w-]+)*"
                                r"\s+(?:and\s+\w+\s+)?(?:women|men|girls|boys|children|nationals|citizens|migrants|workers|"
                                r"victims|laborers|fishermen|domestic|females|males|adults|persons|people|teenagers|minors|"
                                r"individuals|[a-z]+\s+workers)", after):
                        direction = "origin"
                else:
                    pm = re.search(r"(?:\bfrom|\bto|\binto|\bin|\btoward|\btowards|\bfor|\bincluding|\bthrough)\s+(?:the\s+)?"
                                   r"(?:(?:mainland|neighboring|neighbouring|nearby|northern|southern|eastern|western|central|rural|urban)\s+)?$", before)
                    pm_prep = None
                    if pm is None:
                        # "from Central and South America, particularly Honduras, Guatemala, ..."
                        pm2 = re.search(r"\b(from|to|in)\s+[^.;]{0,60}?,?\s+(?:particularly|especially|notably|mainly|mostly|primarily|"
                                        r"such\s+as)\s+(?:the\s+)?$", t[max(0, m.start() - 90):m.start()], re.I)
                        if pm2:
                            pm, pm_prep = pm2, pm2.group(1).lower()
                    if pm is not None and re.search(r"\b(?:tourists?|buyers?|customers?|clients?|employers?|traffickers?|recruiters?|"
                                                    r"perpetrators?|criminals?|gangs?|networks?|groups?|organi[sz]ations?)\s+from\s+(?:the\s+)?$",
                                                    before, re.I):
                        pm = None  # the exploiters' origin, not the victims'
                    if pm:
                        prep = pm_prep or pm.group(0).split()[0].lower()
                        if prep == "from":
                            direction = "origin"
                        elif prep in ("to", "into", "toward", "towards", "in"):
                            direction = "destination"
                        elif prep == "for" and re.search(r"bound\s+for\s+$|destined\s+for\s+$", before):
                            direction = "destination"
            prev_end = m.end()
            prev_dir = direction
            prev_demonym = is_demonym
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
    from tip.core.countries import DEMONYMS

    _, table = gazetteer()
    return frozenset(k for k in table if k not in DEMONYMS)
