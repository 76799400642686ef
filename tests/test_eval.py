"""`tip eval`: the parser measured against the SYNTHETIC labelled set, and the scoring itself.

The first test is the issue's quality bar: on tests/fixtures/labelled, tier, country and
compliance exact on every narrative, measures precision >= 0.97 and recall >= 0.9. It fails
(with the figures and the list of misses) until the parser reaches them; it is not marked xfail.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tip.cli import main
from tip.core.errors import UserError
from tip.measure.evaluate import (DEFAULT_FLOORS, LabelledFile, Measure, NarrativeFacts, evaluate, load_labelled,
                          parse_floors, problems_text, table)

LABELLED = Path(__file__).resolve().parent / "fixtures" / "labelled"


@pytest.fixture(scope="module")
def labelled_report():
    return evaluate(LABELLED)


def test_labelled_set_covers_every_era_and_placement():
    files = load_labelled(LABELLED)
    narrs = [n for f in files for n in f.narratives]
    assert len(narrs) >= 70
    assert {n.report_year for n in narrs} == set(range(2001, 2026))
    assert {n.tier for n in narrs} == {"1", "2", "2WL", "3", "SPECIAL"}
    assert {f.path.suffix for f in files} == {".txt", ".html"}
    assert any(len(f.narratives) >= 3 for f in files)                     # pages that hold several narratives
    isos = {n.country_iso3 for n in narrs}
    for quirk in ("MMR", "CIV", "COD", "COG", "PRK", "KOR", "MKD", "SWZ", "CPV", "TLS", "HKG", "MAC", "TWN",
                  "CUW", "ABW", "SXM", "ANT", "XKX"):
        assert quirk in isos, quirk
    ms = [m for n in narrs for m in n.measures]
    assert any(m.is_prior_period for m in ms) and any(m.value == 0 for m in ms)
    assert {m.qualifier for m in ms} >= {"exact", "more_than", "at_least"}
    assert {m.subtype for m in ms} == {None, "sex", "labor"}
    assert any(not float(m.value).is_integer() for m in ms)              # months converted to years


def test_parser_meets_the_floors_on_the_labelled_set(labelled_report):
    rep = labelled_report
    m = rep.metrics()
    below = rep.below(DEFAULT_FLOORS)
    assert not below, "\n" + table(rep, DEFAULT_FLOORS) + "\n" + problems_text(rep)
    assert m["tier"] == m["country"] == m["compliance"] == 1.0


# --------------------------------------------------------------------------------------------
# the scoring, with a stand-in parser (so these tests measure the eval, not the parser)
EXPECTED_YML = """
format: 1
files:
  a.txt:
    year: 2015
    narratives:
      - country_iso3: PER
        report_year: 2015
        tier: "1"
        compliance: fully_meets
        tier_movement: null
        consecutive_years: null
        waiver: false
        territory_marker: false
        roles: [source, destination]
        partners: [{partner: BOL, direction: origin}]
        sections: [profile, summary, prosecution]
        recommendations: 2
        measures:
          - {measure: investigations, value: 12, unit: cases, qualifier: exact, subtype: null, data_year: 2014, is_prior_period: false}
          - {measure: convictions, value: 5, unit: persons, qualifier: exact, subtype: null, data_year: 2014, is_prior_period: false}
          - {measure: convictions, value: 3, unit: null, qualifier: exact, subtype: null, data_year: 2013, is_prior_period: true}
          - {measure: sentence_min_years, value: 1.5, unit: years, qualifier: exact, subtype: null, data_year: 2014, is_prior_period: false}
      - country_iso3: CHL
        report_year: 2015
        tier: 2WL
        compliance: not_fully_significant_efforts
        tier_movement: placed
        consecutive_years: 2
        waiver: false
        territory_marker: false
        roles: [destination]
        partners: []
        sections: [profile, summary]
        recommendations: 0
        measures:
          - {measure: victims_identified, value: 40, unit: persons, qualifier: at_least, subtype: null, data_year: 2014, is_prior_period: false}
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    (tmp_path / "a.txt").write_text("SYNTHETIC placeholder; the stand-in parser below does not read it\n")
    (tmp_path / "expected.yml").write_text(EXPECTED_YML)
    return tmp_path


def _perfect(lf: LabelledFile):
    return [replace(n, measures=list(n.measures)) for n in lf.narratives], []


def _with(change):
    def parse(lf: LabelledFile):
        obs, rej = _perfect(lf)
        return change(obs), rej
    return parse


def test_a_perfect_parse_scores_one_everywhere(tiny):
    rep = evaluate(tiny, parse=_perfect)
    assert all(v == 1.0 for v in rep.metrics().values()), rep.metrics()
    assert rep.problems == []
    assert rep.below(DEFAULT_FLOORS) == []


def test_a_wrong_value_is_a_false_positive_and_a_miss(tiny):
    def wrong(obs):
        per = obs[0]
        per.measures[1] = replace(per.measures[1], value=6)           # convictions 5 read as 6
        return obs
    rep = evaluate(tiny, parse=_with(wrong))
    m = rep.metrics()
    assert (rep.measures.tp, rep.measures.fp, rep.measures.fn) == (4, 1, 1)
    assert m["measures_precision"] == pytest.approx(4 / 5) and m["measures_recall"] == pytest.approx(4 / 5)
    kinds = {(p.kind, p.detail.split(" ")[0]) for p in rep.problems}
    assert kinds == {("measure_missed", "convictions=5"), ("measure_false_positive", "convictions=6")}
    assert ("measures_precision", pytest.approx(0.8), 0.97) in rep.below(DEFAULT_FLOORS)


def test_a_missing_value_lowers_recall_only(tiny):
    rep = evaluate(tiny, parse=_with(lambda obs: [replace(obs[0], measures=obs[0].measures[:-1]), obs[1]]))
    m = rep.metrics()
    assert m["measures_precision"] == 1.0
    assert m["measures_recall"] == pytest.approx(4 / 5)
    assert [p.detail for p in rep.problems] == ["sentence_min_years=1.5 unit=years data_year=2014"]


def test_a_prior_figure_taken_as_current_is_wrong(tiny):
    def current(obs):
        obs[0].measures[2] = replace(obs[0].measures[2], is_prior_period=False, data_year=2014)
        return obs
    rep = evaluate(tiny, parse=_with(current))
    assert (rep.measures.tp, rep.measures.fp, rep.measures.fn) == (4, 1, 1)


def test_unit_qualifier_and_data_year_are_scored_apart(tiny):
    def attrs(obs):
        obs[0].measures[0] = replace(obs[0].measures[0], unit=None, data_year=2015)
        obs[1].measures[0] = replace(obs[1].measures[0], qualifier="exact")
        return obs
    rep = evaluate(tiny, parse=_with(attrs))
    m = rep.metrics()
    assert m["measures_precision"] == m["measures_recall"] == 1.0            # same (measure, value, subtype, prior)
    assert m["measures_strict_recall"] == pytest.approx(3 / 5)
    assert m["measures_unit"] == pytest.approx(4 / 5)
    assert m["measures_data_year"] == pytest.approx(4 / 5)
    assert m["measures_qualifier"] == pytest.approx(4 / 5)
    assert sum(p.kind == "measure_attribute" for p in rep.problems) == 2


def test_fields_roles_partners_and_sections(tiny):
    def fields(obs):
        obs[0] = replace(obs[0], tier="2", roles=frozenset({"source"}), sections=("summary", "prosecution"),
                         partners=frozenset({("BOL", "destination")}), recommendations=3)
        obs[1] = replace(obs[1], waiver=True, consecutive_years=None)
        return obs
    rep = evaluate(tiny, parse=_with(fields))
    m = rep.metrics()
    assert m["tier"] == 0.5 and m["country"] == 1.0 and m["waiver"] == 0.5 and m["consecutive_years"] == 0.5
    assert m["sections"] == 0.5 and m["recommendations"] == 0.5
    assert m["roles_precision"] == 1.0 and m["roles_recall"] == pytest.approx(2 / 3)
    assert m["partners_precision"] == 0.0 and m["partners_recall"] == 0.0
    assert ("tier", 0.5, 1.0) in rep.below(DEFAULT_FLOORS)


def test_missing_spurious_and_misread_narratives(tiny):
    # the parser misreads Peru's country, misses Chile, and finds a narrative that is not there
    def bad(obs):
        ghost = replace(obs[1], country_iso3="ARG", measures=[Measure("arrests", 7, "persons", "exact", None, 2014, False)])
        return [replace(obs[0], country_iso3="PRY"), ghost]
    rep = evaluate(tiny, parse=_with(bad))
    m = rep.metrics()
    # PRY pairs with PER (order), ARG with CHL (order): both countries wrong, all else compared
    assert m["country"] == 0.0 and m["narratives_recall"] == 1.0
    rep2 = evaluate(tiny, parse=_with(lambda obs: [obs[0]]))
    assert rep2.metrics()["narratives_recall"] == 0.5
    assert rep2.metrics()["tier"] == 0.5                                   # a missed narrative misses every field
    assert rep2.measures.fn == 1
    rep3 = evaluate(tiny, parse=_with(lambda obs: obs + [replace(obs[1], country_iso3="ARG")]))
    assert rep3.metrics()["narratives_precision"] == pytest.approx(2 / 3)
    assert rep3.measures.fp == 1 and rep3.metrics()["tier"] == 1.0


def test_a_parser_crash_on_one_file_is_measured_not_fatal(tiny):
    def boom(lf):
        raise RuntimeError("kaput")
    rep = evaluate(tiny, parse=boom)
    assert rep.metrics()["narratives_recall"] == 0.0
    assert any(p.kind == "reject" and "kaput" in p.detail for p in rep.problems)


@pytest.mark.parametrize("edit,message", [
    (lambda s: s.replace("        tier: \"1\"\n", ""), "missing key(s) ['tier']"),
    (lambda s: s.replace('tier: "1"', "tier: 1"), "tier 1 is not one of"),
    (lambda s: s.replace("unit: cases", "unit: boxes"), "unit 'boxes' is not one of"),
    (lambda s: s.replace("measure: arrests", "measure: raids").replace("measure: investigations", "measure: raids"),
     "measure 'raids' is not one of"),
    (lambda s: s.replace("roles: [destination]", "roles: [destination]\n        colour: red"), "unknown key(s) ['colour']"),
    (lambda s: s.replace("a.txt:", "b.txt:"), "1 labelled file(s) not found in"),
    (lambda s: s.replace("a.txt:", "b.txt:"), ": b.txt"),
    (lambda s: s.replace("format: 1", "format: 3"), "format 3 is not supported"),
    (lambda s: s + "\n  : [", "not valid YAML"),
])
def test_expected_file_problems_are_one_clear_error(tiny, edit, message):
    p = tiny / "expected.yml"
    p.write_text(edit(p.read_text()))
    with pytest.raises(UserError) as err:
        load_labelled(tiny)
    assert message in str(err.value)
    assert "expected.yml" in str(err.value)


def test_a_narrative_file_without_expected_values_is_refused(tiny):
    (tiny / "stray.html").write_text("<p>SYNTHETIC</p>")
    with pytest.raises(UserError, match="no expected values: stray.html"):
        load_labelled(tiny)


def test_floors(tmp_path):
    f = parse_floors(["measures_recall=0.85,partners_recall=0.8", "tier=0"])
    assert f["measures_recall"] == 0.85 and f["partners_recall"] == 0.8 and "tier" not in f
    assert f["country"] == 1.0
    with pytest.raises(UserError, match="unknown figure 'recal'"):
        parse_floors(["recal=0.9"])
    with pytest.raises(UserError, match="between 0 and 1"):
        parse_floors(["tier=2"])
    with pytest.raises(UserError, match="is not NAME=VALUE"):
        parse_floors(["tier"])


# --------------------------------------------------------------------------------------------
# the command, with the real parser on a small SYNTHETIC set
PERU = """[SYNTHETIC]

2015 Trafficking in Persons Report

PERU (Tier 1)

Peru is a source country for men, women, and children subjected to forced labor and sex trafficking.

The Government of Peru fully complies with the minimum standards for the elimination of trafficking.

Prosecution

In 2014, the government investigated 12 cases and convicted five traffickers.
"""

PERU_EXPECTED = """format: 1
files:
  peru.txt:
    narratives:
      - country_iso3: PER
        report_year: 2015
        tier: "{tier}"
        compliance: fully_meets
        tier_movement: null
        consecutive_years: null
        waiver: false
        territory_marker: false
        roles: [source]
        partners: []
        sections: [profile, summary, prosecution]
        recommendations: 0
        measures:
          - {{measure: investigations, value: 12, unit: cases, qualifier: exact, subtype: null, data_year: 2014, is_prior_period: false}}
          - {{measure: convictions, value: {conv}, unit: persons, qualifier: exact, subtype: null, data_year: 2014, is_prior_period: false}}
"""


def _cli_set(tmp_path, tier="1", conv=5) -> Path:
    (tmp_path / "peru.txt").write_text(PERU)
    (tmp_path / "expected.yml").write_text(PERU_EXPECTED.format(tier=tier, conv=conv))
    return tmp_path


def test_tip_eval_exits_zero_when_floors_are_met(tmp_path, capsys):
    assert main(["eval", str(_cli_set(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "all floors met" in out
    assert "measures            precision   1.000" in out


def test_tip_eval_exits_one_below_floors_and_lists_the_misses(tmp_path, capsys):
    d = _cli_set(tmp_path, tier="3", conv=6)    # expected values the text does not support
    assert main(["eval", str(d), "--verbose"]) == 1
    out = capsys.readouterr().out
    assert "below floors: tier 0.000 < 1" in out
    assert "tier: expected '3', parser '1'" in out
    assert "peru.txt PER-2015: convictions=6" in out                      # the miss
    assert "peru.txt PER-2015: convictions=5" in out                      # the false positive, with its sentence
    assert "| In 2014, the government investigated 12 cases and convicted five traffickers." in out
    assert main(["eval", str(d), "--floors", "tier=0,measures_precision=0,measures_recall=0"]) == 0
    capsys.readouterr()


def test_tip_eval_json(tmp_path, capsys):
    assert main(["eval", str(_cli_set(tmp_path)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metrics"]["tier"] == 1.0 and out["below_floors"] == []
    assert out["counts"]["measures"] == {"tp": 2, "fp": 0, "fn": 0}


def test_tip_eval_bad_folder_is_one_line(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such folder" in err[0]
    assert main(["eval", str(tmp_path)]) == 2
    assert "no expected-values file" in capsys.readouterr().err


def test_real_set_pages_of_another_kind_are_scored_apart(tmp_path):
    """Format 2's ``kind``: news articles about the report are scored with --kind news, not with the narratives."""
    from tip.measure.evaluate import evaluate

    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("GHANA (Tier 2)\n\nGhana is a source country for women subjected to "
                                              "trafficking. The Government of Ghana does not fully comply with the minimum "
                                              "standards; however, it is making significant efforts to do so.\n")
    (tmp_path / "texts" / "b.txt").write_text("Ghana kept its ranking in the report, a newspaper wrote today.\n")
    (tmp_path / "expected-x.yml").write_text(
        "format: 2\nfiles:\n"
        "  a.txt: {url: 'https://x.org/2012-trafficking-in-persons-report-ghana', host: x.org, query: q, split: dev,\n"
        "          narratives: [{country_iso3: GHA, report_year: 2012, tier: '2'}]}\n"
        "  b.txt: {url: 'https://news.org/2012/ghana', host: news.org, query: q, split: dev, kind: news,\n"
        "          narratives: [{country_iso3: GHA, report_year: 2012, tier: '2'}]}\n")
    assert evaluate(tmp_path).metrics()["narratives_recall"] == 0.5
    assert evaluate(tmp_path, kind="narrative").metrics()["narratives_recall"] == 1.0
    assert evaluate(tmp_path, kind="news").metrics()["narratives_recall"] == 0.0
    (tmp_path / "expected-x.yml").write_text((tmp_path / "expected-x.yml").read_text().replace("kind: news", "kind: blog"))
    with pytest.raises(Exception, match="kind 'blog' is not one of narrative, news"):
        evaluate(tmp_path)
