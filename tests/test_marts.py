"""The analyst marts, built from the synthetic site (report years 2010, 2013-2015, 2023).

Expected values are read off the SYNTHETIC fixture pages (tests/fixtures/site); the generic
checks (traceability, consistency between marts) hold for any panel.
"""
import duckdb
import pytest

from tests.support.marts_panel import shared_panel

COUNT_COLUMNS = [
    "investigations", "investigations_sex", "investigations_labor", "prosecutions", "prosecutions_sex",
    "prosecutions_labor", "convictions", "convictions_sex", "convictions_labor", "victims_identified",
    "victims_identified_sex", "victims_identified_labor", "potential_victims_identified", "arrests",
    "sentence_min_years", "sentence_max_years",
]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(str(shared_panel()), read_only=True)
    yield c
    c.close()


def row(con, sql, params=()):
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(cols, rows[0]))


def test_country_year_wide_row(con):
    khm = row(con, "SELECT * FROM marts.country_year WHERE country_iso3 = 'KHM' AND report_year = 2015")
    assert (khm["country"], khm["region"], khm["region_name"]) == ("Cambodia", "EAP", "East Asia and Pacific")
    assert (khm["tier"], float(khm["tier_rank"]), khm["previous_tier"], khm["tier_change"]) == ("2WL", 2.5, "2WL", "unchanged")
    assert (khm["tier_run_years"], khm["watch_list_years"], khm["consecutive_years_stated"]) == (2, 2, 2)
    assert khm["tier_movement_stated"] == "remained" and khm["waiver"] is False
    assert (khm["prosecutions"], khm["prosecutions_sex"], khm["prosecutions_labor"]) == (62, 50, 12)
    assert (khm["convictions"], khm["victims_identified"]) == (57, 589)
    assert (khm["sentence_min_years"], khm["sentence_max_years"]) == (2.0, 20.0)
    assert (khm["is_source"], khm["is_transit"], khm["is_destination"]) == (True, True, True)
    assert khm["n_recommendations"] == 3
    assert khm["data_year"] == 2014 and khm["narrative_id"] == "KHM-2015"
    assert khm["source_url"] == "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2015/243401.htm"
    assert khm["narrative_length"] == con.execute(
        "SELECT length(text) FROM staging.narratives WHERE narrative_id = 'KHM-2015'").fetchall()[0][0]


def test_tier_movement_from_the_previous_report(con):
    # 2013 Tier 2 -> 2014 Watch List: a downgrade the panel computes (the narrative says "placed")
    khm = row(con, "SELECT * FROM marts.country_year WHERE country_iso3 = 'KHM' AND report_year = 2014")
    assert (khm["previous_tier"], khm["tier_change"], khm["tier_movement_stated"]) == ("2", "downgraded", "placed")
    assert (khm["convictions"], khm["convictions_sex"], khm["convictions_labor"]) == (18, 10, 8)
    # Thailand has no 2014 narrative: no previous tier, no computed change, a run that starts again
    tha = row(con, "SELECT * FROM marts.country_year WHERE country_iso3 = 'THA' AND report_year = 2015")
    assert (tha["tier"], tha["previous_tier"], tha["tier_change"], tha["tier_run_years"]) == ("3", None, None, 1)
    # a single sentence term is both ends of the range; labor split of victims kept
    assert (tha["sentence_min_years"], tha["sentence_max_years"]) == (25.0, 25.0)
    assert (tha["victims_identified"], tha["victims_identified_sex"], tha["victims_identified_labor"]) == (595, 351, 244)
    # the waiver and the stated run of Watch List years come from the narrative
    tha13 = row(con, "SELECT * FROM marts.country_year WHERE country_iso3 = 'THA' AND report_year = 2013")
    assert (tha13["waiver"], tha13["consecutive_years_stated"], tha13["watch_list_years"]) == (True, 4, 1)
    som = row(con, "SELECT * FROM marts.country_year WHERE country_iso3 = 'SOM' AND report_year = 2014")
    assert som["tier"] == "SPECIAL" and som["tier_rank"] is None and som["tier_change"] is None


def test_tier_rank_follows_tier(con):
    pairs = set(con.execute("SELECT tier, CAST(tier_rank AS DOUBLE) FROM marts.country_year").fetchall())
    assert pairs <= {("1", 1.0), ("2", 2.0), ("2WL", 2.5), ("3", 3.0), ("SPECIAL", None)}
    assert {"1", "2", "2WL", "3", "SPECIAL"} == {t for t, _ in pairs}


def test_one_row_per_narrative(con):
    n = con.execute("SELECT count(*) FROM staging.narratives").fetchall()[0][0]
    assert con.execute("SELECT count(*), count(DISTINCT (country_iso3, report_year)) FROM marts.country_year").fetchall()[0] == (n, n)


def test_every_wide_figure_is_traceable_to_one_evidence_row(con):
    checked = 0
    for col in COUNT_COLUMNS:
        rows = con.execute(f"""
            SELECT c.narrative_id, c.{col}, list(m.value) AS vals, list(m.evidence) AS ev, list(m.value_text) AS vt,
                   list(substr(n.text, m.evidence_start + 1, m.evidence_end - m.evidence_start)) AS at_offsets
            FROM marts.country_year c
            LEFT JOIN marts.measures m ON m.narrative_id = c.narrative_id AND list_contains(m.country_year_columns, ?)
            JOIN staging.narratives n ON n.narrative_id = c.narrative_id
            GROUP BY ALL""", [col]).fetchall()
        for nid, value, vals, ev, vt, at_offsets in rows:
            vals = [v for v in vals if v is not None]
            if value is None:
                assert vals == [], (nid, col)
                continue
            assert vals == [value], (nid, col, value, vals)
            assert ev == at_offsets and vt[0] and vt[0] in ev[0], (nid, col)
            checked += 1
    assert checked > 60


def test_comparison_baselines_never_feed_the_wide_mart(con):
    assert con.execute("SELECT count(*) FROM marts.measures WHERE is_prior_period AND len(country_year_columns) > 0"
                       ).fetchall()[0][0] == 0
    # KHM 2014 prints "a decline from 44 convictions in 2012": kept, as the baseline it is
    assert con.execute("SELECT value, data_year, country_year_columns FROM marts.measures "
                       "WHERE narrative_id = 'KHM-2014' AND is_prior_period").fetchall() == [(44.0, 2012, [])]


def test_measures_mirror_staging_one_to_one(con):
    assert con.execute("SELECT count(*) FROM marts.measures").fetchall() == con.execute(
        "SELECT count(*) FROM staging.measures").fetchall()
    assert con.execute("SELECT count(*) - count(DISTINCT measure_id) FROM marts.measures").fetchall()[0][0] == 0
    # the printed number sits at its offsets in the narrative
    bad = con.execute("""SELECT count(*) FROM marts.measures m JOIN staging.narratives n USING (narrative_id)
                         WHERE substr(n.text, m.value_start + 1, m.value_end - m.value_start) <> m.value_text""").fetchall()
    assert bad[0][0] == 0
    assert con.execute("SELECT value_text FROM marts.measures WHERE narrative_id = 'KHM-2014' AND subtype = 'labor'"
                       ).fetchall() == [("eight",)]


def test_tier_history_includes_years_not_rated(con):
    years = {r[0] for r in con.execute("SELECT DISTINCT report_year FROM staging.narratives").fetchall()}
    countries = {r[0] for r in con.execute("SELECT DISTINCT country_iso3 FROM staging.narratives").fetchall()}
    n = con.execute("SELECT count(*), count(DISTINCT (country_iso3, report_year)) FROM marts.tier_history").fetchall()[0]
    assert n == (len(years) * len(countries),) * 2
    tha = con.execute("SELECT report_year, status, tier, previous_tier, run_years, run_start_year FROM marts.tier_history "
                      "WHERE country_iso3 = 'THA' ORDER BY report_year").fetchall()
    assert tha == [(2010, "rated", "2WL", None, 1, 2010),
                   (2013, "rated", "2WL", None, 1, 2013),      # 2011-2012 are not in the panel: the run restarts
                   (2014, "not_rated", None, "2WL", 1, 2014),
                   (2015, "rated", "3", None, 1, 2015),
                   (2023, "not_rated", None, None, 1, 2023)]
    khm = con.execute("SELECT report_year, run_years, run_start_year FROM marts.tier_history "
                      "WHERE country_iso3 = 'KHM' AND report_year BETWEEN 2014 AND 2015 ORDER BY 1").fetchall()
    assert khm == [(2014, 1, 2014), (2015, 2, 2014)]
    # every rated row agrees with the wide mart
    assert con.execute("""SELECT count(*) FROM marts.tier_history h JOIN marts.country_year c USING (country_iso3, report_year)
                          WHERE h.tier IS DISTINCT FROM c.tier""").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM marts.tier_history WHERE status = 'special_case'").fetchall()[0][0] == 3


def test_flows_are_edges_with_evidence(con):
    to_tha = con.execute("SELECT origin_iso3, reported_by_iso3 FROM marts.flows WHERE destination_iso3 = 'THA' "
                         "AND report_year = 2013 ORDER BY 1, 2").fetchall()
    # the Thai narrative names Burma, Cambodia and Laos; the Cambodian and Lao narratives name Thailand
    assert to_tha == [("KHM", "KHM"), ("KHM", "THA"), ("LAO", "LAO"), ("LAO", "THA"), ("MMR", "THA")]
    distinct = con.execute("SELECT count(DISTINCT (report_year, origin_iso3, destination_iso3, country_iso3)) "
                           "FROM staging.partners").fetchall()[0][0]
    assert con.execute("SELECT count(*) FROM marts.flows").fetchall()[0][0] == distinct
    assert con.execute("SELECT count(*) FROM marts.flows WHERE origin_iso3 = destination_iso3 OR evidence = '' "
                       "OR reported_by_iso3 NOT IN (origin_iso3, destination_iso3)").fetchall()[0][0] == 0


def test_recommendations_one_row_each(con):
    per = dict(con.execute("SELECT narrative_id, count(*) FROM marts.recommendations GROUP BY 1").fetchall())
    stated = dict(con.execute("SELECT narrative_id, n_recommendations FROM marts.country_year").fetchall())
    assert {k: v for k, v in stated.items() if v} == per
    parsed = dict(con.execute("SELECT narrative_id, n_recommendations FROM staging.narratives").fetchall())
    assert stated == parsed
    assert con.execute("SELECT recommendation FROM marts.recommendations WHERE narrative_id = 'KHM-2015' ORDER BY position"
                       ).fetchall()[0][0].startswith("Prosecute and convict labor traffickers")


def test_region_and_global_year_add_up(con):
    mismatch = con.execute("""
        WITH r AS (SELECT report_year, sum(n_countries) n, sum(n_tier_1 + n_tier_2 + n_tier_2wl + n_tier_3 + n_special_case) t,
                          sum(convictions) conv, sum(prosecutions_labor) pl, sum(victims_identified) v
                   FROM marts.region_year GROUP BY 1),
             c AS (SELECT report_year, count(*) n, sum(convictions) conv, sum(prosecutions_labor) pl, sum(victims_identified) v
                   FROM marts.country_year GROUP BY 1)
        SELECT * FROM marts.global_year g JOIN r USING (report_year) JOIN c USING (report_year)
        WHERE g.n_countries <> r.n OR r.t <> r.n OR c.n <> g.n_countries
           OR g.convictions IS DISTINCT FROM r.conv OR g.convictions IS DISTINCT FROM c.conv
           OR g.prosecutions_labor IS DISTINCT FROM c.pl OR g.victims_identified IS DISTINCT FROM c.v""").fetchall()
    assert mismatch == []
    g15 = row(con, "SELECT * FROM marts.global_year WHERE report_year = 2015")
    # KHM 57 + KOR 31 + LAO 9 + THA 104 convictions in the 2015 pages
    assert (g15["data_year"], g15["n_countries"], g15["convictions"], g15["n_reporting_convictions"]) == (2014, 4, 201, 4)
    assert (g15["n_tier_1"], g15["n_tier_2wl"], g15["n_tier_3"]) == (1, 2, 1)
    eap = row(con, "SELECT * FROM marts.region_year WHERE region = 'EAP' AND report_year = 2015")
    assert eap["n_countries"] == 4 and eap["prosecutions_labor"] == 12


def test_every_country_has_a_region(con):
    assert con.execute("SELECT country_iso3 FROM marts.country_year WHERE region IS NULL").fetchall() == []
    assert con.execute("SELECT DISTINCT region FROM marts.countries WHERE region IS NOT NULL ORDER BY 1").fetchall() == [
        ("AF",), ("EAP",), ("EUR",), ("NEA",), ("SCA",), ("WHA",)]


def test_region_table_is_sound():
    from tip.core.countries import is_valid_iso3
    from tip.core.regions import REGION_NAMES, REGION_OF, _MEMBERS

    codes = [c for v in _MEMBERS.values() for c in v.split()]
    assert len(codes) == len(set(codes)), "a code sits in two regions"
    assert all(is_valid_iso3(c) for c in codes)
    assert set(REGION_OF.values()) == set(REGION_NAMES)
    # spot checks of the Department's bureaus
    assert [REGION_OF[c] for c in ("KAZ", "EGY", "SDN", "TUR", "CUW", "TWN", "AFG", "USA", "XKX")] == [
        "SCA", "NEA", "AF", "EUR", "WHA", "EAP", "SCA", "WHA", "EUR"]


def test_marts_do_not_depend_on_when_they_were_built(con):
    """Nothing time-dependent in a mart: no timestamp columns (exports must be reproducible)."""
    from tip.marts import dictionary

    exported = [t.name for t in dictionary.exported_marts()]
    types = con.execute("SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns() "
                        "WHERE database_name = current_database()").fetchall()
    stamped = [(t, c) for t, c, ty in types if t in exported and ty.startswith(("TIMESTAMP", "DATE", "TIME"))]
    assert stamped == []
