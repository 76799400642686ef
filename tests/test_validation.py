"""The quality gate (issue 4): every critical expectation, broken by a build, stops the publish.

Small panels are built through the plain pipeline (no Prefect): a folder of SYNTHETIC narratives
(written below, in the reports' style; every fact is invented) is read with the ``dir:`` source and
published once per module. Each test copies that panel, breaks things in the working store (or in
the mart SQL, for the mart checks), rebuilds with ``run_plain(do_fetch=False)`` (what `tip build`
does) and checks the outcome: a critical failure leaves the published file byte-identical and
names the expectation and its first offending rows; a row-level failure quarantines the row into
``staging.rejects`` under the expectation's name and the rest is published.

To keep the module fast, one build breaks many expectations at once, each on its own row (its
own narrative), and the test checks every one of them by name.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tip.core.errors import ValidationFailed
from tip.pipeline import RunOptions, run_plain

YEAR = 2014
NAMES = ("Cambodia Indonesia Denmark Burma Thailand Nepal Albania Angola Argentina Armenia Austria Bahrain Belarus "
         "Belgium Benin Bolivia Brazil Bulgaria Burundi Cameroon Chad Chile Colombia Croatia Cyprus Ecuador Egypt "
         "Estonia Ethiopia Fiji Finland Gabon Georgia Ghana Greece Guatemala Guinea Guyana Haiti Honduras Hungary "
         "Iceland Jamaica Jordan").split()
TIERS = ("2WL", "2", "1", "3")
# (country, tier, partner named in its profile): Cambodia 2WL, Indonesia 2, Denmark 1, Burma 3, Thailand 2WL, ...
COUNTRIES = [(name, TIERS[i % 4], NAMES[(i + 7) % len(NAMES)]) for i, name in enumerate(NAMES)]
TIER_LABEL = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3"}
VERDICT = {
    "1": "The Government of {c} fully meets the minimum standards for the elimination of trafficking.",
    "2": "The Government of {c} does not fully meet the minimum standards for the elimination of trafficking "
         "but is making significant efforts to do so.",
    "2WL": "The Government of {c} does not fully meet the minimum standards for the elimination of trafficking "
           "but is making significant efforts to do so. The government did not demonstrate overall increasing "
           "efforts; therefore {c} remained on Tier 2 Watch List.",
    "3": "The Government of {c} does not fully meet the minimum standards for the elimination of trafficking and "
         "is not making significant efforts to do so; therefore {c} remained on Tier 3.",
}
WAIVER = ("Because the government has devoted sufficient resources to a written plan that, if implemented, would "
          "constitute significant efforts to meet the minimum standards, {c} was granted a waiver per the "
          "Trafficking Victims Protection Act from an otherwise required downgrade to Tier 3. Therefore {c} "
          "remained on Tier 2 Watch List for the third consecutive year.")


def nid(i: int) -> str:
    """narrative_id of the i-th synthetic country of the base panel."""
    from tip.core.countries import to_iso3

    return f"{to_iso3(NAMES[i])}-{YEAR}"


def narrative_text(country: str, tier: str, year: int, partner: str = "Thailand", *, inv: int = 35, pros: int = 20,
                   conv: int = 12, victims: int = 150, waiver: bool = False) -> str:
    """A SYNTHETIC narrative in the reports' style (invented figures)."""
    verdict = VERDICT[tier].format(c=country) + (" " + WAIVER.format(c=country) if waiver else "")
    return f"""SYNTHETIC narrative written for the tests: U.S. Department of State {year} Trafficking in Persons Report - {country}

{country.upper()} ({TIER_LABEL[tier]})

{country} is a source, transit, and destination country for men, women, and children subjected to forced labor and sex trafficking. Women from {partner} are subjected to sex trafficking in {country}.

{verdict}

Recommendations for {country}: Investigate and prosecute trafficking offenses; train police to identify victims; and expand shelter services.

PROSECUTION

The government investigated {inv} cases of suspected trafficking in {year - 1}, prosecuted {pros} suspects and convicted {conv} traffickers. Courts sentenced the convicted traffickers to between two and 10 years' imprisonment.

PROTECTION

The government identified {victims} victims in {year - 1}. In {year - 1}, the government signed a memorandum of understanding with {partner} on the repatriation of victims.

PREVENTION

The government made modest prevention efforts.
"""


def write_narratives(folder: Path, items) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text("SYNTHETIC narratives written by tests/test_validation.py; not real report text.\n")
    for item in items:
        country, tier, year, partner = item[:4]
        kw = item[4] if len(item) > 4 else {}
        name = f"{year}_{country.lower().replace(' ', '_')}.txt"
        (folder / name).write_text(narrative_text(country, tier, year, partner, **kw), encoding="utf-8")
    return folder


def quiet(_stage):
    return lambda _msg: None


def build(db: Path, **opts):
    """`tip build` on a panel folder: parse what is new, validate, build, publish (no Prefect)."""
    return run_plain(RunOptions(db=str(db), **opts), do_fetch=False, progress_for=quiet)


@pytest.fixture(scope="module")
def base_panel(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    src = write_narratives(root / "narratives", [(c, t, YEAR, p) for c, t, p in COUNTRIES])
    db = root / "panel" / "tip.duckdb"
    summary = run_plain(RunOptions(source=f"dir:{src}", db=str(db)), progress_for=quiet)
    assert summary.published, summary.lines()
    return db, summary


@pytest.fixture
def panel(base_panel, tmp_path):
    """A private copy of the published base panel and its state folder."""
    dest = tmp_path / "panel"
    shutil.copytree(base_panel[0].parent, dest)
    return dest / "tip.duckdb"


def work(db: Path) -> Path:
    return db.parent / f"{db.stem}.state" / "work.duckdb"


def mutate(db: Path, *sql: str) -> None:
    con = duckdb.connect(str(work(db)))
    try:
        for s in sql:
            con.execute(s)
    finally:
        con.close()


def published(db: Path, sql: str, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def fails_without_publishing(db: Path, **opts) -> str:
    before = db.read_bytes()
    with pytest.raises(ValidationFailed) as err:
        build(db, **opts)
    assert db.read_bytes() == before, "a failed validation changed the published file"
    return str(err.value)


def message_for(msg: str, suite: str, expectation: str) -> str:
    """The line of a failure message about one expectation."""
    head = f"critical expectation failed: [{suite}] {expectation} ("
    lines = [ln for ln in msg.splitlines() if ln.startswith(head)]
    assert lines, f"{expectation!r} not reported in:\n{msg}"
    return lines[0]


# ------------------------------------------------------------------------------------------------
# a build that passes


def test_clean_build_publishes_and_records_every_expectation(base_panel):
    from tip.quality.validate import run_report

    db, summary = base_panel
    assert summary.published and summary.validation.startswith("passed")
    rows = published(db, "SELECT suite, expectation, severity, success FROM marts.validation_runs WHERE run_id = ?",
                     [summary.run_id])
    suites = {r[0] for r in rows}
    assert {"narratives", "measures", "partners", "recommendations", "quarantine", "country_year", "tier_counts"} <= suites
    assert all(r[2] in ("critical", "warning") for r in rows)
    assert all(r[3] for r in rows if r[2] == "critical")
    # the working store keeps the same history
    with duckdb.connect(str(work(db)), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM marts.validation_runs WHERE run_id = ?", [summary.run_id]).fetchone()[0]
    assert n == len(rows)
    # the HTML report of the run is in the state folder, next to a JSON copy
    reports = db.parent / "tip.state" / "validation"
    page = (reports / f"{summary.run_id}.html").read_text(encoding="utf-8")
    assert "country_year" in page and "one row per country and report year" in page and "passed" in page
    data = json.loads((reports / f"{summary.run_id}.json").read_text(encoding="utf-8"))
    assert data["passed"] is True and {o["stage"] for o in data["outcomes"]} == {"staging", "marts"}
    assert (reports / "latest.html").read_text(encoding="utf-8") == page
    # what the Prefect artifact shows: staging and marts
    md = run_report(summary.run_id).markdown()
    assert "| staging | narratives |" in md and "| marts | country_year |" in md and "Validation passed" in md


# ------------------------------------------------------------------------------------------------
# staging: critical expectations that block (not row-level)

BLOCKING_STAGING = [
    ("narratives", "one row per country and report year",
     f"INSERT INTO staging.narratives SELECT * REPLACE ('{nid(0)}-copy' AS narrative_id) FROM staging.narratives "
     f"WHERE narrative_id = '{nid(0)}'",
     f"narrative_id={nid(0)}"),
    ("partners", "one row per narrative, partner and direction",
     f"INSERT INTO staging.partners SELECT * FROM staging.partners WHERE narrative_id = '{nid(1)}' LIMIT 1",
     f"narrative_id={nid(1)} partner_iso3="),
    ("recommendations", "one row per narrative and position",
     f"INSERT INTO staging.recommendations SELECT * FROM staging.recommendations WHERE narrative_id = '{nid(2)}' AND position = 2",
     f"narrative_id={nid(2)} position=2"),
    ("rejects", "stage is fetch, parse, load or validate",
     "INSERT INTO staging.rejects (input, stage, reason, recorded_at) VALUES ('file:///x.txt', 'parsing', 'odd', now())",
     "input=file:///x.txt stage=parsing"),
    ("rejects", "every reject says why",
     "INSERT INTO staging.rejects (input, stage, reason, recorded_at) VALUES ('file:///y.txt', 'parse', '', now())",
     "input=file:///y.txt"),
]


def test_staging_critical_failures_block_the_publish(panel):
    """Every critical staging expectation that is not row-level, broken in one build: each is named
    with its first offending rows, nothing is published, and no candidate is even built."""
    builds_before = set((panel.parent / "tip.state" / "builds").iterdir())
    mutate(panel, *[sql for _, _, sql, _ in BLOCKING_STAGING])
    msg = fails_without_publishing(panel)
    for suite, expectation, _, first in BLOCKING_STAGING:
        assert first in message_for(msg, suite, expectation)
    assert set((panel.parent / "tip.state" / "builds").iterdir()) == builds_before
    with duckdb.connect(str(work(panel)), read_only=True) as con:
        failed = {(r[0], r[1]) for r in con.execute(
            "SELECT suite, expectation FROM marts.validation_runs WHERE NOT success AND severity = 'critical' AND run_id = "
            "(SELECT run_id FROM marts.validation_runs ORDER BY validated_at DESC LIMIT 1)").fetchall()}
    assert failed == {(suite, e) for suite, e, _, _ in BLOCKING_STAGING}


# ------------------------------------------------------------------------------------------------
# staging: row-level expectations quarantine the row

N = "UPDATE staging.narratives SET {} WHERE narrative_id = '{}'"
M = "UPDATE staging.measures SET {} WHERE narrative_id = '{}' AND measure = '{}'"
P = "UPDATE staging.partners SET {} WHERE narrative_id = '{}'"
R = "UPDATE staging.recommendations SET {} WHERE narrative_id = '{}' AND position = 1"
LONG = "text = text || repeat(' Filler sentence.', 10000), text_length = length(text || repeat(' Filler sentence.', 10000))"


# a valid staging.agreements row on narrative i, with one field broken (see _agreement)
_A = ("INSERT INTO staging.agreements SELECT {nid_col}, country_iso3, report_year, {kind}, {status}, {partner}, 'Partnerland', "
      "{year}, {evidence}, 0, 10, {ms}, {me}, source_url, parser_version FROM staging.narratives WHERE narrative_id = '{nid}'")


def _agreement(i: int, **broken) -> str:
    fields = {"nid_col": "narrative_id", "kind": "'mou'", "status": "'signed'", "partner": "'MEX'", "year": "2010",
              "evidence": "substr(text, 1, 10)", "ms": "0", "me": "3", **broken}
    return _A.format(nid=nid(i), **fields)


def _partner_self(i: int) -> str:
    iso = nid(i).split("-")[0]
    return P.format(f"partner_iso3 = '{iso}', origin_iso3 = '{iso}'", nid(i))


# (table, expectation, mutation, narrative_id of the quarantined row): each on its own narrative
QUARANTINE = [
    ("staging.narratives", "tier is one of 1, 2, 2WL, 3, SPECIAL", N.format("tier = '4'", nid(1)), nid(1)),
    ("staging.narratives", "compliance is a known class (or not stated)", N.format("compliance = 'mostly'", nid(5)), nid(5)),
    ("staging.narratives", "tier and compliance agree", N.format("compliance = 'fully_meets'", nid(3)), nid(3)),
    ("staging.narratives", "report year between 2001 and this year", N.format("report_year = 2099", nid(2)), nid(2)),
    ("staging.narratives", "country code present and three capital letters", N.format("country_iso3 = 'dn1'", nid(6)), nid(6)),
    ("staging.narratives", "country code is a known ISO3 code", N.format("country_iso3 = 'ZZZ'", nid(10)), nid(10)),
    ("staging.narratives", "narrative no longer than its era allows", N.format(LONG, nid(4)), nid(4)),
    ("staging.measures", "values are not negative", M.format("value = -12", nid(7), "convictions"), nid(7)),
    ("staging.measures", "counts are whole numbers", M.format("value = 12.5", nid(8), "convictions"), nid(8)),
    ("staging.measures", "measure is a known indicator", M.format("measure = 'bribes'", nid(9), "convictions"), nid(9)),
    ("staging.measures", "unit is cases, persons or years (or not stated)", M.format("unit = 'dollars'", nid(11), "convictions"), nid(11)),
    ("staging.measures", "qualifier is one of exact, at_least, more_than, approximately",
     M.format("qualifier = 'roughly'", nid(12), "convictions"), nid(12)),
    ("staging.measures", "subtype is sex or labor (or a total)", M.format("subtype = 'organs'", nid(13), "convictions"), nid(13)),
    ("staging.measures", "evidence sentence not empty", M.format("evidence = ''", nid(14), "convictions"), nid(14)),
    ("staging.measures", "belongs to a narrative", M.format("narrative_id = 'XXX-2014'", nid(15), "convictions"), "XXX-2014"),
    ("staging.measures", "evidence starts inside the narrative", M.format("start = -1", nid(16), "convictions"), nid(16)),
    ("staging.measures", "evidence ends after it starts", M.format('"end" = start', nid(17), "victims_identified"), nid(17)),
    ("staging.measures", "evidence ends inside the narrative", M.format('"end" = "end" + 100000', nid(18), "convictions"), nid(18)),
    ("staging.measures", "number lies inside its evidence sentence", M.format("value_start = start - 1", nid(19), "convictions"), nid(19)),
    ("staging.measures", "number ends inside its evidence sentence", M.format('value_end = "end" + 1', nid(20), "convictions"), nid(20)),
    ("staging.measures", "evidence is the narrative text at its offsets",
     M.format("evidence = 'The government convicted 99 traffickers.'", nid(21), "convictions"), nid(21)),
    ("staging.measures", "sentence lengths between 0 and 99 years", M.format("value = 150", nid(22), "sentence_max_years"), nid(22)),
    ("staging.measures", "sentence range minimum at most its maximum", M.format("value = 20", nid(23), "sentence_min_years"), nid(23)),
    ("staging.measures", "data year not after the report year", M.format("data_year = 2020", nid(24), "convictions"), nid(24)),
    ("staging.measures", "data year not before 1990", M.format("data_year = 1985", nid(25), "convictions"), nid(25)),
    ("staging.partners", "partner is a known ISO3 code", P.format("partner_iso3 = 'ZZZ', origin_iso3 = 'ZZZ'", nid(26)), nid(26)),
    ("staging.partners", "origin is a known ISO3 code", P.format("origin_iso3 = 'QQQ'", nid(27)), nid(27)),
    ("staging.partners", "destination is a known ISO3 code", P.format("destination_iso3 = 'QQQ'", nid(28)), nid(28)),
    ("staging.partners", "no self-edges", _partner_self(29), nid(29)),
    ("staging.partners", "direction is origin or destination", P.format("direction = 'sideways'", nid(30)), nid(30)),
    ("staging.partners", "evidence sentence not empty", P.format("evidence = ''", nid(31)), nid(31)),
    ("staging.partners", "evidence is the narrative text at its offsets", P.format("evidence = 'Men from Laos.'", nid(32)), nid(32)),
    ("staging.recommendations", "recommendation not empty", R.format("recommendation = ''", nid(33)), nid(33)),
    ("staging.recommendations", "recommendation is the narrative text at its offsets",
     R.format("recommendation = 'Do something else'", nid(34)), nid(34)),
    ("staging.recommendations", "positions start at 1", R.format("position = 0", nid(35)), nid(35)),
    ("staging.measures", "a part is not larger than its total",
     M.format("parent_measure = 'arrests', parent_value = 1", nid(36), "convictions"), nid(36)),
    ("staging.agreements", "partner is a known ISO3 code", _agreement(37, partner="'ZZZ'"), nid(37)),
    ("staging.agreements", "no agreement with itself", _agreement(38, partner="country_iso3"), nid(38)),
    ("staging.agreements", "kind is a known kind of agreement", _agreement(39, kind="'handshake'"), nid(39)),
    ("staging.agreements", "status is signed, proposed or referenced", _agreement(40, status="'rumoured'"), nid(40)),
    ("staging.agreements", "agreement year not after the report year", _agreement(41, year="2099"), nid(41)),
    ("staging.agreements", "agreement year not implausibly early", _agreement(42, year="1800"), nid(42)),
    ("staging.agreements", "evidence sentence not empty", _agreement(43, evidence="''"), nid(43)),
    ("staging.agreements", "belongs to a narrative", _agreement(37, nid_col="'QQQ-2014'", year="2011"), "QQQ-2014"),
    ("staging.agreements", "evidence is the narrative text at its offsets", _agreement(38, evidence="'Other text'", year="2011"), nid(38)),
    ("staging.agreements", "the agreement's words lie inside its evidence sentence", _agreement(39, ms="5", me="50"), nid(39)),
]


def test_every_row_level_expectation_is_tested():
    from tip.quality.validate import load_suites

    row_level = {(s["table"], e["name"]) for s in load_suites(stage="staging") for e in s["expectations"] if e.get("quarantine")}
    assert row_level == {(t, e) for t, e, _, _ in QUARANTINE}


def _assert_quarantined(con_or_db, published_file: bool):
    sql = "SELECT narrative_id, expectation, reason FROM staging.rejects WHERE stage = 'validate'"
    if published_file:
        rows = published(con_or_db, sql)
    else:
        with duckdb.connect(str(work(con_or_db)), read_only=True) as con:
            rows = con.execute(sql).fetchall()
    got = {}
    for narrative_id, expectation, reason in rows:
        table = reason.removeprefix("quarantined from ").split(":")[0]
        assert reason.startswith(f"quarantined from {table}: {expectation}"), reason
        got.setdefault((table, expectation), set()).add(narrative_id)
    problems = [(t, e, n, got.get((t, e))) for t, e, _, n in QUARANTINE if got.get((t, e)) != {n}]
    assert not problems, problems
    assert set(got) == {(t, e) for t, e, _, _ in QUARANTINE}


def test_row_level_failures_quarantine_their_rows_and_the_rest_publishes(panel):
    """Every row-level critical expectation, each broken on its own narrative in one build: each
    failing row is moved to staging.rejects under its expectation's name, and the panel of the
    other rows is published."""
    mutate(panel, *[sql for _, _, sql, _ in QUARANTINE])
    summary = build(panel)
    assert summary.published
    assert summary.quarantined == len(QUARANTINE) + 1  # the sentence range quarantines its minimum and its maximum
    _assert_quarantined(panel, published_file=True)
    quarantined_narratives = {n for t, _, _, n in QUARANTINE if t == "staging.narratives"}
    in_mart = {r[0] for r in published(panel, "SELECT narrative_id FROM marts.country_year")}
    assert in_mart == {nid(i) for i in range(len(NAMES))} - quarantined_narratives
    # a quarantined narrative takes its figures and flows with it; a quarantined figure goes alone
    assert published(panel, "SELECT count(*) FROM staging.measures WHERE narrative_id = ?", [nid(1)]) == [(0,)]
    assert published(panel, "SELECT convictions, prosecutions FROM marts.country_year WHERE narrative_id = ?", [nid(7)]) == [(None, 20)]
    assert published(panel, "SELECT count(*) FROM staging.partners WHERE narrative_id = ?", [nid(29)]) == [(0,)]


def test_row_level_failures_block_when_no_quarantine_is_allowed(panel):
    mutate(panel, *[sql for _, _, sql, _ in QUARANTINE])
    msg = fails_without_publishing(panel, max_quarantine_share=0.0)
    line = message_for(msg, "quarantine", "share of rows quarantined or rejected within the limit")
    assert "table=staging.narratives" in line and "by 'tier and compliance agree'" in line
    _assert_quarantined(panel, published_file=False)


def test_quarantine_share_over_the_limit_blocks(panel):
    """A quarter of the narratives fail the same check: a broken parser, not bad luck."""
    mutate(panel, "UPDATE staging.narratives SET compliance = 'fully_meets' WHERE tier IN ('2', '3')")
    msg = fails_without_publishing(panel)
    line = message_for(msg, "quarantine", "share of rows quarantined or rejected within the limit")
    assert "table=staging.narratives" in line and "rejected=22" in line and "by 'tier and compliance agree'" in line


def test_quarantine_limit_from_the_environment(panel, monkeypatch):
    mutate(panel, *[N.format("tier = '4'", nid(i)) for i in (1, 5, 9)])
    monkeypatch.setenv("TIP_MAX_QUARANTINE_SHARE", "0.05")
    fails_without_publishing(panel)
    monkeypatch.setenv("TIP_MAX_QUARANTINE_SHARE", "0.1")
    assert build(panel).published


def test_quarantine_is_recorded_once_and_forgotten_after_a_new_parse(panel):
    from tip.core.config import Paths
    from tip.pipeline import stage_parse
    from tip.quality.validate import validate

    mutate(panel, N.format("tier = '4'", nid(5)))
    fails_without_publishing(panel, max_quarantine_share=0.0)
    # the quarantined narrative still counts against the next run: the run cannot use it
    msg = fails_without_publishing(panel, max_quarantine_share=0.0)
    assert "by 'tier is one of 1, 2, 2WL, 3, SPECIAL'" in msg
    with duckdb.connect(str(work(panel))) as con:
        assert con.execute("SELECT count(*) FROM staging.rejects WHERE stage = 'validate'").fetchone() == (1,)
        # the document is parsed again (a new parser, a changed page): its fresh rows are checked instead
        con.execute("DELETE FROM staging.parsed_documents WHERE url LIKE '%2014_nepal.txt'")
        stage_parse(con, Paths.for_db(panel))
        report = validate(con, "reparsed", max_quarantine_share=0.0)
        assert report.passed, report.failure_message()
        assert con.execute("SELECT count(*) FROM staging.rejects WHERE stage = 'validate'").fetchone() == (0,)
        assert con.execute("SELECT tier FROM staging.narratives WHERE narrative_id = ?", [nid(5)]).fetchone() == ("2",)


def test_bad_quarantine_limit_is_a_user_error(panel):
    from tip.core.errors import UserError

    with pytest.raises(UserError, match="quarantine share 1.5"):
        build(panel, max_quarantine_share=1.5)


# ------------------------------------------------------------------------------------------------
# marts: a mart SQL gone wrong is caught on the candidate, which is kept aside


def _extra_mart(monkeypatch, tmp_path, sql: str) -> None:
    """Run one more mart file after sql/marts: a mart bug, as a build would meet it."""
    import tip.marts.build

    extra = tmp_path / "zz_broken.sql"
    extra.write_text(sql, encoding="utf-8")
    real = tip.marts.build.sql_files
    monkeypatch.setattr(tip.marts.build, "sql_files", lambda sub: real(sub) + ([extra] if sub == "marts" else []))


def _assert_kept_aside(panel, msg, before, suite, failed):
    builds = panel.parent / "tip.state" / "builds"
    kept = set(builds.iterdir()) - before
    assert len(kept) == 1, kept
    cand = kept.pop()
    assert f"candidate build kept at {cand}" in msg
    # the candidate records its own failed validation
    with duckdb.connect(str(cand), read_only=True) as con:
        got = {r[0] for r in con.execute("SELECT expectation FROM marts.validation_runs WHERE suite = ? "
                                         "AND severity = 'critical' AND NOT success", [suite]).fetchall()}
    assert got == set(failed)


def test_mart_grain_failure_keeps_the_candidate_aside(panel, tmp_path, monkeypatch):
    _extra_mart(monkeypatch, tmp_path, f"INSERT INTO marts.country_year SELECT * FROM marts.country_year WHERE narrative_id = '{nid(0)}'")
    before = set((panel.parent / "tip.state" / "builds").iterdir())
    msg = fails_without_publishing(panel)
    iso = nid(0).split("-")[0]
    assert f"(2 offending rows; first: country_iso3={iso} report_year=2014" in message_for(
        msg, "country_year", "one row per country and report year")
    assert f"first: observed {len(NAMES) + 1})" in message_for(msg, "country_year", "one row per narrative of the build")
    _assert_kept_aside(panel, msg, before, "country_year",
                       ["one row per country and report year", "one row per narrative of the build"])


CY = "UPDATE marts.country_year SET {} WHERE narrative_id = '{}'"
BROKEN_MART_VALUES = [
    ("country code is a known ISO3 code", CY.format("country_iso3 = 'ZZZ'", nid(5)), "country_iso3=ZZZ report_year=2014"),
    ("tier is one of 1, 2, 2WL, 3, SPECIAL", CY.format("tier = 'Tier 2', compliance = NULL", nid(1)), f"{nid(1)[:3]} report_year=2014"),
    ("report year between 2001 and this year", CY.format("report_year = 1999", nid(2)), "report_year=1999"),
    ("tier and compliance agree", CY.format("tier = '1'", nid(3)), f"{nid(3)[:3]} report_year=2014"),
    ("investigations not negative", CY.format("investigations = -1", nid(4)), f"{nid(4)[:3]} report_year=2014"),
    ("prosecutions not negative", CY.format("prosecutions = -2", nid(6)), f"{nid(6)[:3]} report_year=2014"),
    ("convictions not negative", CY.format("convictions = -3", nid(7)), f"{nid(7)[:3]} report_year=2014"),
    ("victims identified not negative", CY.format("victims_identified = -4", nid(8)), f"{nid(8)[:3]} report_year=2014"),
    ("arrests not negative", CY.format("arrests = -5", nid(9)), f"{nid(9)[:3]} report_year=2014"),
]


def test_mart_value_failures_each_block_and_name_their_rows(panel, tmp_path, monkeypatch):
    """One build with a broken value for each row-level critical expectation of marts.country_year
    (each on its own row): every one is reported by name with its row; nothing is published."""
    _extra_mart(monkeypatch, tmp_path, ";\n".join(sql for _, sql, _ in BROKEN_MART_VALUES))
    before = set((panel.parent / "tip.state" / "builds").iterdir())
    msg = fails_without_publishing(panel)
    for expectation, _, first in BROKEN_MART_VALUES:
        assert f"(1 offending rows; first: " in message_for(msg, "country_year", expectation)
        assert first in message_for(msg, "country_year", expectation)
    _assert_kept_aside(panel, msg, before, "country_year", [e for e, _, _ in BROKEN_MART_VALUES])


def test_a_mart_without_a_suite_is_a_warning(panel, tmp_path, monkeypatch):
    """Suites are looked up per mart table: drop one suite and the gate warns about its mart."""
    from tip.core.config import Paths
    from tip.quality.validate import validate_published

    suites = tmp_path / "expectations"
    shutil.copytree(Path(__file__).resolve().parent.parent / "expectations", suites)
    (suites / "tier_history.yml").unlink()  # the one suite on marts.tier_history
    monkeypatch.setenv("TIP_EXPECTATIONS_DIR", str(suites))
    with duckdb.connect(str(work(panel))) as con:
        report = validate_published(con, Paths.for_db(panel), "no-suite", reference="none")
    got = [o for o in report.outcomes if o.suite == "mart_coverage"]
    assert [o.result for o in got] == ["warning"]
    assert got[0].examples == ["table=marts.tier_history (has_suite=False)"]
    assert report.passed


# ------------------------------------------------------------------------------------------------
# warnings: reported, never blocking


def test_warnings_are_reported_and_publish(tmp_path):
    """Cambodia on the Watch List in 2009, 2010 and 2011 without a waiver (the automatic downgrade
    rule), Nepal with more convictions than prosecutions: both warnings, and the panel publishes."""
    items = [("Cambodia", "2WL", y, "Thailand") for y in (2009, 2010, 2011)]
    items += [("Thailand", "2WL", y, "Laos", {"waiver": y == 2011}) for y in (2009, 2010, 2011)]
    items += [("Nepal", "2", 2011, "India", {"pros": 5, "conv": 9})]
    src = write_narratives(tmp_path / "src", items)
    db = tmp_path / "panel" / "tip.duckdb"
    summary = run_plain(RunOptions(source=f"dir:{src}", db=str(db)), progress_for=quiet)
    assert summary.published
    assert summary.validation.startswith("passed (") and "warning" in summary.validation
    rows = dict(((r[0], r[1]), r[2:]) for r in published(
        db, "SELECT suite, expectation, success, detail FROM marts.validation_runs WHERE run_id = ?", [summary.run_id]))
    ok, detail = rows[("country_year", "third consecutive Watch List year (2009 on) states a waiver")]
    assert ok is False
    first = json.loads(detail)["first"]
    assert len(first) == 1 and first[0].startswith("country_iso3=KHM report_year=2011 (")
    ok, detail = rows[("country_year", "convictions at most prosecutions")]
    assert ok is False and json.loads(detail)["first"][0].startswith("country_iso3=NPL report_year=2011")


def test_a_suite_whose_query_no_longer_fits_its_mart_fails_by_name(panel, tmp_path, monkeypatch):
    """A mart column renamed under a suite: its expectations fail (the critical ones block) and the
    report says the suite could not run, instead of a traceback."""
    from tip.core.config import Paths
    from tip.quality.validate import validate_published

    suites = tmp_path / "expectations"
    shutil.copytree(Path(__file__).resolve().parent.parent / "expectations", suites)
    f = suites / "flows.yml"
    text = f.read_text(encoding="utf-8")
    assert "origin_iso3 = destination_iso3 AS is_self_edge" in text
    f.write_text(text.replace("origin_iso3 = destination_iso3 AS is_self_edge", "origin_code = destination_iso3 AS is_self_edge"),
                 encoding="utf-8")
    monkeypatch.setenv("TIP_EXPECTATIONS_DIR", str(suites))
    with duckdb.connect(str(work(panel))) as con:
        report = validate_published(con, Paths.for_db(panel), "renamed", reference="none")
    flows = [o for o in report.outcomes if o.suite == "flows"]
    assert flows and all(not o.success for o in flows)
    assert not report.passed
    assert "critical expectation failed: [flows] one row per year, origin, destination and reporting country (? offending rows; " \
           "first: suite could not run: BinderException" in report.failure_message()
