"""The real seed narrative (Cambodia, 2004 report) must come out right."""
import json

from tip.parse import parse_document
from tests.conftest import run_cli


def test_seed_narrative_facts(seed_text):
    result = parse_document(seed_text, filename="seed.txt")
    assert result.rejects == []
    assert len(result.narratives) == 1
    n = result.narratives[0]
    assert (n.country, n.country_iso3, n.report_year, n.tier) == ("Cambodia", "KHM", 2004, "2")
    assert n.compliance == "not_fully_significant_efforts"
    assert (n.roles.source, n.roles.transit, n.roles.destination) == (True, True, True)
    assert {"THA", "MYS", "VNM"} <= {p.iso3 for p in n.partners}
    got = {(m.measure, m.value, m.qualifier) for m in n.measures}
    assert ("arrests", 153, "exact") in got
    assert ("investigations", 400, "more_than") in got
    assert ("sentence_min_years", 5, "exact") in got and ("sentence_max_years", 20, "exact") in got
    # every value keeps its evidence: the sentence, at its offsets in the narrative text
    for m in n.measures:
        assert n.text[m.evidence.start:m.evidence.end] == m.evidence.text
        assert m.evidence.start <= m.value_start < m.value_end <= m.evidence.end
    # the Refworld disclaimer after the narrative is page chrome, not narrative text
    assert "UNHCR" not in n.text


def _only(rows, **want):
    hits = [r for r in rows if all(getattr(r, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, rows)
    return hits[0]


def test_seed_parts_of_a_total_shelters_and_agreements(seed_text):
    """Issue 12, part 3: the seed's own facts the parser did not read before."""
    n = parse_document(seed_text, filename="seed.txt").narratives[0]
    # "The Ministry of Interior claims that 153 individuals were arrested ... Of these, 142 individuals
    # are currently serving sentences and 11 are awaiting trial."
    arrests = _only(n.measures, measure="arrests")
    serving = _only(n.measures, measure="serving_sentences")
    waiting = _only(n.measures, measure="awaiting_trial")
    assert (serving.value, serving.unit, serving.qualifier, serving.is_prior_period) == (142, "persons", "exact", False)
    assert (waiting.value, waiting.unit, waiting.qualifier) == (11, "persons", "exact")
    for part, printed in ((serving, "142"), (waiting, "11")):
        assert part.evidence.text == "Of these, 142 individuals are currently serving sentences and 11 are awaiting trial."
        assert n.text[part.evidence.start:part.evidence.end] == part.evidence.text
        assert n.text[part.value_start:part.value_end] == printed
        # linked to the total they divide, printed in the sentence before
        assert (part.parent_measure, part.parent_value, part.parent_value_start) == ("arrests", 153, arrests.value_start)
        assert part.data_year == arrests.data_year
    assert serving.value + waiting.value <= arrests.value
    # "The Cambodian government operates two temporary shelters for victims ..."
    shelters = _only(n.measures, measure="shelters")
    assert (shelters.value, shelters.unit, shelters.qualifier, shelters.is_prior_period) == (2, None, "exact", False)
    assert "operates two temporary shelters" in shelters.evidence.text
    assert n.text[shelters.value_start:shelters.value_end] == "two"
    assert n.text[shelters.evidence.start:shelters.evidence.end] == shelters.evidence.text
    # "In 2003, Cambodia signed a memorandum of understanding (MOU) with Thailand ...", and
    # "Cambodia has proposed to enter into similar MOUs with Vietnam and Malaysia."
    tha = _only(n.agreements, partner_iso3="THA")
    assert (tha.kind, tha.status, tha.year, tha.partner_name) == ("mou", "signed", 2003, "Thailand")
    assert tha.evidence.text.startswith("In 2003, Cambodia signed a memorandum of understanding (MOU) with Thailand")
    assert n.text[tha.mention_start:tha.mention_end] == "memorandum of understanding (MOU)"
    for iso3, name in (("VNM", "Vietnam"), ("MYS", "Malaysia")):
        a = _only(n.agreements, partner_iso3=iso3)
        assert (a.kind, a.status, a.year, a.partner_name) == ("mou", "proposed", None, name)
        assert a.evidence.text == "Cambodia has proposed to enter into similar MOUs with Vietnam and Malaysia."
    for a in n.agreements:
        assert n.text[a.evidence.start:a.evidence.end] == a.evidence.text
        assert a.evidence.start <= a.mention_start < a.mention_end <= a.evidence.end
    assert len(n.agreements) == 3


def test_seed_through_the_cli(shared_dir, tmp_path):
    seed = sorted((shared_dir / "seeds").glob("*.txt"))[0]
    res = run_cli("parse", str(seed))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out) == 1
    n = out[0]
    assert n["country"] == "Cambodia" and n["country_iso3"] == "KHM" and n["report_year"] == 2004
    assert n["tier"] == "2" and n["compliance"] == "not_fully_significant_efforts"
    assert n["roles"] == {"source": True, "transit": True, "destination": True}
    assert {"THA", "MYS", "VNM"} <= set(n["partners"])
    arrests = [m for m in n["measures"] if m["measure"] == "arrests"]
    assert arrests and arrests[0]["value"] == 153
    inv = [m for m in n["measures"] if m["measure"] == "investigations"]
    assert inv and inv[0]["value"] == 400 and inv[0]["qualifier"] == "more_than"
    assert {m["measure"]: m["value"] for m in n["measures"] if m["measure"].startswith("sentence_")} == {
        "sentence_min_years": 5, "sentence_max_years": 20}
    for m in n["measures"]:
        assert set(m) >= {"measure", "value", "qualifier", "evidence", "start", "end", "parent_measure", "parent_value"}
    parts = {m["measure"]: m for m in n["measures"] if m["parent_measure"]}
    assert {k: (m["value"], m["parent_measure"], m["parent_value"]) for k, m in parts.items()} == {
        "serving_sentences": (142, "arrests", 153), "awaiting_trial": (11, "arrests", 153)}
    shelters = [m for m in n["measures"] if m["measure"] == "shelters"]
    assert [m["value"] for m in shelters] == [2] and "two temporary shelters" in shelters[0]["evidence"]
    assert [(a["kind"], a["status"], a["partner"], a["year"]) for a in n["agreements"]] == [
        ("mou", "signed", "THA", 2003), ("mou", "proposed", "VNM", None), ("mou", "proposed", "MYS", None)]
    assert all(a["evidence"] and a["end"] > a["start"] for a in n["agreements"])
