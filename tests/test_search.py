"""Full-text search of the narratives (SQL index and BM25 macros in the file; `tip search`)."""
import math

import duckdb
import pytest

from tests.conftest import run_cli
from tests.support.marts_panel import shared_panel


@pytest.fixture(scope="module")
def db():
    return shared_panel()


@pytest.fixture(scope="module")
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def test_phrase_search_finds_exactly_the_narratives_that_say_it(con):
    hits = con.execute("SELECT narrative_id, phrase_match, snippet FROM search.narratives('debt bondage')").fetchall()
    expected = {r[0] for r in con.execute(
        "SELECT narrative_id FROM staging.narratives WHERE regexp_matches(lower(text), 'debt\\s+bondage')").fetchall()}
    assert expected == {"KHM-2013", "THA-2013", "KHM-2015", "THA-2015"}
    assert {h[0] for h in hits} == expected
    assert all(h[1] for h in hits)
    assert all("debt bondage" in h[2].lower() for h in hits)


def test_every_word_must_occur_and_phrases_rank_first(con):
    rows = con.execute("SELECT narrative_id, phrase_match, score FROM search.narratives('trafficked thailand')").fetchall()
    ids = [r[0] for r in rows]
    texts = dict(con.execute("SELECT narrative_id, lower(text) FROM staging.narratives").fetchall())
    assert ids and all("thailand" in texts[i] and "traffick" in texts[i] for i in ids)
    flags = [r[1] for r in rows]
    assert flags == sorted(flags, reverse=True)  # exact phrase first
    for phrase in (True, False):
        scores = [r[2] for r in rows if r[1] is phrase]
        assert scores == sorted(scores, reverse=True)


def test_stemming_is_the_same_for_documents_and_queries(con):
    stem = lambda w: con.execute("SELECT search.stem(?)", [w]).fetchall()[0][0]  # noqa: E731
    assert stem("trafficked") == stem("trafficking") == "traffick"
    assert stem("countries") == stem("country")
    assert stem("victims") == stem("victim")
    assert stem("forced") == stem("force")
    assert stem("hoping") == stem("hope")
    assert stem("bondage") == stem("bondages")
    assert stem("status") == "status" and stem("2014") == "2014"
    assert con.execute("SELECT search.tokenize('The Government''s efforts, in 2014, were NOT enough.')").fetchall()[0][0] == [
        "government", "effort", "2014", "enough"]
    # "trafficked" finds narratives that only say "trafficking"
    only_ing = con.execute("SELECT narrative_id FROM staging.narratives WHERE lower(text) LIKE '%trafficking%' "
                           "AND lower(text) NOT LIKE '%trafficked%' ORDER BY 1 LIMIT 1").fetchall()
    assert only_ing
    found = {r[0] for r in con.execute("SELECT narrative_id FROM search.narratives('trafficked')").fetchall()}
    assert only_ing[0][0] in found


def test_bm25_scores_match_the_formula(con):
    """Recompute BM25 in Python from the index tables for one query and compare with both macros."""
    n_docs, avgdl = con.execute("SELECT num_docs, avgdl FROM search.stats").fetchall()[0]
    assert n_docs == con.execute("SELECT count(*) FROM staging.narratives").fetchall()[0][0]
    terms = con.execute("SELECT search.tokenize('forced labor')").fetchall()[0][0]
    df = dict(con.execute("SELECT term, df FROM search.terms WHERE list_contains(?, term)", [terms]).fetchall())
    tf = {}
    for term, docid, f in con.execute("SELECT term, docid, tf FROM search.postings WHERE list_contains(?, term)", [terms]).fetchall():
        tf.setdefault(docid, {})[term] = f
    length = dict(con.execute("SELECT docid, len FROM search.docs").fetchall())
    nid = dict(con.execute("SELECT docid, narrative_id FROM search.docs").fetchall())
    want = {}
    for docid, fs in tf.items():
        if set(fs) != set(terms):
            continue
        want[nid[docid]] = sum(math.log(1 + (n_docs - df[t] + 0.5) / (df[t] + 0.5)) * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * length[docid] / avgdl))
                               for t, f in fs.items())
    got = dict(con.execute("SELECT narrative_id, score FROM search.narratives('forced labor')").fetchall())
    assert set(got) == set(want) and len(want) > 5
    assert all(abs(got[k] - round(want[k], 6)) < 1e-6 for k in want)
    scalar = dict(con.execute("SELECT narrative_id, search.match_bm25(narrative_id, 'forced labor', conjunctive := true) "
                              "FROM staging.narratives").fetchall())
    assert {k for k, v in scalar.items() if v is not None} == set(want)
    assert all(abs(scalar[k] - want[k]) < 1e-9 for k in want)


def test_year_filter(con):
    rows = con.execute("SELECT DISTINCT report_year FROM search.narratives('debt bondage', year := 2015)").fetchall()
    assert rows == [(2015,)]


def test_search_cli(db):
    res = run_cli("search", "debt bondage", "--db", str(db))
    assert res.returncode == 0, res.stderr
    heads = [ln for ln in res.stdout.splitlines() if not ln.startswith(" ")]
    assert len(heads) == 4
    assert {h.split("  score")[0] for h in heads} == {"Cambodia (KHM) 2013", "Thailand (THA) 2013", "Cambodia (KHM) 2015",
                                                      "Thailand (THA) 2015"}
    assert "debt bondage" in " ".join(res.stdout.split())
    res = run_cli("search", "debt bondage", "--year", "2013", "--db", str(db))
    assert res.returncode == 0 and "2015" not in res.stdout and "Thailand (THA) 2013" in res.stdout
    res = run_cli("search", "xylophone", "--db", str(db))
    assert res.returncode == 0 and "no narrative matches 'xylophone'" in res.stdout


def test_search_cli_errors(db, tmp_path):
    res = run_cli("search", "the of and", "--db", str(db))
    assert res.returncode == 2 and "nothing to search for" in res.stderr and res.stderr.count("\n") == 1
    res = run_cli("search", "  ", "--db", str(db))
    assert res.returncode == 2 and "query is empty" in res.stderr
    res = run_cli("search", "bondage", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2 and "no panel there yet" in res.stderr
    # a DuckDB file that is not a panel
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    res = run_cli("search", "bondage", "--db", str(other))
    assert res.returncode == 2 and "no search index" in res.stderr
