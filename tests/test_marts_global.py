"""marts.global_year against the report's own global law-enforcement table (real data in ../shared).

The table's "Year" is the reporting period: its row for 2012 is what the 2013 report's narratives
describe (global_year.data_year). On the synthetic test panel the panel's sums cover a handful of
invented narratives, so the test checks the alignment and the arithmetic of the comparison, and
prints the differences (`pytest -s` shows them).
"""
import csv

import duckdb
import pytest

from tests.conftest import run_cli
from tests.support.marts_panel import shared_panel
from tip.quality.reference import COLUMNS, compare

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def table_csv(shared_dir):
    path = shared_dir / "corpus_raw" / "andrewheiss__scorecard-diplomacy" / "data" / "original" / "data_figure3_2.csv"
    assert path.is_file(), path
    return path


def test_global_year_against_the_report_table(table_csv):
    db = shared_panel()
    with open(table_csv, newline="", encoding="utf-8") as f:
        report = {int(r["Year"]): r for r in csv.DictReader(f)}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = compare(con, table_csv)
        panel = {r[0]: r for r in con.execute(
            "SELECT data_year, report_year, prosecutions, convictions, victims_identified, prosecutions_labor, "
            "convictions_labor, victims_identified_labor FROM marts.global_year").fetchall()}
    # every year and figure of the report's table is compared, in order
    assert [(c.data_year, c.measure) for c in rows] == [(y, col) for y in sorted(report) for col, _ in COLUMNS.values()]
    by = {(c.data_year, c.measure): c for c in rows}
    for y, r in report.items():
        for name, (col, _) in COLUMNS.items():
            c = by[(y, col)]
            assert c.report_year == y + 1
            assert c.report_value == (int(r[name]) if r[name].strip() else None)
    # the panel side is marts.global_year for report year = Year + 1 (2013 and 2014, 2015 reports here)
    for y in (2012, 2013, 2014):
        p = panel[y]
        assert p[1] == y + 1
        for i, col in enumerate(["prosecutions", "convictions", "victims_identified", "prosecutions_labor",
                                 "convictions_labor", "victims_identified_labor"], start=2):
            c = by[(y, col)]
            assert c.panel_value == p[i]
            assert c.difference == (None if c.panel_value is None or c.report_value is None else p[i] - c.report_value)
    # years of the table the panel does not hold compare with nothing
    assert by[(2005, "convictions")].panel_value is None and by[(2005, "convictions")].n_countries is None
    # a handful of invented narratives cover a tiny share of the world's convictions
    share = by[(2014, "convictions")].share
    assert share is not None and 0 < share < 0.1
    print("\ndata_year measure report panel difference share")
    for c in rows:
        if c.panel_value is not None:
            print(c.data_year, c.measure, c.report_value, c.panel_value, c.difference,
                  None if c.share is None else round(c.share, 4))


def test_site_shows_the_comparison(table_csv, tmp_path):
    out = tmp_path / "site"
    res = run_cli("site", "--db", str(shared_panel()), "--out", str(out), "--reference", str(table_csv))
    assert res.returncode == 0, res.stderr
    text = (out / "tiers.html").read_text(encoding="utf-8")
    assert "The panel against the report's own global table</h2>" in text
    with open(table_csv, newline="", encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert f"<td>{int(first['Prosecutions']):,}</td>" in text
    with open(table_csv, newline="", encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert f"<td>{int(first['Prosecutions']):,}</td>" in text
