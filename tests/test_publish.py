"""Publishing never locks a reader out, and older DuckDB versions open what is published."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from tests.support.marts_panel import build_panel, shared_panel

READER = r"""
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
def snapshot():
    run = con.execute("SELECT run_id FROM meta.build_info").fetchall()[0][0]
    years = [r[0] for r in con.execute("SELECT DISTINCT report_year FROM marts.country_year ORDER BY 1").fetchall()]
    measures = con.execute("SELECT count(*), sum(value) FROM marts.measures").fetchall()[0]
    hits = con.execute("SELECT count(*) FROM search.narratives('forced labor')").fetchall()[0][0]
    return {"run": run, "years": years, "measures": list(measures), "hits": hits}
print("READY " + __import__("json").dumps(snapshot()), flush=True)
for line in sys.stdin:
    if line.strip() == "again":
        print("SNAP " + __import__("json").dumps(snapshot()), flush=True)
    else:
        break
con.close()
"""


def _read_line(proc, prefix):
    line = proc.stdout.readline()
    assert line.startswith(prefix), (line, proc.stderr.read() if proc.poll() is not None else "")
    return json.loads(line[len(prefix):])


def test_a_reader_in_another_process_keeps_working_while_a_run_publishes(site, tmp_path):
    db = tmp_path / "tip.duckdb"
    assert build_panel(db, years="2013", site_url=site.url).published
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        before = _read_line(reader, "READY ")
        assert before["years"] == [2013]
        # a run publishes a new build (one more report year) while the reader holds the file open
        summary = build_panel(db, years="2013,2015", site_url=site.url)
        assert summary.published, summary.lines()
        # the reader keeps working, on the build it opened
        reader.stdin.write("again\n")
        reader.stdin.flush()
        during = _read_line(reader, "SNAP ")
        assert during == before
        # a new connection (another process) sees the new build
        fresh = subprocess.run([sys.executable, "-c", READER, str(db)], input="", capture_output=True, text=True, timeout=120)
        after = json.loads(fresh.stdout.splitlines()[0][len("READY "):])
        assert after["years"] == [2013, 2015] and after["run"] == summary.run_id != before["run"]
        assert after["measures"][0] > before["measures"][0]
    finally:
        if reader.poll() is None:
            reader.stdin.close()
            reader.wait(timeout=30)
    assert reader.returncode == 0, reader.stderr.read()
    # nothing left behind: no WAL beside the published file, the candidate moved away
    assert not Path(str(db) + ".wal").exists()
    assert list((tmp_path / "tip.state" / "builds").glob("*.duckdb")) == []


# --- older DuckDB versions ---------------------------------------------------------------------------
OLD_VERSIONS = ["1.4.4", "1.5.5"]

PROBE = r"""
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
out = {
    "version": duckdb.__version__,
    "country_year": con.execute("SELECT count(*), sum(convictions) FROM marts.country_year").fetchall()[0],
    "comment": con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'country_year' AND column_name = 'tier_rank'").fetchall()[0][0],
    "search": [list(r) for r in con.execute("SELECT narrative_id, score FROM search.narratives('debt bondage') ORDER BY narrative_id").fetchall()],
    "stem": con.execute("SELECT search.stem('trafficked')").fetchall()[0][0],
}
print(json.dumps(out))
"""


def _python_with_duckdb(version: str) -> list[str]:
    """A command running Python with duckdb==version from PyPI, in a throw-away environment."""
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--no-project", "--quiet", "--python", sys.executable, "--with", f"duckdb=={version}", "python"]
    venv = Path(tempfile.gettempdir()) / f"tip-test-duckdb-{version}"
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"duckdb=={version}"], check=True, capture_output=True,
                       timeout=600)
    return [str(py)]


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_older_duckdb_opens_the_published_file(version, tmp_path):
    db = shared_panel()
    try:
        cmd = _python_with_duckdb(version)
    except subprocess.CalledProcessError as exc:  # no package index reachable
        if os.environ.get("CI"):
            raise
        pytest.skip(f"cannot install duckdb=={version} here: {exc.stderr!r:.200}")
    res = subprocess.run([*cmd, "-c", PROBE, str(db)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    if res.returncode != 0 and not os.environ.get("CI") and any(
            s in res.stderr for s in ("Failed to download", "failed to fetch", "No solution found", "Could not connect")):
        pytest.skip(f"cannot install duckdb=={version} here (offline?): {res.stderr[-300:]}")
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["version"] == version
    with duckdb.connect(str(db), read_only=True) as con:
        want_cy = con.execute("SELECT count(*), sum(convictions) FROM marts.country_year").fetchall()[0]
        want_search = [list(r) for r in con.execute(
            "SELECT narrative_id, score FROM search.narratives('debt bondage') ORDER BY narrative_id").fetchall()]
    assert tuple(got["country_year"]) == tuple(int(x) for x in want_cy)
    assert got["comment"].startswith("Numeric tier")
    assert got["search"] == want_search and len(want_search) == 4
    assert got["stem"] == "traffick"
