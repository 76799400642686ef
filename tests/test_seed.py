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
        assert set(m) >= {"measure", "value", "qualifier", "evidence", "start", "end"}
