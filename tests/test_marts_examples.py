"""The example questions (docs/examples.md) run, as printed, against a built panel and answer them."""
import re

import duckdb
import pytest

from tests.conftest import ROOT
from tests.support.marts_panel import shared_panel


def examples() -> list[str]:
    text = (ROOT / "docs" / "examples.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


@pytest.fixture(scope="module")
def answers():
    with duckdb.connect(str(shared_panel()), read_only=True) as con:
        out = []
        for sql in examples():
            cur = con.execute(sql)
            out.append((sql, [d[0] for d in cur.description], cur.fetchall()))
    return out


def test_the_readme_has_the_four_questions_and_more():
    sqls = examples()
    assert len(sqls) >= 4
    joined = "\n".join(sqls)
    for needle in ("marts.tier_history", "downgraded", "convictions", "destination_iso3 = 'THA'"):
        assert needle in joined


def test_every_example_returns_rows(answers):
    for sql, _, rows in answers:
        assert rows, f"README example returned nothing:\n{sql}"


def _answer(answers, needle):
    return next((cols, rows) for sql, cols, rows in answers if needle in sql)


def test_tier_history_example(answers):
    cols, rows = _answer(answers, "FROM marts.tier_history")
    got = [dict(zip(cols, r)) for r in rows]
    assert [(r["report_year"], r["tier"]) for r in got] == [(2010, "2"), (2013, "2"), (2014, "2WL"), (2015, "2WL"), (2023, "3")]


def test_downgraded_example(answers):
    cols, rows = _answer(answers, "tier_movement_stated = 'downgraded'")
    got = [dict(zip(cols, r)) for r in rows]
    # the 2023 Cambodia page says "downgraded to Tier 3"
    assert [(r["country"], r["report_year"], r["tier"]) for r in got] == [("Cambodia", 2023, "3")]


def test_convictions_by_region_example(answers):
    cols, rows = _answer(answers, "PIVOT")
    assert cols[0] == "report_year" and {"EAP", "AF"} <= set(cols)
    by_year = {r[0]: dict(zip(cols, r)) for r in rows}
    # 2015: Cambodia 57 + South Korea 31 + Laos 9 + Thailand 104, all East Asia and Pacific
    assert by_year[2015]["EAP"] == 201


def test_thailand_example(answers):
    cols, rows = _answer(answers, "destination_iso3 = 'THA'")
    origins = {r[0] for r in rows}
    assert {"Cambodia", "Laos", "Burma"} <= origins
    assert all("Thai" in r[cols.index("latest_evidence")] for r in rows)
