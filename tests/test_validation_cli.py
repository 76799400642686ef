"""The gate from a user's seat: `tip validate` prints a table and exits non-zero on a critical
failure; `tip build` refuses to publish with one message naming the expectation; and the commands
that do not validate never import Great Expectations (seconds of start-up)."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, run_cli
from tests.test_validation import narrative_text, quiet, write_narratives
from tip.pipeline import RunOptions, run_plain


@pytest.fixture(scope="module")
def small_panel(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    src = write_narratives(root / "src", [("Cambodia", "2WL", 2014, "Thailand"), ("Denmark", "1", 2014, "Romania"),
                                          ("Burma", "3", 2014, "China")])
    db = root / "tip.duckdb"
    assert run_plain(RunOptions(source=f"dir:{src}", db=str(db)), progress_for=quiet).published
    return db


def test_cli_and_parse_do_not_import_great_expectations(tmp_path):
    f = tmp_path / "khm.txt"
    f.write_text(narrative_text("Cambodia", "2", 2014), encoding="utf-8")
    code = (
        "import sys\n"
        "import tip.cli, tip.pipeline, tip.quality.validate, tip.quality.frames, tip.quality.report\n"
        "tip.cli.build_parser()\n"
        "assert 'great_expectations' not in sys.modules, 'import tip.cli imported GX'\n"
        f"rc = tip.cli.main(['parse', {str(f)!r}])\n"
        "assert rc == 0\n"
        "assert 'great_expectations' not in sys.modules, 'tip parse imported GX'\n"
        "print('no GX')\n"
    )
    import subprocess

    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("no GX")
    assert '"country_iso3": "KHM"' in res.stdout


def tip(capsys, *args) -> tuple[int, str, str]:
    """`tip ARGS` in this process (GX is already imported here; the subprocess case is `tip build` below)."""
    from tip.cli import main

    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_tip_validate_prints_a_table_and_fails_on_a_critical(small_panel, capsys):
    rc, out, err = tip(capsys, "validate", "--db", str(small_panel))
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["stage", "suite", "expectation", "severity", "result", "unexpected"]
    assert any(ln.split()[:2] == ["staging", "narratives"] and "tier and compliance agree" in ln and " pass " in ln
               for ln in lines)
    assert any(ln.split()[:2] == ["marts", "country_year"] and "one row per country and report year" in ln for ln in lines)
    assert "verdict: passed" in out
    report = [ln for ln in lines if ln.startswith("report: ")][0].split(": ", 1)[1]
    assert report.endswith(".html") and "tip.state/validation/" in report

    work = small_panel.parent / "tip.state" / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("INSERT INTO staging.partners SELECT * FROM staging.partners WHERE narrative_id = 'MMR-2014' LIMIT 1")
    before = small_panel.read_bytes()
    rc, out, err = tip(capsys, "validate", "--db", str(small_panel))
    assert rc == 1
    assert "verdict: FAILED: partners: one row per narrative, partner and direction" in out
    assert ("critical expectation failed: [partners] one row per narrative, partner and direction "
            "(2 offending rows; first: narrative_id=MMR-2014 partner_iso3=CHN") in out
    # `tip build` refuses to publish, with the same message, and leaves the panel as it was
    res = run_cli("build", "--db", str(small_panel))
    assert res.returncode == 1
    assert "\ntip: validation failed, nothing published:\n" in res.stderr
    assert "[partners] one row per narrative, partner and direction (2 offending rows; first: narrative_id=MMR-2014" in res.stderr
    assert "Traceback" not in res.stderr
    assert small_panel.read_bytes() == before


def test_bad_validate_options_are_one_line(small_panel, tmp_path, capsys):
    rc, out, err = tip(capsys, "validate", "--db", str(small_panel), "--reference", str(tmp_path / "missing.csv"))
    assert rc == 2 and out == ""
    assert err.strip() == f"tip: error: reference tier file {tmp_path / 'missing.csv'}: no such file"
    rc, out, err = tip(capsys, "validate", "--db", str(small_panel), "--max-quarantine-share", "3")
    assert rc == 2
    assert err.strip() == "tip: error: maximum quarantine share 3.0: expected a share between 0 and 1, e.g. 0.1"


def test_tip_run_through_prefect_refuses_a_failing_build(site, tmp_path):
    """The Prefect flow (`tip run`) stops at a failed mart check like the plain pipeline: exit 1,
    the expectation and its rows named, the candidate kept, nothing published. The synthetic
    site's 2010 is built complete; this reference gives it one Watch List country, it has five."""
    ref = tmp_path / "ref.csv"
    ref.write_text("year,tier,num_countries\n2010,Tier 1,1\n2010,Tier 2,1\n2010,Watchlist,1\n", encoding="utf-8")
    db = tmp_path / "tip.duckdb"
    res = run_cli("run", "--mirror", site.url, "--years", "2010", "--db", str(db), "--rate", "0",
                  env={"TIP_REFERENCE_TIERS": str(ref)})
    assert res.returncode == 1, res.stderr[-2000:]
    assert "tip: validation failed, nothing published:\n" in res.stderr
    assert ("[tier_counts] countries per tier within tolerance of the reference panel (1 offending rows; "
            "first: report_year=2010 tier=2WL (") in res.stderr
    assert "candidate build kept at" in res.stderr
    assert not db.exists()
    kept = list((tmp_path / "tip.state" / "builds").glob("tip-*.duckdb"))
    assert len(kept) == 1
    # the run's markdown artifact (its latest version) holds the mart results too; read from the
    # ephemeral server's database, which outlives the run
    import os
    import sqlite3

    with sqlite3.connect(Path(os.environ["PREFECT_HOME"]) / "prefect.db") as prefect_db:
        latest = prefect_db.execute("SELECT data FROM artifact WHERE key = 'tip-validation' ORDER BY created DESC LIMIT 1").fetchone()
    assert latest and "Validation FAILED: tier_counts" in latest[0] and "| marts | tier_counts |" in latest[0]
