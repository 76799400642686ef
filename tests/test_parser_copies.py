"""The forms republished copies print a narrative in (Refworld, ecoi.net, embassies, NGO mirrors).

Every text here is SYNTHETIC, written for these tests in the reports' formulaic wording (headlines,
verdicts, placement sentences); no sentence is copied from a real page. The real pages these forms
were seen on are scored by `tip eval tests/fixtures/real` (see that folder's README).
"""
from __future__ import annotations

import pytest

from tip.parse import parse_document
from tip.parse.compliance import classify_sentence
from tip.parse.headline import year_from_url

BODY = ("{name} is a source and destination country for women and children subjected to sex trafficking and "
        "forced labor. The Government of {name} does not fully meet the minimum standards for the elimination of "
        "trafficking; however, it is making significant efforts to do so. Officials investigated 12 cases.\n")


def one(text: str, url: str | None = None, html: bool = False):
    r = parse_document(text.encode("utf-8"), url=url, filename="page.html" if html else "page.txt")
    return r


@pytest.mark.parametrize("head, iso3, tier", [
    ("[ Country-by-Country ] GHANA (Tier 2)", "GHA", "2"),
    ("2007 Trafficking in Persons Report - Ghana (Tier 2 Watch List)", "GHA", "2WL"),
    ("Ghana1 (Tier 1)", "GHA", "1"),
    ("ESWATINI (SWAZILAND): Tier 2", "SWZ", "2"),
    ("GHANA (TIER 2 Watch List)   [Extracted from the Trafficking in Persons Report, June 2009]", "GHA", "2WL"),
    ("Ghana (Tier 3) \u2013 Extracted in part from the 2023 TIP Report", "GHA", "3"),
    ("HAITI (not rated)", "HTI", "SPECIAL"),
    ("CURA\u00c7AO: Tier 2\u2020", "CUW", "2"),
    ("Special Case (Libya)", "LBY", "SPECIAL"),
])
def test_headline_wrapped_by_a_publisher(head, iso3, tier):
    name = {"GHA": "Ghana", "SWZ": "Eswatini", "HTI": "Haiti", "CUW": "Curacao", "LBY": "Libya"}[iso3]
    r = one(f"{head}\n\n{BODY.format(name=name)}", url="https://www.example.org/2009-trafficking-in-persons-report-x")
    assert [(n.country_iso3, n.tier) for n in r.narratives] == [(iso3, tier)], r.rejects


def test_headline_and_first_sentence_in_one_html_block():
    html = ("<html><body><p>GHANA: Tier 2 Watch List The Government of Ghana does not fully meet the minimum "
            "standards for the elimination of trafficking but is making significant efforts to do so. SYNTHETIC "
            "text follows about trafficking cases in the country for this test.</p></body></html>")
    r = one(html, url="https://www.state.gov/reports/2021-trafficking-in-persons-report/ghana/", html=True)
    (n,) = r.narratives
    assert (n.country_iso3, n.report_year, n.tier, n.compliance) == ("GHA", 2021, "2WL", "not_fully_significant_efforts")
    assert n.compliance_sentence.startswith("The Government of Ghana")


def test_year_from_a_note_under_the_headline():
    r = one("GHANA (Tier 3)\n- Extracted in part from the 2023 TIP Report\n" + BODY.format(name="Ghana"))
    assert [(n.country_iso3, n.report_year) for n in r.narratives] == [("GHA", 2023)]


def test_bare_tier_line_takes_the_country_from_the_first_sentence():
    r = one("2013 Trafficking in Persons Report\nTier 2\n\n" + BODY.format(name="Ghana"))
    assert [(n.country_iso3, n.report_year, n.tier) for n in r.narratives] == [("GHA", 2013, "2")]


def test_placement_sentence_when_no_headline_is_printed():
    text = ("An official website of the United States Government\n\n"
            "The Government of Ghana does not fully meet the minimum standards for the elimination of trafficking "
            "but is making significant efforts to do so. The government demonstrated overall increasing efforts "
            "compared with the previous reporting period; therefore Ghana remained on Tier 2. SYNTHETIC text.\n")
    r = one(text, url="https://www.state.gov/reports/2022-trafficking-in-persons-report/ghana/")
    assert [(n.country_iso3, n.report_year, n.tier) for n in r.narratives] == [("GHA", 2022, "2")]


def test_an_earlier_placement_in_the_same_sentence_is_not_taken():
    text = ("Having been placed on Tier 2 Watch List for two consecutive years, the Government of Ghana does not fully "
            "meet the minimum standards for the elimination of trafficking and is not making significant efforts to do "
            "so; therefore Ghana was downgraded to Tier 3. SYNTHETIC trafficking text.\n")
    r = one(text, url="https://www.state.gov/reports/2022-trafficking-in-persons-report/ghana/")
    assert [(n.country_iso3, n.tier, n.compliance) for n in r.narratives] == [("GHA", "3", "not_fully_not_significant")]


@pytest.mark.parametrize("text, url, why", [
    ("BURMA (Tier 3)\n\n" + BODY.format(name="Thailand"), None, "names different countries"),
    ("Tier 2\n\n" + BODY.format(name="Ghana"), "https://www.state.gov/reports/2019-trafficking-in-persons-report/togo/",
     "names different countries"),
    ("GHANA: Tier 2\n\n" + BODY.format(name="Ghana"), "https://www.state.gov/reports/2019-trafficking-in-persons-report/togo/",
     "names different countries"),
])
def test_countries_that_disagree_are_a_reject_not_a_guess(text, url, why):
    r = one(text.replace("Officials", "In 2018 Trafficking in Persons Report officials"), url=url or
            "https://www.state.gov/reports/2019-trafficking-in-persons-report/")
    assert not r.narratives
    assert any(why in x.reason for x in r.rejects), [x.reason for x in r.rejects]


def test_refworld_document_ids_date_a_report_only_from_2008():
    # the id's first eight hex digits are the posting time: 0x4a4214c9 = 24 June 2009
    assert year_from_url("http://www.refworld.org/docid/4a4214c937.html") == 2009
    assert year_from_url("http://www.refworld.org/country,,USDOS,,GHA,,4a4214c937,0.html") == 2009
    # June 2007 is when the 2001-2006 reports were added all at once: no year from that
    assert year_from_url("http://www.refworld.org/docid/4680d77f2a.html") is None
    # posted in January-May: could be a late copy of the year before
    assert year_from_url("http://www.refworld.org/docid/4b6a0c0a12.html") is None
    assert year_from_url("https://www.refworld.org/reference/annualreport/usdos/2004/en/43974") == 2004


@pytest.mark.parametrize("sentence, verdict", [
    ("The Government of Ghana does not meet the minimum standards, and has not yet made significant efforts to do so.",
     "not_fully_not_significant"),
    ("Ghana is not making significant efforts to meet the minimum standards and is therefore placed on Tier 3.",
     "not_fully_not_significant"),
    ("The Government of Ghana does not fully comply with the minimum standards; however, it is maki",
     "not_fully_significant_efforts"),
    ("The Government of Ghana does not fully comply with the minimum standards and is not making discernible efforts.",
     "not_fully_not_significant"),
    ("The Government of Ghana complies fully with the minimum standards for the elimination of trafficking.", "fully_meets"),
])
def test_verdict_wordings(sentence, verdict):
    assert classify_sentence(sentence) == verdict


@pytest.mark.parametrize("profile, roles", [
    ("Ghana is a source, transit, and destination for men, women, and children subjected to forced labor.",
     (True, True, True)),
    ("Ghana is primarily a destination for women subjected to sex trafficking. To a lesser extent, it is a source of "
     "men subjected to forced labor.", (True, False, True)),
    ("Ghana is a country with such cases for years. Togo is a destination for women from Ghana subjected to sex trafficking.",
     None),
])
def test_role_lists_without_the_word_country(profile, roles):
    r = one(f"GHANA (Tier 2)\n\n{profile} The Government of Ghana does not fully meet the minimum standards for the "
            "elimination of trafficking; however, it is making significant efforts to do so.\n",
            url="https://www.example.org/2012-trafficking-in-persons-report-ghana")
    (n,) = r.narratives
    got = None if n.roles is None else (n.roles.source, n.roles.transit, n.roles.destination)
    assert got == roles


def test_a_first_sentence_about_someone_else_is_not_the_page_naming_another_country():
    """Only a role statement, a verdict or a Special Case names the narrative's own country: a
    disclaimer about the United States above the verdict does not make the page disagree."""
    text = ("GHANA: Tier 3\n\nThe United States does not recognize any government of this SYNTHETIC place. "
            "Ghana does not fully meet the minimum standards for the elimination of trafficking and is not making "
            "significant efforts to do so; therefore Ghana remained on Tier 3.\n")
    r = one(text, url="https://www.state.gov/reports/2024-trafficking-in-persons-report/ghana/")
    assert [(n.country_iso3, n.tier, n.compliance) for n in r.narratives] == [("GHA", "3", "not_fully_not_significant")]
