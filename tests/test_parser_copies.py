"""The forms republished copies print a narrative in (Refworld, ecoi.net, embassies, NGO mirrors).

Every text here is SYNTHETIC, written for these tests in the reports' formulaic wording (headlines,
verdicts, placement sentences); no sentence is copied from a real page. The real pages these forms
were seen on are scored by `tip eval tests/fixtures/real` (see that folder's README).
"""
from __future__ import annotations

import pytest

from tip.parse import parse_document
from tip.parse.compliance import classify_sentence
from tip.parse.year import year_from_url

BODY = ("{name} is a source and destination country for women and children subjected to sex trafficking and "
        "forced labor. The Government of {name} does not fully meet the minimum standards for the elimination of "
        "trafficking; however, it is making significant efforts to do so. Officials investigated 12 cases.\n")


def one(text: str, url: str | None = None, html: bool = False):
    r = parse_document(text.encode("utf-8"), url=url, filename="page.html" if html else "page.txt")
    return r


@pytest.mark.parametrize("head, iso3, tier", [
    ("[ Country-by-Country ] GHANA (Tier 2)", "GHA", "2"),
    ("2007 Trafficking in Persons Report - Ghana (Tier 2 Watch List)", "GHA", "2WL"),
    ("Ghana1 (Tier 2 Watch List)", "GHA", "2WL"),
    ("ESWATINI (SWAZILAND): Tier 2", "SWZ", "2"),
    ("GHANA (TIER 2 Watch List)   [Extracted from the Trafficking in Persons Report, June 2009]", "GHA", "2WL"),
    ("Ghana (Tier 2) \u2013 Extracted in part from the 2023 TIP Report", "GHA", "2"),
    ("HAITI (not rated)", "HTI", "SPECIAL"),
    ("CURA\u00c7AO: Tier 2\u2020", "CUW", "2"),
    ("Special Case (Libya)", "LBY", "SPECIAL"),
    ("GHANA (Tier 2WL)", "GHA", "2WL"),
    ("Special Case: LIBYA Libya remains a Special Case for the third consecutive year, SYNTHETIC.", "LBY", "SPECIAL"),
    ("Ghana (Tier II Watch List)", "GHA", "2WL"),
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
    r = one("GHANA (Tier 2)\n- Extracted in part from the 2023 TIP Report\n" + BODY.format(name="Ghana"))
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


# --- forms of the third round (press releases, forum and blog copies, PDF copies) -------------------------

PROFILE = ("Ghana is a source and destination country for women and children subjected to sex trafficking and forced "
           "labor. Victims are recruited with false offers of work in the capital. SYNTHETIC text for this test about "
           "trafficking in the country and its neighbours.")


def test_a_long_name_wrapped_over_two_lines():
    text = ("DEMOCRATIC REPUBLIC\n\nOF THE CONGO (Tier 2)\n\n" + BODY.format(name="the Democratic Republic of the Congo"))
    r = one(text, url="https://www.example.org/2007-trafficking-in-persons-report-x")
    assert [(n.country_iso3, n.tier) for n in r.narratives] == [("COD", "2")], r.rejects
    # an unknown name with an unrelated line above stays a reject
    r = one("SOME PAGE TITLE\n\nOF THE CONGO (Tier 2)\n\n" + BODY.format(name="Ghana"),
            url="https://www.example.org/2007-trafficking-in-persons-report-x")
    assert not r.narratives


def test_a_headline_split_by_pdf_columns():
    text = ("COUNTRY NARRATIVES\n\nwords of the column next to it and the recruiters subject GHANA: these migrants to "
            "forced labor after arrival.\n\nTier 2 Watch List In 2015, SYNTHETIC reports said " + PROFILE + " "
            + BODY.format(name="Ghana"))
    r = one(text, url="https://docs.example.org/doc/1/2016-trafficking-in-persons-report")
    assert [(n.country_iso3, n.report_year, n.tier) for n in r.narratives] == [("GHA", 2016, "2WL")], r.rejects


@pytest.mark.parametrize("placement, tier", [
    ("This year Ghana has been upgraded to Tier 2, an improvement on last year's Tier 2 Watch List.", "2"),
    ("This year Ghana has been placed on the Tier 2 Watch List, a reversal of last year's Tier Two ranking.", "2WL"),
    ("Ghana has moved from Tier 2 to Tier 3 because it failed to prosecute traffickers.", "3"),
    ("According to the report, Ghana is ranked as a Tier 2 country.", "2"),
    ("Although Ghana meets the criteria for Tier 2 Watch List, because it has been on Tier 2 Watch List for four years "
     "it is no longer eligible for that ranking and is therefore ranked Tier 3.", "3"),
    ("Therefore, pursuant to Section 107 of the Act, Ghana is deemed not to be making significant efforts to comply "
     "with the minimum standards and is placed on Tier 3.", "3"),
])
def test_placement_sentences_of_press_releases_and_reprints(placement, tier):
    text = ("Press Releases\n\nGhana placement in the 2010 Trafficking in Persons Report\n\n"
            f"On Monday the Secretary of State released the 2010 Trafficking in Persons Report. {placement} "
            "The government made efforts against trafficking in persons during the year.\n\n" + PROFILE + "\n")
    r = one(text, url="https://gh.example.org/pr_061510.html")
    assert [(n.country_iso3, n.report_year, n.tier) for n in r.narratives] == [("GHA", 2010, tier)], r.rejects


def test_a_placement_of_an_earlier_year_is_not_this_reports():
    text = ("Ghana in the 2010 Trafficking in Persons Report\n\nGhana was upgraded to Tier 2 in 2008 after years of "
            "trafficking concerns, and the government made efforts during the year.\n\n" + PROFILE + "\n")
    r = one(text, url="https://gh.example.org/pr_061510.html")
    assert not r.narratives


@pytest.mark.parametrize("verdict, tier", [
    ("The Government of Ghana does not fully comply with the minimum standards for the elimination of trafficking, "
     "and is not making significant efforts to do so.", "3"),
    ("The Government of Ghana fully complies with the minimum standards for the elimination of trafficking.", "1"),
    # a copy that glued the verdict to the sentence before it
    ("Police were convicted for complicity in trafficking.The Government of Ghana fully complies with the minimum "
     "standards for the elimination of trafficking\u2026", "1"),
    # Tier 2 and its Watch List share this verdict: it places nothing
    ("The Government of Ghana does not fully comply with the minimum standards for the elimination of trafficking; "
     "however, it is making significant efforts to do so.", None),
])
def test_a_verdict_places_tier_1_and_tier_3_when_nothing_else_does(verdict, tier):
    text = ("New report\n\nThe State Department has released its 2009 Trafficking in Persons Report. According to the "
            "report:\n\n" + PROFILE + "\n\n" + verdict + " SYNTHETIC text.\n")
    r = one(text, url="https://blog.example.org/2009/06/new-report.html")
    assert [(n.country_iso3, n.tier) for n in r.narratives] == ([("GHA", tier)] if tier else [])


def test_an_address_glued_to_the_first_sentence():
    text = ("forum post\nactual report\nhttp://www.state.gov/g/tip/rls/tiprpt/2011/164233.htm" + PROFILE + " "
            "The Government of Ghana does not fully comply with the minimum standards and has been placed on Tier 2 "
            "Watch List for the last four consecutive years. Therefore, pursuant to Section 107 of the Act, Ghana is "
            "deemed not to be making significant efforts to comply with the minimum standards and is placed on Tier 3.\n")
    r = one(text, url="https://forum.example.org/view?id=5")
    assert [(n.country_iso3, n.report_year, n.tier, n.compliance) for n in r.narratives] == [
        ("GHA", 2011, "3", "not_fully_not_significant")], r.rejects


@pytest.mark.parametrize("top, url, year", [
    ("GHANA: Tier 2 Watch List\n\nIn the State Department's 2016 Trafficking in Persons (TIP) report, Ghana has been "
     "downgraded.\n", None, 2016),
    ("GHANA (Tier 2)\n", "https://ngo.example.org/en/ghana-tier-ranking-tier-2-tip-2019/", 2019),
    ("TRAFFICKING IN PERSONS REPORT 2015\n\nGHANA: Tier 2\n", None, 2015),
    ("GHANA: Tier 2\nGHANA TIER RANKING BY YEAR 1 2 2WL 3 2008 2009 2010 2 011 2012 2013 2014 2015\n", None, 2015),
    # a dated page whose latest events fall in its date's year
    ("JULY 4, 2011\nGHANA (Tier 2)\n", None, 2011),
    ("GHANA (Tier 2)\n", "http://someone.blogspot.com/2011/07/?m=0", 2011),
])
def test_report_year_printed_by_republishers(top, url, year):
    text = top + "\n" + PROFILE + " From January to March 2011 the government repatriated 40 workers. " + BODY.format(name="Ghana")
    if year != 2011:
        text = text.replace("2011 the government", f"{year - 1} the government")
    r = one(text, url=url)
    assert [(n.country_iso3, n.report_year) for n in r.narratives] == [("GHA", year)], r.rejects


@pytest.mark.parametrize("top, url", [
    ("JULY 4, 2012\nGHANA (Tier 2)\n", None),               # events end in 2011, dated 2012: 2011 or 2012
    ("MARCH 4, 2011\nGHANA (Tier 2)\n", None),              # no report comes out before June: 2010 at the latest
    ("GHANA (Tier 2)\n", "http://someone.blogspot.com/2012/"),  # a year without a month dates nothing
])
def test_a_page_date_that_leaves_two_years_open_gives_none(top, url):
    text = top + "\n" + PROFILE + " From January to March 2011 the government repatriated 40 workers. " + BODY.format(name="Ghana")
    r = one(text, url=url)
    assert not r.narratives and any("report year unknown" in x.reason for x in r.rejects)


@pytest.mark.parametrize("sentence, verdict", [
    ("The Government of Ghana does not fully comply with the minimum standards for the elimination of trafficking, but "
     "it is making efforts to do so.", "not_fully_significant_efforts"),
    ("The Government of Ghana does not fully comply with the minimum standards for the elimination of trafficking and "
     "is not making sig", "not_fully_not_significant"),
    ("Neither the Taliban nor the council have complied with minimum standards for the elimination of trafficking, nor "
     "did either make significant efforts to do so.", "not_fully_not_significant"),
    ("Neither the Government of the Federation1, the Government of the East, nor the Government of the West yet fully "
     "comply with minimum standards for the elimination of trafficking; however, they are making significant efforts "
     "to do so.", "not_fully_significant_efforts"),
    ("The Government of Ghana meets the minimum standards in combating trafficking in persons.", "fully_meets"),
    ("The Government of Ghana does not meet the minimum standards in combating trafficking in persons.", None),
])
def test_verdict_wordings_of_the_third_round(sentence, verdict):
    assert classify_sentence(sentence) == verdict


@pytest.mark.parametrize("profile, roles, internal", [
    ("Ghana is principally a source of women and children trafficked within the country for sexual exploitation.",
     (True, False, False), True),
    ("Ghana is a destination country for women from Togo. Few Ghanaian citizens are subjected to trafficking internally "
     "and abroad.", (False, False, True), True),
    ("Ghana is a source country for women. Children are trafficked from rural areas to urban and tourist centers.",
     (True, False, False), True),
    ("Ghana is a destination country for women from Togo. An attempt failed, but points to the possibility of Ghana "
     "becoming a source country.", (False, False, True), None),
    ("Ghana is a source country for women. Experts consider Ghana to have significantly decreased as a transit country "
     "to Europe.", (True, False, False), None),
    ("Ghana is a country of origin for women trafficked abroad; it is no longer considered a major country of transit, "
     "and it is not a significant country of destination.", (True, False, False), None),
    ("Ghana is a country of origin and, to a lesser extent, transit and destination, for men, women, and children "
     "subjected to forced labor.", (True, True, True), None),
    ("Ghana is a destination for men and women subjected to forced labor and, to a much lesser extent, a source of "
     "women subjected to sex trafficking.", (True, False, True), None),
    ("Ghana may be a destination country for men trafficked for labor exploitation.", (False, False, True), None),
    ("Ghana is a source country for women. These women sometimes transit through Togo en route to Europe.",
     (True, False, False), None),
    ("Ghana is a source country for women. Victims from Togo transit through Ghana en route to Europe.",
     (True, True, False), None),
    ("Ghana is a source and destination country for trafficked persons; it also has a significant internal slavery "
     "problem.", (True, False, True), True),
])
def test_roles_and_internal_trafficking_as_the_copies_word_them(profile, roles, internal):
    r = one(f"GHANA (Tier 2)\n\n{profile} The Government of Ghana does not fully meet the minimum standards for the "
            "elimination of trafficking; however, it is making significant efforts to do so.\n",
            url="https://www.example.org/2012-trafficking-in-persons-report-ghana")
    (n,) = r.narratives
    assert (n.roles.source, n.roles.transit, n.roles.destination) == roles
    assert n.roles.internal is internal


@pytest.mark.parametrize("head, text, why", [
    ("GHANA (Tier 2)", "The Government of Ghana does not fully meet the minimum standards for the elimination of trafficking "
     "but is making significant efforts to do so; therefore Ghana remained on Tier 2 Watch List.",
     "the headline says Tier 2 but the text says"),
    ("GHANA (Tier 1)", "The Government of Ghana does not fully comply with the minimum standards for the elimination of "
     "trafficking and is not making significant efforts to do so.", "the headline says Tier 1 but the verdict reads"),
])
def test_a_headline_its_own_text_contradicts_is_a_reject(head, text, why):
    r = one(f"{head}\n\n{PROFILE} {text}\n", url="https://www.example.org/2022-trafficking-in-persons-report-ghana")
    assert not r.narratives
    assert any(x.reason.startswith(why) for x in r.rejects), [x.reason for x in r.rejects]


def test_an_earlier_placement_the_sentence_moves_on_from_is_no_contradiction():
    text = ("GHANA (Tier 3)\n\n" + PROFILE + " The Government of Ghana does not fully comply with the minimum standards for "
            "the elimination of trafficking and is not making significant efforts to do so. Ghana was placed on Tier 2 "
            "Watch List for the past eight years and is therefore downgraded to Tier 3 under the automatic downgrade "
            "provision.\n")
    r = one(text, url="https://www.example.org/2013-trafficking-in-persons-report-ghana")
    assert [(n.country_iso3, n.tier) for n in r.narratives] == [("GHA", "3")], r.rejects


def test_an_ecoi_copy_is_dated_by_the_batch_its_document_number_belongs_to():
    from tip.parse.year import year_from_ecoi

    assert year_from_ecoi("https://www.ecoi.net/en/document/2077700.html", "") == 2022
    assert year_from_ecoi(None, "Document #2111700\nUSDOS \u2013 US Department of State (Author)\nGHANA (Tier 2)\n") == 2024
    assert year_from_ecoi("https://www.ecoi.net/en/document/1437453.html", "") is None  # renumbered: no date
    assert year_from_ecoi("https://www.ecoi.net/en/document/2093635.html", "") is None  # no batch known for 2023
    # a year the page states wins over the number
    r = one("2021 Trafficking in Persons Report: Ghana\nGHANA (Tier 2)\n\n" + BODY.format(name="Ghana"),
            url="https://www.ecoi.net/en/document/2077700.html")
    assert [(n.report_year, n.year_source) for n in r.narratives] == [(2021, "text")]
    r = one("Document #2077700\nUSDOS \u2013 US Department of State (Author)\nGHANA (Tier 2)\n\n" + BODY.format(name="Ghana"))
    assert [(n.report_year, n.year_source) for n in r.narratives] == [(2022, "publisher number")]


def test_a_planned_year_is_no_event_of_the_reporting_period():
    # dated July 2012, latest event 2011, a plan for 2012: the report could be 2011 or 2012 -> unknown
    text = ("JULY 4, 2012\nGHANA (Tier 2)\n\n" + PROFILE + " In March 2011 the government repatriated 40 workers; it "
            "plans to open a shelter in 2012 and adopted a plan running to 2012. " + BODY.format(name="Ghana"))
    r = one(text)
    assert not r.narratives and any("report year unknown" in x.reason for x in r.rejects)


def test_a_placement_sentence_its_verdict_contradicts_is_a_reject():
    text = ("Press Releases\n\nGhana in the 2010 Trafficking in Persons Report\n\nOn Monday the Secretary of State released "
            "the 2010 Trafficking in Persons Report. This year Ghana has been upgraded to Tier 2, a noted improvement. "
            "The government made efforts against trafficking in persons during the year.\n\n" + PROFILE + " The Government "
            "of Ghana does not fully comply with the minimum standards for the elimination of trafficking and is not "
            "making significant efforts to do so.\n")
    r = one(text, url="https://gh.example.org/pr_061510.html")
    assert not r.narratives
    assert any(x.reason.startswith("the placement sentence says Tier 2 but the verdict") for x in r.rejects), r.rejects


def test_text_above_the_first_headline_is_a_reject_only_when_it_reads_like_a_narrative():
    lost = ("Ghana is a source country for women and children subjected to trafficking. The Government of Ghana does not "
            "fully comply with the minimum standards for the elimination of trafficking; however, it is making significant "
            "efforts to do so. Trafficking cases rose. " * 2)
    wire = ("The State Department designated Ghana as a Tier 2 government in its report on trafficking, noting the "
            "government's efforts. The department reports each year whether governments meet the minimum standards "
            "for the elimination of trafficking, as the law requires of it. Following is an excerpt on the country "
            "from the report, released in June, with its placement and the full text of its narrative below. " * 2)
    for lead, rejected in ((lost, True), (wire, False)):
        r = one(lead + "\n\nTOGO (Tier 2)\n\n" + BODY.format(name="Togo"),
                url="https://www.example.org/2012-trafficking-in-persons-report-togo")
        assert [n.country_iso3 for n in r.narratives] == ["TGO"]
        assert any("reads like a narrative" in x.reason for x in r.rejects) is rejected


def test_letters_styled_with_unicode_alphabets_read_as_plain_letters():
    text = ("\U0001d5e3\U0001d5db\U0001d5dc\U0001d5df\U0001d5dc\U0001d5e3\U0001d5e3\U0001d5dc\U0001d5e1\U0001d5d8\U0001d5e6 "
            "(\U0001d5e7\U0001d5f6\U0001d5f2\U0001d5ff \U0001d7ed)\n\n"  # "PHILIPPINES (Tier 1)" in sans-serif bold
            "The Government of the Philippines fully meets the minimum standards for the elimination of trafficking. "
            "SYNTHETIC text about trafficking cases in the country for this test.\n")
    r = one(text, url="https://www.example.org/2023-trafficking-in-persons-report-philippines")
    assert [(n.country_iso3, n.tier, n.compliance) for n in r.narratives] == [("PHL", "1", "fully_meets")]


def test_a_profile_run_together_with_the_verdict_is_still_the_profile():
    text = ("GHANA (Tier 2)\n\nAn introduction by the publisher about the day against trafficking and this page.\n\n"
            "Ghana is a source and transit country for women subjected to forced labor. Ghanaian girls are exploited in "
            "Togo. The Government of Ghana does not fully comply with the minimum standards for the elimination of "
            "trafficking; however, it is making significant efforts to do so.\n")
    r = one(text, url="https://www.example.org/2012-trafficking-in-persons-report-ghana")
    (n,) = r.narratives
    assert (n.roles.source, n.roles.transit, n.roles.destination) == (True, True, False)


def test_an_embassy_address_naming_the_tip_report_and_its_year():
    from tip.parse.year import year_from_url

    assert year_from_url("https://bz.usembassy.gov/2023-trafficking-in-persons-tip-report-belize/") == 2023
