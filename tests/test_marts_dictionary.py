"""Descriptions: one source (sql/marts/dictionary.yml) -> COMMENT ON in the file, `tip describe`, docs/data-dictionary.md."""
import duckdb
import pytest

from tests.conftest import ROOT, run_cli
from tests.support.marts_panel import shared_panel
from tip.marts import dictionary


@pytest.fixture(scope="module")
def db():
    return shared_panel()


def test_every_table_and_column_of_the_file_is_described(db):
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
                             "WHERE database_name = current_database()").fetchall()
        cols = con.execute("SELECT schema_name || '.' || table_name, column_name, comment FROM duckdb_columns() "
                           "WHERE database_name = current_database()").fetchall()
    assert {t for t, c in tables if not c} == set()
    assert [(t, c) for t, c, d in cols if not d] == []
    # and the text in the file is the dictionary's
    got = {t: c for t, c in tables}
    assert got["marts.country_year"] == dictionary.table("marts.country_year").description
    tier_rank = [d for t, c, d in cols if (t, c) == ("marts.country_year", "tier_rank")]
    assert tier_rank == [dictionary.table("marts.country_year").columns["tier_rank"]]


def test_a_mart_column_without_description_fails_the_build(db, tmp_path):
    """The strict check: a new mart column nobody described is caught before publishing."""
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    with duckdb.connect(str(copy)) as con:
        assert dictionary.problems(con, lenient=("marts.validation_runs",)) == []
        con.execute("ALTER TABLE marts.country_year ADD COLUMN mystery INTEGER")
        con.execute("ALTER TABLE marts.flows DROP COLUMN n_mentions")
        problems = dictionary.problems(con, lenient=("marts.validation_runs",))
        with pytest.raises(RuntimeError, match="mystery"):
            dictionary.apply_comments(con, lenient=("marts.validation_runs",))
    assert problems == ["marts.country_year.mystery: no description in dictionary.yml",
                        "marts.flows.n_mentions: described in dictionary.yml but not in the table"]


def test_docs_dictionary_is_generated_from_the_same_source():
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    section = dictionary.generated_section(text)
    assert section is not None, "docs/data-dictionary.md lacks the generated data dictionary markers"
    assert section == dictionary.markdown(), "docs/data-dictionary.md is stale: run `uv run python -m tip.marts.dictionary`"
    for t in dictionary.tables():
        assert f"#### `{t.name}`" in section


def test_describe_lists_tables_and_columns(db):
    res = run_cli("describe", "--db", str(db))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    first = [ln.split()[0] for ln in lines if ln and not ln.startswith(" ")]
    assert first[:8] == sorted(first[:8]) and "marts.country_year" in first and "staging.measures" in first
    cy = next(ln for ln in lines if ln.startswith("marts.country_year"))
    n = duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM marts.country_year").fetchall()[0][0]
    assert cy.split()[1] == str(n) and "One row per country and report year" in cy

    res = run_cli("describe", "tier_history", "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("marts.tier_history (")
    status = next(ln for ln in res.stdout.splitlines() if ln.strip().startswith("status "))
    assert "VARCHAR" in status and "not_rated" in status
    # qualified names work too, for any schema
    res = run_cli("describe", "staging.measures", "--db", str(db))
    assert res.returncode == 0 and "evidence" in res.stdout


def test_describe_errors_are_one_line(db, tmp_path):
    res = run_cli("describe", "no_such_table", "--db", str(db))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "'no_such_table': not in this panel" in res.stderr
    res = run_cli("describe", "--db", str(tmp_path / "missing.duckdb"))
    assert res.returncode == 2 and "no panel there yet" in res.stderr
