"""Where each report year's narratives live, and how to find them.

The State Department has moved the reports between hosts and layouts (anchors_tip.md, B9):

=========  =======================================================  ==============================
years      index page                                               narrative pages
=========  =======================================================  ==============================
2001-2008  https://2001-2009.state.gov/g/tip/rls/tiprpt/{Y}/index.htm   .../tiprpt/{Y}/{id}.htm, one page
                                                                    per tier (2001), region (2004)
                                                                    or alphabetical band (2005-)
2009-2012  https://2009-2017.state.gov/j/tip/rls/tiprpt/{Y}/index.htm   .../tiprpt/{Y}/{id}.htm (bands)
2013-2016  https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/{Y}/index.htm
                                                                    .../countries/{Y}/{id}.htm, one per country
2017-2020  https://2017-2021.state.gov/reports/{Y}-trafficking-in-persons-report/
                                                                    .../{Y}-trafficking-in-persons-report/{slug}/
2021-      https://www.state.gov/reports/{Y}-trafficking-in-persons-report/  (same)
=========  =======================================================  ==============================

Page ids cannot be computed: they are discovered from each year's index page. Other hosts keep
copies of the same paths (www.state.gov for the old ones too); they are tried in turn when the
first answers 404. ``--mirror URL`` rewrites ``https://HOST/PATH`` to ``URL/HOST/PATH`` (the
layout ``wget --mirror`` produces), so a local copy or a test server stands in for the sites.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tip.core.countries import to_iso3
from tip.core.errors import UserError

FIRST_YEAR = 2001
STATE_HOSTS = frozenset({"www.state.gov", "state.gov", "2001-2009.state.gov", "2009-2017.state.gov",
                         "2017-2021.state.gov", "2021-2025.state.gov"})


def current_year() -> int:
    return dt.date.today().year


def parse_years(spec: str | None, latest: int | None = None) -> list[int]:
    """'2019-2024', '2004', '2001,2005-2007' -> sorted list. Years must be 2001..latest."""
    last = latest or current_year()
    if not spec:
        return list(range(FIRST_YEAR, last + 1))
    years: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})\s*(?:-|\.\.|to)\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > b:
                raise UserError(f"--years {spec!r}: range {part!r} runs backwards")
            years.update(range(a, b + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.add(int(part))
        elif part == "latest":
            years.add(last)
        else:
            raise UserError(f"--years {spec!r}: {part!r} is not a year or a range like 2019-2024")
    bad = sorted(y for y in years if y < FIRST_YEAR or y > last)
    if bad:
        raise UserError(f"--years {spec!r}: {bad[0]} is outside the reports' years {FIRST_YEAR}-{last}")
    return sorted(years)


def era(year: int) -> str:
    if year <= 2012:
        return "band"
    if year <= 2016:
        return "country-numeric"
    return "country-slug"


def index_urls(year: int) -> list[str]:
    """Candidate index pages for a report year, best first."""
    if year <= 2008:
        return [f"https://2001-2009.state.gov/g/tip/rls/tiprpt/{year}/index.htm",
                f"https://2009-2017.state.gov/j/tip/rls/tiprpt/{year}/index.htm",
                f"https://www.state.gov/j/tip/rls/tiprpt/{year}/index.htm"]
    if year <= 2012:
        return [f"https://2009-2017.state.gov/j/tip/rls/tiprpt/{year}/index.htm",
                f"https://www.state.gov/j/tip/rls/tiprpt/{year}/index.htm"]
    if year <= 2016:
        return [f"https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/{year}/index.htm",
                f"https://www.state.gov/j/tip/rls/tiprpt/countries/{year}/index.htm"]
    path = f"/reports/{year}-trafficking-in-persons-report/"
    hosts = ["www.state.gov"]
    if year <= 2020:
        hosts = ["2017-2021.state.gov", "www.state.gov"]
    elif year <= 2024:
        hosts = ["www.state.gov", "2021-2025.state.gov"]
    return [f"https://{h}{path}" for h in hosts]


# Link texts that name narrative pages on the band-era index pages.
_BAND_LINK = re.compile(
    r"country\s+narratives|countries\s+[a-z]\s*(?:-|through|to|–)\s*[a-z]\b|\btier\s*(?:[123]|one|two|three)\b|"
    r"special\s+cases?|\b(?:africa|east\s+asia|europe|eurasia|near\s+east|south\s+(?:and\s+central\s+)?asia|"
    r"western\s+hemisphere)\b",
    re.I,
)
_HREF = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Link:
    url: str
    text: str


def links(html: str, base: str) -> list[Link]:
    """Anchor links of an index page (absolute URLs, text without tags)."""
    out: list[Link] = []
    for m in _HREF.finditer(html):
        href = (m.group(1) or m.group(2) or m.group(3) or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        text = re.sub(r"\s+", " ", _TAGS.sub(" ", m.group(4))).strip()
        import html as _html

        out.append(Link(urljoin(base, _html.unescape(href)).split("#")[0], _html.unescape(text)))
    return out


def _path_patterns(year: int) -> re.Pattern[str]:
    if year <= 2012:
        return re.compile(rf"^/[gj]/tip/rls/tiprpt/{year}/\d+\.htm$")
    if year <= 2016:
        return re.compile(rf"^/j/tip/rls/tiprpt/countries/{year}/\d+\.htm$")
    return re.compile(rf"^/reports/{year}-trafficking-in-persons-report(?:-2)?/(?P<slug>[a-z0-9-]+)/?$")


@dataclass(frozen=True)
class NarrativePage:
    url: str            # canonical https://HOST/PATH
    year: int
    label: str          # link text
    iso3: str | None    # when the page is one country's


def discover(year: int, index_url: str, html: str, countries: set[str] | None = None,
             mirror: str | None = None) -> list[NarrativePage]:
    """Narrative pages linked from a year's index page (canonical URLs, de-duplicated).

    Only links to the State Department's own hosts count: an index page never sends the
    fetcher to another host.
    """
    pat = _path_patterns(year)
    pages: dict[str, NarrativePage] = {}
    by_country: dict[str, NarrativePage] = {}
    for ln in links(html, index_url):
        parts = urlsplit(unmirror_url(ln.url, mirror))
        host = parts.netloc.lower()
        if parts.scheme not in ("http", "https") or host not in STATE_HOSTS:
            continue
        m = pat.match(parts.path)
        if not m:
            continue
        canonical = f"https://{host}{parts.path}"
        if canonical.rstrip("/") == index_url.rstrip("/"):
            continue
        iso3 = None
        if year <= 2012:
            if not _BAND_LINK.search(ln.text):
                continue
        else:
            iso3 = to_iso3(ln.text)
            if iso3 is None and "slug" in m.groupdict() and m.group("slug"):
                iso3 = to_iso3(m.group("slug").replace("-", " "))
            if iso3 is None:
                continue
            if countries and iso3 not in countries:
                continue
            prev = by_country.get(iso3)
            # the 2019 duplicate tree (-2/) only when the main tree lacks the country
            if prev is not None:
                if "-report-2/" in prev.url and "-report-2/" not in canonical:
                    pages.pop(prev.url, None)
                else:
                    continue
        if not canonical.endswith((".htm", ".html")) and not canonical.endswith("/"):
            canonical += "/"
        page = NarrativePage(canonical, year, ln.text, iso3)
        pages[canonical] = page
        if iso3:
            by_country[iso3] = page
    return sorted(pages.values(), key=lambda p: p.url)


def mirror_url(url: str, mirror: str | None) -> str:
    """https://HOST/PATH -> MIRROR/HOST/PATH (wget --mirror layout)."""
    if not mirror:
        return url
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    q = f"?{parts.query}" if parts.query else ""
    return f"{mirror.rstrip('/')}/{parts.netloc}{path}{q}"


def unmirror_url(url: str, mirror: str | None) -> str:
    """Inverse of mirror_url for links found on mirrored pages."""
    if not mirror or not url.startswith(mirror.rstrip("/") + "/"):
        return url
    rest = url[len(mirror.rstrip("/")) + 1:]
    host, _, path = rest.partition("/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return f"https://{host}/{path}"


def validate_mirror(mirror: str | None) -> str | None:
    if not mirror:
        return None
    parts = urlsplit(mirror)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"--mirror {mirror!r}: expected a URL like http://127.0.0.1:8000")
    return mirror.rstrip("/")


# ------------------------------------------------------------------------------------------------
def dir_files(path: Path) -> list[Path]:
    """Narrative files of a dir: source (.txt, .html, .htm), sorted, hidden files skipped."""
    if not path.exists():
        raise UserError(f"--source dir:{path}: no such folder")
    if not path.is_dir():
        raise UserError(f"--source dir:{path}: not a folder")
    files = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm", ".xhtml")
             and not any(part.startswith(".") for part in p.relative_to(path).parts)]
    return sorted(files)


def parse_source(spec: str | None) -> tuple[str, Path | None]:
    if not spec or spec == "statedept":
        return "statedept", None
    if spec.startswith("dir:"):
        p = Path(spec[4:]).expanduser()
        if not spec[4:]:
            raise UserError("--source dir:PATH needs a folder path after 'dir:'")
        return "dir", p.resolve()
    raise UserError(f"--source {spec!r}: expected 'statedept' or 'dir:PATH'")
