"""`tip report`: one static HTML page from the marts (heat table of tiers, counts per region)."""
from html.parser import HTMLParser

import duckdb
import pytest

from tests.conftest import run_cli
from tests.support.marts_panel import shared_panel
from tip.analyst.report import render


class Page(HTMLParser):
    """Collects the heat table's cells and checks that tags nest."""

    VOID = {"meta", "br", "img", "hr", "link", "input", "line", "circle", "polyline"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.cells, self.in_heat, self.row, self.external = [], [], {}, False, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe") or "src" in a:
            self.external.append(tag)
        if tag == "table" and a.get("class") == "heat":
            self.in_heat = True
        if self.in_heat and tag == "td" and "title" in a and ":" in a["title"]:
            name_year, tier = a["title"].rsplit(": ", 1)
            self.cells[name_year] = tier
        if self.in_heat and tag == "td" and a.get("class") == "nr":
            self.cells.setdefault("__not_rated__", 0)
            self.cells["__not_rated__"] += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, list(self.stack[-3:])))
            return
        self.stack.pop()
        if tag == "table":
            self.in_heat = False


@pytest.fixture(scope="module")
def db():
    return shared_panel()


def test_report_page(db, tmp_path):
    out = tmp_path / "panel.html"
    res = run_cli("report", "--out", str(out), "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {out}"
    text = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    assert page.errors == [] and page.stack == []
    assert page.external == []          # self-contained: nothing fetched, no script
    with duckdb.connect(str(db), read_only=True) as con:
        rated = con.execute("SELECT country, report_year, tier FROM marts.tier_history WHERE tier IS NOT NULL").fetchall()
        not_rated = con.execute("SELECT count(*) FROM marts.tier_history WHERE tier IS NULL").fetchall()[0][0]
        eap15 = con.execute("SELECT convictions FROM marts.region_year WHERE region = 'EAP' AND report_year = 2015").fetchall()[0][0]
    # one coloured cell per rated country-year, with its tier; the years not rated shown as such
    assert {k: v for k, v in page.cells.items() if k != "__not_rated__"} == {f"{c} {y}": t for c, y, t in rated}
    assert page.cells["__not_rated__"] == not_rated > 0
    assert "East Asia and Pacific (EAP)" in text and "Africa (AF)" in text
    assert f"<td title=\"4 of 4 narratives state it\">{eap15:,}</td>" in text
    assert text.count("<svg") == 4       # prosecutions, convictions, victims identified, investigations


def test_report_is_deterministic_and_checks_its_inputs(db, tmp_path):
    assert render(db) == render(db)
    res = run_cli("report", "--out", str(tmp_path), "--db", str(db))
    assert res.returncode == 2 and "is a folder" in res.stderr
    res = run_cli("report", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2 and "no panel there yet" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Country,Value\nX,1\n")
    res = run_cli("report", "--out", str(tmp_path / "r.html"), "--reference", str(bad), "--db", str(db))
    assert res.returncode == 2 and "expected a 'Year' column" in res.stderr and res.stderr.count("\n") == 1
