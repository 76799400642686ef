"""The report year a page declares, from the most to the least direct evidence (tip.parse._page_year
asks them in this order and stops at the first answer):

    url               the address ("/tiprpt/2009/", "2019-trafficking-in-persons-report", "tip-2019"),
                      Refworld's posting time in its document ids (2008-)
    text              the report's title on the page ("2016 Trafficking in Persons (TIP) report",
                      "(TIP 2023)", a release date under the title), a state.gov address printed above
                      the narrative, a PDF copy's running header or tier chart (tip.parse.text)
    publisher number  the batch of document numbers ecoi.net posted that report's narratives in
    page date         a dated page (blog address, date line) whose narrative's latest events fall in
                      the date's year
    hint              --year

None of them guesses between two years: a page that leaves two open is a reject ("report year
unknown"). How to add a source: a pattern in ``_URL_YEAR`` or ``_TEXT_YEAR`` when the page prints
the year in a new place; a new kind of evidence is a function here, asked by ``_page_year``.
"""
from __future__ import annotations

import re

from tip.parse.numbers import MONTHS as _MONTHS

_URL_YEAR = [
    re.compile(r"/tiprpt/(?:countries/)?((?:19|20)\d{2})/"),
    re.compile(r"\b((?:19|20)\d{2})-trafficking-in-persons-(?:tip-)?report", re.I),
    re.compile(r"trafficking-(?:in-)?persons-report-((?:19|20)\d{2})(?!\d)", re.I),
    re.compile(r"/annualreport/usdos/((?:19|20)\d{2})/"),  # Refworld's current addresses
    # a republisher's slug naming the report and its year ("nigeria-tier-2-tip-2019", "tip-report-2018-")
    re.compile(r"[/_-]tip(?:[-_]?report)?[-_]?((?:19|20)\d{2})(?=[/_.-]|$)", re.I),
    re.compile(r"[/_-]((?:19|20)\d{2})[-_]tip(?=[/_.-]|$)", re.I),
]
# Refworld's older addresses carry a document id whose first eight hex digits are the time it was
# posted (".../docid/4a4214c937.html", "...,USDOS,,MMR,,4a4214c937,0.html"). Reports come out in
# June or July and Refworld posts them within weeks, so a document posted June-December of a year
# is that year's report; one posted January-May is not dated (it could be a late copy). Refworld
# added the 2001-2006 reports all at once in June 2007, so an id from before 2008 dates nothing.
_REFWORLD_ID = re.compile(r"refworld[^\s]*?(?:/docid/|,)([0-9a-f]{8})[0-9a-f]{1,4}(?:\.html|,0\.html)", re.I)
_TEXT_YEAR = [
    re.compile(r"\b((?:19|20)\d{2})\s+(?:Trafficking\s+in\s+Persons(?:\s*\(TIP\))?|TIP)\s+Report\b", re.I),
    re.compile(r"\((?:TIP|Trafficking\s+in\s+Persons)(?:\s+Report)?\s*((?:19|20)\d{2})\)", re.I),  # "(TIP 2023)", "(TIP2018)"
    re.compile(
        rf"\bTrafficking\s+in\s+Persons\s+Report\s*[,:-]?\s*(?:{_MONTHS},?\s+(?:\d{{1,2}},?\s+)?)?((?:19|20)\d{{2}})\b",
        re.I,
    ),
]


# ecoi.net posts a report's country narratives within days of its release, as one batch of consecutive
# document numbers ("https://www.ecoi.net/en/document/2111584.html", printed on the page as "Document
# #2111584"). The batches below are the lowest and highest numbers of labelled ecoi.net copies that print
# their report year (tests/fixtures/real); a number within _ECOI_MARGIN of a batch dates the copy. Numbers
# before 2019 are not in date order (older documents were renumbered), so they date nothing; nor does a
# year with no batch here (add its batch when a copy of it that prints its year is labelled).
_ECOI_BATCHES = {2019: (2010742, 2010925), 2020: (2036202, 2036390), 2021: (2055122, 2055308),
                 2022: (2077589, 2077853), 2024: (2111579, 2111783), 2025: (2130515, 2130654)}
_ECOI_MARGIN = 150
_ECOI_URL = re.compile(r"ecoi\.net/(?:[a-z]{2}/)?(?:document|dokument)/(\d{6,8})(?:\.html)?", re.I)
_ECOI_TEXT = re.compile(r"^[ \t]*Document\s+#(\d{6,8})\b", re.M)


def year_from_ecoi_number(number: int) -> int | None:
    for y, (lo, hi) in _ECOI_BATCHES.items():
        if lo - _ECOI_MARGIN <= number <= hi + _ECOI_MARGIN:
            return y
    return None


def year_from_ecoi(url: str | None, text: str) -> int | None:
    """The batch an ecoi.net copy's document number falls in: from its address, or, saved without it, from
    the number printed under its title. Only asked when the page states no year itself."""
    m = _ECOI_URL.search(url or "")
    if m:
        return year_from_ecoi_number(int(m.group(1)))
    m = _ECOI_TEXT.search(text[:600])
    if m and re.search(r"US\s+Department\s+of\s+State|USDOS", text[m.end():m.end() + 300]):
        return year_from_ecoi_number(int(m.group(1)))
    return None


def year_from_url(url: str | None) -> int | None:
    if not url:
        return None
    for rx in _URL_YEAR:
        m = rx.search(url)
        if m:
            return int(m.group(1))

    m = _REFWORLD_ID.search(url)
    if m:
        import datetime as _dt

        posted = _dt.datetime.fromtimestamp(int(m.group(1), 16), _dt.timezone.utc)
        if 2008 <= posted.year <= 2100 and posted.month >= 6:
            return posted.year
    return None


# "Trafficking in Persons Report" as a page's title with its release date a few lines below
# ("Office to Monitor and Combat Trafficking in Persons" / "June 5, 2002")
_RELEASE_DATE = re.compile(
    rf"Trafficking\s+in\s+Persons\s+Report\s+(?:[^\n]{{0,80}}?\s)??(?:Released\s+)?{_MONTHS}\s+(?:\d{{1,2}},\s+)?((?:19|20)\d{{2}})\b",
    re.I)


def year_from_text(*texts: str | None) -> int | None:
    for t in texts:
        if not t:
            continue
        for rx in (*_TEXT_YEAR, _RELEASE_DATE):
            m = rx.search(t)
            if m:
                y = int(m.group(1))
                if 2001 <= y <= 2100:
                    return y
    return None


# A page that is dated (a blog post's address "/2012/06/", a date line "JULY 4, 2011" at its top) and
# whose narrative reports events up to that same year: no report comes out before June, and a
# narrative reports events up to its own report year (the reporting period ends in March or April),
# so the report year lies between the latest event year and the page's date; when the two are the
# same year, that is the report year. Anything looser stays unknown.
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])(?:/|$|\?)")
_MONTH_NUM = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DATE_LINE = re.compile(
    r"^[ \t\-*]*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)(?P<year>(?:19|20)\d{2})[ \t]*$", re.I | re.M)
_EVENT_YEAR = re.compile(
    rf"(?:\b(?:in|during|into|throughout|since|as\s+of)\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTHS}\s+(?:\d{{1,2}},?\s+)?)?|"
    rf"\b(?:to|through)\s+{_MONTHS}\s+(?:\d{{1,2}},?\s+)?)"  # "from January to March 2012", never "a plan to 2020"
    rf"((?:19|20)\d{{2}})\b(?!\s*[-\u2013/]\s*\d)")
# what makes a year in the text a plan rather than an event ("elections planned for 2026", "will open in 2016")
_FUTURE = re.compile(r"\b(?:plan\w*|will|would|shall|scheduled|expect\w*|aim\w*|intend\w*|target\w*|until|by|"
                     r"upcoming|next|forthcoming|propos\w*)\b[^.;]{0,60}$", re.I)


def year_from_page_date(url: str | None, text: str) -> int | None:
    """The report year of a dated page whose narrative's latest events fall in its date's year."""
    dated: list[tuple[int, int]] = []
    m = _URL_DATE.search(url or "")
    if m:
        dated.append((int(m.group(1)), int(m.group(2))))
    m = _DATE_LINE.search(text[:400])
    if m:
        dated.append((int(m.group("year")), _MONTH_NUM[m.group("month").lower()[:3]]))
    if not dated:
        return None
    latest_possible = min(y if month >= 6 else y - 1 for y, month in dated)  # no report before June
    events = [int(e.group(1)) for e in _EVENT_YEAR.finditer(text[:6000])
              if not _FUTURE.search(text, max(0, e.start() - 60), e.start())]
    if events and max(events) == latest_possible:
        return latest_possible
    return None

