"""Agreements with partner countries, with their evidence.

"In 2003, Cambodia signed a memorandum of understanding (MOU) with Thailand to regularize the
repatriation of ..." becomes one row per partner country: the kind of agreement, its status, the
partner's ISO3 code, the year when the sentence states one, and the sentence with its offsets.

Kinds (``KINDS``; the first that matches the words naming the agreement wins):

* ``mou``: a memorandum (memoranda) of understanding, MOU, MoU;
* ``memorandum_of_cooperation``: a memorandum of cooperation or of agreement (MOC, MOA);
* ``extradition_treaty``: an extradition treaty, agreement or arrangement;
* ``mutual_legal_assistance``: a mutual legal assistance treaty or agreement (MLAT);
* ``labor_agreement``: a bilateral labor, employment, migration or recruitment agreement;
* ``bilateral_agreement``: any other agreement, accord, treaty or protocol with a named partner
  (read only when the sentence says it was signed or proposed, or calls it bilateral /
  cooperation / anti-trafficking / repatriation / readmission).

Status (``STATUSES``): ``signed`` (signed, concluded, ratified, entered into, renewed ...),
``proposed`` (proposed, negotiated, drafted, planned, discussed ...) or ``referenced`` (named as
existing: "under its MOU with Thailand", "implemented ..."). A negated one ("has not signed")
is no row.

Rules, in order of importance: a partner is a country named right after the agreement
("with Thailand", "with the governments of Laos and Vietnam", "between Cambodia and Thailand")
or as the parties before its verb ("Cambodia and Thailand signed an MOU"); never a country
named elsewhere in the sentence ("... with Thailand to repatriate victims from Malaysia" is
Thailand only). Organisations (IOM, UNICEF) are not partners. The narrative's own country is
not its partner. The year is taken only when the sentence states exactly one ("In 2003, ...",
"in March 2005", "a 2004 MOU"). A new kind is one entry in ``_KIND_PATTERNS``; a new verb is one
word in ``_SIGNED`` or ``_PROPOSED``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tip.core.countries import gazetteer, to_iso3
from tip.parse.numbers import MONTHS as _MONTHS
from tip.parse.prefilter import may_match, needs
from tip.parse.sentences import Span

KINDS = ("mou", "memorandum_of_cooperation", "extradition_treaty", "mutual_legal_assistance", "labor_agreement",
         "bilateral_agreement")
STATUSES = ("signed", "proposed", "referenced")


@dataclass(frozen=True)
class Agreement:
    kind: str
    status: str
    partner_iso3: str
    partner_name: str      # as printed
    year: int | None       # the year the sentence states, else None
    evidence: Span
    mention_start: int     # offsets of the words naming the agreement in the narrative text
    mention_end: int


_KIND_PATTERNS = (
    ("mou", r"memorand(?:um|a)\s+of\s+understanding(?:\s*\((?:MOU|MoU)s?\))?|(?-i:\bMO[Uu]s?\b)"),
    ("memorandum_of_cooperation", r"memorand(?:um|a)\s+of\s+(?:cooperation|agreement)(?:\s*\((?:MOC|MOA)s?\))?|(?-i:\bMO[CA]s?\b)"),
    ("extradition_treaty", r"extradition\s+(?:treat(?:y|ies)|agreements?|arrangements?)"),
    ("mutual_legal_assistance", r"mutual\s+legal\s+assistance\s+(?:treat(?:y|ies)|agreements?)(?:\s*\(MLATs?\))?|(?-i:\bMLATs?\b)"),
    ("labor_agreement", r"(?:bilateral\s+)?(?:labou?r|employment|migration|recruitment|domestic\s+workers?)\s+"
                        r"(?:cooperation\s+)?(?:agreements?|accords?|arrangements?|protocols?)"),
    ("bilateral_agreement", r"(?P<adj>(?:(?:bilateral|cooperation|cross-border|anti-trafficking|repatriation|readmission|"
                            r"trafficking|joint)\s+){0,2})(?<!\bin\s)(?:agreements?|accords?|treat(?:y|ies)|protocols?)"),
)
_KIND = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{rx})" for k, rx in _KIND_PATTERNS) + r")", re.I)
_CUE = re.compile(r"memorand|\bMO[UuCA]|agreement|accord|treat(?:y|ies)|protocol|\bMLAT", re.I)
_CUE_NEEDS = needs(_CUE)

_SIGNED = (r"sign(?:ed|ing|s)?|conclud(?:ed|ing|es)|ratif(?:ied|ying|ies)|entered\s+into|enter(?:ing|s)?\s+into|finali[sz](?:ed|ing)|"
           r"renew(?:ed|ing)|reach(?:ed|ing)|adopt(?:ed|ing)|establish(?:ed|ing)|forg(?:ed|ing)|launch(?:ed|ing)|executed")
_PROPOSED = (r"propos(?:ed|ing|es|e|al)|negotiat\w*|draft(?:ed|ing)?|plann?(?:ed|ing|s)?|intend\w*|seek(?:ing|s)?|sought|"
             r"consider(?:ed|ing|s)?|discuss(?:ed|ing|ions?)?|pending|develop(?:ing|ment|s)?|prepar(?:ed|ing|es)|would|will|awaiting|initial(?:l)?ed|"
             r"under\s+(?:discussion|negotiation|consideration|review)")
_NEGATED = re.compile(r"\b(?:not|no|never|neither|nor|without|failed\s+to|refused\s+to|yet\s+to)\b", re.I)
_CLAUSE_BREAK = re.compile(r";|:|\.\s|,\s+(?:but|while|whereas|although)\s+|\s+but\s+")
_PARTNER_INTRO = re.compile(
    r"^(?:\s*\((?:[A-Z]{2,6}s?)\))?(?:\s+(?:(?:on|for|to|regarding|concerning|covering|aimed\s+at)\s+)?(?:[\w'-]+\s+){0,8}?)?"
    r"\s*,?\s*(?:with|between|among|amongst)\s+(?:(?:the|its|their)\s+)?(?:(?:governments?|authorities|counterparts?|neighbou?rs?|"
    r"neighbou?ring\s+countries|countries)\s+(?:of\s+|in\s+)?(?:the\s+)?)?(?:(?:neighbou?ring|nearby|regional)\s+)?",
    re.I,
)
_LIST_SEP = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*,?\s*as\s+well\s+as\s+)(?:the\s+)?(?:governments?\s+of\s+(?:the\s+)?)?$", re.I)
_YEAR = re.compile(
    rf"\b(?:in|on|during|by)\s+(?:(?:early|late|mid-?|the\s+(?:spring|summer|fall|autumn|winter)\s+of)\s*)?(?:{_MONTHS}\s+(?:\d{{1,2}},?\s+)?|\d{{1,2}}\s+{_MONTHS}\s+)?"
    rf"(?P<y>(?:19|20)\d{{2}})\b|\b(?P<y2>(?:19|20)\d{{2}})\s+(?:bilateral\s+)?(?:MO[UuCA]|memorand|agreement|accord|treaty|protocol|extradition)",
    re.I,
)
_ANY_YEAR = re.compile(r"(?<![\d$])(?<!\d[,.])(?:19|20)\d{2}(?![\d]|[,.]\d)")


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Country names only (the gazetteer also holds demonyms: "Thai workers" names no partner)."""
    from tip.core.countries import DEMONYMS

    _, table = gazetteer()
    return frozenset(k for k in table if k not in DEMONYMS)


def find_agreements(sentences: list[Span], self_iso3: str | None) -> list[Agreement]:
    out: list[Agreement] = []
    seen: set[tuple] = set()
    for sp in sentences:
        t = sp.text
        if (t.isascii() and not may_match(_CUE_NEEDS, t.lower())) or not _CUE.search(t):
            continue
        for a in _from_sentence(sp, self_iso3):
            key = (a.kind, a.status, a.partner_iso3, a.year)
            if key not in seen:
                seen.add(key)
                out.append(a)
    return out


def _from_sentence(sp: Span, self_iso3: str | None) -> list[Agreement]:
    text = sp.text
    mentions = list(_KIND.finditer(text))
    if not mentions:
        return []
    years = {int(m.group("y") or m.group("y2")) for m in _YEAR.finditer(text)}
    # one year, in a date's words, and no other year in the sentence ("in 2004 and 2005": none)
    year = years.pop() if len(years) == 1 and len(set(_ANY_YEAR.findall(text))) == 1 else None
    out = []
    prev_status: str | None = None
    for i, m in enumerate(mentions):
        kind = next(k for k, _ in _KIND_PATTERNS if m.group(k))
        prev_end = mentions[i - 1].end() if i else 0
        before = _clause_before(text, prev_end, m.start())
        if re.search(r"(?-i:[A-Z][\w.-]+)'s\s+(?:[\w-]+\s+){0,2}$", before) and not _own_possessive(before, self_iso3):
            continue  # "Thailand's MOU with Laos" in another country's narrative: not this country's agreement
        after_end = mentions[i + 1].start() if i + 1 < len(mentions) else len(text)
        partners = _partners_after(text, m.end(), after_end) or _parties_before(before)
        partners = [(name, iso3) for name, iso3 in partners if iso3 != self_iso3]
        if not partners:
            continue
        tail = text[m.end():after_end]
        tail = tail[:_CLAUSE_BREAK.search(tail).start()] if _CLAUSE_BREAK.search(tail) else tail
        status = _status(before, tail)
        if status == "referenced" and prev_status and before == text[prev_end:m.start()][-160:]:
            status = prev_status  # "signed MOUs with Thailand and an extradition treaty with Laos": one verb for both
        prev_status = status
        if status is None:
            continue  # negated: no agreement
        if kind == "bilateral_agreement" and status == "referenced" and not m.group("adj").strip():
            continue  # a bare "agreement" with no verb of signing or proposing: too loose to read
        for name, iso3 in partners:
            out.append(Agreement(kind, status, iso3, name, year, sp, sp.start + m.start(), sp.start + m.end()))
    return out


def _clause_before(text: str, lo: int, hi: int) -> str:
    seg = text[lo:hi]
    cut = max((b.end() for b in _CLAUSE_BREAK.finditer(seg)), default=0)
    return seg[cut:][-160:]


def _own_possessive(before: str, self_iso3: str | None) -> bool:
    m = re.search(r"((?-i:[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+){0,3}))'s\s+(?:[\w-]+\s+){0,2}$", before)
    if not m:
        return True
    iso3 = to_iso3(m.group(1))
    return iso3 is None or iso3 == self_iso3


def _status(before: str, tail: str) -> str | None:
    verb_before = before[-110:]
    if _NEGATED.search(verb_before) and re.search(rf"\b(?:{_SIGNED}|{_PROPOSED})\b", verb_before, re.I):
        return None
    if re.search(rf"\b(?:{_PROPOSED})\b", verb_before, re.I) or re.search(rf"\b(?:was|were|is|are|being)\s+(?:\w+\s+)?(?:{_PROPOSED})\b", tail, re.I):
        return "proposed"
    if re.search(rf"\b(?:{_SIGNED})\b", verb_before, re.I) or re.search(rf"\b(?:was|were|has\s+been|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:{_SIGNED})\b", tail, re.I):
        return "signed"
    return "referenced"


def _country_list(text: str, pos: int, end: int) -> list[tuple[str, str]]:
    """Country names listed from ``pos`` on: "Thailand", "Laos, Thailand, and Vietnam"."""
    pattern, table = gazetteer()
    names = _names()
    out: list[tuple[str, str]] = []
    cur = pos
    while True:
        m = pattern.match(text, cur, end)
        if not m or m.group(1) not in names:
            break
        iso3 = table.get(m.group(1))
        if iso3:
            out.append((m.group(1), iso3))
        sep = re.match(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*,?\s*as\s+well\s+as\s+)(?:the\s+)?(?:governments?\s+of\s+(?:the\s+)?)?",
                       text[m.end():end])
        if not sep:
            break
        cur = m.end() + sep.end()
    return out


def _partners_after(text: str, pos: int, end: int) -> list[tuple[str, str]]:
    intro = _PARTNER_INTRO.match(text[pos:end])
    if not intro:
        return []
    return _country_list(text, pos + intro.end(), end)


_CAP = r"(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)"
_PARTIES = re.compile(
    rf"(?P<parties>{_CAP}(?:\s*,\s*{_CAP})*\s*,?\s+and\s+(?:the\s+)?{_CAP})\s+(?:(?:have|has|had|jointly|also|recently)\s+)*"
    rf"(?:{_SIGNED}|{_PROPOSED})\s+(?:(?:an?|the|their)\s+)?(?:[\w-]+\s+){{0,3}}$"
)


def _parties_before(before: str) -> list[tuple[str, str]]:
    """"Cambodia and Thailand signed an MOU": every party before the verb must be a country
    ("Cambodia and IOM signed ..." names no partner)."""
    m = _PARTIES.search(before)
    if not m:
        return []
    _, table = gazetteer()
    names = _names()
    out = []
    for piece in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m.group("parties")):
        piece = re.sub(r"^(?:the\s+)?(?:(?:In|in)\s+(?:19|20)\d{2}\s*)?", "", piece.strip())
        if piece not in names or not table.get(piece):
            return []
        out.append((piece, table[piece]))
    return out
