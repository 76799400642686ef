"""What every reading of a law-enforcement figure shares (tip/parse/measures.py says how figures
are read): the Measure row and the measures' names, the words a count is printed with, the pieces
of a sentence split at comparison markers and the period each piece speaks of, and the actors
whose figures are not the government's."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tip.parse.numbers import NUMBER
from tip.parse.prefilter import ascii_lower, may_match, needs
from tip.parse.sentences import Span

MEASURES = (
    "investigations",
    "prosecutions",
    "convictions",
    "victims_identified",
    "potential_victims_identified",
    "arrests",
    "sentence_min_years",
    "sentence_max_years",
    "sentence_years",
    "serving_sentences",
    "awaiting_trial",
    "shelters",
)
# The law-enforcement figures above the line: every labelled set of format 1 labels them in full.
# The others are read from narrower wordings (_status_counts, _shelters in measure_readings.py); a labelled set
# scores them only when its labels name them (tip/measure/evaluate.py).
LAW_ENFORCEMENT = MEASURES[:9]
# Parts of a total printed in the sentence before ("153 individuals were arrested ... Of these,
# 142 individuals are currently serving sentences and 11 are awaiting trial"): where they stand now.
CASE_STATUS = ("serving_sentences", "awaiting_trial")
QUALIFIERS = ("exact", "at_least", "more_than", "approximately")


@dataclass(frozen=True)
class Measure:
    measure: str
    value: float
    unit: str | None
    qualifier: str
    subtype: str | None
    period_label: str | None
    data_year: int | None
    data_year_basis: str | None
    is_prior_period: bool
    evidence: Span
    value_start: int
    value_end: int
    # a part of a total (CASE_STATUS): the total's measure, value and the offset of its number
    parent_measure: str | None = None
    parent_value: float | None = None
    parent_value_start: int | None = None


# --- building blocks ---------------------------------------------------------------------------
_Q = (
    r"(?P<q>(?:a\s+total\s+of\s+|only\s+|just\s+)?(?:over|more\s+than|at\s+least|approximately|about|around|roughly|"
    r"nearly|almost|an\s+estimated|some|a\s+total\s+of|only|just)\s+)?"
)
_N = rf"(?P<n>{NUMBER})"
_ADJ_WORDS = (
    r"new|potential|suspected|alleged|possible|presumed|reported|human|trafficking|trafficking-related|sex|labor|labour|"
    r"forced|child|adult|female|male|foreign|domestic|criminal|separate|total|individual|unique|confirmed|related|case|"
    r"cases\s+of|trafficking-in-persons|TIP|sexual|exploitation|commercial|(?-i:[A-Z]{2,6})|and|formal|official|active|"
    r"prostitution-related|persons|in\s+persons|women|girls|boys|men|children|minor|foreign\s+national|federal|judicial|"
    r"formally|officially|recognized|certified|state|police|such|trafficking-in-persons|additional|(?-i:[A-Z][a-z]+(?:ese|ian|an|i|ish|ch))"
)
_ADJ = rf"(?P<adj>(?:(?:{_ADJ_WORDS})\s+){{0,5}})"
_PERSON = (
    r"(?:suspects?|individuals?|persons?|people|traffickers?|defendants?|offenders?|perpetrators?|accused|criminals?|"
    r"alleged\s+traffickers?)"
)
_CASE = r"(?:cases?)"
_CRIME = r"(?:crimes?|offen[cs]es?)"
_BE = r"(?:were|was|had\s+been|have\s+been|has\s+been|are|is)\s+(?:\w+\s+)?"

_COMPLICITY_AFTER = re.compile(r"^\W{0,3}(?:[\w-]+\s+){0,4}?(?:for\s+(?:their\s+|alleged\s+)?complicity|complicit|for\s+(?:alleged\s+)?involvement)", re.I)
_BAD_AFTER = re.compile(r"^\s*(?:%|percent|per\s*cent)", re.I)
_SUBSET_BEFORE = re.compile(r"(?:\bof\s+(?:these|them|whom|which|those)\s*,?\s*|\bamong\s+(?:them|these)\s*,?\s*|\$\s*|^\s*of\s+the\s+)$", re.I)

# Comparison markers: what follows belongs to an earlier period.
_COMPARE = re.compile(
    r"(?:,\s*|\s+|^)\(?(?:(?:a|an)\s+(?:\w+\s+){0,2}?(?:decrease|increase|decline|drop|rise|reduction|jump|fall)\s+(?:from|compared\s+(?:with|to)|over)|"
    r"(?:as\s+)?compared\s+(?:with|to)|down\s+from|up\s+from|versus|vs\.?\s|though\s+(?:well\s+)?(?:below|above)|"
    r"(?:decreasing|increasing|declining|rising)\s+from|similar\s+to|the\s+same\s+as)\b",
    re.I,
)
_PAREN_END = re.compile(r"\)")
_PRIOR_END = re.compile(
    r";|:|,\s+and\s+the\s+(?:arrests?|convictions?|prosecutions?|investigations?|identification)\s+of\b|,\s+with\s+(?:sentences|prison|jail|terms|penalties)|,\s+of\s+(?:whom|which)\b|"
    r",?\s+(?:and|but|while|whereas|although|though)\s+"
    r"(?:(?:the\s+)?(?:government|authorities|courts?|police|it|they|officials|prosecutors|judges)\s+|(?:the\s+)?(?-i:(?:[A-Z][\w'.-]*\s+){1,6}))?"
    r"(?:(?:also|only|still|did\s+not|had|has|have|reportedly|further)\s+)*"
    r"(?:investigat|prosecut|convict|identif|arrest|sentenc|initiat|report|referr|provid|assist|secur|obtain|achiev|open|"
    r"launch|conduct|fil|charg|rescu|train|did|issu|impos|confirm|recogni|continu|indict|brought|[a-z]+ed\b)\w*",
    re.I,
)
_YEAR_IN = re.compile(
    r"\b(?:in|during|for|throughout|from|of)\s+(?:(?:calendar|fiscal)\s+year\s+|FY\s*)?(?P<y>(?:19|20)\d{2})\b|\bFY\s*'?(?P<fy>\d{2})\b",
    re.I,
)
_REPORTING_PERIOD = re.compile(r"\b(?:the|this)\s+reporting\s+period\b", re.I)
_PREVIOUS = re.compile(
    r"\b(?:last\s+year|the\s+previous\s+(?:reporting\s+)?(?:period|year)|the\s+prior\s+(?:reporting\s+)?(?:period|year)|"
    r"the\s+previous\s+reporting\s+period|the\s+year\s+before)\b",
    re.I,
)
_YEAR_IN_NEEDS, _REPORTING_PERIOD_NEEDS, _PREVIOUS_NEEDS = needs(_YEAR_IN), needs(_REPORTING_PERIOD), needs(_PREVIOUS)
_QUAL = {
    "over": "more_than", "more than": "more_than", "at least": "at_least", "approximately": "approximately",
    "about": "approximately", "around": "approximately", "roughly": "approximately", "nearly": "approximately",
    "almost": "approximately", "an estimated": "approximately", "some": "approximately",
}
def _qualifier(q: str | None) -> str:
    if not q:
        return "exact"
    q = re.sub(r"\s+", " ", q.strip().lower())
    q = re.sub(r"^(?:a total of|only|just)\s*", "", q)
    return _QUAL.get(q, "exact")


def _subtype(adj: str | None, noun: str | None = None) -> str | None:
    a = f"{adj or ''} {noun or ''}".lower()
    if re.search(r"\bsex\b|\bsexual\s+(?:exploitation|services)|commercial\s+sex|prostitution", a):
        return "sex"
    if re.search(r"\blabou?r\b|forced\s+labou?r|debt\s+bondage|forced\s+begging|domestic\s+servitude|slave\s+labou?r", a):
        return "labor"
    return None


def _unit(noun: str, adj: str = "") -> str | None:
    n = (noun or "").lower()
    if not n or n.startswith("of "):
        return "persons"
    if re.match(r"cases?$", n) or re.search(r"\bcase\s*$", adj or "", re.I):
        return "cases"
    if re.match(r"(investigations?|prosecutions?|convictions?|arrests?)$", n):
        return None
    return "persons"


_COMPARE_NEEDS = needs(_COMPARE)


def _clauses(sentence: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_prior) pieces of a sentence, split at comparison markers."""
    if sentence.isascii() and not may_match(_COMPARE_NEEDS, sentence.lower()):
        return [(0, len(sentence), False)] if sentence else []  # no comparison marker: one current piece
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    prior = False
    for m in _COMPARE.finditer(sentence):
        if m.start() == 0:
            # a sentence that opens with the comparison: it runs to the first comma
            comma = sentence.find(",", m.end())
            if comma > 0:
                pieces.append((0, comma, True))
                pos = comma + 1
            continue
        if m.start() > pos:
            pieces.append((pos, m.start(), prior))
        pos = m.start()
        prior = True
        # a prior clause ends at a semicolon or where a new verb clause starts ("..., compared
        # with 57 cases in 2021, and prosecuted 86 suspects"); after it the sentence is current again
        if re.match(r"\s*(?:investigat|prosecut|convict|identif|arrest)\w*ing\b", sentence[m.end():], re.I):
            # "compared with investigating 73 cases, prosecuting 56 suspects, and convicting 29": a parallel list
            end = re.compile(";").search(sentence, m.end())
        else:
            inside_paren = "(" in m.group(0) or sentence.rfind("(", 0, m.start()) > sentence.rfind(")", 0, m.start())
            end = (_PAREN_END if inside_paren else _PRIOR_END).search(sentence, m.end())
        if end:
            pieces.append((pos, end.start(), True))
            pos = end.start() + (1 if sentence[end.start()] in ",;" else 0)
            prior = False
    if pos < len(sentence):
        pieces.append((pos, len(sentence), prior))
    return pieces


def _period(clause: str, report_year: int | None, prior: bool, main_year: int | None) -> tuple[str | None, int | None, str | None]:
    lower = ascii_lower(clause)
    years = []
    for m in (_YEAR_IN.finditer(clause) if may_match(_YEAR_IN_NEEDS, lower) else ()):
        if m.group("y"):
            years.append((m.group(0).strip(), int(m.group("y"))))
        elif m.group("fy"):
            years.append((m.group(0).strip(), 2000 + int(m.group("fy"))))
    distinct = sorted({y for _, y in years})
    if len(distinct) == 1:
        label = [lbl for lbl, y in years if y == distinct[0]][0]
        return label, distinct[0], "stated"
    if len(distinct) > 1:
        return None, None, None  # ambiguous: leave the year open rather than guess
    if prior:
        pm = _PREVIOUS.search(clause) if may_match(_PREVIOUS_NEEDS, lower) else None
        base = main_year if main_year is not None else (report_year - 1 if report_year else None)
        if base is None:
            return (pm.group(0) if pm else None), None, None
        return (pm.group(0) if pm else None), base - 1, "relative"
    rp = _REPORTING_PERIOD.search(clause) if may_match(_REPORTING_PERIOD_NEEDS, lower) else None
    if report_year is None:
        return (rp.group(0) if rp else None), None, None
    return (rp.group(0) if rp else None), report_year - 1, "assumed"


# what "Of these, ..." in the next sentence may divide: the counts, not sentence lengths or parts
_CONTEXT_TOTALS = frozenset(m for m in LAW_ENFORCEMENT if not m.startswith("sentence_"))


# Who did it: figures of NGOs and international organisations are not the government's.
_NON_GOV = re.compile(
    r"\b(?:IOM|UNHCR|UNICEF|UNODC|ILO|OSCE|NGOs?|international\s+organi[sz]ations?|civil\s+society|media|journalists?|"
    r"researchers?|observers?|the\s+UN|United\s+Nations|an?\s+(?:international\s+)?(?:organi[sz]ation|NGO|charity|foundation))\b", re.I)
_GOV = re.compile(
    r"\b(?:government|authorities|police|courts?|prosecutors?|ministry|ministries|officials|law\s+enforcement|judges?|judiciary|"
    r"tribunals?|agency|agencies|department|DOJ|FBI|HSI|state|regime|army|military|commission|unit|office|council|inspectors?)\b", re.I)
_SUBNATIONAL = re.compile(
    r"(?i:\b(?:state|province|district|regional)-level\b)|(?-i:\bpolice\s+in\s+[A-Z][a-z]+)|"
    r"(?-i:\bstate\s+(?:court|police|authorities|government|prosecutors?)|\bprovincial\b|\bdistrict\s+courts?\b|\bmunicipal\b|"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?:state|province))\b"
)
_OTHER_OFFENCE = re.compile(
    r"\b(?:procur(?:ing|ement)|pimping|sexual\s+abuse|rape|smuggling|organiz\w*\s+prostitution|facilitat\w*\s+(?:of\s+)?prostitution|"
    r"related\s+articles|child\s+sexual\s+exploitation|sexual\s+exploitation\s+of\s+children|some\s+of\s+which\s+may\s+have\s+involved|"
    r"brib\w*|corruption|fraud|underpayment|passport\s+retention|document\s+retention|illegal\s+adoption)\b",
    re.I,
)
_SUBSET_LEAD = re.compile(
    r"(?:^|[,;(:-]\s*|\s)(?:of\s+(?:whom|which|these|them|those)|including|among\s+(?:them|these))\b|^\s*Of\s+the\s+|^\s*:|"
    rf"^\s*[;:]?\s*(?:nearly\s+|approximately\s+|about\s+)?{NUMBER}\s+of\s+(?:the|these|them|those)\b|;\s*(?=(?:nearly\s+)?{NUMBER}\s+of\s+(?:the|these|them|those)\b)",
    re.I,
)


