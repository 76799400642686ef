"""Property-based tests: the parser never raises, and every value it extracts keeps evidence that
lies inside the narrative text, whatever it is fed: arbitrary bytes and text, made-up narratives,
and the synthetic fixtures and the seed mutated (spans deleted, duplicated, swapped, truncated,
digits changed, headlines, markup and odd characters inserted, re-encoded).

A short run in CI (TIP_FUZZ_EXAMPLES examples per property, default 60); set it higher for a
longer hunt, e.g. ``TIP_FUZZ_EXAMPLES=5000 uv run pytest tests/test_fuzz.py``. A failure prints
the input's seed (``@reproduce_failure``) so it can be replayed.
"""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tip.parse import DocumentParse, Narrative, parse_document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("TIP_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


def _corpus() -> list[tuple[str, bytes]]:
    """The SYNTHETIC fixtures (narrative files and site pages), plus the real seed when ../shared
    is present (read at run time, never copied into the repo)."""
    files = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*")
                   if p.is_file() and p.suffix.lower() in (".txt", ".htm", ".html"))
    files += sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    out = [(p.name, p.read_bytes()) for p in files]
    assert out, "no fixtures to mutate"
    return out


CORPUS = _corpus()
pytestmark = pytest.mark.timeout(300)  # a hang guard: a parse that never ends fails the run instead of stalling CI


def check(result: DocumentParse, events: bool = True) -> None:
    """What must hold for any input."""
    assert isinstance(result, DocumentParse)
    if events:
        _events(result)
    for r in result.rejects:
        assert isinstance(r.reason, str) and r.reason.strip()
    for n in result.narratives:
        check_narrative(n, result.text)


def _events(result: DocumentParse) -> None:
    """Shown by --hypothesis-show-statistics: how often the inputs reach narratives and figures."""
    event(f"narratives: {min(len(result.narratives), 3)}{'+' if len(result.narratives) > 3 else ''}")
    event(f"with measures: {any(n.measures for n in result.narratives)}")


def check_narrative(n: Narrative, doc_text: str) -> None:
    text = n.text
    assert doc_text[n.doc_start:n.doc_end] == text
    # (the tier's value is the validation suites' job: they quarantine an impossible one such as '1WL')
    assert re.fullmatch(r"[A-Z]{3}", n.country_iso3) and isinstance(n.report_year, int) and isinstance(n.tier, str)
    for m in n.measures:
        ev = m.evidence
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start:ev.end] == ev.text, (m.measure, ev)
        assert ev.start <= m.value_start < m.value_end <= ev.end, (m.measure, m.value_start, m.value_end, ev)
        assert math.isfinite(m.value) and m.value >= 0
    for p in n.partners:
        assert text[p.evidence.start:p.evidence.end] == p.evidence.text
    if n.roles is not None and n.roles.evidence is not None:
        assert text[n.roles.evidence.start:n.roles.evidence.end] == n.roles.evidence.text
    for r in n.recommendations:
        assert 0 <= r.start <= r.end <= len(text) and text[r.start:r.end] == r.text
    for s in n.sections:
        assert 0 <= s.start <= s.body_start <= s.end <= len(text)
    json.dumps(n.to_json(), allow_nan=False)  # what `tip parse` prints


# -- arbitrary input ---------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=6000), year=st.none() | st.integers(1990, 2040))
def test_arbitrary_bytes(data, year):
    check(parse_document(data, filename="fuzz.txt", year=year))


@FUZZ
@given(text=st.text(max_size=6000), ctype=st.sampled_from([None, "text/html", "text/plain", "text/html; charset=latin-1"]))
def test_arbitrary_text(text, ctype):
    check(parse_document(text, content_type=ctype, year=2014))


NAMES = ["CAMBODIA", "Cambodia", "THAILAND", "Korea, South", "CÔTE D'IVOIRE", "Curaçao", "Hong Kong", "BURMA",
         "ATLANTIS", "Country Narratives", "Tier 2", "SPECIAL CASE", "Sudan and South Sudan", "", "x" * 90]
TIER_TEXT = ["Tier 1", "Tier 2", "TIER 2 WATCH LIST", "Tier 2 Watch List", "Tier 3", "Special Case", "Tier 4", "tier two"]
CLAUSES = [
    "authorities investigated {n} cases", "the government prosecuted {n} suspects", "courts convicted {n} traffickers",
    "officials identified {n} victims", "compared with {n} in {y}", "in {y}, it reported {n} convictions",
    "sentences ranged from {n} to {m} years' imprisonment", "more than {n} victims", "at least {n} investigations",
    "{n} percent of cases", "{n} million people", "approximately {n},{m}00 workers", "zero convictions",
    "is a source, transit, and destination country for men, women, and children subjected to forced labor",
    "victims from Vietnam and Thailand are exploited in {c}", "does not fully comply with the minimum standards",
    "is making significant efforts to do so", "was downgraded to Tier 2 Watch List", "Recommendations for {c}:",
]


@st.composite
def narratives(draw):
    """Made-up narratives in the reports' shapes: headline forms, figures, years, partners."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(NAMES))
        tier = draw(st.sampled_from(TIER_TEXT))
        form = draw(st.sampled_from(["{c} ({t})", "{c}: {t}", "SPECIAL CASE: {c}", "{t}", "{c} ({t}) *"]))
        parts.append(form.format(c=name, t=tier))
        sentences = []
        for _ in range(draw(st.integers(0, 12))):
            clause = draw(st.sampled_from(CLAUSES)).format(
                n=draw(st.integers(0, 10 ** 7) | st.sampled_from(["1,234", "12.5", "five", "0", "2,0,0"])),
                m=draw(st.integers(0, 999)), y=draw(st.integers(1990, 2040)), c=name)
            sentences.append(clause[:1].upper() + clause[1:] + draw(st.sampled_from([".", ";", "", ". ", ".\n"])))
        parts.append(" ".join(sentences))
    sep = draw(st.sampled_from(["\n", "\n\n", " ", "\r\n", "\n\u2022 "]))
    return sep.join(parts)


@FUZZ
@given(text=narratives(), year=st.none() | st.integers(2001, 2030), as_html=st.booleans())
def test_made_up_narratives(text, year, as_html):
    if as_html:
        body = "".join(f"<p>{line}</p>" for line in text.split("\n"))
        check(parse_document(f"<html><body>{body}</body></html>".encode(), filename="x.html", year=year))
    else:
        check(parse_document(text.encode(), filename="x.txt", year=year))


# -- mutated fixtures and seed -------------------------------------------------------------------
INSERTS = ["\n", "\n\n", "\x00", "\u0301", "\u202e", "\ufeff", "\u00a0", "\u00ad", "\r", "\t", "\u2028", "\U0001f600",
           "<p>", "</p>", "<div class='nav'>", "</div>", "<script>", "<!--", "-->", "<br>", "&amp;", "&#0;", "&#x110000;",
           "CAMBODIA (Tier 2)\n", "\nTHAILAND: Tier 3\n", "\nATLANTIS (Tier 2)\n", "\nTier 2 Watch List\n",
           "\nRecommendations for Cambodia:\n", "\nPROSECUTION\n", " 1,000,000 ", " 2019 ", "(", ")", ";", ".", "...",
           " convicted 12 traffickers in 2020 ", " compared with 7 in 2019 ", "\u2022 "]


@st.composite
def mutated(draw):
    name, data = draw(st.sampled_from(CORPUS))
    text = data.decode("utf-8", errors="replace")
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, min(n, a + draw(st.sampled_from([1, 10, 200, 5000])))))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "truncate", "digits", "case", "join", "text"]))
        if op == "delete":
            text = text[:a] + text[b:]
        elif op == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "insert":
            text = text[:a] + draw(st.sampled_from(INSERTS)) + text[a:]
        elif op == "swap":
            c = draw(st.integers(b, n))
            d = draw(st.integers(c, n))
            text = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
        elif op == "truncate":
            text = text[:a]
        elif op == "digits":
            text = text[:a] + re.sub(r"\d", lambda _m: str(draw(st.integers(0, 9))), text[a:b]) + text[b:]
        elif op == "case":
            text = text[:a] + (text[a:b].upper() if draw(st.booleans()) else text[a:b].lower()) + text[b:]
        elif op == "join":
            text = text[:a] + text[a:b].replace("\n", " ") + text[b:]
        else:
            text = text[:a] + draw(st.text(max_size=40)) + text[a:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "utf-16", "latin-1"]))
    return name, text.encode(encoding, errors="replace")


URLS = [None, "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm",
        "https://www.state.gov/reports/2023-trafficking-in-persons-report/cambodia/",
        "https://2001-2009.state.gov/g/tip/rls/tiprpt/2005/46613.htm", "https://www.state.gov/x/"]


@FUZZ
@given(doc=mutated(), url=st.sampled_from(URLS), year=st.none() | st.integers(2001, 2030))
def test_mutated_fixtures_and_seed(doc, url, year):
    name, data = doc
    check(parse_document(data, url=url, filename=name, year=year))


@pytest.mark.parametrize("name,data", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_fixture_as_is(name, data):
    """The unmutated corpus holds the same properties (and gives the mutations narratives to break)."""
    check(parse_document(data, filename=name, year=2014), events=False)
