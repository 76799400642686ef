"""The main job, end to end, against the synthetic sites served on 127.0.0.1.

`tip run --mirror` fetches the index and narrative pages of an early (2001, grouped by tier),
a middle (2010 bands; 2014 one page per country) and a recent (2023) report year through the
real Prefect flow, and the published panel holds the right rows.
"""
import duckdb
import pytest

from tests.conftest import run_cli

YEARS = "2001,2010,2014,2023"

EXPECTED_TIERS = {
    ("BEL", 2001): "1", ("COL", 2001): "1", ("AGO", 2001): "2", ("BGD", 2001): "2", ("KHM", 2001): "2",
    ("MMR", 2001): "3", ("IDN", 2001): "3",
    ("AFG", 2010): "2WL", ("KHM", 2010): "2", ("DNK", 2010): "1", ("GAB", 2010): "2WL", ("MYS", 2010): "2WL",
    ("ANT", 2010): "2WL", ("THA", 2010): "2WL", ("SOM", 2010): "SPECIAL",
    ("KHM", 2014): "2WL", ("IDN", 2014): "2", ("SOM", 2014): "SPECIAL", ("KOR", 2014): "1",
    ("KHM", 2023): "3", ("MMR", 2023): "3", ("HKG", 2023): "2WL", ("CUW", 2023): "2WL", ("SOM", 2023): "SPECIAL",
}


@pytest.fixture(scope="module")
def first_run(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "tip.duckdb"
    start = len(site.requests)  # the server is shared by the session: keep only this run's requests
    res = run_cli("run", "--mirror", site.url, "--years", YEARS, "--db", str(db), "--rate", "0")
    return db, res, list(site.requests[start:])


def test_run_publishes_the_right_tiers(first_run):
    db, res, _ = first_run
    assert res.returncode == 0, res.stderr[-3000:]
    assert "published:" in res.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT country_iso3, report_year, tier FROM marts.country_year").fetchall()
    got = {(iso, year): tier for iso, year, tier in rows}
    assert got == EXPECTED_TIERS


def test_run_keeps_figures_and_evidence(first_run):
    db, _, _ = first_run
    with duckdb.connect(str(db), read_only=True) as con:
        khm = con.execute(
            "SELECT investigations, convictions, victims_identified, compliance, is_source, source_url "
            "FROM marts.country_year WHERE country_iso3 = 'KHM' AND report_year = 2014").fetchone()
        assert khm[:5] == (35, 18, 274, "not_fully_significant_efforts", True)
        assert khm[5] == "https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm"
        # the prior-year comparison is kept as such, never as the current figure
        prior = con.execute(
            "SELECT value, data_year FROM staging.measures WHERE narrative_id = 'KHM-2014' AND is_prior_period").fetchall()
        assert prior == [(44.0, 2012)]
        bad = con.execute(
            """SELECT count(*) FROM staging.measures m JOIN staging.narratives n USING (narrative_id)
               WHERE substr(n.text, m.start + 1, m."end" - m.start) <> m.evidence""").fetchone()[0]
        assert bad == 0


def test_run_records_rejects_and_404s_without_failing(first_run):
    db, _, _ = first_run
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = [r[0] for r in con.execute("SELECT reason FROM staging.rejects").fetchall()]
        assert any("unknown country name in headline: 'MIKRONESIA'" in r for r in reasons)
        statuses = dict(con.execute(
            "SELECT url, status FROM raw.documents WHERE url LIKE '%/countries/2014/226855.htm'").fetchall())
        assert list(statuses.values()) == [404]


def test_run_only_requests_state_department_paths(first_run):
    _, _, requests = first_run
    hosts = {path.split("/")[1] for path, _ in requests}
    assert hosts == {"2001-2009.state.gov", "2009-2017.state.gov", "www.state.gov"}
    assert not any("evil.example.com" in p or "un.org" in p for p, _ in requests)
    # a browser-like User-Agent on every request
    assert all(h.get("User-Agent", "").startswith("Mozilla/5.0") for _, h in requests)


def test_second_run_changes_nothing(first_run, site):
    db, _, _ = first_run
    before = len(site.requests)
    res = run_cli("run", "--mirror", site.url, "--years", YEARS, "--db", str(db), "--rate", "0")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "0 fetched" in res.stdout
    assert "nothing new to parse" in res.stdout
    conditional = [h for _, h in site.requests[before:] if "If-None-Match" in h or "If-Modified-Since" in h]
    fetched = [p for p, _ in site.requests[before:]]
    assert fetched and len(conditional) == len([p for p in fetched if "226855" not in p and "2001/3929" not in p
                                                and "142747" not in p])
