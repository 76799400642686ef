"""Law-enforcement figures with their evidence.

Each figure is read from one sentence with a pattern that ties a number to a verb or noun of
the measure ("investigated over 400 ... cases", "153 individuals were arrested", "18 cases led
to convictions", "sentences ranged from 5 to 20 years"). Rules, in order of importance:

* A wrong number is worse than a missing one: a number is taken only when a pattern ties it to
  its measure; years, percentages, money and subsets ("two additional convictions ... pending
  appeal") are never taken; statutory penalties ("prescribes penalties of 8 to 20 years") are
  not sentences imposed; complicity counts are not totals.
* Comparisons ("compared with 44 in 2012", "a decrease from 13 in 2013", "compared with two
  cases last year") become rows for the earlier period (is_prior_period), never the current one.
* Zeros only when explicit ("did not convict any traffickers", "compared with none in 2016").
* Every row keeps its sentence and offsets (and the number's own offsets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tip.parse.numbers import NUMBER, NUMBER_RE, looks_like_year, parse_number
from tip.parse.prefilter import ascii_lower, may_match, needs, needs_any
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
# The others are read from narrower wordings (_status_counts, _shelters below); a labelled set
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

# (measure, pattern, the strings one of which every match holds: prefilter.needs)
_P: list[tuple[str, re.Pattern[str], tuple[str, ...] | None]] = []


def _add(measure: str, rx: str) -> None:
    compiled = re.compile(rx, re.I)
    _P.append((measure, compiled, needs(compiled)))


# investigations
_add("investigations", rf"\binvestigat(?:ed|ing|es|e)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON}|investigations?|{_CRIME})\b")
_add("investigations", rf"\binvestigations?\s+(?:of|into|involving|against)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\b")
_add("investigations", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\s+{_BE}investigated\b")
_add("investigations", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>investigations?)\b")
# prosecutions
_add("prosecutions", rf"\bprosecut(?:ed|ing|es|e)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\b")
_add("prosecutions", rf"\bprosecutions?\s+(?:of|against|involving)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\b")
_add("prosecutions", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\s+{_BE}prosecuted\b")
_add("prosecutions", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>prosecutions?)\b")
# convictions
_add("convictions", rf"\bconvict(?:ed|ing|s)?\s+(?:the\s+)?{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\b")
_add("convictions", rf"\bconvictions?\s+(?:of|against)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\b")
_add("convictions", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\s+{_BE}convicted\b")
_add("convictions", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE}|{_PERSON})\s+(?:led|resulted)\s+(?:to|in)\s+(?:\w+\s+)?convictions?\b")
_add("convictions", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>convictions?)\b")
# victims identified
_add("victims_identified", rf"\bidentif(?:ied|ying|y|ies)\s+(?:and\s+(?:referred|assisted|certified|protected|rescued|screened)\s+)?"
                           rf"(?:an\s+)?{_Q}{_N}\s+{_ADJ}(?P<noun>victims?)\b")
_add("victims_identified", rf"\bidentification\s+of\s+{_Q}{_N}\s+{_ADJ}(?P<noun>victims?)\b")
_add("victims_identified", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>victims?)\s+{_BE}identified\b")
_add("victims_identified", rf"\bconfirm(?:ed|ing)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>victims?)\b")
_add("victims_identified", rf"\bidentif(?:ied|ying|y|ies)\s+{_Q}{_N}\s+(?:of\s+them\s+|(?:[\w-]+\s+){{1,3}}?)?as\s+(?P<adj>(?:(?:trafficking|potential|sex|labor)\s+)*)(?P<noun>victims?)\b")
_add("victims_identified", rf"\b{_Q}{_N}\s+(?P<adj>(?:formally|officially)\s+(?:recognized|identified|confirmed|certified)\s+)(?P<noun>victims?)\b")
# "... charging 222 defendants": the people prosecuted
_add("prosecutions", rf"\bcharg(?:ed|ing)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>defendants?|suspects?|individuals?|persons?|people|traffickers?)\b")
# "prosecuted 165 of them", "convicted ten of them", "of whom they convicted two", "only two were convicted"
_add("prosecutions", rf"\bprosecut(?:ed|ing)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>of\s+(?:them|these|those))\b")
_add("convictions", rf"\bconvict(?:ed|ing)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>of\s+(?:them|these|those))\b")
_add("convictions", rf"\bof\s+whom\s+(?:\w+\s+){{0,2}}convicted\s+{_Q}{_N}(?P<adj>)(?P<noun>)\b")
_add("convictions", rf"(?:\bbut\s+|,\s*)(?:only\s+)?{_Q}{_N}\s+(?P<adj>)(?P<noun>)(?:were|was)\s+(?:later\s+|subsequently\s+|ultimately\s+)?convicted\b")
_add("arrests", rf"\barrest(?:ed|ing)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>of\s+(?:them|these|those))\b")
for _m, _verb in (("prosecutions", "prosecuted"), ("convictions", "convicted"), ("investigations", "investigated"), ("arrests", "arrested")):
    _add(_m, rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\s+{_verb}\s+(?:in|during)\s+(?:(?:calendar|fiscal)\s+year\s+|FY\s*)?(?:19|20)\d{{2}}\b")
# charges and indictments are prosecutions: "brought charges against 62 people in 24 cases", "indicted eight defendants"
_add("prosecutions", rf"\b(?:brought|filed|pressed|laid|initiated)\s+(?:criminal\s+)?(?:charges|indictments|cases|proceedings)\s+"
                     rf"(?:against|in|on)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\b")
_add("prosecutions", rf"\bindict(?:ed|ing)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON}|{_CASE})\b")
_add("prosecutions", rf"\bprosecutions?\s+in\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE})\b")
_add("prosecutions", rf"\bbrought\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE})\s+(?:to\s+(?:court|trial)|before\s+(?:a\s+)?courts?)\b")
# a bare count after the verb: "prosecuted nine, but courts convicted only two", "convicted 31."
for _m, _stem in (("prosecutions", "prosecut"), ("convictions", "convict"), ("investigations", "investigat"), ("arrests", "arrest")):
    _add(_m, rf"\b{_stem}(?:ed|ing)\s+(?:only\s+)?{_Q}{_N}(?P<adj>)(?P<noun>)(?=\s*(?:[,.;)]|$|\s+(?:and|but|in|during|compared|while|whereas)\b))")
_add("prosecutions", rf"\bof\s+(?:which|whom)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>)(?:were|was)\s+(?:later\s+|subsequently\s+)?prosecuted\b")
_add("victims_identified", rf"\b(?:recogni[sz]ed|identified|confirmed|certified)\s+{_Q}{_N}\s+of\s+(?:these|them|those)\s+as\s+"
                           rf"(?P<adj>(?:(?:trafficking|sex|labor)\s+)*)(?P<noun>victims?)\b")
_add("arrests", rf"\b(?:arrest|apprehend)(?:ed|ing)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>(?:[A-Za-z-]+\s+){{1,3}}?)(?:suspected|accused)\s+of\s+(?:\w+\s+)?traffick")
_add("investigations", rf"\bregistered\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_CASE})\b")
_add("arrests", rf"\barrests?\s+of\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON})\b")
for _m, _verb in (("prosecutions", "prosecuted"), ("convictions", "convicted"), ("arrests", "arrested")):
    _add(_m, rf"\b{_Q}{_N}\s+(?P<adj>)(?P<noun>)of\s+whom\s+(?:were|was)\s+(?:later\s+|subsequently\s+)?{_verb}\b")
for _m, _stem in (("prosecutions", "prosecut"), ("convictions", "convict")):
    _add(_m, rf"\b{_stem}(?:ed|ing)\s+{_Q}{_N}\s+(?P<adj>)(?P<noun>(?:[a-z-]+\s+){{1,2}}?)(?:for|on\s+charges\s+of)\s+(?:\w+\s+)?traffick")
# arrests
_add("arrests", rf"\b(?:arrest|apprehend)(?:ed|ing)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON})\b")
_add("arrests", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON})\s+{_BE}(?:arrested|apprehended)\b")
_add("arrests", rf"\b{_Q}{_N}\s+{_ADJ}(?P<noun>arrests?)\b")

def _dur(g: str, unit_required: bool = False) -> str:
    """A duration: "5", "18 months", "eight and a half years", "10 years and six months"."""
    unit = rf"(?:(?P<{g}u>years?|months?)'?)" + ("" if unit_required else "?")
    return (rf"(?P<{g}>{NUMBER})(?P<{g}h>\s+and\s+a\s+half)?\s*{unit}"
            rf"(?:\s+and\s+(?P<{g}2>{NUMBER})\s+(?P<{g}2u>months?))?")


def _dur_value(m: re.Match, g: str, fallback_unit: str | None) -> float | None:
    v = _years_value(m.group(g), m.group(f"{g}u"), fallback_unit)
    if v is None:
        return None
    if m.group(f"{g}h"):
        v += 0.5 if (m.group(f"{g}u") or fallback_unit or "years").lower().startswith("year") else 0.5 / 12
    if m.group(f"{g}2"):
        extra = _years_value(m.group(f"{g}2"), m.group(f"{g}2u"), None)
        if extra is None:
            return None
        v += extra
    return round(v, 4)


# "ranged from 5 to 20 years", "terms of between two and 10 years", "sentences of three to 12 years"
_RANGE_SENTENCE = [
    re.compile(
        r"\b(?:sentences?|prison\s+terms?|terms?|terms?\s+of\s+imprisonment|jail\s+terms?|received|imposed)\b[^.;]{0,70}?\b(?P<prep>from|between|of)\s+"
        + _dur("a") + r"\s+(?P<conj>to|and)\s+" + _dur("b"),
        re.I,
    ),
    re.compile(
        r"\bsentenc(?:ed|ing)\b[^.;]{0,50}?\bto\s+(?P<prep>between\s+)?" + _dur("a") + r"\s+(?P<conj>to|and)\s+" + _dur("b"),
        re.I,
    ),
]
_DUR_SINGLE = _dur("a", unit_required=True) + rf"(?!\s+(?:to|and)\s+{NUMBER}\s+(?:years?|months?))"
_SINGLE_SENTENCE = [
    re.compile(r"\bsentenc(?:ed|ing)\b[^.;]{0,110}?(?<!up )\bto\s+" + _DUR_SINGLE, re.I),
    re.compile(r"\b(?:and|,)\s+(?:another|the\s+other|a\s+second|a\s+third)(?:\s+\w+)?\s+to\s+" + _DUR_SINGLE, re.I),
    re.compile(r"\b(?:received|gave|given|handed\s+down|imposed)\s+(?:(?:the|other|a|an|\w+)\s+){0,3}?(?:suspended\s+)?(?:prison\s+|jail\s+)?"
               r"(?:sentence|term)s?\s+of\s+" + _DUR_SINGLE, re.I),
    # "one trafficker who received 48 years for multiple offenses"
    re.compile(r"\b(?:received|was\s+given|got)\s+" + _DUR_SINGLE + r"(?=\s*(?:'|in\s+prison|of\s+imprisonment|imprisonment|in\s+jail|for\b|,|\.))", re.I),
]
# "who received sentences of up to 20 years' imprisonment": an imposed maximum (not a statutory one)
_UP_TO_IMPOSED = re.compile(
    r"\b(?:received|were\s+given|handed\s+down|imposed)\s+(?:prison\s+|jail\s+)?(?:sentences|terms)\s+(?:of\s+)?up\s+to\s+" + _dur("a", unit_required=True),
    re.I,
)
_STATUTORY_WORDS = re.compile(r"prescrib\w*|penalt(?:y|ies)|punishab\w*|punishment|provides?\s+for|stipulat\w*|\blaw\b|stringent|commensurate", re.I)
# "ranging from eight years to life": the lower bound only
_TO_LIFE = [
    re.compile(r"\b(?:sentences?|terms?|imprisonment)\b[^.;]{0,70}?\bfrom\s+" + _dur("a") + r"\s+to\s+life\b", re.I),
]
_STATUTORY = re.compile(
    r"prescrib\w*|penalt(?:y|ies)\s+(?:of|ranging|for|include|from|up)|punishab\w*|punishment|provides?\s+for|stipulat\w*|"
    r"carr(?:y|ies)\s+(?:a\s+)?(?:penalt|sentence|maximum|minimum)|maximum\s+(?:penalty|sentence)|\bup\s+to\s+\S+\s+(?:years|months)|"
    r"\b(?:can|could|may|might|would|shall|will)\s+(?:be\s+)?(?:sentenced|punished|imprisoned)|\blaw\s+(?:provides|prescribes)|"
    r"stringent|commensurate|criminaliz\w*|\bfaces?\s+(?:up\s+to|a\s+(?:maximum|minimum))",
    re.I,
)
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
_SPLIT_KIND = (r"(?P<st>sex|labou?r|forced\s+labou?r|forced\s+begging|domestic\s+servitude|bonded\s+labou?r|debt\s+bondage|"
               r"forced\s+prostitution|child\s+prostitution|slave\s+labou?r)")
# one item of a split list: "73 sex trafficking cases", "152 victims of labor trafficking", "170 were convicted for sex
# trafficking", "40 foreign fishermen exploited in forced labor" (no other number, bracket or semicolon in between)
_SPLIT = re.compile(
    rf"(?P<q>(?:nearly|approximately|about|around|over|more\s+than|at\s+least)\s+)?(?P<n>{NUMBER})\s+"
    r"(?:[^\d();,]{0,80}?\s)?(?:(?:for|of|in|involving|involved|into|to|with|concerned|concerning)\s+)?"
    r"(?:predominantly\s+|child\s+|adult\s+|potential\s+|trafficking\s+)*" + _SPLIT_KIND + r"\b",
    re.I,
)
_SPLIT_NEEDS = needs(_SPLIT)
_SPLIT_STOP = re.compile(r"\binvestigat|\bprosecut|(?<!were\s)(?<!was\s)\bconvict|\bcharg|\bidentif|\barrest|\bsentenc|;|compared|"
                         r"decrease|increase|decline|\bfrom\b|\)", re.I)


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


def _years_value(n: str, unit: str | None, fallback_unit: str | None) -> float | None:
    v = parse_number(n)
    if v is None:
        return None
    u = (unit or fallback_unit or "years").lower()
    if u.startswith("month"):
        return round(v / 12.0, 4)
    return v


MAX_SENTENCE_CHARS = 2500
# what "Of these, ..." in the next sentence may divide: the counts, not sentence lengths or parts
_CONTEXT_TOTALS = frozenset(m for m in LAW_ENFORCEMENT if not m.startswith("sentence_"))


def extract_measures(sentences: list[Span], report_year: int | None) -> list[Measure]:
    out: list[Measure] = []
    context: list[Measure] = []  # the previous sentence's current totals ("... 499 traffickers. Of these, 471 ...")
    for sp in sentences:
        if len(sp.text) > MAX_SENTENCE_CHARS:
            # no real sentence is this long: a flattened table or garbage; reading it costs
            # quadratic time and yields nothing a citation could rest on
            context = []
            continue
        text = sp.text
        low = text.lower()
        words = _ascii_words(text, low)
        # most sentences hold no figure at all: only a digit, a number word or a negation makes one worth reading
        worth = _SENTENCE_WORTH.search(text) if words is None else words[0] or not words[1].isdisjoint(_WORTH_WORDS)
        rows = _from_sentence(sp, report_year, context, low, words) if worth else []
        if ("serving" in low or "trial" in low) and _numberish(text, low):
            rows += _status_counts(sp, report_year, context, rows)
        if ("shelter" in low or "safe house" in low) and _numberish(text, low):
            rows += _shelters(sp, report_year)
        out.extend(rows)
        context = [r for r in rows if not r.is_prior_period and r.subtype is None and r.value > 0
                   and r.measure in _CONTEXT_TOTALS]
    return _dedupe(out)


def _dedupe(rows: list[Measure]) -> list[Measure]:
    """One row per fact: the same figure restated (summary and section) is kept once, first printed."""
    seen: set[tuple] = set()
    out = []
    for r in rows:
        key = (r.measure, r.value, r.unit, r.subtype, r.is_prior_period, r.data_year)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


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
_SUBTYPE_TAIL = re.compile(
    r"\s+(?:of|involving|for|into|related\s+to|in\s+connection\s+with)\s+(?:the\s+)?(?:suspected\s+|alleged\s+|potential\s+|child\s+|adult\s+)*"
    r"(?:(?:dealing\s+in\s+|selling\s+)?(?:a\s+)?(?:child|children|minors?|persons?|women|girls?)\s+for\s+(sexual\s+services|commercial\s+sex|prostitution)|"
    r"sex\s+trafficking|forced\s+labou?r|"
    r"labou?r\s+trafficking|forced\s+prostitution|child\s+prostitution|commercial\s+sexual\s+exploitation|bonded\s+labou?r|"
    r"debt\s+bondage|forced\s+begging|domestic\s+servitude|slave\s+labou?r)", re.I)
_MEASURE_NOUNS = ("investigation", "prosecution", "conviction", "arrest")
# Every pattern of a measure needs one of these words in the clause (a pre-filter, for speed).
_TRIGGERS = {
    "investigations": ("investigat", "registered"),
    "prosecutions": ("prosecut", "charg", "indict", "brought", "filed", "pressed", "laid", "initiated", "proceedings"),
    "convictions": ("convict",),
    "victims_identified": ("identif", "confirm", "recogni", "certified", "victim"),
    "arrests": ("arrest", "apprehend"),
}
_OFFICIAL_CONVICTED = re.compile(
    r"\b(?:convict|sentenc|prosecut)\w*\s+(?:a|an|the|one|two|three|\w+)\s+(?:former\s+|senior\s+|local\s+)?"
    r"(?:police\s+officers?|officials?|officers?|mayors?|judges?|soldiers?|guards?|civil\s+servants?|diplomats?)\b", re.I)


def _actor_segment(clause: str, start: int) -> str:
    """The words before a figure's verb back to the clause's last boundary (its grammatical subject)."""
    seg = clause[:start]
    cut = max(seg.rfind(";"), seg.rfind(", and "), seg.rfind(" and "), seg.rfind(", but "), seg.rfind(" but "))
    return seg[cut + 1:] if cut >= 0 else seg


def _blocked_actor(clause: str, start: int) -> bool:
    subj = _actor_segment(clause, start)
    if _SUBNATIONAL.search(subj) and not re.search(r"\b(?:federal|national|central)\b", subj, re.I):
        return True
    return bool(_NON_GOV.search(subj)) and not _GOV.search(subj.split(",")[0] if subj.count(",") >= 2 else subj)


_TABLE_HEAD = re.compile(r"\((?P<py>(?:19|20)\d{2})\s+(?:figures|data|numbers)\s+in\s+parenthes[ie]s\)", re.I)
_TABLE_HEAD_NEEDS = needs(_TABLE_HEAD)
_TABLE_ITEM = re.compile(
    rf"\b(?:(?:federal|total|national)\s+)?(?P<noun>investigations|prosecutions|convictions|arrests|victims\s+identified|identified\s+victims)"
    rf"\s*[,:]\s*{_Q}(?P<n>{NUMBER})\s*\(\s*(?P<p>{NUMBER})\s*\)", re.I)


def _table_prose(sp: Span, report_year: int | None) -> list[Measure]:
    """Figures a table was turned into: "data for 2017 (2016 figures in parentheses): federal
    investigations, 309 (280); prosecutions, 85 (102); ..." give the year's and the earlier year's."""
    text = sp.text
    head = _TABLE_HEAD.search(text)
    if not head:
        return []
    prior_year = int(head.group("py"))
    cur = re.search(r"\bfor\s+((?:19|20)\d{2})\b", text[: head.start()])
    cur_year = int(cur.group(1)) if cur else prior_year + 1
    out = []
    for m in _TABLE_ITEM.finditer(text, head.end()):
        noun = m.group("noun").lower()
        measure = "victims_identified" if "victim" in noun else noun
        unit = "persons" if measure in ("victims_identified", "arrests") else None
        v, p = parse_number(m.group("n")), parse_number(m.group("p"))
        if v is None or p is None:
            continue
        out.append(Measure(measure, v, unit, _qualifier(m.group("q")), None, str(cur_year), cur_year, "stated", False, sp,
                           sp.start + m.start("n"), sp.start + m.end("n")))
        out.append(Measure(measure, p, unit, "exact", None, head.group(0), prior_year, "stated", True, sp,
                           sp.start + m.start("p"), sp.start + m.end("p")))
    return out


_SENTENCE_WORTH = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|none|not|no|never)\b", re.I)
# a substring of every possible NUMBER match (digits, or a word of numbers.NUMBER)
_NUMBERISH = re.compile(r"\d|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirt|fift|fort|twent", re.I)
# the same on ASCII text (where re.I is plain ASCII case folding), as substring tests of the lower-cased clause
_NUMBER_STEMS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "zero", "one", "two", "three", "four", "five", "six",
                 "seven", "eight", "nine", "ten", "eleven", "twelve", "thirt", "fift", "fort", "twent")


def _numberish(text: str, low: str) -> bool:
    """False when the text (``low``: lower-cased) holds no digit and no number word: no NUMBER can match."""
    return may_match(_NUMBER_STEMS, low) if low.isascii() else bool(_NUMBERISH.search(text))


@lru_cache(maxsize=None)
def _patterns_of(active: frozenset[str]) -> list[tuple[str, re.Pattern[str], tuple[str, ...] | None]]:
    """The patterns of _P for these measures, in _P's order."""
    return [p for p in _P if p[0] in active]


# _SENTENCE_WORTH's words and a byte table for reading the words of ASCII text (what \b and \d see there)
_WORTH_WORDS = frozenset(w.encode() for w in (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred none not no never").split())
_NOT_DIGIT = bytes(b for b in range(256) if not 48 <= b <= 57)
_NON_WORD_TO_SPACE = bytes(b if b < 128 and (chr(b).isalnum() or b == 95) else 32 for b in range(256))
# every pattern of _zeros needs one of these words
_ZERO_WORDS = frozenset((b"no", b"not", b"never"))


def _ascii_words(text: str, low: str) -> tuple[bool, frozenset[bytes]] | None:
    """For ASCII text (``low``: lower-cased): whether it holds a digit, and its words lower-cased
    (maximal runs of letters, digits and underscores, as re's \\b sees them). None for other text."""
    if not text.isascii():
        return None
    b = low.encode("ascii")
    return bool(b.translate(None, _NOT_DIGIT)), frozenset(b.translate(_NON_WORD_TO_SPACE).split())


def _from_sentence(sp: Span, report_year: int | None, context: list[Measure], low: str,
                   words: tuple[bool, frozenset[bytes]] | None) -> list[Measure]:
    """The figures of a sentence worth reading (``low``, ``words``: its lower-cased text and _ascii_words)."""
    text = sp.text
    if words is None or (words[0] and may_match(_TABLE_HEAD_NEEDS, low)):  # _TABLE_HEAD needs a digit too
        table = _table_prose(sp, report_year)
        if table:
            return table
    # _zeros reads nothing from a sentence without "no", "not" or "never", or with one of _ZERO_SKIP's words
    zeros_wanted = (words is None or not words[1].isdisjoint(_ZERO_WORDS)) and not _ZERO_SKIP.search(text)
    results: list[Measure] = []
    taken: set[int] = set()  # value offsets already used in this sentence
    main_measures: list[Measure] = []
    main_year: int | None = None
    pieces = _clauses(text)
    existing: set[tuple] = set()

    for (cs, ce, prior) in pieces:
        clause = text[cs:ce]
        label, year, basis = _period(clause, report_year, prior, main_year)
        if not prior and year is not None and main_year is None:
            main_year = year
        found_here: list[Measure] = []
        lower = clause.lower()
        alower = lower if clause.isascii() else None
        # every pattern of _P reads a NUMBER: a clause without a digit or a number word matches none of them
        numberish = _numberish(clause, lower)
        active = frozenset(ms for ms, words in _TRIGGERS.items() if may_match(words, lower)) if numberish else frozenset()
        for measure, rx, need in _patterns_of(active):
            if not may_match(need, alower):
                continue  # none of the strings every match of this pattern holds
            for m in rx.finditer(clause):
                n_tok = m.group("n")
                vs = cs + m.start("n")
                if vs in taken or looks_like_year(n_tok):
                    continue
                before_n = clause[: m.start("n") - (len(m.group("q")) if m.group("q") else 0)]
                noun = m.group("noun") or ""
                if _BAD_AFTER.match(clause[m.end("n"):]) or (_SUBSET_BEFORE.search(before_n) and "of\\s+(?:which|whom)" not in rx.pattern):
                    continue
                if noun.lower().startswith(_MEASURE_NOUNS) and re.search(
                        r"(?:\bthe|\bupheld|\boverturned|\baffirmed|\breversed|\bquashed|\bother\s+than\s+the)\s+$", before_n, re.I):
                    continue  # "the one conviction", "upheld 96 convictions": a reference, not a count
                if re.search(r"pending|on\s+appeal|under\s+appeal|appealed", clause[m.end():m.end() + 40], re.I):
                    continue
                if re.match(r"\s*(?:since\s+(?:its|the|their)\b|to\s+date\b|ever\b|in\s+(?:total|history)\b|cumulatively\b)",
                            clause[m.end():], re.I):
                    continue  # "only one conviction since its enactment": a cumulative count, not the year's
                if not noun and re.search(r"complicit|complicity|\bofficials\b", text, re.I):
                    continue  # "investigated 23 officials for complicity, prosecuted 12": the bare count is theirs
                if _COMPLICITY_AFTER.match(clause[m.end():m.end() + 60]) or re.search(r"\bofficials?\b|\bofficers?\b|\bemployees\b", m.group("adj") or "", re.I):
                    continue
                if _OTHER_OFFENCE.search(clause[m.end():m.end() + 120]) or _blocked_actor(clause, m.start()):
                    continue
                value = parse_number(n_tok)
                if value is None or value != int(value):
                    continue
                mlabel, myear, mbasis = label, year, basis
                if prior and year is None:
                    # a comparison naming several years: the year printed right after this number
                    nxt = _next_count(clause, m.end())
                    ym = _YEAR_IN.search(clause[m.end(): nxt])
                    if ym and ym.group("y"):
                        mlabel, myear, mbasis = ym.group(0).strip(), int(ym.group("y")), "stated"
                elif not prior and year is None and basis is None:
                    near = _year_near(clause, m.start(), m.end())
                    if near:
                        mlabel, myear, mbasis = near[0], near[1], "stated"
                adj = m.group("adj") or ""
                tail = _SUBTYPE_TAIL.match(clause[m.end():])
                if tail:
                    adj = f"{adj} {tail.group(0)}"
                if not noun and not adj:
                    before = clause[max(0, m.start() - 80):m.start()]
                    ante = re.findall(r"\b(sex|labou?r|forced\s+labou?r)\s+traffick\w*\s+(?:suspects|defendants|cases|offenders)", before, re.I)
                    if ante:
                        adj = ante[-1]
                mname = measure
                if measure == "victims_identified" and re.search(r"\b(?:potential|possible|presumed|suspected)\b", adj, re.I):
                    mname = "potential_victims_identified"
                row = Measure(
                    measure=mname, value=value, unit=_unit(noun, adj), qualifier=_qualifier(m.group("q")),
                    subtype=_subtype(adj, noun), period_label=mlabel, data_year=myear, data_year_basis=mbasis,
                    is_prior_period=prior, evidence=sp, value_start=sp.start + vs, value_end=sp.start + cs + m.end("n"),
                )
                taken.add(vs)
                found_here.append(row)
                # sex / labor split right after a total: "18 cases ..., 10 for sex trafficking and eight for labor"
                if row.subtype is None:
                    found_here.extend(_splits(sp, clause, cs, m.end(), row, taken))
                found_here.extend(_companions(sp, clause, cs, m.end(), row, taken))
                found_here.extend(_coordinated(sp, clause, cs, m.end(), row, taken))
                if not prior:
                    found_here.extend(_paren_prior(sp, clause, cs, m.end(), row, taken))
        if numberish and may_match(_SENTENCE_LENGTH_NEEDS, alower) and \
                not (re.search(r"complicit|complicity", clause, re.I) or _OFFICIAL_CONVICTED.search(clause)):
            found_here.extend(_sentence_lengths(sp, clause, cs, label, year, basis, taken, prior))
        if not prior:
            if may_match(_SPLIT_NEEDS, alower):  # no split item, no orphan split
                found_here.extend(_orphan_splits(sp, clause, cs, main_measures + found_here, taken,
                                                 context if cs == 0 else None))
            if zeros_wanted:
                found_here.extend(_zeros(sp, cs, ce, report_year, main_year,
                                         existing | {(r.measure, r.subtype, r.is_prior_period) for r in found_here}))
            main_measures.extend(found_here)
        else:
            found_here.extend(_prior_inherited(sp, clause, cs, main_measures, found_here, label, year, basis, taken))
        existing |= {(r.measure, r.subtype, r.is_prior_period) for r in found_here}
        results.extend(found_here)
    return results


_SUBSET_LEAD = re.compile(
    r"(?:^|[,;(:-]\s*|\s)(?:of\s+(?:whom|which|these|them|those)|including|among\s+(?:them|these))\b|^\s*Of\s+the\s+|^\s*:|"
    rf"^\s*[;:]?\s*(?:nearly\s+|approximately\s+|about\s+)?{NUMBER}\s+of\s+(?:the|these|them|those)\b|;\s*(?=(?:nearly\s+)?{NUMBER}\s+of\s+(?:the|these|them|those)\b)",
    re.I,
)


def _orphan_splits(sp: Span, clause: str, cs: int, totals: list[Measure], taken: set[int],
                   context: list[Measure] | None) -> list[Measure]:
    """Sex / labor splits of a total printed apart from it ("Of these, nine involved sex trafficking and
    seven involved forced labor"; "..., of whom 731 were exploited in labor trafficking and 378 in sex
    trafficking"). They are kept only when a total they can split is found and they fit inside it."""
    lead = _SUBSET_LEAD.search(clause)
    if not lead:
        return []
    items = []
    for m in _SPLIT.finditer(clause, lead.end()):
        vs = cs + m.start("n")
        if vs in taken or looks_like_year(m.group("n")):
            continue
        v = parse_number(m.group("n"))
        if v is None or v != int(v):
            continue
        items.append((m, v, vs))
    if not items:
        return []
    # "Of the 864 victims, 602 were ..." names its total
    named = re.search(rf"(?:^|;)\s*Of\s+the\s+{_N}\s+(?:\w+\s+)?(?P<noun>victims|convictions|prosecutions|investigations|cases|defendants|"
                      rf"individuals|persons|people|suspects|traffickers)(?:\s+(?P<part>prosecuted|convicted|investigated|identified|arrested|charged))?\b",
                      clause, re.I)
    pool = [t for t in totals if t.subtype is None and not t.is_prior_period and t.value_start < sp.start + cs + lead.start()]
    if not pool and context:
        pool = list(context)
    if named:
        noun = named.group("noun").lower()
        part = (named.group("part") or "").lower()
        want = {"vic": "victims_identified", "con": "convictions", "pro": "prosecutions", "inv": "investigations",
                "ide": "victims_identified", "arr": "arrests", "cha": "prosecutions"}.get((part or noun)[:3])
        n_total = parse_number(named.group("n"))
        if want is None:
            # "of the 239 cases": the total with that value and unit
            unit = "cases" if noun.startswith("case") else "persons"
            cands = [t for t in pool + list(context or []) if t.value == n_total and t.unit == unit]
            pool = cands
            want = cands[0].measure if cands else None
    if named and want:
        pool = [t for t in (pool or []) + list(context or []) if t.measure in (want, "potential_victims_identified") and t.value == n_total]
        if not pool and n_total is not None and (part or noun in ("victims", "convictions", "prosecutions", "investigations")):
            # the total itself is printed here: "Of the 864 victims, ..."
            label, year, basis = _period(clause, None, False, None)
            pool = [Measure(want, n_total, "persons" if want == "victims_identified" else None, "exact", None, label, year, basis,
                            False, sp, sp.start + cs + named.start("n"), sp.start + cs + named.end("n"))]
    fitting = [t for t in pool if _split_items_fit(items, t.value)
               and t.measure not in ("sentence_min_years", "sentence_max_years", "sentence_years")]
    if not fitting:
        return []
    parent = max(fitting, key=lambda t: t.value_start)
    out = []
    for m, v, vs in items:
        taken.add(vs)
        out.append(Measure(parent.measure, v, parent.unit, _qualifier(m.group("q")), _subtype(m.group("st")), parent.period_label, parent.data_year,
                           parent.data_year_basis, False, sp, sp.start + vs, sp.start + cs + m.end("n")))
    return out


def _year_near(clause: str, start: int, end: int) -> tuple[str, int] | None:
    """In a clause naming several years, the one this figure belongs to: the nearest stated
    before it within its semicolon segment, else the first after it."""
    seg_start = clause.rfind(";", 0, start) + 1
    seg_end = clause.find(";", end)
    seg_end = len(clause) if seg_end < 0 else seg_end
    years = [(m.start(), m.group(0).strip(), int(m.group("y"))) for m in _YEAR_IN.finditer(clause, seg_start, seg_end) if m.group("y")]
    if not years:
        return None
    if len({y for _, _, y in years}) == 1:
        return years[0][1], years[0][2]
    before = [y for y in years if y[0] < start]
    pick = before[-1] if before else years[0]
    return pick[1], pick[2]


def _next_count(clause: str, pos: int) -> int:
    """Offset of the next number in the clause that is not a year (or the clause end)."""
    for m in NUMBER_RE.finditer(clause, pos):
        if not looks_like_year(m.group(0)):
            return m.start()
    return len(clause)


_WITH_PERSONS = re.compile(rf"^\s+(?:of\s+[\w-]+(?:\s+[\w-]+)?\s+)?(?:involving|against|with)\s+{_Q}{_N}\s+{_ADJ}(?P<noun>{_PERSON})\b", re.I)
_IN_CASES = re.compile(rf"^\s+in\s+{_Q}{_N}\s+{_ADJ}(?P<noun>cases?)\b", re.I)


_COORD = re.compile(
    rf"^\s*,?\s*(?:and|as\s+well\s+as)\s+(?:an?\s+additional\s+)?{_Q}{_N}(?:\s+{_ADJ}(?P<noun>victims?|cases?|investigations?|prosecutions?|"
    rf"convictions?|{_PERSON})(?!\s+(?:were|was|are|is|had|have|received|got|remained)\b))?(?P<tail>\s+(?:into|for|of|involving|in\s+connection\s+with)\s+(?:the\s+)?(?:suspected\s+|alleged\s+|child\s+)*"
    r"(?:sex\s+trafficking|forced\s+labou?r|labou?r\s+trafficking|forced\s+begging|bonded\s+labou?r|domestic\s+servitude))?\b",
    re.I,
)


def _coordinated(sp: Span, clause: str, cs: int, after: int, row: Measure, taken: set[int]) -> list[Measure]:
    """A second figure joined to the first with 'and': "6,622 trafficking victims and 2,101 potential
    victims", "38 investigations into sex trafficking and five into forced labor". It takes the
    first figure's measure only when its own noun or kind says it is the same sort of thing."""
    if row.measure.startswith("sentence"):
        return []
    m = _COORD.match(clause[after:])
    if not m or not (m.group("noun") or m.group("tail")):
        return []
    vs = cs + after + m.start("n")
    v = parse_number(m.group("n"))
    if v is None or v != int(v) or vs in taken or looks_like_year(m.group("n")):
        return []
    noun = (m.group("noun") or "").lower()
    victims_row = row.measure in ("victims_identified", "potential_victims_identified")
    if noun:
        if noun.startswith("victim") != victims_row:
            return []
        if noun.startswith(("investigation", "prosecution", "conviction")) and not row.measure.startswith(noun[:-1].rstrip("s")[:9]):
            return []
    measure = row.measure
    if victims_row:
        measure = "potential_victims_identified" if re.search(r"potential|possible|presumed", m.group("adj") or "", re.I) \
            else "victims_identified"
    sub = _subtype(m.group("adj"), m.group("tail"))
    if sub is None and (row.subtype is not None) and not m.group("tail"):
        return []  # "... 10 for sex trafficking and 12 ..." without a kind: not a total, not a split
    unit = _unit(noun, m.group("adj") or "") if noun else row.unit
    taken.add(vs)
    return [Measure(measure, v, unit, _qualifier(m.group("q")), sub, row.period_label, row.data_year, row.data_year_basis,
                    row.is_prior_period, sp, sp.start + vs, sp.start + cs + after + m.end("n"))]


_PAREN_PRIOR = re.compile(rf"^\s*\(\s*{_Q}(?P<n>{NUMBER}|none)\s+in\s+(?P<lbl>(?:(?:calendar|fiscal)\s+year\s+|FY\s*)?(?P<y>(?:19|20)\d{{2}}))\s*\)", re.I)


def _paren_prior(sp: Span, clause: str, cs: int, after: int, row: Measure, taken: set[int]) -> list[Measure]:
    """"arrested 64 suspects (54 in 2018)": the bracketed figure is the earlier year's."""
    m = _PAREN_PRIOR.match(clause[after:])
    if not m or row.measure.startswith("sentence"):
        return []
    vs = cs + after + m.start("n")
    v = 0.0 if m.group("n").lower() == "none" else parse_number(m.group("n"))
    if v is None or vs in taken:
        return []
    taken.add(vs)
    return [Measure(row.measure, v, row.unit, _qualifier(m.group("q")), row.subtype, m.group("lbl"), int(m.group("y")), "stated",
                    True, sp, sp.start + vs, sp.start + cs + after + m.end("n"))]


def _companions(sp: Span, clause: str, cs: int, after: int, row: Measure, taken: set[int]) -> list[Measure]:
    """The same figure counted the other way: "35 cases involving 59 suspects", "49 suspects in 15 cases"."""
    if row.measure not in ("investigations", "prosecutions", "convictions"):
        return []
    rx = _WITH_PERSONS if row.unit == "cases" else _IN_CASES if row.unit == "persons" else None
    m = rx.match(clause[after:]) if rx else None
    if not m:
        return []
    vs = cs + after + m.start("n")
    v = parse_number(m.group("n"))
    if v is None or v != int(v) or vs in taken or looks_like_year(m.group("n")):
        return []
    taken.add(vs)
    return [Measure(row.measure, v, "cases" if row.unit == "persons" else "persons", _qualifier(m.group("q")),
                    row.subtype or _subtype(m.group("adj")), row.period_label, row.data_year, row.data_year_basis,
                    row.is_prior_period, sp, sp.start + vs, sp.start + cs + after + m.end("n"))]


_DEMOGRAPHIC = re.compile(r"\b(?:foreign|domestic|child|children|adults?|women|men|man|woman|girls?|boys?|minors?|nationals?|citizens?|"
                          r"fishermen|workers|migrants|refugees)\b", re.I)


def _split_items_fit(items, total_value: float) -> bool:
    """Split items must fit inside their total; items that also name who the victims were ("222 foreign
    victims of labor trafficking") are a cross-cut and count only when they add up to the total exactly."""
    if not items:
        return False
    s = sum(v for _, v, _ in items)
    if s > total_value:
        return False
    if any(_DEMOGRAPHIC.search(m.group(0)) for m, _, _ in items):
        return s == total_value
    return True


def _splits(sp: Span, clause: str, cs: int, after: int, total: Measure, taken: set[int]) -> list[Measure]:
    lead = re.match(r"(?:\s+(?:in|during|under|for|from|of)\s+[^(),;:\d]{0,80}?(?:(?:FY\s*)?(?:19|20)\d{2})?)?(?=\s*(?:,|\(|:|-))", clause[after:])
    if lead is None:
        return []
    after += lead.end()
    tail = clause[after:after + 200]
    stop = _SPLIT_STOP.search(tail)
    if stop:
        tail = tail[: stop.start()]
    items = []
    for m in _SPLIT.finditer(tail):
        vs = cs + after + m.start("n")
        v = parse_number(m.group("n"))
        if v is None or vs in taken or looks_like_year(m.group("n")):
            continue
        items.append((m, v, vs))
    if not _split_items_fit(items, total.value):
        return []
    out = []
    for m, v, vs in items:
        taken.add(vs)
        out.append(Measure(
            measure=total.measure, value=v, unit=total.unit, qualifier="exact", subtype=_subtype(m.group("st")),
            period_label=total.period_label, data_year=total.data_year, data_year_basis=total.data_year_basis,
            is_prior_period=total.is_prior_period, evidence=sp, value_start=sp.start + vs, value_end=sp.start + cs + after + m.end("n"),
        ))
    return out


def _segment(clause: str, start: int, end: int) -> str:
    a = clause.rfind(";", 0, start) + 1
    b = clause.find(";", end)
    return clause[a: len(clause) if b < 0 else b]


def _sentence_lengths(sp, clause, cs, label, year, basis, taken, prior: bool = False) -> list[Measure]:
    """Sentences imposed (never statutory penalties: the segment around the figure is checked)."""
    out: list[Measure] = []
    spans: list[tuple[int, int]] = []
    for rx in _RANGE_SENTENCE:
        for m in rx.finditer(clause):
            if any(a <= m.start("a") < b for a, b in spans):
                continue
            a = _dur_value(m, "a", m.group("bu"))
            b = _dur_value(m, "b", None)
            if a is None or b is None or b > 100 or looks_like_year(m.group("a")) or looks_like_year(m.group("b")):
                continue
            if _STATUTORY.search(_segment(clause, m.start(), m.end())) or _OTHER_OFFENCE.search(_segment(clause, m.start(), m.end())):
                continue
            if re.search(r"\bprobation\b", m.group(0), re.I):
                continue
            if m.group("conj").lower() == "and" and (m.group("au") or "").lower().startswith("year") and \
                    (m.group("bu") or "").lower().startswith("month") and not m.group("a2"):
                continue  # "10 years and six months" is one duration
            # a list, not a range: "sentences of four and six years", "to 15 and 18 years, respectively"
            listed = (m.group("conj").lower() == "and" and (m.group("prep") or "").strip().lower() != "between") or \
                re.match(r"[^.;]{0,40}?\brespectively\b", clause[m.end():])
            if not listed and a > b:
                continue
            spans.append((m.start("a"), m.end()))
            names = ("sentence_years", "sentence_years") if listed else ("sentence_min_years", "sentence_max_years")
            for name, val, g in ((names[0], a, "a"), (names[1], b, "b")):
                vs = cs + m.start(g)
                taken.add(vs)
                out.append(Measure(name, val, "years", "exact", None, label, year, basis, prior, sp, sp.start + vs, sp.start + cs + m.end(g)))
    for rx in _TO_LIFE:
        for m in rx.finditer(clause):
            if any(a <= m.start("a") < b for a, b in spans) or _STATUTORY.search(_segment(clause, m.start(), m.end())):
                continue
            v = _dur_value(m, "a", None)
            if v is None or not 0 < v <= 100:
                continue
            spans.append((m.start("a"), m.end()))
            vs = cs + m.start("a")
            taken.add(vs)
            out.append(Measure("sentence_min_years", v, "years", "exact", None, label, year, basis, prior, sp, sp.start + vs,
                               sp.start + cs + m.end("a")))
    for m in _UP_TO_IMPOSED.finditer(clause):
        seg = _segment(clause, m.start(), m.end())
        if any(a <= m.start("a") < b for a, b in spans) or _STATUTORY_WORDS.search(seg) or _OTHER_OFFENCE.search(seg):
            continue
        v = _dur_value(m, "a", None)
        if v is None or not 0 < v <= 100:
            continue
        spans.append((m.start("a"), m.end()))
        vs = cs + m.start("a")
        taken.add(vs)
        out.append(Measure("sentence_max_years", v, "years", "exact", None, label, year, basis, prior, sp, sp.start + vs,
                           sp.start + cs + m.end("a")))
    for rx in _SINGLE_SENTENCE:
        for m in rx.finditer(clause):
            if any(a <= m.start("a") < b for a, b in spans) or looks_like_year(m.group("a")) or cs + m.start("a") in taken:
                continue
            if _STATUTORY.search(_segment(clause, m.start(), m.end())) or _OTHER_OFFENCE.search(_segment(clause, m.start(), m.end())):
                continue
            if re.search(r"\bprobation\b", m.group(0), re.I):
                continue
            if re.search(r"\b(?:average|median|mean|total|combined)\b", m.group(0), re.I):
                continue  # "an average sentence of 17 months" is not a sentence imposed
            v = _dur_value(m, "a", None)
            if v is None or not 0 < v <= 100:
                continue
            spans.append((m.start("a"), m.end()))
            vs = cs + m.start("a")
            taken.add(vs)
            out.append(Measure("sentence_years", v, "years", "exact", None, label, year, basis, prior, sp, sp.start + vs,
                               sp.start + cs + m.end()))
    return out


# every pattern of _sentence_lengths reads a number, and one of these strings
_SENTENCE_LENGTH_NEEDS = needs_any([*_RANGE_SENTENCE, *_TO_LIFE, _UP_TO_IMPOSED, *_SINGLE_SENTENCE])


_PRIOR_NUM = re.compile(rf"(?:\b(?:from|with|to|over|versus|vs\.?|below|above|and|involving)\s+(?:the\s+|a\s+total\s+of\s+)?|^\s*){_Q}(?P<n>{NUMBER}|none|zero)\b", re.I)
_PRIOR_NO = re.compile(r"\b(?:compared\s+(?:with|to)|from)\s+(?:no|zero)\s+(?P<noun>investigations?|prosecutions?|convictions?|cases|victims|arrests)", re.I)


def _prior_inherited(sp, clause, cs, main_measures, found_here, label, year, basis, taken) -> list[Measure]:
    """Numbers in a comparison clause that name no measure of their own.

    "compared with 191 suspects and 223 prosecutions in 2017" after "investigating 325 suspects
    and prosecuting 152 alleged traffickers" maps position by position; a single main measure
    is inherited by every number; anything else is left out rather than guessed.
    """
    out: list[Measure] = []
    counts = [m for m in main_measures if m.measure not in ("sentence_min_years", "sentence_max_years", "sentence_years")]
    base_year = counts[0].data_year if counts else None
    same = re.match(r"\W*(?:the\s+same\s+(?:number\s+)?as|unchanged\s+from|as\s+many\s+as)\s+(?:in\s+)?(?P<lbl>(?:(?:calendar|fiscal)\s+year\s+|FY\s*)?"
                    r"(?P<y>(?:19|20)\d{2})|last\s+year|the\s+previous\s+(?:reporting\s+)?(?:period|year))\W*$", clause, re.I)
    if same and counts:
        parent = max(counts, key=lambda m: m.value_start)
        if same.group("y"):
            yr, bs = int(same.group("y")), "stated"
        else:
            yr = parent.data_year - 1 if parent.data_year else None
            bs = "relative" if yr else None
        if yr is not None and yr != parent.data_year:
            return [Measure(parent.measure, parent.value, parent.unit, parent.qualifier, parent.subtype, same.group("lbl"), yr, bs, True,
                            sp, parent.value_start, parent.value_end)]
        return out
    m0 = _PRIOR_NO.search(clause)
    if m0:
        noun = m0.group("noun").lower()
        meas = {"inv": "investigations", "pro": "prosecutions", "con": "convictions", "arr": "arrests", "vic": "victims_identified"}.get(noun[:3])
        if meas is None and len({m.measure for m in counts}) == 1:
            meas = counts[0].measure
        if meas:
            lbl, yr, bs = label, year, basis
            if (yr is None or bs == "assumed") and base_year is not None:
                yr, bs = base_year - 1, "relative"
            vs = cs + m0.start("noun")
            out.append(Measure(meas, 0.0, None if noun.startswith(("inv", "pro", "con", "arr")) else ("cases" if noun == "cases" else "persons"),
                               "exact", None, lbl, yr, bs, True, sp, sp.start + vs, sp.start + cs + m0.end("noun")))
        return out
    totals = [m for m in counts if m.subtype is None] or counts
    parents_by_position: list[Measure] | None = None
    hits = [h for h in _PRIOR_NUM.finditer(clause) if not looks_like_year(h.group("n"))]
    if re.search(r"\brespectively\b", clause, re.I) and len(hits) != len({m.measure for m in totals}):
        return out  # "compared with 29 and 17, respectively" against figures we did not all read
    if len({m.measure for m in totals}) == 1:
        parent = totals[0]
        parents_by_position = [parent] * len(hits)
    elif totals and len(hits) == len(totals) and len(totals) > 1:
        ordered = sorted(totals, key=lambda m: m.value_start)
        parents_by_position = ordered
        # explicit nouns in the comparison must agree with the positions, else do not map
        for h, par in zip(hits, ordered):
            vs = cs + h.start("n")
            explicit = [f for f in found_here if f.value_start == sp.start + vs]
            if explicit and explicit[0].measure != par.measure:
                return out
    elif not counts and found_here and len({f.measure for f in found_here}) == 1:
        parents_by_position = [found_here[0]] * len(hits)
    if parents_by_position is None and len(hits) == 1 and not re.match(
            rf"\s+{_ADJ}(?:victims?|investigations?|prosecutions?|convictions?|arrests?)\b", clause[hits[0].end("n"):], re.I) and totals:
        # one bare figure: it compares with the nearest figure before it ("investigated 45 suspects and
        # obtained convictions against 22 traffickers, up from 14 in 2006" -> 14 convictions)
        last = max(counts, key=lambda m: m.value_start)
        same = [m for m in totals if m.measure == last.measure]
        parents_by_position = [same[0] if same else last]
    elif len(hits) == 1:
        # one figure whose noun names the measure: "compared with two victims in 2017"
        m1 = re.match(rf"\s+{_ADJ}(?P<noun>victims?|investigations?|prosecutions?|convictions?|arrests?)\b", clause[hits[0].end("n"):], re.I)
        if m1:
            noun = m1.group("noun").lower()
            want = {"vic": "victims_identified", "inv": "investigations", "pro": "prosecutions", "con": "convictions", "arr": "arrests"}[noun[:3]]
            if want == "victims_identified" and re.search(r"potential|possible|presumed", m1.group("adj") or "", re.I):
                want = "potential_victims_identified"
            cands = [m for m in totals if m.measure == want]
            if len(cands) == 1:
                parents_by_position = cands
    if parents_by_position is None:
        return out
    for i, (m, parent) in enumerate(zip(hits, parents_by_position)):
        tok = m.group("n")
        vs = cs + m.start("n")
        if vs in taken:
            continue
        seg_end = hits[i + 1].start() if i + 1 < len(hits) else len(clause)
        seg = clause[m.start():seg_end]
        after = clause[m.end("n"):]
        if _BAD_AFTER.match(after):
            continue
        value = 0.0 if tok.lower() in ("none", "zero") else parse_number(tok)
        if value is None or value != int(value):
            continue
        own = re.match(rf"\s+(?:(?:convicted|prosecuted|investigated|identified|arrested)\s+)?{_ADJ}(?P<noun>{_CASE}|{_PERSON}|victims?|"
                       rf"investigations?|prosecutions?|convictions?|children|women|girls|boys|adults|minors)\b", after, re.I)
        split = re.match(r"\s+(?:for\s+|of\s+|involving\s+)?(sex|labou?r|forced\s+labou?r)\b", after, re.I)
        if own is None and split is None and re.match(r"\s+[a-z]", after) and not re.match(r"\s+(?:in|during|last|the|reported|for)\b", after, re.I):
            continue  # a number of something else ("six months")
        if own is not None and own.group("noun").lower().startswith(("investigation", "prosecution", "conviction")):
            if not own.group("noun").lower().startswith(parent.measure[:-1]):
                continue  # names another measure than the one it would inherit
        if split:
            subtype = _subtype(split.group(1))
        elif own:
            subtype = _subtype(own.group("adj"), own.group("noun")) or (None if parent.subtype is None else parent.subtype)
        else:
            subtype = parent.subtype
        unit = _unit(own.group("noun")) if own and not own.group("noun").lower().startswith("victim") else parent.unit
        measure = parent.measure
        if own and measure in ("victims_identified", "potential_victims_identified"):
            measure = "potential_victims_identified" if re.search(r"potential|possible|presumed", own.group("adj") or "", re.I) \
                else "victims_identified"
        ym = _YEAR_IN.search(seg)
        if ym and ym.group("y"):
            lbl, yr, bs = ym.group(0).strip(), int(ym.group("y")), "stated"
        elif _PREVIOUS.search(seg):
            lbl = _PREVIOUS.search(seg).group(0)
            yr = (parent.data_year - 1) if parent.data_year else None
            bs = "relative" if yr else None
        elif basis == "stated":
            lbl, yr, bs = label, year, basis  # one year for the whole comparison: "191 suspects and 223 prosecutions in 2017"
        elif len(hits) == 1 or all(not _YEAR_IN.search(clause[h.start():]) for h in hits[i + 1:]):
            lbl, yr, bs = label, year, basis
            if bs == "assumed" or yr is None:
                if parent.is_prior_period and parent.data_year:
                    yr, bs = parent.data_year, parent.data_year_basis
                else:
                    yr = (parent.data_year - 1) if parent.data_year else None
                    bs = "relative" if yr else None
        else:
            continue
        if parent.is_prior_period and parent.data_year is not None and yr == parent.data_year and ym is None:
            continue
        taken.add(vs)
        out.append(Measure(measure, value, unit, _qualifier(m.group("q")), subtype, lbl, yr, bs, True,
                           sp, sp.start + vs, sp.start + cs + m.end("n")))
    return out


_ZERO_VERBS = {
    "investigat": "investigations", "prosecut": "prosecutions", "convict": "convictions", "identif": "victims_identified",
    "arrest": "arrests",
}
_Z_VERB = r"(?:investigat\w*|prosecut\w*|convict\w*|identif\w*|arrest\w*|protect\w*|assist\w*|refer\w*|charg\w*|punish\w*|sentenc\w*)"
_Z_ADJS = r"(?P<adjs>(?:(?:new|human|trafficking|sex|labou?r|forced|criminal|formal|federal|judicial|potential|suspected|alleged|child)\s+){0,4})"
_Z_OBJ = (r"(?P<obj>any(?:one)?\b(?:\s+" + _Z_ADJS.replace("adjs", "oadjs") + r"(?P<onoun>[a-z]+))?|a\s+single\s+\w+|"
          r"trafficking\s+(?:crimes|cases|offenses|offenders)|traffickers\b|cases\b|suspects\b|victims\b)")
_ZERO_DID_NOT = re.compile(
    r"\b(?:did|does|has|have|had)\s+not\s+(?:(?:yet|ever|formally|proactively|officially|successfully|fully|initiate\s+(?:any\s+)?(?:new\s+)?)\s*)?"
    r"(?P<verbs>(?:(?:report(?:ing)?\s+)?" + _Z_VERB +
    r"(?:\s*,\s*(?:or\s+)?|\s+or\s+|\s+nor\s+)?){1,4})\s*" + _Z_OBJ + r"(?P<rest>[^.;]{0,80})",
    re.I,
)
_ZERO_REPORT = re.compile(
    r"\b(?:did\s+not\s+(?:report|secure|obtain|achieve|record|initiate|conduct)|reported\s+no|there\s+were\s+no|no)\s+(?:any\s+)?"
    + _Z_ADJS + r"(?P<verbs>(?:(?:new\s+)?(?:investigations?|prosecutions?|convictions?|arrests?)"
    r"(?:\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)?){1,4})(?P<rest>[^.;]{0,80})",
    re.I,
)
_ZERO_VERB_NO = re.compile(
    r"\b(?P<verbs>(?:investigat|prosecut|convict|identifi|arrest)ed)\s+no\s+" + _Z_ADJS +
    r"(?P<obj>(?P<onoun>traffickers|suspects|cases|victims|defendants|offenders|one|persons|individuals))\b(?P<rest>[^.;]{0,80})",
    re.I,
)
_ZERO_NONE_WERE = re.compile(
    r"\b(?P<no>[Nn]o)\s+" + _Z_ADJS + r"(?P<obj>(?P<onoun>traffickers|suspects|cases|victims|defendants|offenders|persons|individuals))\s+"
    r"(?:were|was|had\s+been|have\s+been)\s+(?P<verbs>(?:investigat|prosecut|convict|identifi|arrest)ed)\b(?P<rest>[^.;]{0,80})",
    re.I,
)
_ZERO_NEVER = re.compile(
    r"\b(?:has|have|had)\s+never\s+(?P<verbs>(?:investigat|prosecut|convict|identifi)ed)\s+" + _Z_ADJS +
    r"(?P<obj>(?:a|any)\s+(?P<onoun>trafficker|victim|case|suspect|defendant))\b(?P<rest>[^.;]{0,80})",
    re.I,
)
_ZERO_SUBSET = re.compile(
    r"\b(?:male|female|men|women|child|children|adult|foreign|domestic|employers?|slaveholders?|recruiters?|agents?|officials?|"
    r"officers?|parents?|clients?|buyers?|owners?|brothel)\b", re.I)
# (pattern, what it names: a verb or a noun, prefilter.needs)
_ZERO_RX = [(rx, kind, needs(rx)) for rx, kind in (
    (_ZERO_DID_NOT, "verb"), (_ZERO_REPORT, "noun"), (_ZERO_VERB_NO, "verb"), (_ZERO_NONE_WERE, "verb"), (_ZERO_NEVER, "verb"))]
_NOUN_TO_MEASURE = {"investigation": "investigations", "prosecution": "prosecutions", "conviction": "convictions", "arrest": "arrests"}
_ZERO_SKIP = re.compile(
    r"complicit|complicity|officials?\b|officers?\b|employees|personnel|military|soldiers|statistics|data\b|information|disaggregat",
    re.I,
)


def _zero_unit(obj: str) -> str | None:
    o = obj.lower()
    if re.search(r"\bcases?\b", o):
        return "cases"
    if re.search(r"\b(?:anyone|traffickers?|offenders?|suspects?|defendants?|persons?|individuals?|people|victims?|one)\b", o):
        return "persons"
    return None


def _zeros(sp: Span, cs: int, ce: int, report_year, main_year, existing) -> list[Measure]:
    """Explicit zeros in the current-period clause text[cs:ce]: "did not convict any traffickers", "reported no
    prosecutions", "convicted no traffickers" (the caller skips sentences with a _ZERO_SKIP word)."""
    out: list[Measure] = []
    text = sp.text
    clause = text[cs:ce]
    lower = ascii_lower(clause)
    patterns = [(rx, kind) for rx, kind, need in _ZERO_RX if may_match(need, lower)]
    if not patterns:
        return out
    label, year, basis = _period(clause, report_year, False, main_year)
    is_prior = False
    pm = _PREVIOUS.search(clause)
    if pm and year is not None and basis == "assumed":
        # "did not report identifying any victims in the previous reporting period"
        label, year, basis, is_prior = pm.group(0), year - 1, "relative", True
    for rx, kind in patterns:
        for m in rx.finditer(clause):
            rest = m.group("rest") or ""
            if re.search(r"\b(?:until|before|after|because|since|unless|only|yet|new\s+law|amended|article|overturned|"
                         r"acquitted|appeal|among)\b|\bin\s+the\s+(?!reporting|previous|past|country\b|year)\w+", m.group(0), re.I):
                continue  # a zero about a subset ("in the cotton harvest", "among refugees") is not a zero
            g = m.groupdict()
            if _ZERO_SUBSET.search(" ".join(filter(None, [g.get("oadjs") or "", g.get("onoun") or ""]))) or \
                    re.match(r"\s*(?:under\s+(?:the\s+|its\s+)?(?:section|article|anti-slavery|labou?r|penal)|of\s+(?!(?:sex\s+|labou?r\s+)?"
                             r"traffick|forced\s+labou?r)\w+|for\s+this\s+offen[cs]e)", rest, re.I):
                continue  # "any male victims", "any employers", "victims of hereditary slavery", "under Section 98D"
            obj = " ".join(filter(None, [g.get("adjs"), g.get("obj"), g.get("oadjs")])) + " " + rest.split(" in ")[0][:40]
            sub = _subtype(obj)
            unit = _zero_unit((g.get("obj") or "") + " " + rest[:30]) if kind == "verb" else None
            measures = []
            for w in re.findall(r"[a-z]+", m.group("verbs").lower()):
                if kind == "verb":
                    for stem, meas in _ZERO_VERBS.items():
                        if w.startswith(stem):
                            measures.append(meas)
                else:
                    meas = _NOUN_TO_MEASURE.get(w.rstrip("s"))
                    if meas:
                        measures.append(meas)
            if kind == "noun" and re.match(r"no\b", m.group(0), re.I) and not re.match(
                    r"\s*(?:(?:were|was)\s+(?:reported|recorded|initiated|obtained|secured|achieved|opened|conducted)\b|"
                    r"(?:in|during)\s+(?:(?:19|20)\d{2}|the\s+reporting\s+period))", rest, re.I):
                continue
            for meas in dict.fromkeys(measures):
                if meas == "victims_identified" and not re.search(r"victim", obj, re.I):
                    continue
                key = (meas, sub, is_prior)
                if key in existing:
                    continue
                existing.add(key)
                vs = cs + m.start("verbs")
                out.append(Measure(meas, 0.0, unit if meas != "victims_identified" else "persons", "exact", sub, label, year,
                                   basis, is_prior, sp, sp.start + vs, sp.start + cs + m.end("verbs")))
    return out


# --- parts of a total: where the people counted stand now -------------------------------------
# "Of these, 142 individuals are currently serving sentences and 11 are awaiting trial". A new
# status is one more entry here (its verb phrase after "N [people] are/were/remain ...").
_STATUS_AUX = r"(?:(?:are|were|was|is|remain(?:s|ed)?|have\s+been|had\s+been)\s+)(?:(?:currently|now|still|already|reportedly)\s+)?"
_STATUS_VERBS = (
    ("serving_sentences", _STATUS_AUX + r"serving\s+(?:(?:their|prison|jail|custodial|criminal)\s+)*(?:sentences?|terms?)\b"),
    ("awaiting_trial", r"(?:" + _STATUS_AUX + r"(?:awaiting|waiting\s+for|pending)\s+(?:their\s+)?trials?\b|"
                       + _STATUS_AUX + r"in\s+pre-?trial\s+detention\b|await(?:s)?\s+(?:their\s+)?trials?\b)"),
)
_STATUS_RX = [(meas, re.compile(rf"\b{_Q}{_N}\s+(?:{_ADJ}(?P<noun>{_PERSON}|{_CASE})\s+)?(?:of\s+(?:them|these|those)\s+)?{verb}", re.I))
              for meas, verb in _STATUS_VERBS]
_NAMED_TOTAL = re.compile(rf"^\W*(?:Of|Among)\s+the\s+(?P<n>{NUMBER})\b", re.I)


def _status_counts(sp: Span, report_year: int | None, context: list[Measure], rows: list[Measure]) -> list[Measure]:
    """Case-status counts, linked to the total they divide when that total is printed in this
    sentence before "of whom / of these" or in the sentence before ("... 153 individuals were
    arrested ... Of these, 142 ..."), and the parts fit inside it. With no such total they are
    kept without a link: the total is never guessed. (Read only in sentences holding "serving" or "trial".)"""
    text = sp.text
    taken = {r.value_start for r in rows}
    found: list[tuple[str, re.Match, int, float]] = []
    for cs, ce, prior in _clauses(text):
        if prior:
            continue  # no baselines for these
        clause = text[cs:ce]
        for meas, rx in _STATUS_RX:
            for m in rx.finditer(clause):
                if sp.start + cs + m.start("n") in taken or looks_like_year(m.group("n")) or _BAD_AFTER.match(clause[m.end("n"):]):
                    continue
                v = parse_number(m.group("n"))
                if v is None or v != int(v):
                    continue
                found.append((meas, m, cs, v))
    if not found:
        return []
    found.sort(key=lambda f: f[2] + f[1].start())
    first = found[0][2] + found[0][1].start()
    parent = _status_parent(sp, text[:first], context, rows, found)
    out = []
    for meas, m, cs, v in found:
        noun = m.group("noun") or ""
        unit = "cases" if re.match(r"cases?$", noun, re.I) else "persons"
        if parent is not None:
            label, year, basis = parent.period_label, parent.data_year, parent.data_year_basis
        else:
            label, year, basis = _period(text, report_year, False, None)
        out.append(Measure(meas, v, unit, _qualifier(m.group("q")), None, label, year, basis, False, sp,
                           sp.start + cs + m.start("n"), sp.start + cs + m.end("n"),
                           parent.measure if parent else None, parent.value if parent else None,
                           parent.value_start if parent else None))
    return out


def _status_parent(sp: Span, before: str, context: list[Measure], rows: list[Measure], found) -> Measure | None:
    lead = _SUBSET_LEAD.search(before)
    if not lead:
        return None
    at_start = not re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b", before[:lead.start()], re.I)
    pool = [r for r in rows if not r.is_prior_period and r.subtype is None and r.measure in _CONTEXT_TOTALS
            and r.value_start < sp.start + lead.start()]
    if not pool and at_start:
        pool = list(context)
    named = _NAMED_TOTAL.match(before)
    if named:
        pool = [r for r in pool + list(context) if r.value == parse_number(named.group("n"))]
    total = sum(v for _, _, _, v in found)
    units = {("cases" if re.match(r"cases?$", m.group("noun") or "", re.I) else "persons") for _, m, _, _ in found if m.group("noun")}
    fitting = [r for r in pool if r.value >= total and (r.unit is None or not units or units == {r.unit})]
    return max(fitting, key=lambda r: r.value_start) if fitting else None


# --- shelters ---------------------------------------------------------------------------------
# "operates two temporary shelters", "funded five NGO-run shelters", "12 government-run shelters",
# "three shelters run by the Ministry of Social Affairs". The count is the government's: a count
# whose nearest actor is an NGO or international organisation is left out, and so are new
# shelters opened (a change, not a count), beds and comparisons with earlier years.
_SH_ADJ = (r"(?:(?:new|temporary|permanent|specialized|specialised|dedicated|emergency|short-term|long-term|medium-term|transit|"
           r"residential|trafficking|anti-trafficking|trafficking-specific|victim|victims'?|crisis|women'?s|children'?s|child|juvenile|"
           r"youth|male|female|men'?s|adult|regional|provincial|municipal|district|separate|full-time|24-hour|multi-?purpose|"
           r"reception|rehabilitation|care|safe|protective|assistance|additional|small|large|other|such|"
           r"(?:government|state|publicly|NGO|(?-i:[A-Z]{2,6}))(?:-|\s+)(?:run|funded|operated|owned|supported|financed|managed)|"
           r"government|state|public|(?-i:[A-Z][a-z]+(?:ese|ian|an|i|ish|ch)))\s+){0,4}")
_SH_NOUN = r"(?P<noun>shelters?|safe\s+houses?)\b(?!\s+(?:beds?|spaces?|places?|staff|workers?|residents?|capacity)\b)"
_SH_VERB = (r"\b(?:operat(?:es|ed|ing|e)|runs?|ran|running|fund(?:s|ed|ing)?|financ(?:es|ed|ing|e)|maintain(?:s|ed|ing)?|"
            r"manag(?:es|ed|ing|e)|support(?:s|ed|ing)?|administer(?:s|ed|ing)?|oversees|oversaw|overseeing|subsidi[sz](?:es|ed|ing|e)|"
            r"ha[sd]|have|having)")
_SHELTER_RX = [
    # "operates two temporary shelters"
    re.compile(rf"{_SH_VERB}\s+(?:a\s+total\s+of\s+)?{_Q}{_N}\s+{_SH_ADJ}{_SH_NOUN}", re.I),
    # "12 government-run shelters", "two state shelters"
    re.compile(rf"\b{_Q}{_N}\s+(?:[\w'-]+\s+){{0,2}}?(?P<gov>(?:government|state|publicly)(?:-|\s+)(?:run|funded|operated|owned|supported|financed|managed)\s+|"
               rf"(?:government|state)\s+){_SH_ADJ}{_SH_NOUN}", re.I),
    # "three shelters run by the Ministry of Social Affairs"
    re.compile(rf"\b{_Q}{_N}\s+{_SH_ADJ}{_SH_NOUN}\s+(?:that\s+(?:it\s+)?|which\s+)?(?:\w+\s+){{0,2}}?(?:run|operated|funded|managed|financed|maintained)\s+"
               rf"(?:by|through)\s+(?:the\s+)?(?P<gov>government|state|ministry|ministries|authorities|department|agency|(?-i:Ministry|MO[A-Z]+|[A-Z][a-z]+\s+(?:Ministry|Department|Agency)))", re.I),
]


def _shelters(sp: Span, report_year: int | None) -> list[Measure]:
    """Shelter counts (read only in sentences holding "shelter" or "safe house")."""
    text = sp.text
    out: list[Measure] = []
    taken: set[int] = set()
    for cs, ce, prior in _clauses(text):
        if prior:
            continue
        clause = text[cs:ce]
        for i, rx in enumerate(_SHELTER_RX):
            for m in rx.finditer(clause):
                vs = cs + m.start("n")
                if vs in taken or looks_like_year(m.group("n")) or _BAD_AFTER.match(clause[m.end("n"):]):
                    continue
                if re.search(r"\b(?:new|additional)\b", m.group(0), re.I) and re.search(r"\b(?:open|establish|creat|build|built|launch)\w*", clause, re.I):
                    continue  # shelters opened this year: a change, not the count
                if i == 0 and _ngo_actor(clause[:m.start()]):
                    continue
                v = parse_number(m.group("n"))
                if v is None or v != int(v) or v == 0:
                    continue
                label, year, basis = _period(clause, report_year, False, None)
                taken.add(vs)
                out.append(Measure("shelters", v, None, _qualifier(m.group("q")), None, label, year, basis, False, sp,
                                   sp.start + vs, sp.start + cs + m.end("n")))
    return out


def _ngo_actor(before: str) -> bool:
    """The actor nearest before a verb is an NGO or international organisation (not the government)."""
    window = before[-120:]
    ngo = [m.end() for m in _NON_GOV.finditer(window)]
    gov = [m.end() for m in _GOV.finditer(window)]
    return bool(ngo) and (not gov or max(ngo) > max(gov))
