"""`tip reconcile`: the panel's tiers against a reference panel.

Unit tests of the codings, column detection and comparison on small files written here, then the
real thing: a panel built by the plain pipeline from SYNTHETIC narratives (generated in tmp_path)
that carry the REAL tiers of the Kelley panel (2001-2014), map_tiers.csv (2015) and sure2018
(2016-2017) for some country-years, plus a few deliberately different tiers, which reconcile must
report -- and nothing else.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tip.cli import main
from tip.core.errors import UserError
from tip.measure.reconcile import NOT_IN_REPORT, parse_tier, parse_year, read_reference, reconcile, resolve_name

KELLEY = "andrewheiss__scorecard-diplomacy/data/original/criminalization-cho-tiers_jk_2015-08-10.dta"
MAP_TIERS = "andrewheiss__scorecard-diplomacy/data/processed/map_tiers.csv"
SURE = "benjaminleroy__sure2018/data/country_summary_data.csv"


# --------------------------------------------------------------------------------------------
# codings and parsing
@pytest.mark.parametrize("coding,raw,tier", [
    ("2.5", "2.5", "2WL"), ("2.5", 2.5, "2WL"), ("2.5", "3", "3"), ("2.5", "555", NOT_IN_REPORT),
    ("2.5", 666.0, "SPECIAL"), ("2.5", "1.0", "1"),
    ("3-of-4", "3", "2WL"), ("3-of-4", "4", "3"), ("3-of-4", 4.0, "3"), ("3-of-4", "Watchlist    ", "2WL"),
    ("3-of-4", "Tier 3", "3"), ("3-of-4", "Tier 1    ", "1"),
    ("2w", "2w", "2WL"), ("2w", "1.0", "1"), ("2w", "3", "3"), ("2w", "Special Case", "SPECIAL"),
])
def test_each_coding_maps_the_watch_list(coding, raw, tier):
    assert parse_tier(raw, coding) == tier


@pytest.mark.parametrize("raw", ["", "NA", "-", " ", None, float("nan"), "nan"])
def test_missing_values_are_empty_not_a_tier(raw):
    assert parse_tier(raw, "2w") is None


@pytest.mark.parametrize("coding,raw", [("2.5", "4"), ("3-of-4", "2.5"), ("2w", "2.5"), ("2.5", "Tier 9"), ("2w", "x")])
def test_values_a_coding_does_not_know_are_refused(coding, raw):
    with pytest.raises(ValueError):
        parse_tier(raw, coding)


@pytest.mark.parametrize("raw,year", [("2001", 2001), ("2001.0", 2001), ("2e3", 2000), (2014, 2014), ("x", None), ("2001.5", None)])
def test_years_as_the_panels_print_them(raw, year):
    assert parse_year(raw) == year


def test_reference_names_resolve_without_guessing():
    assert resolve_name("CzechRep") == "CZE"
    assert resolve_name("Congo, DemRep (Zaire)") == "COD"
    assert resolve_name("Congo (Brazzaville; Rep)") == "COG"
    assert resolve_name("Cote D\x92Ivoire") == "CIV"           # cp1252 quote read as latin-1 (Kelley .dta)
    assert resolve_name("KOREA, DEMOCRATIC PEOPLEâ€™S REPUBLIC OF") == "PRK"   # UTF-8 read as cp1252 (sure2018)
    assert resolve_name("SaudiArabia") == "SAU"
    assert resolve_name("Kosovo") == "XKX"
    assert resolve_name("CAMEROON FASO") is None
    assert resolve_name("Atlantis") is None


def _write(path: Path, text: str, encoding="utf-8", bom=False, crlf=False) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_wide_2w_file_with_bom_crlf_and_dashes(tmp_path):
    f = _write(tmp_path / "wide.csv",
               "Country.x,Country Code,tier2016,tier2017\nSWAZILAND,SWZ,2w,3\nTAIWAN,NA,1,-\nKOSOVO,KOS,2,NA\n"
               "ATLANTIS,NA,3,3\n", bom=True, crlf=True)
    ref = read_reference(f, "2w")
    assert ref.layout == "wide"
    got = {(r.iso3, r.year): r.tier for r in ref.rows}
    assert got == {("SWZ", 2016): "2WL", ("SWZ", 2017): "3", ("TWN", 2016): "1", ("XKX", 2016): "2"}
    assert dict(ref.unresolved) == {"ATLANTIS": 2}


def test_long_file_columns_are_found_per_coding(tmp_path):
    f = _write(tmp_path / "long.csv", "countryname,iso,year,tier,dos_tier\nJamaica,JAM,2015.0,2,3\nBurma,,2e3,3,4\n")
    a = {(r.iso3, r.year): r.tier for r in read_reference(f, "3-of-4").rows}   # dos_tier first
    assert a == {("JAM", 2015): "2WL", ("MMR", 2000): "3"}
    b = {(r.iso3, r.year): r.tier for r in read_reference(f, "2.5").rows}      # tier
    assert b == {("JAM", 2015): "2", ("MMR", 2000): "3"}
    c = {(r.iso3, r.year): r.tier for r in read_reference(f, "3-of-4", tier_column="tier").rows}
    assert c == {("JAM", 2015): "2", ("MMR", 2000): "2WL"}


def test_bad_references_are_one_clear_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_reference(tmp_path / "nope.csv", "2.5")
    with pytest.raises(UserError, match="expected one of 2.5, 3-of-4, 2w"):
        read_reference(_write(tmp_path / "a.csv", "country,year,tier\nPeru,2010,1\n"), "kelley")
    with pytest.raises(UserError, match="no tier and year columns"):
        read_reference(_write(tmp_path / "b.csv", "countryname,tier\nPeru,1\n"), "2.5")
    with pytest.raises(UserError, match="no country column"):
        read_reference(_write(tmp_path / "c.csv", "year,tier\n2010,1\n"), "2.5")
    with pytest.raises(UserError, match="expected a .csv or Stata .dta"):
        read_reference(_write(tmp_path / "d.xlsx", "x"), "2.5")
    with pytest.raises(UserError, match="cannot read it as Stata"):
        read_reference(_write(tmp_path / "e.dta", "not stata at all"), "2.5")


def test_reconcile_counts_and_lists_each_case(tmp_path):
    f = _write(tmp_path / "ref.csv",
               "country,year,tier\nPeru,2010,1\nChile,2010,2.5\nBolivia,2010,555\nEcuador,2010,3\nBrazil,2010,2\n"
               "Brazil,2010,3\nPeru,2009,1\n")
    panel = {("PER", 2010): "1", ("CHL", 2010): "2", ("BOL", 2010): "2", ("URY", 2010): "1", ("BRA", 2010): "2"}
    rep = reconcile(panel, read_reference(f, "2.5"), "panel.duckdb")
    assert rep.years == [2010]                      # 2009 is not in the panel: not compared
    assert rep.agreements == 1
    assert [(d.iso3, d.year, d.panel, d.reference) for d in rep.disagreements] == [("CHL", 2010, "2", "2WL")]
    assert rep.only_in_panel == [("BOL", 2010, "2", "reference: not in report"),
                                 ("BRA", 2010, "2", "reference: conflicting tiers 2/3"), ("URY", 2010, "1", None)]
    assert rep.only_in_reference == [("ECU", 2010, "3", "Ecuador")]
    assert [(i, y) for i, y, _ in rep.reference.conflicts] == [("BRA", 2010)]   # two tiers: reported, not compared


# --------------------------------------------------------------------------------------------
# a panel built from synthetic narratives that carry real tiers
LABEL = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3", "SPECIAL": "Special Case"}
FLIP = {"1": "2", "2": "3", "2WL": "2", "3": "2WL", "SPECIAL": "3"}

# (reference key, report year, headline name, ISO3); Kelley rows are picked by COW code
KELLEY_PICKS = [
    (700, 2005, "AFGHANISTAN", "AFG"), (339, 2003, "ALBANIA", "ALB"), (775, 2001, "Burma", "MMR"),
    (775, 2012, "BURMA", "MMR"), (811, 2009, "CAMBODIA", "KHM"), (437, 2007, "COTE D'IVOIRE", "CIV"),
    (490, 2010, "CONGO, DEMOCRATIC REPUBLIC OF THE", "COD"), (484, 2008, "CONGO, REPUBLIC OF THE", "COG"),
    (731, 2005, "KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "PRK"), (343, 2008, "MACEDONIA", "MKD"),
    (572, 2009, "SWAZILAND", "SWZ"), (860, 2012, "TIMOR-LESTE", "TLS"), (1000, 2011, "HONG KONG", "HKG"),
    (1002, 2011, "MACAU", "MAC"), (713, 2004, "TAIWAN", "TWN"), (1001, 2012, "KOSOVO", "XKX"),
    (520, 2014, "SOMALIA", "SOM"), (41, 2009, "HAITI", "HTI"), (800, 2014, "THAILAND", "THA"),
    (820, 2014, "MALAYSIA", "MYS"), (316, 2009, "CZECH REPUBLIC", "CZE"), (390, 2006, "DENMARK", "DNK"),
]
KELLEY_FLIPPED = {("MMR", 2012), ("COD", 2010), ("HKG", 2011), ("SOM", 2014)}
# country-years Kelley marks 555 (not in the report) or lacks: the panel has them, the reference does not
KELLEY_ABSENT = [(732, 2001, "Korea, South", "KOR"), (402, 2010, "CAPE VERDE", "CPV"), (None, 2011, "CURACAO", "CUW")]
MAP_PICKS = [("DNK", 2015, "DENMARK", "DNK"), ("MKD", 2015, "MACEDONIA", "MKD"), ("MMR", 2015, "BURMA", "MMR"),
             ("JAM", 2015, "JAMAICA", "JAM"), ("KOS", 2015, "KOSOVO", "XKX"), ("CIV", 2015, "COTE D'IVOIRE", "CIV"),
             ("KOR", 2015, "KOREA, SOUTH", "KOR")]
MAP_FLIPPED = {("JAM", 2015)}
SURE_PICKS = [("SWAZILAND", 2016, "SWAZILAND", "SWZ"), ("KOREA, REPUBLIC OF", 2016, "KOREA, SOUTH", "KOR"),
              ("TAIWAN", 2017, "TAIWAN", "TWN"), ("AFGHANISTAN", 2017, "AFGHANISTAN", "AFG"),
              ("CZECH REPUBLIC", 2017, "CZECH REPUBLIC", "CZE")]
SURE_FLIPPED = {("CZE", 2017)}


def synthetic_narrative(name: str, year: int, tier: str) -> str:
    """A SYNTHETIC narrative in the era's form carrying the given tier (invented facts)."""
    label = LABEL[tier]
    head = f"{name} ({label})" if year <= 2014 or year >= 2022 else f"{name.upper()}: {label}"
    subject = f"The Government of {name.title()}"
    verb = "comply with" if year <= 2015 else "meet"
    if tier == "SPECIAL":
        body = (f"{name.title()} remains a Special Case this year.\n\n"
                f"Scope and Magnitude: {name.title()} is a source country for men, women, and children subjected to "
                f"forced labor and sex trafficking.\n\n"
                "Government Efforts: The government made limited efforts to address trafficking during the year.")
    else:
        verdict = {
            "1": f"{subject} fully {'complies with' if year <= 2015 else 'meets'} the minimum standards for the elimination of trafficking.",
            "2": f"{subject} does not fully {verb} the minimum standards for the elimination of trafficking; however, it is making significant efforts to do so.",
            "2WL": f"{subject} does not fully {verb} the minimum standards for the elimination of trafficking; however, it is making significant efforts to do so.",
            "3": f"{subject} does not fully {verb} the minimum standards for the elimination of trafficking and is not making significant efforts to do so.",
        }[tier]
        body = (f"{name.title()} is a source and destination country for men, women, and children subjected to forced "
                f"labor and sex trafficking.\n\n{verdict}\n\nProsecution\n\nThe government investigated 12 cases "
                f"during the year.\n\nProtection\n\nThe government identified 20 victims.\n\nPrevention\n\n"
                "The government conducted awareness campaigns.")
    return f"[SYNTHETIC narrative generated by tests/test_reconcile.py; not real report text]\n\n" \
           f"{year} Trafficking in Persons Report\n\n{head}\n\n{body}\n"


def _kelley_tiers(path: Path) -> dict[tuple[int, int], str]:
    """Kelley's tierupdated for (COW code, year), decoded here independently of tip.measure.reconcile."""
    import pandas as pd

    df = pd.read_stata(path)
    code = {1.0: "1", 2.0: "2", 2.5: "2WL", 3.0: "3", 666.0: "SPECIAL", 555.0: NOT_IN_REPORT}
    return {(int(c), int(y)): code[float(t)] for c, y, t in zip(df.ccode, df.year, df.tierupdated)
            if not (isinstance(t, float) and math.isnan(t))}


@pytest.fixture(scope="module")
def built_panel(shared_dir, tmp_path_factory):
    """Publish a panel (plain pipeline, dir: source) and return its path and the tiers it was built with."""
    import pandas as pd

    from tip.pipeline import RunOptions, run_plain

    raw = shared_dir / "corpus_raw"
    kel = _kelley_tiers(raw / KELLEY)
    mp = pd.read_csv(raw / MAP_TIERS)
    mp_code = {1.0: "1", 2.0: "2", 3.0: "2WL", 4.0: "3"}
    sure = pd.read_csv(raw / SURE, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    sure_code = {"1": "1", "2": "2", "2w": "2WL", "3": "3"}

    real: dict[str, dict[tuple[str, int], str]] = {"kelley": {}, "map": {}, "sure": {}}
    panel: dict[tuple[str, int], str] = {}
    for cow, year, name, iso in KELLEY_PICKS:
        t = kel[(cow, year)]
        assert t != NOT_IN_REPORT, f"pick {iso} {year} is not in the Kelley panel"
        real["kelley"][(iso, year)] = t
        panel[(iso, year)] = FLIP[t] if (iso, year) in KELLEY_FLIPPED else t
    for cow, year, name, iso in KELLEY_ABSENT:
        if cow is not None:
            assert kel[(cow, year)] == NOT_IN_REPORT
        panel[(iso, year)] = "2"
    for code, year, name, iso in MAP_PICKS:
        row = mp[(mp.iso == code) & (mp.year == year)]
        t = mp_code[float(row.tier.iloc[0])]
        real["map"][(iso, year)] = t
        panel[(iso, year)] = FLIP[t] if (iso, year) in MAP_FLIPPED else t
    for cname, year, name, iso in SURE_PICKS:
        t = sure_code[sure.loc[sure["Country.x"] == cname, f"tier{year}"].iloc[0]]
        real["sure"][(iso, year)] = t
        panel[(iso, year)] = FLIP[t] if (iso, year) in SURE_FLIPPED else t

    src = tmp_path_factory.mktemp("narratives")
    names = {(iso, y): n for picks in (KELLEY_PICKS, KELLEY_ABSENT, MAP_PICKS, SURE_PICKS) for _, y, n, iso in picks}
    for (iso, year), tier in panel.items():
        (src / f"{year}_{iso}.txt").write_text(synthetic_narrative(names[(iso, year)], year, tier), encoding="utf-8")
    db = tmp_path_factory.mktemp("panel") / "tip.duckdb"
    summary = run_plain(RunOptions(source=f"dir:{src}", db=str(db)), progress_for=lambda stage: (lambda msg: None))
    assert summary.published, summary.lines()
    return db, panel, real


def _reconcile_json(capsys, db, ref, coding, *extra) -> dict:
    rc = main(["reconcile", "--reference", str(ref), "--coding", coding, "--db", str(db), "--json", *extra])
    out = capsys.readouterr().out
    assert rc == 0
    return json.loads(out)


def test_the_built_panel_holds_the_tiers_it_was_given(built_panel):
    import duckdb

    db, panel, _ = built_panel
    with duckdb.connect(str(db), read_only=True) as con:
        got = {(i, y): t for i, y, t in con.execute("SELECT country_iso3, report_year, tier FROM marts.country_year").fetchall()}
    assert got == panel


def test_reconcile_against_kelley_reports_exactly_the_planted_disagreements(built_panel, shared_dir, capsys):
    db, panel, real = built_panel
    out = _reconcile_json(capsys, db, shared_dir / "corpus_raw" / KELLEY, "2.5")
    assert out["columns"]["tier"] == "tierupdated"
    assert out["unresolved_names"] == {}                 # every Kelley spelling resolves (CzechRep, Cote D'Ivoire, ...)
    got = {(d["iso3"], d["year"]): (d["panel"], d["reference"]) for d in out["disagreements"]}
    assert got == {k: (panel[k], real["kelley"][k]) for k in KELLEY_FLIPPED}
    assert out["agreements"] == len(KELLEY_PICKS) - len(KELLEY_FLIPPED)
    only_panel = {(d["iso3"], d["year"]): d["note"] for d in out["only_in_panel"]}
    assert only_panel == {("KOR", 2001): "reference: not in report", ("CPV", 2010): "reference: not in report",
                          ("CUW", 2011): None}
    assert len(out["only_in_reference"]) > 1000          # the rest of the Kelley panel, in the compared years
    assert all(2001 <= y <= 2014 for y in out["years"]) and 2015 not in out["years"]


def test_reconcile_against_map_tiers_2015(built_panel, shared_dir, capsys):
    db, panel, real = built_panel
    out = _reconcile_json(capsys, db, shared_dir / "corpus_raw" / MAP_TIERS, "3-of-4", "--years", "2015")
    assert out["years"] == [2015]
    got = {(d["iso3"], d["year"]): (d["panel"], d["reference"]) for d in out["disagreements"]}
    assert got == {k: (panel[k], real["map"][k]) for k in MAP_FLIPPED}
    assert out["agreements"] == len(MAP_PICKS) - len(MAP_FLIPPED)   # Kosovo's "KOS" is XKX
    assert out["only_in_panel"] == []


def test_reconcile_against_sure2018_wide_2w(built_panel, shared_dir, capsys):
    db, panel, real = built_panel
    out = _reconcile_json(capsys, db, shared_dir / "corpus_raw" / SURE, "2w", "--years", "2016-2017")
    assert out["layout"] == "wide"
    got = {(d["iso3"], d["year"]): (d["panel"], d["reference"]) for d in out["disagreements"]}
    assert got == {k: (panel[k], real["sure"][k]) for k in SURE_FLIPPED}
    assert out["agreements"] == len(SURE_PICKS) - len(SURE_FLIPPED)  # Taiwan has no code there: resolved by name


def test_reconcile_table_lists_disagreements_by_country_and_year(built_panel, shared_dir, capsys):
    db, panel, real = built_panel
    rc = main(["reconcile", "--reference", str(shared_dir / "corpus_raw" / KELLEY), "--coding", "2.5", "--db", str(db)])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"disagreements: {len(KELLEY_FLIPPED)}" in out
    for iso, year in sorted(KELLEY_FLIPPED):
        assert f"  {iso} {year}  panel {panel[(iso, year)]:<7} reference {real['kelley'][(iso, year)]:<7}" in out
    assert main(["reconcile", "--reference", str(shared_dir / "corpus_raw" / KELLEY), "--coding", "2.5",
                 "--db", str(db), "--strict"]) == 1
    capsys.readouterr()


def test_reconcile_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["reconcile", "--reference", str(tmp_path / "x.csv"), "--coding", "2.5", "--db", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such panel" in err[0]
    assert main(["reconcile", "--reference", "x.csv", "--coding", "kelley", "--db", str(tmp_path / "p.duckdb")]) == 2
    assert "expected one of 2.5, 3-of-4, 2w" in capsys.readouterr().err
