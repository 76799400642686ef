"""The narrative parser: one document (a page or a file) -> narratives and rejects.

Pure functions, no I/O. ``parse_document`` never raises on bad input: what it cannot read
becomes a ``Reject`` with the reason.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from tip.core.countries import to_iso3
from tip.parse.agreements import Agreement, find_agreements
from tip.parse.compliance import COMPLIANCE_FOR_TIER, find_compliance, find_movement
from tip.parse.headline import Headline, find_headlines, find_tier_only, normalise_tier
from tip.parse.year import year_from_ecoi, year_from_page_date, year_from_text, year_from_url
from tip.parse.measures import Measure, extract_measures
from tip.parse.roles import PartnerMention, Roles, find_partners, find_roles
from tip.parse.sections import Recommendation, Section, recommendations, split_sections
from tip.parse.sentences import Span, split_sentences
from tip.parse.text import Extracted, extract

PARSER_VERSION = "1.3.0"

MIN_NARRATIVE_CHARS = 80
MAX_DOCUMENT_BYTES = 20_000_000


@dataclass
class Narrative:
    country: str
    country_iso3: str
    report_year: int
    year_source: str
    tier: str
    headline: str
    territory_marker: bool
    compliance: str | None
    compliance_sentence: str | None
    tier_movement: str | None
    consecutive_years: int | None
    waiver: bool
    roles: Roles | None
    partners: list[PartnerMention]
    measures: list[Measure]
    sections: list[Section]
    recommendations: list[Recommendation]
    text: str
    doc_start: int
    doc_end: int
    source_url: str | None = None
    agreements: list[Agreement] = field(default_factory=list)

    @property
    def narrative_id(self) -> str:
        return f"{self.country_iso3}-{self.report_year}"

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict:
        """The public shape printed by ``tip parse``."""
        return {
            "country": self.country,
            "country_iso3": self.country_iso3,
            "report_year": self.report_year,
            "tier": self.tier,
            "territory_marker": self.territory_marker,
            "compliance": self.compliance,
            "tier_movement": self.tier_movement,
            "consecutive_years": self.consecutive_years,
            "waiver": self.waiver,
            "roles": None if self.roles is None else {
                "source": self.roles.source, "transit": self.roles.transit, "destination": self.roles.destination,
            },
            "internal_trafficking": None if self.roles is None else self.roles.internal,
            "partners": sorted({p.iso3 for p in self.partners}),
            "partner_edges": [
                {"partner": p.iso3, "as_printed": p.name, "direction": p.direction, "evidence": p.evidence.text,
                 "start": p.evidence.start, "end": p.evidence.end}
                for p in self.partners
            ],
            "measures": [
                {
                    "measure": m.measure, "value": _num(m.value), "unit": m.unit, "qualifier": m.qualifier,
                    "subtype": m.subtype, "period": m.period_label, "data_year": m.data_year,
                    "is_prior_period": m.is_prior_period, "evidence": m.evidence.text,
                    "start": m.evidence.start, "end": m.evidence.end,
                    "parent_measure": m.parent_measure,
                    "parent_value": None if m.parent_value is None else _num(m.parent_value),
                }
                for m in self.measures
            ],
            "agreements": [
                {"kind": a.kind, "status": a.status, "partner": a.partner_iso3, "as_printed": a.partner_name, "year": a.year,
                 "evidence": a.evidence.text, "start": a.evidence.start, "end": a.evidence.end}
                for a in self.agreements
            ],
            "sections": [s.name for s in self.sections],
            "recommendations": [r.text for r in self.recommendations],
            "text_length": len(self.text),
            "source_url": self.source_url,
        }


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


@dataclass
class Reject:
    reason: str
    country: str | None = None
    report_year: int | None = None
    excerpt: str | None = None


@dataclass
class DocumentParse:
    narratives: list[Narrative] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    text: str = ""
    report_year: int | None = None


_CHROME_TAIL = re.compile(
    r"^(?:This is not a UNHCR publication|Back to Top|Return to (?:top|Contents)|This site is managed by|"
    r"External links to other Internet sites|Related (?:Articles|Content|Topics)|Tags\b|Share\b|"
    r"U\.S\. Department of State\s*$|Footer|Privacy Policy|Copyright|Disclaimer|\[?(?:Back|Next|Previous)\b.*(?:Page|Section)|"
    r"(?:IV|V|VI|VII|VIII)\.\s+Country Narratives|Country Narratives\s*--?|Special Cases?\s*$|"
    r"Trafficking in Persons Report\s*$|Office to Monitor and Combat Trafficking in Persons)",
    re.I | re.M,
)


def parse_document(
    data: bytes | str,
    *,
    url: str | None = None,
    filename: str | None = None,
    content_type: str | None = None,
    year: int | None = None,
) -> DocumentParse:
    """Parse one document. ``year`` is used only when neither the URL nor the page says."""
    result = DocumentParse()
    size = len(data)
    if size == 0 or (isinstance(data, str) and not data.strip()) or (isinstance(data, (bytes, bytearray)) and not data.strip()):
        result.rejects.append(Reject("empty document"))
        return result
    if size > MAX_DOCUMENT_BYTES:
        result.rejects.append(Reject(f"document too large ({size} bytes > {MAX_DOCUMENT_BYTES})"))
        return result
    if isinstance(data, (bytes, bytearray)) and _is_binary(bytes(data[:8192])):
        result.rejects.append(Reject("binary content, not text or HTML"))
        return result
    try:
        ex = extract(data, content_type=content_type, filename=filename)
    except Exception as exc:  # the extractor is third-party: never let it sink the run
        result.rejects.append(Reject(f"could not extract text: {type(exc).__name__}: {exc}"))
        return result
    text = ex.text
    result.text = text
    heads = find_headlines(text)

    page_year, year_source = _page_year(url, ex, text, heads, year)
    result.report_year = page_year

    if not heads:
        n = _headless_narrative(ex, text, url, page_year, year_source)
        if isinstance(n, Narrative):
            result.narratives.append(n)
        elif isinstance(n, Reject):
            result.rejects.append(n)
        else:
            reason = "no narrative headline found (expected 'Country (Tier N)', 'COUNTRY: Tier N', a placement line under the title, or a sentence placing the country)"
            if not text.strip():
                reason = "no text in document"
            result.rejects.append(Reject(reason, report_year=page_year, excerpt=text[:200] or None))
        return result

    # Text before the first headline: page chrome, unless it reads like a narrative that lost
    # its headline (a known quirk of one 2005 band page); then it is a reject, not a silent drop.
    lead = text[: heads[0].start]
    if len(lead) > 400 and _looks_like_narrative(lead) and any(to_iso3(m.group("name")) for m in _SUBJECT.finditer(lead)):
        result.rejects.append(Reject("text before the first headline reads like a narrative without a headline",
                                     report_year=page_year, excerpt=lead.strip()[:300]))

    seen: dict[str, int] = {}
    for i, h in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else len(text)
        seg_end = _chrome_end(text, h.end, end)
        try:
            item = _narrative(text, h, h.start, seg_end, page_year, year_source, url, ex if len(heads) == 1 else None)
        except Exception as exc:  # one bad narrative never sinks its neighbours
            item = Reject(f"parser error: {type(exc).__name__}: {exc}", country=h.name, report_year=page_year,
                          excerpt=text[h.start:h.start + 200])
        if isinstance(item, Reject):
            result.rejects.append(item)
            continue
        if item.narrative_id in seen:
            result.rejects.append(Reject(f"second narrative for {item.country_iso3} {item.report_year} on the same page",
                                         country=item.country, report_year=item.report_year, excerpt=item.text[:200]))
            continue
        seen[item.narrative_id] = len(result.narratives)
        result.narratives.append(item)
    return result


_NOT_CTRL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def _is_binary(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    nul = head.count(b"\x00")
    if nul > 0:
        return True
    ctrl = len(head.translate(None, _NOT_CTRL))  # bytes < 9 or 13 < b < 32
    return ctrl / len(head) > 0.05


def _page_year(url, ex: Extracted, text: str, heads: list[Headline], hint: int | None) -> tuple[int | None, str]:
    y = year_from_url(url)
    if y:
        return y, "url"
    lead = text[: heads[0].end] if heads else text[:1500]
    if heads:  # a publisher's note on the line under the headline ("- Extracted from ... 2023 TIP Report")
        note = re.match(r"[ \t]*\n[ \t]*[-\u2013\u2014\[(]?[ \t]*Extracted\b[^\n]{0,200}", text[heads[0].end:])
        if note:
            lead += note.group(0)
        else:  # a republisher's introduction between the headline and the narrative's first sentence
            after = text[heads[0].end:heads[0].end + 800]
            first = _SUBJECT.search(after)
            if first is not None:
                lead += after[:first.start()]
    y = year_from_text(ex.title, lead, *ex.headings)
    if y:
        return y, "text"
    for printed in _URL_IN_TEXT.finditer(lead):  # the source's address printed above the narrative
        y = year_from_url(printed.group(0))
        if y:
            return y, "text"
    if ex.printed_year:
        return ex.printed_year, "text"
    y = year_from_ecoi(url, text)
    if y:
        return y, "publisher number"
    y = year_from_page_date(url, text)
    if y:
        return y, "page date"
    if hint:
        return hint, "hint"
    return None, "none"


def _looks_like_narrative(s: str) -> bool:
    return bool(re.search(r"minimum\s+standards", s, re.I)) and len(re.findall(r"traffick", s, re.I)) >= 2


_MORE_NARRATIVE = re.compile(
    r"^[ \t]*(?:Prosecution|PROSECUTION|Protection|PROTECTION|Prevention|PREVENTION|TRAFFICKING PROFILE|Recommendations for|"
    r"RECOMMENDATIONS FOR|PRIORITIZED RECOMMENDATIONS)\b|minimum\s+standards", re.M)


def _chrome_end(text: str, start: int, end: int) -> int:
    """Where a narrative's text stops: the first page-chrome line after which no narrative text follows
    (a running page header in the middle of a PDF dump is skipped, not taken for the end)."""
    pos = start
    while True:
        m = _CHROME_TAIL.search(text, pos, end)
        if not m:
            return end
        if not _MORE_NARRATIVE.search(text, m.end(), end):
            return m.start()
        pos = m.end()


def _narrative(text: str, h: Headline, start: int, end: int, year: int | None, year_source: str, url: str | None,
               ex: Extracted | None = None):
    """One headline's narrative. ``ex`` is given when the page holds only this narrative: then its title
    and address must name the same country as the headline (and the first sentence always must)."""
    iso3 = to_iso3(h.name)
    body = text[start:end].rstrip()
    if iso3 is None:
        return Reject(f"unknown country name in headline: {h.name!r}", country=h.name, report_year=year, excerpt=h.line)
    why = _disagreement([("headline", h.name, iso3), *_country_sources(ex, body[h.end - start:], url)])
    if why:
        return Reject(why, country=h.name, report_year=year, excerpt=h.line)
    if h.tier not in ("1", "2", "2WL", "3", "SPECIAL"):
        return Reject(f"impossible tier in headline: {h.line!r} (only Tier 2 has a Watch List)", country=h.name,
                      report_year=year, excerpt=h.line)
    if year is None:
        return Reject("report year unknown: not in the URL or the page, and no --year given", country=h.name,
                      excerpt=h.line)
    if len(body) - len(h.line) < MIN_NARRATIVE_CHARS:
        return Reject("headline with no narrative text after it", country=h.name, report_year=year, excerpt=body[:200])
    n = build_narrative(body, h.name, iso3, h.tier, h.line, h.marker, year, year_source, start, start + len(body), url,
                        body_start=h.end - start)
    why = _tier_conflict(n, body, h.end - start)
    if why:
        return Reject(why, country=h.name, report_year=year, excerpt=h.line)
    return n


_PLACEMENT_CUE = re.compile(r"\b(?:remained|remains|upgraded|downgraded|placed|moved)\b[^.]{0,60}?\bTier\b")


def _tier_conflict(n: Narrative, body: str, body_start: int) -> str | None:
    """Why the headline's placement cannot be trusted: its own text places the country elsewhere (a copy
    that misprinted the headline), or its verdict belongs to another tier. None when they agree."""
    if n.compliance and n.compliance not in COMPLIANCE_FOR_TIER[n.tier]:
        return (f"the headline says {_TIER_NAMES[n.tier]} but the verdict reads {n.compliance!r} "
                f"({(n.compliance_sentence or '')[:120]!r})")
    text = body[body_start:body_start + 6000]
    if "Tier" not in text:
        return None
    done = -1
    for cue in _PLACEMENT_CUE.finditer(text):  # the sentence around each placement word (no full sentence split)
        if cue.start() < done:
            continue
        start = max(text.rfind(". ", 0, cue.start()) + 2, text.rfind("\n", 0, cue.start()) + 1, 0)
        end = text.find(". ", cue.end())
        end = len(text) if end < 0 else end + 1
        done = end
        sent = text[start:end].strip()
        pm = _PLACEMENT_SENTENCE.search(sent)
        if pm and (pm.group("tier") or pm.group("tier3")) and to_iso3(pm.group("name") or pm.group("name3")) == n.country_iso3 \
                and not _PLACEMENT_CUE.search(sent, pm.end()):  # a later placement in the sentence is the one that counts
            said = normalise_tier(pm.group("tier") or pm.group("tier3"))
            if said != n.tier:
                return f"the headline says {_TIER_NAMES[n.tier]} but the text says {pm.group(0).strip()!r}"
    return None


_TIER_NAMES = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3", "SPECIAL": "Special Case"}


def build_narrative(body: str, name: str, iso3: str, tier: str, headline: str, marker: bool, year: int, year_source: str,
                    doc_start: int, doc_end: int, url: str | None, body_start: int) -> Narrative:
    sentences = []
    for s in split_sentences(body):
        if s.start >= body_start:
            sentences.append(s)
        elif s.end > body_start and body[body_start:s.end].strip():
            # the headline and the first sentence in one block ("BURMA: Tier 3 The Government of ..."):
            # the sentence starts where the headline ends
            lead = len(body[body_start:s.end]) - len(body[body_start:s.end].lstrip())
            sentences.append(Span(body_start + lead, s.end, body[body_start + lead:s.end]))
    compliance, csent = find_compliance(sentences)
    if tier == "SPECIAL":
        compliance = "special_case"
    move = find_movement(sentences)
    sections = split_sections(body, body_start, csent.start if csent else None, special_case=(tier == "SPECIAL"))
    profile_spans = [s for s in sections if s.name in ("profile", "scope_and_magnitude")]
    if profile_spans:
        prof_sents = [sp for sp in sentences if any(p.start <= sp.start < p.end for p in profile_spans)]
    else:
        # no profile section found: use the sentences before the compliance sentence
        prof_sents = [sp for sp in sentences if csent is None or sp.start < csent.start]
    roles = find_roles(prof_sents, iso3) or (find_roles(sentences, iso3) if not profile_spans else None)
    partners = find_partners(prof_sents, iso3)
    recs_at = [(s.start, s.end) for s in sections if s.name == "recommendations"]
    measure_sents = [sp for sp in sentences if not any(a <= sp.start < b for a, b in recs_at)] if recs_at else list(sentences)
    measures = extract_measures(measure_sents, year)
    agreements = find_agreements(measure_sents, iso3)
    recs = recommendations(body, sections)
    return Narrative(
        country=name, country_iso3=iso3, report_year=year, year_source=year_source, tier=tier, headline=headline,
        territory_marker=marker, compliance=compliance, compliance_sentence=csent.text if csent else None,
        tier_movement=move.movement, consecutive_years=move.consecutive_years, waiver=move.waiver, roles=roles,
        partners=partners, measures=measures, sections=sections, recommendations=recs, text=body, doc_start=doc_start,
        doc_end=doc_end, source_url=url, agreements=agreements,
    )


_TITLE_STRIP = re.compile(
    r"(?:\b(?:19|20)\d{2}\b|Trafficking\s+in\s+Persons\s+Report|U\.S\.\s+Department\s+of\s+State|Country\s+Narratives?|"
    r"Office\s+to\s+Monitor\s+and\s+Combat\s+Trafficking\s+in\s+Persons|United\s+States\s+Department\s+of\s+State|\bTIP\b|"
    r"Special\s+Case|Tier\s+\d(?:\s+Watch\s+List)?)",
    re.I,
)


# The country as the narrative's first sentences name it: "The Government of X does not ...",
# "X is a source ...", "X remains a Special Case ..."
_SUBJECT = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:The\s+)?(?:(?:Interim\s+|Transitional\s+)?Governments?\s+of\s+(?:the\s+)?)?"
    r"(?P<name>[A-Z][\w'\u2019.\u00c0-\u024f-]*(?:\s+(?:and|of|the|[A-Z][\w'\u2019.\u00c0-\u024f-]*)){0,5}?)"
    r"\s*(?:\([^)]{1,30}\)\s*)?(?:,\s*previously\s+known\s+as\s+[^,]{2,30},\s*)?"
    # ... followed by what only the narrative's own country is said to be or do: a role statement, the
    # verdict, a Special Case ("The United States does not recognize ..." above a 2024 verdict is not it)
    r"\s+(?i:(?:is|was|remains|has\s+become)\s+(?:(?:primarily|also|mainly|largely|increasingly|now|still)\s+)?"
    r"(?:an?\s+(?:\w+,?\s+){0,6}?(?:source|transit|destination|origin|country|territory|special\s+case)\b|"
    r"(?:not\s+)?(?:making|in\s+full\s+compliance))|"
    r"(?:does|did|do)\s+not\s+(?:yet\s+)?(?:fully\s+)?(?:meet|comply)|fully\s+(?:meets|complies)|(?:meets|complies)\s+(?:fully|with\s+the\s+minimum))",
    re.M)
# The placement stated by the summary's movement sentence when no headline is printed (2017-: "...;
# therefore X remained on Tier 2", "X was downgraded to Tier 2 Watch List", "X remains a Special Case").
# Only the sentence's own subject counts, so "Having been placed on Tier 2 Watch List ..., X is
# therefore placed on Tier 3" reads Tier 3.
_PLACE_NAME = r"[A-Z][\w'\u2019.\u00c0-\u024f-]*(?:\s+(?:and|of|the|d['\u2019]\s?[A-Z]\w+|[A-Z][\w'\u2019.\u00c0-\u024f-]*)){0,4}?"
_PLACEMENT_SENTENCE = re.compile(
    # where the subject starts: after "therefore" (and a "pursuant to ..." clause), a semicolon, or at
    # the sentence's start (after a press release's "This year")
    rf"(?:\b(?i:therefore),?\s+(?:(?i:pursuant\s+to)\s[^,;]{{0,120}},\s+)?|;\s*|"
    rf"^(?:(?i:this\s+year|according\s+to\s+the\s+(?:\w+\s+)?report|in\s+the\s+(?:(?:19|20)\d\d\s+)?report),?\s+)?)"
    rf"(?:the\s+)?(?P<name>{_PLACE_NAME})"
    r"(?:\s+is\s+deemed\s[^.;]{0,200}?\s+and)?"  # "X is deemed not to be making ... and is placed on Tier 3"
    r"\s+(?:(?:was|is|has\s+been)\s+(?:therefore\s+)?(?:upgraded\s+to|downgraded\s+to|placed\s+on|moved\s+to|"
    r"ranked(?:\s+(?:on|as|at))?(?:\s+an?)?)|"
    r"has\s+(?:been\s+)?moved\s+from\s+(?:the\s+)?Tier\s*[123](?:\s+Watch\s+List)?\s+to|remained\s+on|remains\s+on)\s+(?:the\s+)?"
    # ... the placement itself; "X was upgraded to Tier 2 in 2008" is history, not this report's placement
    r"(?P<tier>Tier\s*(?:[123]|One|Two|Three)(?:\s+Watch\s+List)?)\b(?!\s+(?:in|since|from)\s+(?:19|20)\d{2}|\s+last\s+year|\s+for\s+the\s+(?:past|previous|last)\b)|"
    rf"(?:^|(?<=[.!?]\s))(?P<name2>{_PLACE_NAME})\s+remains\s+a\s+(?P<tier2>(?i:special\s+case))\b|"
    # the automatic downgrade of 2013-2016: "Although X meets the criteria for Tier 2 Watch List, because it has been
    # on Tier 2 Watch List for four years it is no longer eligible for that ranking and is therefore ranked Tier 3"
    rf"^(?i:although)\s+(?:the\s+)?(?P<name3>{_PLACE_NAME})\s+meets\s+the\s+criteria\s+for\s+Tier\s*2\s+Watch\s+List,"
    r"[^.;]{0,200}?\bis\s+(?:therefore\s+)?(?:ranked|placed\s+on|downgraded\s+to)\s+(?P<tier3>Tier\s*3)\b", re.M)
# the tier a verdict implies when nothing else states it: only Tier 1 and Tier 3 have a verdict of
# their own (Tier 2 and its Watch List share "making significant efforts")
_TIER_OF_VERDICT = {"fully_meets": "1", "not_fully_not_significant": "3"}
# an address printed in the text ("http://www.state.gov/.../164233.htm" glued to the first sentence):
# not part of any sentence
_URL_IN_TEXT = re.compile(r"\b[Hh][Tt][Tt][Pp][Ss]?://[^\s]*?(?:\.(?:html?|pdf|aspx?|php)(?![a-z])|(?=\s)|$)")
# a line that is nothing but a country's name, just above the narrative ("Special Cases" / "THE BAHAMAS")
_NAME_LINE = re.compile(r"(?:^|\n)[ \t]*(?P<name>[^\n]{2,50}?)[ \t]*\n(?:[ \t]*\n)?[ \t]*$")


def _country_sources(ex: Extracted | None, body: str, url: str | None) -> list[tuple[str, str, str]]:
    """(where, name as printed, ISO3) for every known country the page names as its own: its title and
    headings and its address (``ex`` given: a page that holds one narrative), and the subject of the
    narrative's first sentences."""
    out: list[tuple[str, str, str]] = []
    for t in ([*ex.headings, ex.title or ""] if ex is not None else []):
        for part in re.split(r"\s+[-|:\u2013]\s+|\|", t):
            c = re.sub(r"\s+", " ", _TITLE_STRIP.sub(" ", part)).strip(" -:,|")
            if c and to_iso3(c):
                out.append(("title", c, to_iso3(c)))
                break
    if url and ex is not None:
        m = re.search(r"trafficking-in-persons-report(?:-\d)?[-/]([a-z-]+?)/?$", url.rstrip("/") + "/", re.I)
        slug = m.group(1) if m else url.rstrip("/").rsplit("/", 1)[-1]
        if slug and not re.search(r"\d", slug) and "." not in slug and to_iso3(slug.replace("-", " ")):
            out.append(("address", slug, to_iso3(slug.replace("-", " "))))
    for sent in split_sentences(_URL_IN_TEXT.sub("\n", body[:1500]))[:4]:
        m = _SUBJECT.match(sent.text.strip())
        if m and to_iso3(m.group("name")):
            out.append(("first sentence", m.group("name"), to_iso3(m.group("name"))))
            break
    return out


def _disagreement(sources: list[tuple[str, str, str]]) -> str | None:
    isos = {iso for _, _, iso in sources}
    if len(isos) > 1:
        return "the page names different countries: " + ", ".join(f"{w} {n!r} ({iso})" for w, n, iso in sources)
    return None


def _headless_narrative(ex: Extracted, text: str, url: str | None, year: int | None, year_source: str):
    """A page with no headline: the placement on a line of its own (2013-2016 country pages, copies
    whose title held the country), or else in the summary's movement sentence (copies of 2017- pages
    that dropped the headline). The country comes from the title, the address and the first sentence,
    which must agree."""
    m = find_tier_only(text)
    if m:
        tier, line, marker, body_at, body_start = normalise_tier(m.group("tier")), m.group(0).strip(), bool(m.group("m1")), m.start(), m.end() - m.start()
    else:
        # the narrative starts with the first paragraph about trafficking (what is above is page chrome)
        para = re.search(r"(?:^|\n)(?=[^\n]{150})([^\n]*?(?:\btraffick|minimum\s+standards))", text[:6000], re.I)
        if not para:
            return None
        lead_at = para.start(1)
        first = text[lead_at:lead_at + 2500]
        pm = None
        sentences = split_sentences(_URL_IN_TEXT.sub(lambda u: " " * len(u.group(0)), first))[:14]
        for sent in sentences:
            pm = _PLACEMENT_SENTENCE.search(sent.text)
            if pm:
                break
        if pm:
            tier = normalise_tier(pm.group("tier") or pm.group("tier2") or pm.group("tier3"))
            said = pm.group("name") or pm.group("name2") or pm.group("name3")
            line = pm.group(0).strip()
        else:  # no placement stated: a Tier 1 or Tier 3 verdict says it ("The Government of X ... is not making ...")
            verdict, sp = find_compliance(sentences)
            vm = None
            if verdict in _TIER_OF_VERDICT:  # its subject, also when the copy glued it to the sentence before ("...trafficking.The Government of X")
                vm = next((v for v in _SUBJECT.finditer(re.sub(r"(?<=[a-z])\.(?=[A-Z])", ". ", sp.text.strip()))
                           if to_iso3(v.group("name"))), None)
            if vm is None:
                return None
            tier, said, line = _TIER_OF_VERDICT[verdict], vm.group("name"), sp.text.strip()
        marker, body_at, body_start = False, lead_at, 0
    body = text[body_at:].rstrip()
    end = _chrome_end(body, body_start, len(body))
    body = body[:end].rstrip()
    sources = _country_sources(ex, body[body_start:], url)
    above = _NAME_LINE.search(text[max(0, body_at - 120):body_at])
    if above and to_iso3(above.group("name")) and not find_tier_only(above.group(0)):
        sources.append(("line above", above.group("name").strip(), to_iso3(above.group("name"))))
    if not m:
        iso_said = to_iso3(said)
        if iso_said is None:
            return Reject(f"placement stated without a headline, for a name that is no known country ({said!r})",
                          country=said, report_year=year, excerpt=line[:200])
        sources.append(("placement sentence", said, iso_said))
    if not sources:
        shown = next((c for c in [*ex.headings, ex.title or ""] if c), None)
        return Reject(f"tier printed without a country, and the page title / URL names no known country ({shown!r})",
                      country=shown, report_year=year, excerpt=text[:200])
    why = _disagreement(sources)
    if why:
        return Reject(why, country=sources[0][1], report_year=year, excerpt=text[:200])
    name, iso3 = sources[0][1], sources[0][2]
    if year is None:
        return Reject("report year unknown: not in the URL or the page, and no --year given", country=name)
    if len(body) < MIN_NARRATIVE_CHARS:
        return Reject("tier line with no narrative text after it", country=name, report_year=year)
    n = build_narrative(body, name, iso3, tier, line, marker, year, year_source,
                        body_at, body_at + len(body), url, body_start=body_start)
    why = _tier_conflict(n, body, body_start)
    if why:
        return Reject(why.replace("the headline says", "the placement line says" if m else "the placement sentence says"),
                      country=name, report_year=year, excerpt=line[:200])
    return n
