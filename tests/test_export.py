"""`tip export`: every mart to Parquet or CSV, and the same bytes from two builds of the same documents."""
import hashlib

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli
from tests.support.marts_panel import build_panel, shared_panel
from tip.marts import dictionary
from tip.analyst.export import export


@pytest.fixture(scope="module")
def db():
    return shared_panel()


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_parquet_export_holds_every_mart(db, tmp_path):
    done = export(db, "parquet", tmp_path)
    names = {t.short for t in dictionary.exported_marts()}
    assert {p.name for p in tmp_path.iterdir()} == {f"{n}.parquet" for n in names}
    assert {"country_year", "tier_history", "measures", "flows", "recommendations", "region_year", "global_year"} <= names
    with duckdb.connect(str(db), read_only=True) as con:
        for e in done:
            table = pq.read_table(e.path)
            cols = [r[0] for r in con.execute(f"DESCRIBE {e.table}").fetchall()]
            assert table.column_names == cols
            assert table.num_rows == e.rows == con.execute(f"SELECT count(*) FROM {e.table}").fetchall()[0][0]
        # sorted by the mart's key, and the values are the mart's
        cy = pq.read_table(tmp_path / "country_year.parquet").to_pylist()
        assert [(r["country_iso3"], r["report_year"]) for r in cy] == sorted((r["country_iso3"], r["report_year"]) for r in cy)
        khm = next(r for r in cy if (r["country_iso3"], r["report_year"]) == ("KHM", 2015))
        assert (khm["prosecutions_labor"], khm["tier"]) == (12, "2WL")
        m = pq.read_table(tmp_path / "measures.parquet").to_pylist()
        assert any(r["country_year_columns"] == ["convictions"] and r["narrative_id"] == "KHM-2014" for r in m)


def test_csv_export_through_the_cli(db, tmp_path):
    out = tmp_path / "csv"
    res = run_cli("export", "--format", "csv", "--out", str(out), "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert "marts.country_year" in res.stdout
    with duckdb.connect() as con:
        rows = con.execute("SELECT count(*), count(DISTINCT (country_iso3, report_year)) FROM read_csv(?)",
                           [str(out / "country_year.csv")]).fetchall()[0]
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM marts.country_year").fetchall()[0][0]
    assert rows == (n, n)
    header = (out / "flows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("report_year,origin_iso3,origin_country")


def test_export_errors_are_one_line(db, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    res = run_cli("export", "--out", str(afile), "--db", str(db))
    assert res.returncode == 2 and "exists and is not a folder" in res.stderr and res.stderr.count("\n") == 1
    res = run_cli("export", "--db", str(tmp_path / "nothing.duckdb"), "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "no panel there yet" in res.stderr
    res = run_cli("export", "--format", "xlsx", "--db", str(db))
    assert res.returncode == 2 and "invalid choice" in res.stderr


def test_two_builds_of_the_same_documents_export_the_same_bytes(db, tmp_path, site):
    """Idempotence: a second panel fetched and built from the same pages (other fetch and parse
    times, other run ids) and a rebuild of it from its raw store export identical files."""
    other = tmp_path / "other" / "tip.duckdb"
    first = build_panel(other, site_url=site.url)
    assert first.published
    for fmt in ("parquet", "csv"):
        export(db, fmt, tmp_path / f"a-{fmt}")
        export(other, fmt, tmp_path / f"b-{fmt}")
        assert _digests(tmp_path / f"a-{fmt}") == _digests(tmp_path / f"b-{fmt}")
    with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(other), read_only=True) as b:
        assert a.execute("SELECT run_id FROM meta.build_info").fetchall() != b.execute("SELECT run_id FROM meta.build_info").fetchall()
    # a forced rebuild from the raw store (nothing fetched, nothing new to parse) changes nothing either
    again = build_panel(other, fetch=False, force=True)
    assert again.published and again.parsed == 0
    export(other, "parquet", tmp_path / "c-parquet")
    assert _digests(tmp_path / "c-parquet") == _digests(tmp_path / "a-parquet")
