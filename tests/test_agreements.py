"""Issue 12, part 3 in general wordings (synthetic sentences written for these tests): agreements with
partner countries, the parts of a total (serving_sentences, awaiting_trial) and shelters, through the
parser, staging.agreements and marts.agreements."""
from __future__ import annotations

import duckdb
import pytest

from tip.parse import parse_document
from tip.parse.agreements import KINDS, STATUSES, find_agreements
from tip.parse.measures import extract_measures
from tip.parse.sentences import split_sentences


def agreements(text: str, self_iso3: str = "KHM") -> list[tuple]:
    return [(a.kind, a.status, a.partner_iso3, a.year) for a in find_agreements(split_sentences(text), self_iso3)]


def measures(text: str, year: int = 2015, names=("serving_sentences", "awaiting_trial", "shelters")) -> list[tuple]:
    return [(m.measure, m.value, m.parent_measure, m.parent_value) for m in extract_measures(split_sentences(text), year)
            if m.measure in names]


# ------------------------------------------------------------------------------------------------
# agreements
@pytest.mark.parametrize("text, self_iso3, expected", [
    ("In 2003, Cambodia signed a memorandum of understanding (MOU) with Thailand to regularize the repatriation of victims.",
     "KHM", [("mou", "signed", "THA", 2003)]),
    ("The government signed MOUs with Laos, Vietnam, and China in 2014.",
     "KHM", [("mou", "signed", "LAO", 2014), ("mou", "signed", "VNM", 2014), ("mou", "signed", "CHN", 2014)]),
    ("The government concluded an extradition treaty with India.", "NPL", [("extradition_treaty", "signed", "IND", None)]),
    ("Officials continued negotiating a mutual legal assistance treaty with the governments of India and Bangladesh.",
     "MMR", [("mutual_legal_assistance", "proposed", "IND", None), ("mutual_legal_assistance", "proposed", "BGD", None)]),
    ("The government signed a bilateral labor agreement with Qatar and a memorandum of cooperation with Japan in March 2016.",
     "NPL", [("labor_agreement", "signed", "QAT", 2016), ("memorandum_of_cooperation", "signed", "JPN", 2016)]),
    ("Thailand and Malaysia signed a bilateral agreement on cooperation against trafficking.",
     "THA", [("bilateral_agreement", "signed", "MYS", None)]),
    ("The government signed a cooperation agreement with Argentina on victim repatriation.",
     "PRY", [("bilateral_agreement", "signed", "ARG", None)]),
    ("Under its MOU with the United Arab Emirates, the government repatriated 40 victims.",
     "PHL", [("mou", "referenced", "ARE", None)]),
    ("The government drafted an MOU with Malaysia on the protection of domestic workers.",
     "IDN", [("mou", "proposed", "MYS", None)]),
    # the sentence states two years: the year is left open
    ("The government entered into memoranda of understanding with Mexico in 2004 and 2005.", "USA", [("mou", "signed", "MEX", None)]),
    # a country after the partner list is not a partner
    ("Cambodia signed an MOU with Thailand to repatriate victims from Malaysia.", "KHM", [("mou", "signed", "THA", None)]),
])
def test_agreement_wordings(text, self_iso3, expected):
    assert agreements(text, self_iso3) == expected


@pytest.mark.parametrize("text, self_iso3", [
    ("The government has not signed an MOU with Malaysia on domestic workers.", "IDN"),     # negated
    ("The government signed an MOU with IOM to provide services to victims.", "VNM"),       # an organisation
    ("Thailand's MOU with Cambodia led to 200 repatriations.", "LAO"),                      # not this country's
    ("The court ruled in agreement with Thailand on the matter.", "KHM"),                  # not an agreement
    ("An agreement with Thailand covers fishing vessels.", "KHM"),                         # a bare 'agreement', no verb
    ("The government signed an MOU with Cambodia.", "KHM"),                                # itself
    ("Thai workers entered under the MOU.", "KHM"),                                        # a demonym, no partner
])
def test_no_agreement_read(text, self_iso3):
    assert agreements(text, self_iso3) == []


def test_vocabularies_are_closed():
    text = ("The government signed MOUs with Laos and Vietnam. It signed a memorandum of agreement with Japan, an extradition "
            "treaty with India, a mutual legal assistance agreement with Brazil and an employment agreement with Qatar. It "
            "proposed a readmission agreement with Italy.")
    got = find_agreements(split_sentences(text), "KHM")
    assert {a.kind for a in got} == set(KINDS) and {a.status for a in got} <= set(STATUSES)
    for a in got:
        assert text[a.evidence.start:a.evidence.end] == a.evidence.text
        assert a.evidence.start <= a.mention_start < a.mention_end <= a.evidence.end


NARRATIVE = """Laos (Tier 2)

Laos is a source and transit country for men, women, and children trafficked for forced labor and commercial sexual exploitation. Lao women and girls are trafficked to Thailand.

The Government of Laos does not fully comply with the minimum standards for the elimination of trafficking; however, it is making significant efforts to do so.

Prosecution
Authorities arrested 40 suspected traffickers in 2014. Of these, 31 were serving prison sentences and six remained in pre-trial detention.

Protection
The government operated one shelter for victims and funded three NGO-run shelters. In 2014, the government signed an MOU with Vietnam on the repatriation of victims, and it continued to negotiate an agreement with China.

Recommendations for Laos:
Sign an MOU with Cambodia on victim repatriation; fund more shelters.
"""


def test_narrative_facts_and_recommendations_left_out():
    n = parse_document(NARRATIVE, filename="laos.txt", year=2015).narratives[0]
    got = {(a.kind, a.status, a.partner_iso3, a.year) for a in n.agreements}
    # the recommendation "Sign an MOU with Cambodia" is advice, not an agreement
    assert got == {("mou", "signed", "VNM", 2014), ("bilateral_agreement", "proposed", "CHN", 2014)}
    ms = {(m.measure, m.value, m.parent_measure, m.parent_value) for m in n.measures}
    assert {("serving_sentences", 31, "arrests", 40), ("awaiting_trial", 6, "arrests", 40),
            ("shelters", 1, None, None), ("shelters", 3, None, None)} <= ms
    j = n.to_json()
    assert [a["partner"] for a in j["agreements"]] == ["VNM", "CHN"]


# ------------------------------------------------------------------------------------------------
# parts of a total
@pytest.mark.parametrize("text, expected", [
    ("Police arrested 25 suspects. Of these, 12 are currently serving sentences and 13 are awaiting trial.",
     [("serving_sentences", 12, "arrests", 25), ("awaiting_trial", 13, "arrests", 25)]),
    ("The government convicted 18 traffickers, of whom 15 are serving prison terms.",
     [("serving_sentences", 15, "convictions", 18)]),
    ("Authorities prosecuted 40 defendants. Among them, 22 defendants remained in pre-trial detention.",
     [("awaiting_trial", 22, "prosecutions", 40)]),
    ("Courts convicted 9 traffickers. Of these, seven individuals were serving their sentences.",
     [("serving_sentences", 7, "convictions", 9)]),
    # no total printed before: the count is kept, unlinked (the total is never guessed)
    ("Of these, 142 individuals are currently serving sentences and 11 are awaiting trial.",
     [("serving_sentences", 142, None, None), ("awaiting_trial", 11, None, None)]),
    ("Thirty traffickers were serving sentences at the end of the year.", [("serving_sentences", 30, None, None)]),
    # parts larger than the total printed before: no link
    ("Police arrested 10 suspects. Of these, 12 are awaiting trial.", [("awaiting_trial", 12, None, None)]),
    # a total two sentences back is not "the sentence before"
    ("Police arrested 25 suspects. The courts were slow. Of these, 12 are awaiting trial.", [("awaiting_trial", 12, None, None)]),
])
def test_parts_of_a_total(text, expected):
    assert measures(text) == expected


def test_parts_keep_their_evidence_and_the_total_keeps_its_row():
    text = "Police arrested 25 suspects in 2014. Of these, 12 are currently serving sentences and 13 are awaiting trial."
    rows = extract_measures(split_sentences(text), 2015)
    total = next(m for m in rows if m.measure == "arrests")
    parts = [m for m in rows if m.parent_measure]
    assert len(parts) == 2
    for p in parts:
        assert p.evidence.text.startswith("Of these") and text[p.value_start:p.value_end] == str(int(p.value))
        assert p.parent_value_start == total.value_start and p.data_year == total.data_year == 2014
    # the parts are not totals the next sentence could divide again
    more = extract_measures(split_sentences(text + " Of these, 5 are awaiting trial."), 2015)
    assert [m.parent_measure for m in more if m.value == 5] == [None]


# ------------------------------------------------------------------------------------------------
# shelters
@pytest.mark.parametrize("text, expected", [
    ("The Cambodian government operates two temporary shelters for victims.", [2]),
    ("The government runs 12 shelters for women and children.", [12]),
    ("The Ministry of Social Affairs funded five NGO-run shelters in 2014.", [5]),
    ("There are 14 government-run shelters across the country.", [14]),
    ("Three shelters run by the Ministry of Labor assisted 80 victims.", [3]),
    ("The government maintained one shelter for male victims.", [1]),
    ("The government funds approximately 30 shelters.", [30]),
])
def test_shelter_wordings(text, expected):
    assert [m[1] for m in measures(text)] == expected


@pytest.mark.parametrize("text", [
    "NGOs operate 10 shelters for victims.",                              # not the government's
    "IOM runs two shelters with foreign funding.",
    "The government opened two new shelters.",                            # a change, not the count
    "The government funds 120 shelter beds.",                             # beds
    "The government referred 40 victims to shelters.",                    # victims, not shelters
    "The government operated five shelters, compared with three shelters in 2013.",  # the baseline is not read
])
def test_shelters_not_read(text):
    got = [m[1] for m in measures(text)]
    assert 3 not in got and (got == [] or got == [5])


# ------------------------------------------------------------------------------------------------
# staging and the mart
def test_staging_and_mart(tmp_path):
    from tip.core.db import apply_ddl
    from tip.marts.build import build_marts
    from tip.parse.staging import DocRef, load_parsed, parse_documents
    from tip.fetch.rawstore import RawStore

    store = RawStore(tmp_path / "raw")
    sha = store.put(NARRATIVE.encode("utf-8"))
    con = duckdb.connect()
    apply_ddl(con)
    doc = DocRef("file:laos.txt", sha, 2015, "text/plain", "test")
    batch = parse_documents([doc], tmp_path / "raw")
    assert [(r["kind"], r["partner_iso3"]) for r in batch.agreements] == [("mou", "VNM"), ("bilateral_agreement", "CHN")]
    load_parsed(con, batch)
    assert con.execute("SELECT count(*) FROM staging.agreements WHERE evidence = substr("
                       "(SELECT text FROM staging.narratives), start + 1, \"end\" - start)").fetchone()[0] == 2
    assert con.execute("SELECT parent_measure, parent_value FROM staging.measures WHERE measure = 'awaiting_trial'").fetchall() == [
        ("arrests", 40.0)]
    build_marts(con)
    rows = con.execute("SELECT agreement_id, kind, status, partner_iso3, partner_country, agreement_year, agreement_as_printed "
                       "FROM marts.agreements ORDER BY agreement_id").fetchall()
    assert rows == [("LAO-2015#01", "mou", "signed", "VNM", "Vietnam", 2014, "MOU"),
                    ("LAO-2015#02", "bilateral_agreement", "proposed", "CHN", "China", 2014, "agreement")]
    # a re-parse replaces the document's rows
    load_parsed(con, parse_documents([doc], tmp_path / "raw"))
    assert con.execute("SELECT count(*) FROM staging.agreements").fetchone()[0] == 2
