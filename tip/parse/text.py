"""Bytes -> clean text, keeping paragraph and bullet boundaries.

HTML goes through selectolax (lexbor): an HTML parser, not tag stripping. Block elements become
paragraphs, <br> a line break, <li> a bullet line, and site chrome (scripts, styles, navigation,
headers, footers, forms, figures and captions) is dropped. Plain text has its hard line wraps
(PDF-derived copies) joined back into paragraphs. Both come out with curly quotes, dashes,
non-breaking spaces and soft hyphens normalised, so offsets in the result are stable.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

BULLET = "\u2022"

_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "table", "tr", "thead", "tbody",
    "tfoot", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center",
    "body", "html", "address", "details", "summary", "caption", "fieldset", "li", "td", "th",
}
_DROP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "form", "aside", "figure",
    "figcaption", "iframe", "svg", "button", "select", "textarea", "template", "object", "head",
    "input", "img", "map", "video", "audio", "canvas", "menu",
}
# class/id fragments that mark chrome on state.gov and its mirrors
_DROP_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|banner|site-header|site-footer|footer|header|"
    r"caption|photo|share|social|skip|sidebar|related|cookie|search|toolbar|print)(?:$|[\s_-])",
    re.I,
)

_TRANSLATE = {
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x2033: '"',
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: " - ", 0x2015: " - ", 0x2212: "-",
    0x00A0: " ", 0x2007: " ", 0x2009: " ", 0x200A: " ", 0x202F: " ", 0x2002: " ", 0x2003: " ",
    0x00AD: None, 0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None,
    0x2023: BULLET, 0x25CF: BULLET, 0x25AA: BULLET, 0x00B7: BULLET, 0x25E6: BULLET,
    0x2026: "...",
}


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass
class Extracted:
    """Clean text of one document plus what the page itself says about it."""

    text: str
    title: str | None = None
    headings: list[str] = field(default_factory=list)  # h1/h2 texts, page-title candidates
    is_html: bool = False
    # the report year a PDF copy prints outside the narrative's text: its running page header
    # ("TRAFFICKING IN PERSONS REPORT 2015") or the last year of a country's "TIER RANKING BY YEAR" chart
    printed_year: int | None = None


def decode(data: bytes, content_type: str | None = None) -> str:
    """Decode bytes by BOM, declared charset, then UTF-8, then cp1252 (never fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    charset = None
    if content_type:
        m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
        if m:
            charset = m.group(1)
    if not charset:
        m = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.I)
        if m:
            charset = m.group(1).decode("ascii", "ignore")
    # Bytes that decode cleanly as UTF-8 and hold multibyte characters are UTF-8 whatever the label
    # says: servers and mirrors often label UTF-8 pages Latin-1, which would garble "Curaçao".
    if not data.isascii() and re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset:
        try:
            text = data.decode(charset)
            return text
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# letters styled with Unicode's mathematical alphabets or full-width forms ("𝗣𝗛𝗜𝗟𝗜𝗣𝗣𝗜𝗡𝗘𝗦 𝗧𝗶𝗲𝗿 𝟭", a social-media
# habit some republishers keep): read as the plain letters they stand for
_STYLED = re.compile("[\U0001D400-\U0001D7FF\uFF01-\uFF5E]")


def normalise_chars(s: str) -> str:
    if not s.isascii():  # every character _TRANSLATE maps is outside ASCII
        s = unicodedata.normalize("NFC", s)
        if _STYLED.search(s):
            s = _STYLED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), s)
        # str.translate with this table costs a dict lookup per character: replace only the mapped
        # characters present (no replacement holds a mapped character, so the order does not matter)
        for ch in set(_NON_ASCII.findall(s)):
            rep = _TRANSLATE.get(ord(ch), ch)
            if rep != ch:
                s = s.replace(ch, rep or "")
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return s


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return bool(re.search(r"<(!doctype html|html|body|head|p|div|table|h[1-6]|br)\b", head))


def html_to_text(html: str) -> Extracted:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = None
    t = tree.css_first("title")
    if t is not None:
        title = _squash(t.text())
    headings = [_squash(h.text()) for h in tree.css("h1, h2")][:6]
    root = tree.body or tree.root
    out: list[str] = []
    if root is not None:
        _walk(root, out)
    text = "".join(out)
    return Extracted(text=_tidy(normalise_chars(text)), title=normalise_chars(title) if title else None,
                     headings=[normalise_chars(h) for h in headings if h], is_html=True)


def _squash(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")


def _walk(root, out: list[str]) -> None:
    # Explicit stack: hostile pages nest deeper than Python's recursion limit.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in _BLOCK_TAGS and tag != "li":
                out.append("\n\n" if tag not in ("td", "th", "dt", "dd") else "\n")
            continue
        if tag == "-text":
            s = node.text_content or ""
            if "  " in s or not s.isprintable():  # else no run of blanks but single spaces: nothing to change
                s = _WS_RUN.sub(" ", s)
            out.append(s)
            continue
        if tag in ("-comment", "!doctype") or tag in _DROP_TAGS:
            continue
        if tag == "br":
            out.append("\n")
            continue
        attrs = node.attributes or {}
        cls = " ".join(filter(None, [attrs.get("class") or "", attrs.get("id") or "", attrs.get("role") or ""]))
        if cls and _DROP_CLASS.search(cls):
            continue
        if attrs.get("aria-hidden") == "true" or "display:none" in (attrs.get("style") or "").replace(" ", ""):
            continue
        if tag in _BLOCK_TAGS:
            out.append("\n\n" if tag not in ("td", "th", "dt", "dd", "li") else "\n")
        if tag == "li":
            out.append(BULLET + " ")
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        for c in reversed(children):
            stack.append((c, False))


def _tidy(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    while "  " in text:  # each pass halves every run of spaces (what a regex sub of " {2,}" does at once, slower)
        text = text.replace("  ", " ")
    lines = [ln.strip() for ln in text.split("\n")]  # space runs never cross a line
    out: list[str] = []
    blank = False
    for ln in lines:
        if not ln:
            blank = True
            continue
        if out and blank:
            out.append("")
        out.append(ln)
        blank = False
    return "\n".join(out).strip() + "\n"


_HEADING_LIKE = re.compile(
    r"^(?:(?-i:[A-Z0-9 .,'&()*\u2020:-]{3,})|.{1,80}\((?:tier|special|not\s+rated)[^)]*\)\s*[*\u2020\u2021\u00a7]*|"
    r".{1,80}:\s*(?:tier\s*\d[\w ]*|special\s+case)\s*[*\u2020\u2021\u00a7]*|"
    r"\(?(?:tier\s*\d(?:\s*-?\s*watch\s*list)?|special\s+case|not\s+rated)\)?\s*[*\u2020\u2021\u00a7]*|"  # a placement alone
    r"(?:(?:19|20)\d{2}\s+)?trafficking\s+in\s+persons\s+report(?:\s+(?:19|20)\d{2})?|"  # the report's title
    r"office\s+to\s+monitor\s+and\s+combat\s+trafficking\s+in\s+persons|"
    r"(?:prosecution|protection|prevention|recommendations?\s+for\s+[^:]{2,80}:|prioritized recommendations:?|"
    r"trafficking profile|scope and magnitude:?|government efforts\.?)\s*:?)$",
    re.I,
)
_CHART_DEBRIS = re.compile(
    r"^\s*(?:[A-Z][A-Z ,.'()&:-]*\s)?TIER RANKING BY YEAR\s*$|^\s*TRAFFICKING IN PERSONS REPORT(?:\s+(?:19|20)\d{2})?\s*$|^\s*(?:(?:1|2|2WL|3|(?:19|20)\d{2})\s+){2,}(?:1|2|2WL|3|(?:19|20)\d{2})?\s*$|"
    r"^\s*(?:\d{1,4}|2WL)\s*$"  # a lone chart label or a page number
)
_SENT_END = re.compile(r"[.!?:;\"')\]]$")


def plain_to_text(raw: str) -> str:
    """Normalise a plain-text narrative: join hard-wrapped lines back into paragraphs.

    A line break is kept when the next line is blank, a bullet, or a heading-like line, or when
    the current line is itself heading-like; otherwise a wrapped line is joined with a space
    (or without one after a hyphenated word break).
    """
    text = normalise_chars(raw)
    # PDF dumps (2009-) carry a "TIER RANKING BY YEAR" chart per country: drop its title and debris
    lines = [ln.rstrip() for ln in text.split("\n")
             if not _CHART_DEBRIS.match(ln)]
    out: list[str] = []
    for ln in lines:
        s = ln.strip()
        if not out or not s or not out[-1]:
            out.append(s)
            continue
        prev = out[-1]
        if (
            s.startswith((BULLET, "-", "*"))
            or _HEADING_LIKE.match(s)
            or _HEADING_LIKE.match(prev)
            or prev.startswith(BULLET) and _SENT_END.search(prev)
            or len(prev) < 40 and _SENT_END.search(prev)
        ):
            out.append(s)
            continue
        if re.search(r"[a-z]-$", prev) and s[:1].islower():
            out[-1] = prev[:-1] + s
        else:
            out[-1] = prev + " " + s
    return _tidy("\n".join(out))


_RUNNING_HEADER = re.compile(r"^[ \t]*TRAFFICKING IN PERSONS REPORT[ \t]+((?:19|20)\d{2})[ \t]*$", re.M)
_CHART_YEARS = re.compile(r"(?:(?:19|20) ?\d ?\d\s+){3,}(?:19|20) ?\d ?\d\b")


def printed_report_year(raw: str) -> int | None:
    """The year of a PDF copy's running header, or the last year of its tier-ranking chart (the chart
    runs up to the report's own year); None when neither is printed or they disagree."""
    years: set[int] = set()
    if "TRAFFICKING IN PERSONS REPORT" in raw:
        years.update(int(m.group(1)) for m in _RUNNING_HEADER.finditer(raw))
    at = raw.find("RANKING BY YEAR")
    if at >= 0:
        m = _CHART_YEARS.search(raw, at, at + 1500)
        if m:
            run = [int(y.replace(" ", "")) for y in re.findall(r"(?:19|20) ?\d ?\d", m.group(0))]
            if all(b == a + 1 for a, b in zip(run, run[1:])):
                years.add(run[-1])
    return years.pop() if len(years) == 1 else None


def extract(data: bytes | str, content_type: str | None = None, filename: str | None = None) -> Extracted:
    """Clean text of a document given as bytes (from the raw store or a file) or str."""
    raw = decode(data, content_type) if isinstance(data, (bytes, bytearray)) else data
    is_html = (
        (content_type and "html" in content_type.lower())
        or (filename and filename.lower().endswith((".html", ".htm", ".xhtml")))
        or looks_like_html(raw)
    )
    if is_html:
        return html_to_text(raw)
    return Extracted(text=plain_to_text(raw), is_html=False, printed_year=printed_report_year(raw))
