"""`tip site` in a real headless browser (Debian's chromium, driven by Playwright; .ci/run installs it).

Opens the site from file:// as a reader would, with no server: the index, picks a year, opens a
country, finds an evidence sentence, runs a search, moves through with the keyboard only, and
looks at it at phone width. Screenshots go to tests/out/site/ (git-ignored); the path is printed.
"""
import html
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.support.site_fixtures import db, site  # noqa: F401 (pytest fixtures)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent / "out" / "site"

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium before the tests")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.problems = []       # console errors, page errors, and any request that leaves the site's folder
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("request", lambda r: None if r.url.startswith(("file://", "data:", "blob:"))
          else pg.problems.append(f"network request: {r.url}"))
    yield pg
    ctx.close()
    assert pg.problems == []


def shot(pg, name, full=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path}")


def test_map_year_country_evidence(page, site, db):
    with duckdb.connect(str(db), read_only=True) as con:
        latest = con.execute("SELECT max(report_year) FROM marts.global_year").fetchone()[0]
        g = con.execute("SELECT n_tier_1, n_tier_2, n_tier_2wl, n_tier_3, n_special_case, n_countries "
                        "FROM marts.global_year WHERE report_year = 2014").fetchone()
        iso, name, tier = con.execute("SELECT country_iso3, country, tier FROM marts.tier_history "
                                      "WHERE report_year = 2014 AND tier = '1' ORDER BY country LIMIT 1").fetchone()
        evidence, measure_year = con.execute(
            "SELECT evidence, report_year FROM marts.measures WHERE country_iso3 = ? AND len(country_year_columns) > 0 "
            "ORDER BY report_year DESC, measure_id LIMIT 1", [iso]).fetchone()
    print(f"\nscreenshots in {SHOTS}")
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == f"Tier placements in the {latest} TIP Report"
    shot(page, "01-index")
    # pick a year: the heading, the counts and the map follow
    page.select_option("#year", "2014")
    assert page.locator("h1").inner_text() == "Tier placements in the 2014 TIP Report"
    rows = dict(page.evaluate("[...document.querySelectorAll('#counts > table tbody tr')]"
                              ".map(r => [r.querySelector('th').innerText.trim(), r.querySelector('td').innerText])"))
    assert rows == {"T1 Tier 1": str(g[0]), "T2 Tier 2": str(g[1]), "2WL Tier 2 Watch List": str(g[2]),
                    "T3 Tier 3": str(g[3]), "SC Special case": str(g[4]), "All rated": str(g[5])}
    coloured = page.locator("#worldmap g.c.t1")
    assert coloured.count() >= 1
    assert page.locator("#worldmap g.c.t1 title").first.text_content().endswith("2014: Tier 1")
    assert page.url.endswith("#2014")
    shot(page, "02-index-2014")
    # the placements as text: open Tier 1, follow the country
    page.locator("#placements summary", has_text="Tier 1:").click()
    page.locator("#placements a", has_text=name).first.click()
    assert page.url.endswith(f"countries/{iso}.html")
    assert page.locator("h1").inner_text().startswith(name)
    strip = page.locator("ol.strip li", has_text="2014")
    assert "T1" in strip.inner_text() and "Tier 1" in strip.text_content()
    # an evidence sentence of the figures, and the link to its source page
    sec = page.locator(f"#y{measure_year}")
    ev = sec.locator("blockquote.evidence", has_text=evidence[:60]).first
    assert ev.is_visible() and html.unescape(ev.inner_text()).strip() == evidence.strip()
    assert sec.locator("a", has_text="Source page").first.get_attribute("href").startswith("http")
    ev.scroll_into_view_if_needed()
    shot(page, "03-country", full=True)


def test_search(page, site, db):
    from tip.analyst.search import search

    expected = {(h.country, h.report_year) for h in search(db, "debt bondage", limit=50)}
    assert expected
    page.goto((site / "search.html").as_uri())
    page.fill("#q", "debt bondage")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li")
    items = page.locator("#results li")
    got = set()
    for i in range(items.count()):
        country, year = items.nth(i).locator("a").inner_text().rsplit(", ", 1)
        got.add((country, int(year)))
    assert got == expected       # the same narratives as `tip search`
    assert "debt bondage" in items.first.locator(".snip").inner_text().lower()
    assert items.first.locator("mark").count() >= 1
    assert "narrative" in page.locator("#status").inner_text()
    shot(page, "04-search")
    # a year filter, and a word no narrative holds
    year = sorted(expected)[0][1]
    page.select_option("#sy", str(year))
    page.click("#searchform button")
    page.wait_for_function(f"document.querySelectorAll('#results li').length === {sum(1 for e in expected if e[1] == year)}")
    page.fill("#q", "zzyzx")
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('No narrative')")
    # a result opens the country page at that year
    page.fill("#q", "debt bondage")
    page.select_option("#sy", "")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li")
    page.locator("#results li a").first.click()
    assert "/countries/" in page.url and "#y" in page.url


def test_keyboard_only(page, site):
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab to the year control and change the year with the arrow keys
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "year":
            break
    assert page.evaluate("document.activeElement.id") == "year"
    before = page.input_value("#year")
    page.keyboard.press("ArrowDown")
    after = page.input_value("#year")
    assert after != before and page.locator("h1").inner_text().endswith(f"{after} TIP Report")
    # the focus is visible
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    shot(page, "05-keyboard-focus", full=False)
    # on to the placements: open a tier with Enter, follow a country with Enter
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    while page.evaluate("document.activeElement.parentElement.querySelectorAll('a').length") == 0:
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/countries/" in page.url
    shot(page, "06-keyboard-country", full=False)


def test_phone_width(browser, site):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    pg = ctx.new_page()
    try:
        for name in ("index.html", "search.html", "build.html"):
            pg.goto((site / name).as_uri())
            # nothing wider than the screen but the tables that scroll inside their own box
            assert pg.evaluate("document.documentElement.scrollWidth") <= 375, name
        shot(pg, "07-phone-index", full=False)
        iso = sorted(p.stem for p in (site / "countries").glob("*.html") if p.stem != "index")[0]
        pg.goto((site / "countries" / f"{iso}.html").as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375
        shot(pg, "08-phone-country", full=False)
    finally:
        ctx.close()
