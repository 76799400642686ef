"""`tip site` without a browser: what it writes, its sizes, nothing fetched from the network,
the build page with and without marts.year_coverage, the inputs it refuses."""
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli
from tests.support.site_fixtures import db, site  # noqa: F401 (pytest fixtures)
from tip.analyst.site import build

FIRST_PAGE_LIMIT = 1_000_000
SITE_LIMIT = 50_000_000
FIRST_PAGE = ("index.html", "assets/site.css", "assets/site.js", "data/years.js")


class Refs(HTMLParser):
    """Every resource a page would load (script/img/iframe src, stylesheet and other link hrefs), and tag nesting."""

    VOID = {"meta", "br", "img", "hr", "link", "input", "line", "circle", "polyline", "path", "source"}

    def __init__(self):
        super().__init__()
        self.loads, self.stack, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "data", "poster", "srcset"):
            if a.get(key):
                self.loads.append((tag, a[key]))
        if tag == "link" and a.get("href"):
            self.loads.append((tag, a["href"]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, list(self.stack[-3:])))
            return
        self.stack.pop()


def test_pages_and_sizes(site, db):
    with duckdb.connect(str(db), read_only=True) as con:
        isos = {r[0] for r in con.execute("SELECT country_iso3 FROM marts.countries WHERE in_panel").fetchall()}
        years = [r[0] for r in con.execute("SELECT report_year FROM marts.global_year ORDER BY 1").fetchall()]
    assert {p.stem for p in (site / "countries").glob("*.html")} == isos | {"index"}
    for name in ("index.html", "tiers.html", "search.html", "build.html", "countries/index.html", "data/search.js"):
        assert (site / name).is_file(), name
    assert {p.name for p in (site / "data").glob("text-*.js")} == {f"text-{y}.js" for y in years}
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    first = sum((site / p).stat().st_size for p in FIRST_PAGE)
    print(f"\nsite {total / 1e6:.2f} MB, first page {first / 1e6:.3f} MB")
    assert first <= FIRST_PAGE_LIMIT and total <= SITE_LIMIT
    # the map: every country shape of the package, tagged with its ISO alpha-2 code
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count('<g class="c" data-iso2=') > 150


def test_nothing_is_fetched_from_the_network(site):
    """No page loads anything from another host: every script, style, shape and data file ships with the site."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        p = Refs()
        p.feed(text)
        assert p.errors == [] and p.stack == [], page
        external = [(t, u) for t, u in p.loads if re.match(r"^(https?:)?//", u)]
        assert external == [], (page, external)
        for tag, url in p.loads:       # and every local reference exists
            assert (page.parent / url.split("#")[0]).resolve().is_file(), (page, url)
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    for asset in list(site.glob("assets/*")) + list(site.glob("data/*.js")):
        text = asset.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")  # a namespace, not a load
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import|fetch\(|XMLHttpRequest|https?://", text), asset


def test_country_page_holds_figures_evidence_flows_recommendations(site, db):
    with duckdb.connect(str(db), read_only=True) as con:
        iso, year, evidence = con.execute(
            "SELECT country_iso3, report_year, evidence FROM marts.measures WHERE len(country_year_columns) > 0 "
            "ORDER BY measure_id LIMIT 1").fetchone()
        recs = [r[0] for r in con.execute("SELECT recommendation FROM marts.recommendations WHERE country_iso3 = ? "
                                          "AND report_year = ? ORDER BY position", [iso, year]).fetchall()]
        flow = con.execute("SELECT evidence FROM marts.flows WHERE reported_by_iso3 = ? AND report_year = ? LIMIT 1",
                           [iso, year]).fetchone()
        url = con.execute("SELECT source_url FROM marts.country_year WHERE country_iso3 = ? AND report_year = ?",
                          [iso, year]).fetchone()[0]
    import html

    text = html.unescape((site / "countries" / f"{iso}.html").read_text(encoding="utf-8"))
    assert f'id="y{year}"' in text and evidence in text and f'href="{url}"' in text
    assert all(r in text for r in recs)
    if flow:
        assert flow[0] in text
    # the strip runs 2001 to the latest year, each year with its label
    assert text.count('<li class="t') == 2023 - 2001 + 1


def test_build_page_with_and_without_year_coverage(site, db, tmp_path):
    text = (site / "build.html").read_text(encoding="utf-8")
    assert "Validation</dt><dd id=\"verdict\">passed" in text
    copy = tmp_path / "tip.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'marts' "
                           "AND table_name = 'year_coverage'").fetchall()
        if kind:
            con.execute(f"DROP {'VIEW' if kind[0][0] == 'VIEW' else 'TABLE'} marts.year_coverage")
    text = (build(copy, tmp_path / "without").out / "build.html").read_text(encoding="utf-8")
    assert "no <code>marts.year_coverage</code> table" in text
    with duckdb.connect(str(copy)) as con:
        con.execute("CREATE TABLE marts.year_coverage AS SELECT report_year, n_countries AS narratives, "
                    "188 AS expected FROM marts.global_year")
    text = (build(copy, tmp_path / "with").out / "build.html").read_text(encoding="utf-8")
    assert "<th scope=\"col\">expected</th>" in text and "<td>188</td>" in text


def test_same_panel_same_site(site, db, tmp_path):
    again = build(db, tmp_path / "again").out
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((site / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_bad_inputs(db, tmp_path):
    res = run_cli("site", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2 and "no panel there yet" in res.stderr
    f = tmp_path / "file"
    f.write_text("x")
    res = run_cli("site", "--db", str(db), "--out", str(f))
    assert res.returncode == 2 and "is a file" in res.stderr and res.stderr.count("\n") == 1
