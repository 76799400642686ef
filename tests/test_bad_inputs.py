"""Bad inputs to `tip parse` and to the `dir:` source: each is a reject with a clear reason or a
clear one-line error, never a traceback or a silent wrong row.

Every narrative here is SYNTHETIC (written for these tests in the reports' style; not report
text): country names are real, every fact and figure is invented.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import duckdb
import pytest

from tests.support.reliability import quiet, snapshot
from tip.cli import main as tip_main
from tip.parse import MAX_DOCUMENT_BYTES

# SYNTHETIC narratives
CAMBODIA = """CAMBODIA (Tier 2)

SYNTHETIC. Cambodia is a source, transit, and destination country for men, women, and children subjected to sex \
trafficking and forced labor. The Government of Cambodia does not fully comply with the minimum standards for the \
elimination of trafficking; however, it is making significant efforts to do so. During the reporting period, \
authorities investigated 35 cases, convicted 18 traffickers, and identified 274 victims.
"""
THAILAND = """THAILAND (Tier 2)

SYNTHETIC. Thailand is a source, transit, and destination country for men, women, and children subjected to forced \
labor and sex trafficking. The Government of Thailand does not fully comply with the minimum standards for the \
elimination of trafficking; however, it is making significant efforts to do so. During the reporting period, \
authorities investigated 12 cases, convicted 7 traffickers, and identified 91 victims.
"""
MORE_COUNTRIES = ["Nepal", "Kenya", "Ghana", "Peru", "Chile", "Mali", "Chad", "Niger", "Togo", "Benin", "Gabon",
                  "Oman", "Qatar", "Yemen", "Jordan", "Egypt"]
IVORY = CAMBODIA.replace("CAMBODIA", "CÔTE D'IVOIRE").replace("Cambodia", "Côte d\u2019Ivoire")


def parse(tmp_path, capsys, name: str, data: bytes, *args: str):
    """`tip parse FILE` in-process: (exit code, JSON printed, stderr lines)."""
    f = tmp_path / name
    f.write_bytes(data)
    code = tip_main(["parse", str(f), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, (json.loads(out) if out.strip() else None), [ln for ln in err.splitlines() if ln]


def measures(n: dict) -> dict:
    return {m["measure"]: m["value"] for m in n["measures"]}


# -- tip parse -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty document"),
    ("blank.txt", b" \n\t\n  \r\n", "empty document"),
    ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary content, not text or HTML"),
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "binary content, not text or HTML"),
    ("archive.html", gzip.compress(CAMBODIA.encode()), "binary content, not text or HTML"),
    ("noise.txt", random.Random(8).randbytes(4000), "binary content, not text or HTML"),
    ("contact.html", b"<html><head><title>Contact us</title></head><body><h1>Contact</h1><p>Write to us.</p></body></html>",
     "no narrative headline found (expected 'Country (Tier N)', 'COUNTRY: Tier N', a placement line under the title, or a sentence placing the country)"),
    ("headless.txt", CAMBODIA.split("\n", 2)[2].encode(),
     "no narrative headline found (expected 'Country (Tier N)', 'COUNTRY: Tier N', a placement line under the title, or a sentence placing the country)"),
    ("atlantis.txt", CAMBODIA.replace("CAMBODIA", "ATLANTIS").replace("Cambodia", "Atlantis").encode(),
     "unknown country name in headline: 'ATLANTIS'"),
    ("stub.txt", b"CAMBODIA (Tier 2)\n\nSee the report.\n", "headline with no narrative text after it"),
])
def test_a_bad_file_is_a_reject_with_its_reason(tmp_path, capsys, name, data, reason):
    code, out, err = parse(tmp_path, capsys, name, data, "--year", "2014")
    assert code == 0 and out == []
    assert len(err) == 1 and err[0].startswith("tip: rejected") and err[0].endswith(f"in {tmp_path / name}: {reason}")
    # --strict turns "nothing parsed" into a failing exit code for scripts
    code, out, _ = parse(tmp_path, capsys, name, data, "--year", "2014", "--strict")
    assert code == 1 and out == []


def test_without_a_year_the_narrative_is_rejected_not_guessed(tmp_path, capsys):
    code, out, err = parse(tmp_path, capsys, "cambodia.txt", CAMBODIA.encode())
    assert out == [] and err == [f"tip: rejected (CAMBODIA) in {tmp_path / 'cambodia.txt'}: report year unknown: "
                                 "not in the URL or the page, and no --year given"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_text_in_other_encodings_reads_right(tmp_path, capsys, encoding):
    text = IVORY if encoding != "latin-1" else IVORY.replace("\u2019", "'")
    code, out, err = parse(tmp_path, capsys, f"ivory-{encoding}.txt", text.encode(encoding), "--year", "2014")
    assert code == 0 and err == []
    [n] = out
    assert (n["country"], n["country_iso3"], n["tier"]) == ("CÔTE D'IVOIRE", "CIV", "2")
    assert measures(n) == {"investigations": 35, "convictions": 18, "victims_identified": 274}


def test_broken_utf8_bytes_do_not_stop_the_parse(tmp_path, capsys):
    data = CAMBODIA.encode().replace(b"source, transit", b"source,\xff\xfe\xc3 transit")
    code, out, err = parse(tmp_path, capsys, "broken.txt", data, "--year", "2014")
    assert code == 0 and err == []
    [n] = out
    assert n["country_iso3"] == "KHM" and measures(n) == {"investigations": 35, "convictions": 18, "victims_identified": 274}


def test_two_narratives_glued_together_stay_two(tmp_path, capsys):
    code, out, err = parse(tmp_path, capsys, "glued.txt", (CAMBODIA + THAILAND).encode(), "--year", "2014")
    assert code == 0 and err == []
    got = {n["country_iso3"]: measures(n) for n in out}
    assert got == {"KHM": {"investigations": 35, "convictions": 18, "victims_identified": 274},
                   "THA": {"investigations": 12, "convictions": 7, "victims_identified": 91}}
    for n in out:  # each figure's evidence is in its own narrative
        assert all(n["country"].split()[0].title() in m["evidence"] or "authorities" in m["evidence"] for m in n["measures"])


def test_two_narratives_glued_on_one_line_are_not_merged(tmp_path, capsys):
    code, out, err = parse(tmp_path, capsys, "glued-line.txt", (CAMBODIA.rstrip() + THAILAND).encode(), "--year", "2014")
    khm = [measures(n) for n in out if n["country_iso3"] == "KHM"]
    # either both narratives, each with its own figures, or a reject: never Thailand's figures as Cambodia's
    assert khm in ([], [{"investigations": 35, "convictions": 18, "victims_identified": 274}])


def test_the_same_narrative_twice_is_kept_once_and_the_copy_rejected(tmp_path, capsys):
    code, out, err = parse(tmp_path, capsys, "twice.txt", (CAMBODIA + "\n" + CAMBODIA).encode(), "--year", "2014")
    assert [n["country_iso3"] for n in out] == ["KHM"]
    assert err == [f"tip: rejected (CAMBODIA) in {tmp_path / 'twice.txt'}: second narrative for KHM 2014 on the same page"]


def test_a_huge_file_is_one_line_error(tmp_path, capsys):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:
        fh.write(CAMBODIA.encode())
        fh.truncate(MAX_DOCUMENT_BYTES + 1)   # sparse: no 20 MB written
    code = tip_main(["parse", str(f), "--year", "2014"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"tip: error: {f}: {MAX_DOCUMENT_BYTES + 1} bytes is larger than the {MAX_DOCUMENT_BYTES}-byte limit for one document\n"


@pytest.mark.parametrize("make,message", [
    (lambda p: p / "missing.txt", "{p}: no such file"),
    (lambda p: p, "{p}: is a folder, not a narrative file"),
])
def test_a_missing_file_or_a_folder_is_one_line_error(tmp_path, capsys, make, message):
    target = make(tmp_path)
    code = tip_main(["parse", str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err == "tip: error: " + message.format(p=target) + "\n"


def test_the_parse_command_never_prints_a_traceback(tmp_path):
    """The same through a real process, for the worst of the inputs."""
    from tests.conftest import run_cli

    f = tmp_path / "noise.html"
    f.write_bytes(bytes(range(256)) * 40)
    res = run_cli("parse", str(f))
    assert res.returncode == 0 and res.stdout.strip() == "[]"
    assert res.stderr == f"tip: rejected in {f}: binary content, not text or HTML\n"


# -- the dir: source -------------------------------------------------------------------------------
def test_a_folder_of_bad_files_gives_rejects_and_the_good_rows(tmp_path):
    """The whole plain pipeline on a dir: source mixing good and bad files: the good narratives
    are published, each bad file is a reject (or, too large to read, a failed document) with its
    reason, and no row carries a wrong country or figures from another narrative."""
    from tip.pipeline import RunOptions, run_plain

    src = tmp_path / "narratives"
    src.mkdir()
    files = {
        "good-cambodia.txt": CAMBODIA.encode(),
        "good-ivory-cp1252.txt": IVORY.encode("cp1252"),
        "glued.txt": (THAILAND + CAMBODIA.replace("CAMBODIA", "LAOS").replace("Cambodia", "Laos")).encode(),
        "empty.txt": b"",
        "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "contact.html": b"<html><body><h1>Contact</h1><p>Write to us.</p></body></html>",
        "headless.txt": CAMBODIA.split("\n", 2)[2].encode(),
        "atlantis.txt": CAMBODIA.replace("CAMBODIA", "ATLANTIS").replace("Cambodia", "Atlantis").encode(),
        "notes.md": b"not a narrative file type: ignored",
    }
    # enough good narratives that the rejects stay under the validation gate's share
    for i, country in enumerate(MORE_COUNTRIES):
        files[f"good-{i:02d}.txt"] = CAMBODIA.replace("CAMBODIA", country.upper()).replace("Cambodia", country) \
            .replace("35 cases", f"{40 + i} cases").encode()
    for name, data in files.items():
        (src / name).write_bytes(data)
    with open(src / "huge.txt", "wb") as fh:
        fh.write(CAMBODIA.encode())
        fh.truncate(MAX_DOCUMENT_BYTES + 1)

    db = tmp_path / "panel" / "tip.duckdb"
    s = run_plain(RunOptions(source=f"dir:{src}", db=str(db), year_hint=2014), progress_for=quiet)
    assert s.published, s.lines()
    assert s.fetch_failed == 1
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(con.execute("SELECT country_iso3, source_url FROM staging.narratives").fetchall())
        figures = {(r[0], r[1]): r[2] for r in con.execute(
            "SELECT country_iso3, measure, value FROM staging.measures WHERE NOT is_prior_period").fetchall()}
        rejects = {Path(r[0]).name: r[1] for r in con.execute("SELECT input, reason FROM staging.rejects").fetchall()}
        huge = con.execute("SELECT status, sha256, error FROM raw.documents WHERE url LIKE '%/huge.txt'").fetchone()
    named = {k: Path(v).name for k, v in rows.items()}
    assert {k: v for k, v in named.items() if not v.startswith("good-0") and not v.startswith("good-1")} == {
        "KHM": "good-cambodia.txt", "CIV": "good-ivory-cp1252.txt", "THA": "glued.txt", "LAO": "glued.txt"}
    assert len(named) == 4 + len(MORE_COUNTRIES)
    assert figures[("KHM", "investigations")] == 35 and figures[("LAO", "investigations")] == 35
    assert figures[("NPL", "investigations")] == 40 + MORE_COUNTRIES.index("Nepal")
    assert figures[("THA", "investigations")] == 12 and figures[("CIV", "convictions")] == 18
    assert rejects == {
        "empty.txt": "empty document",
        "image.html": "binary content, not text or HTML",
        "contact.html": "no narrative headline found (expected 'Country (Tier N)', 'COUNTRY: Tier N', a placement line under the title, or a sentence placing the country)",
        "headless.txt": "no narrative headline found (expected 'Country (Tier N)', 'COUNTRY: Tier N', a placement line under the title, or a sentence placing the country)",
        "atlantis.txt": "unknown country name in headline: 'ATLANTIS'",
    }
    assert huge[:2] == (None, None) and huge[2].startswith(f"file too large: {MAX_DOCUMENT_BYTES + 1} bytes")
    assert len(snapshot(db)["marts.country_year"]) == 4 + len(MORE_COUNTRIES)


def test_a_folder_of_mostly_bad_files_is_not_published(tmp_path):
    """Past the validation gate's share of rejects, nothing is published and the message says why."""
    from tip.core.errors import ValidationFailed
    from tip.pipeline import RunOptions, run_plain

    src = tmp_path / "narratives"
    src.mkdir()
    (src / "good.txt").write_text(CAMBODIA)
    (src / "headless.txt").write_text(CAMBODIA.split("\n", 2)[2])
    (src / "atlantis.txt").write_text(CAMBODIA.replace("CAMBODIA", "ATLANTIS"))
    db = tmp_path / "panel" / "tip.duckdb"
    with pytest.raises(ValidationFailed) as err:
        run_plain(RunOptions(source=f"dir:{src}", db=str(db), year_hint=2014), progress_for=quiet)
    assert "critical expectation failed: [quarantine]" in str(err.value)
    assert not db.exists()


def test_a_missing_or_wrong_source_folder_is_one_line_error(tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    for spec, message in ((f"dir:{tmp_path / 'nope'}", f"--source dir:{tmp_path / 'nope'}: no such folder"),
                          (f"dir:{tmp_path / 'file.txt'}", f"--source dir:{tmp_path / 'file.txt'}: not a folder"),
                          ("dir:", "--source dir:PATH needs a folder path after 'dir:'"),
                          ("ftp://x", "--source 'ftp://x': expected 'statedept' or 'dir:PATH'")):
        code = tip_main(["fetch", "--source", spec, "--db", str(tmp_path / "t.duckdb")])
        out, err = capsys.readouterr()
        assert code == 2 and err == f"tip: error: {message}\n", err
