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
from functools import lru_cache

from tip.parse.measure_base import (CASE_STATUS, LAW_ENFORCEMENT, MEASURES, QUALIFIERS, _ADJ, _BAD_AFTER, _BE, _CASE,
                                    _COMPLICITY_AFTER, _CONTEXT_TOTALS, _CRIME, _GOV, _N, _NON_GOV, _OTHER_OFFENCE, _PERSON, _Q,
                                    _SUBNATIONAL, _SUBSET_BEFORE, _SUBSET_LEAD, _YEAR_IN, Measure, _clauses, _period, _qualifier,
                                    _subtype, _unit)
from tip.parse.measure_readings import (_SENTENCE_LENGTH_NEEDS, _ZERO_SKIP, _prior_inherited, _sentence_lengths, _shelters,
                                        _status_counts, _zeros)
from tip.parse.numbers import NUMBER, NUMBER_RE, looks_like_year, parse_number
from tip.parse.prefilter import may_match, needs
from tip.parse.sentences import Span

# the measures' names and rows are read from here (measure_base holds them for every reading)
__all__ = ["CASE_STATUS", "LAW_ENFORCEMENT", "MEASURES", "QUALIFIERS", "Measure", "extract_measures"]

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


MAX_SENTENCE_CHARS = 2500
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


