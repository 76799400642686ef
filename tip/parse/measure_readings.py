"""Readings of a sentence beside the count patterns of tip/parse/measures.py: sentences imposed,
the bare figures of a comparison clause, explicit zeros, the case-status parts of a total and
shelter counts."""
from __future__ import annotations

import re

from tip.parse.measure_base import (_ADJ, _BAD_AFTER, _CASE, _CONTEXT_TOTALS, _GOV, _N, _NON_GOV, _OTHER_OFFENCE, _PERSON,
                                    _PREVIOUS, _Q, _SUBSET_LEAD, _YEAR_IN, Measure, _clauses, _period, _qualifier, _subtype, _unit)
from tip.parse.numbers import NUMBER, looks_like_year, parse_number
from tip.parse.prefilter import ascii_lower, may_match, needs, needs_any
from tip.parse.sentences import Span

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
def _years_value(n: str, unit: str | None, fallback_unit: str | None) -> float | None:
    v = parse_number(n)
    if v is None:
        return None
    u = (unit or fallback_unit or "years").lower()
    if u.startswith("month"):
        return round(v / 12.0, 4)
    return v


def _segment(clause: str, start: int, end: int) -> str:
    a = clause.rfind(";", 0, start) + 1
    b = clause.find(";", end)
    return clause[a: len(clause) if b < 0 else b]


def _sentence_lengths(sp, clause, cs, label, year, basis, taken, prior: bool = False) -> list[Measure]:
    """Sentences imposed (never statutory penalties: the segment around the figure is checked)."""
    out: list[Measure] = []
    spans: list[tuple[int, int]] = []

    def add(name: str, v: float, m: re.Match, g: str, end: int | str) -> None:
        """One sentence read from group ``g`` of ``m`` (its evidence running to the end of group ``end``)."""
        vs = cs + m.start(g)
        taken.add(vs)
        out.append(Measure(name, v, "years", "exact", None, label, year, basis, prior, sp, sp.start + vs,
                           sp.start + cs + m.end(end)))
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
                add(name, val, m, g, g)
    for rx in _TO_LIFE:
        for m in rx.finditer(clause):
            if any(a <= m.start("a") < b for a, b in spans) or _STATUTORY.search(_segment(clause, m.start(), m.end())):
                continue
            v = _dur_value(m, "a", None)
            if v is None or not 0 < v <= 100:
                continue
            spans.append((m.start("a"), m.end()))
            add("sentence_min_years", v, m, "a", "a")
    for m in _UP_TO_IMPOSED.finditer(clause):
        seg = _segment(clause, m.start(), m.end())
        if any(a <= m.start("a") < b for a, b in spans) or _STATUTORY_WORDS.search(seg) or _OTHER_OFFENCE.search(seg):
            continue
        v = _dur_value(m, "a", None)
        if v is None or not 0 < v <= 100:
            continue
        spans.append((m.start("a"), m.end()))
        add("sentence_max_years", v, m, "a", "a")
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
            add("sentence_years", v, m, "a", 0)
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

