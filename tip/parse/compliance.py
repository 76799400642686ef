"""The compliance verdict and the tier-movement sentence.

Compliance classes:
  fully_meets                     "fully complies with" / "fully meets the minimum standards"
  not_fully_significant_efforts   "does not (yet) fully comply/meet ...; however, / but (it) is making significant efforts"
  not_fully_not_significant       "does not fully comply/meet ... and is not making significant efforts"
  special_case                    Special Case narratives (no verdict is given)
  None                            the text does not say
The subject varies ("The Government of X", "X", "The Interim Government of Haiti", "Taiwan
authorities", "The Government of Eswatini, previously known as Swaziland,") and 2021-2023 add
COVID-19 qualifiers; neither matters here: the verdict is read from the verbs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tip.parse.numbers import ORDINAL, parse_ordinal
from tip.parse.sentences import Span

_COVID = re.compile(
    r",?\s*(?:even\s+)?considering\s+the\s+impact\s+of\s+the\s+COVID-19\s+pandemic(?:,\s*if\s+any,)?\s+on\s+(?:its|the\s+\w+'?s?)\s+anti-trafficking\s+capacity,?",
    re.I,
)
_STANDARDS = re.compile(r"minimum\s+standards", re.I)
_NOT_FULLY = re.compile(
    r"\b(?:do|does|did)\s+not\s+(?:yet\s+)?fully\s+(?:comply|meet)|\bnot\s+(?:yet\s+)?in\s+full\s+compliance|"
    r"\bdoes\s+not\s+(?:yet\s+)?(?:comply|meet)\s+fully|"
    r"\b(?:do|does|did)\s+not\s+(?:yet\s+)?(?:comply\s+with|meet)\s+(?:the\s+)?minimum\s+standards|"  # 2001-2002: "does not meet"
    # 2002: "Neither the Taliban nor the AIA have complied", "Neither the Government of X, ... nor ... yet fully comply"
    r"\bneither\b[^.;]{0,200}?\bnor\b[^.;]{0,120}?\b(?:(?:have|has)\s+)?(?:yet\s+)?(?:fully\s+)?(?:complied|comply|complies)\s+with",
    re.I,
)
_FULLY = re.compile(
    r"\bfully\s+(?:complies|meets)\b|\b(?:complies|meets)\s+fully\b|\bis\s+in\s+full\s+compliance\b|"
    r"\b(?:authorities|government)\s+fully\s+(?:comply|meet)\b|"
    r"\b(?:government|authorities)\s+(?:meets|meet)\s+the\s+minimum\s+standards|"
    r"\bgovernment\s+of\s+(?:the\s+)?[A-Z][^.;,]{1,50}?\s+meets\s+the\s+minimum\s+standards",  # 2001: "The Government of Austria meets"
    re.I,
)
# "significant" has synonyms in some years ("discernible", "sufficient", "adequate"); "yet" and "any" may stand between
_EFFORT_WORD = r"(?:significant|discernible|sufficient|adequate|serious)"
_NOT_SIGNIFICANT = re.compile(
    rf"\b(?:is|are|was)\s+not\s+(?:yet\s+)?making\s+(?:any\s+)?{_EFFORT_WORD}\s+efforts|"
    rf"\bnor\s+(?:is\s+it|are\s+they|has\s+it|have\s+they|did\s+(?:it|either|they))\s+(?:making|made|make)\s+(?:any\s+)?{_EFFORT_WORD}\s+efforts|"
    rf"\bnot\s+making\s+{_EFFORT_WORD}\s+efforts|\b(?:has|have|had)\s+not\s+(?:yet\s+)?made\s+(?:any\s+)?{_EFFORT_WORD}\s+efforts|"
    rf"\bno\s+{_EFFORT_WORD}\s+efforts|\bnot\s+(?:yet\s+)?making\s+any\s+efforts",
    re.I,
)
# the automatic downgrade: "X is not making significant efforts to meet the minimum standards and is
# therefore placed on Tier 3" says the government does not fully meet them without the words
_NOT_SIGNIFICANT_TO_MEET = re.compile(
    rf"\bnot\s+(?:to\s+be\s+)?making\s+{_EFFORT_WORD}\s+efforts\s+to\s+(?:meet|comply\s+with)\s+(?:the\s+)?minimum\s+standards", re.I)
# "does not fully meet ...; however," -- in these reports only ever followed by "it is making significant
# efforts" (the Tier 3 wording is "and is not making"); read so when a copy cuts the sentence short
_HOWEVER_CUT = re.compile(r"(?:;|,)\s*(?:however|but)\b[^.]*$", re.I)
_SIGNIFICANT = re.compile(r"\bmaking\s+significant\s+efforts|\bmade\s+significant\s+efforts|"
                          # "..., but it is making efforts to do so" (a copy that dropped the word; never the Tier 3 wording)
                          r"\b(?:but|however),?\s+(?:(?:it|they|the\s+government)\s+)?(?:is|are)\s+making\s+efforts", re.I)
# a verdict cut short by the copy after "... and is not making": the reports end that only one way
_NOT_MAKING_CUT = re.compile(r"\band\s+(?:is|are)\s+not\s+(?:yet\s+)?making(?:\s+\w{0,12})?$", re.I)

COMPLIANCE_FOR_TIER = {
    "1": {"fully_meets"},
    "2": {"not_fully_significant_efforts"},
    "2WL": {"not_fully_significant_efforts"},
    "3": {"not_fully_not_significant"},
    "SPECIAL": {"special_case"},
}


def strip_covid(sentence: str) -> str:
    return _COVID.sub("", sentence)


def classify_sentence(sentence: str) -> str | None:
    """Compliance class stated by one sentence, or None when it states none."""
    s = strip_covid(sentence)
    if not _STANDARDS.search(s):
        return None
    if _NOT_FULLY.search(s):
        if _NOT_SIGNIFICANT.search(s) or _NOT_MAKING_CUT.search(s.rstrip()):
            return "not_fully_not_significant"
        if _SIGNIFICANT.search(s):
            return "not_fully_significant_efforts"
        if _HOWEVER_CUT.search(s) and not re.search(r"\bnot\b", s[_NOT_FULLY.search(s).end():]) and not s.rstrip().endswith("."):
            return "not_fully_significant_efforts"
        return None
    if _NOT_SIGNIFICANT_TO_MEET.search(s):
        return "not_fully_not_significant"
    if _FULLY.search(s) and not re.search(r"\bnot\b", s[: _FULLY.search(s).start()][-40:], re.I):
        return "fully_meets"
    return None


def find_compliance(sentences: list[Span]) -> tuple[str | None, Span | None]:
    """The first sentence that states a compliance verdict."""
    for sp in sentences:
        c = classify_sentence(sp.text)
        if c:
            return c, sp
    return None, None


@dataclass(frozen=True)
class Movement:
    movement: str | None          # upgraded | downgraded | remained | placed
    consecutive_years: int | None
    waiver: bool
    evidence: Span | None


_TIER_WORDS = r"(?:Tier\s*[123](?:\s+Watch\s*List)?|(?:the\s+)?Special\s+Case|a\s+Special\s+Case)"
_ADV = r"(?:(?:therefore|thus|accordingly|consequently|automatically|now|being)\s+)?"
_UPGRADED = re.compile(rf"\b(?:was|is|were|has\s+been)\s+{_ADV}upgraded\s+to\s+{_TIER_WORDS}", re.I)
_DOWNGRADED = re.compile(rf"\b(?:was|is|were|has\s+been)\s+{_ADV}downgraded\s+to\s+{_TIER_WORDS}", re.I)
_REMAINED = re.compile(rf"\b(?:remained|remains|remain)\s+(?:on|at|in|as)?\s*{_TIER_WORDS}", re.I)
_PLACED = re.compile(rf"\b(?:is|was|has\s+been)\s+{_ADV}placed\s+on\s+{_TIER_WORDS}", re.I)
_NO_WAIVER = re.compile(r"\bnot\s+(?:been\s+)?granted\s+a\s+waiver|\bno\s+(?:further\s+)?waiver|\bineligible\s+for\s+(?:a\s+|another\s+)?waiver|"
                        r"\bwaiver\s+(?:was\s+)?(?:not|no\s+longer)\s+(?:granted|available)", re.I)
_CONSECUTIVE = re.compile(rf"\bfor\s+(?:a|the)\s+({ORDINAL})\s+consecutive\s+year", re.I)
_WAIVER = re.compile(
    r"\bgranted\s+(?:a\s+)?waiver\b|\bwaiver\s+(?:was\s+)?granted\b|\bwaived\s+the\s+(?:automatic\s+)?downgrade|"
    r"\bwaiver\s+(?:per|under|pursuant\s+to)\s+the\s+Trafficking\s+Victims\s+Protection\s+Act",
    re.I,
)


_MOVEMENT_WORDS = ("waive", "upgraded", "downgraded", "remain", "placed")  # _WAIVER, _UPGRADED, ... each need one


def find_movement(sentences: list[Span]) -> Movement:
    movement = None
    consecutive = None
    waiver = False
    evidence = None
    for sp in sentences:
        t = sp.text
        if t.isascii():
            # every pattern below needs one of these words; on ASCII text re.I is plain case folding
            low = t.lower()
            if not any(w in low for w in _MOVEMENT_WORDS):
                continue
        if _WAIVER.search(t) and re.search(r"downgrade|Tier\s*3|waiver", t, re.I) and not _NO_WAIVER.search(t):
            waiver = True
        for name, rx in (("upgraded", _UPGRADED), ("downgraded", _DOWNGRADED), ("remained", _REMAINED), ("placed", _PLACED)):
            if movement is None and rx.search(t):
                movement = name
                evidence = sp
                m = _CONSECUTIVE.search(t)
                if m:
                    consecutive = parse_ordinal(m.group(1))
                break
    return Movement(movement, consecutive, waiver, evidence)
