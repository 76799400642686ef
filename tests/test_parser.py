"""Parser unit tests on short SYNTHETIC snippets written in each era's style (anchors_tip.md B and C)."""
import pytest

from tip.core.countries import to_iso3
from tip.parse import parse_document
from tip.parse.compliance import classify_sentence, find_movement
from tip.parse.headline import find_headlines
from tip.parse.year import year_from_text, year_from_url
from tip.parse.measures import extract_measures
from tip.parse.sentences import split_sentences
from tip.parse.text import extract

BODY = ("{c} is a source country for men and women subjected to trafficking in persons. "
        "The Government of {c} does not fully comply with the minimum standards for the elimination of trafficking; "
        "however, it is making significant efforts to do so.")


@pytest.mark.parametrize("line,name,tier,marker", [
    ("Angola (Tier 2)", "Angola", "2", False),
    ("HAITI (TIER 2 - WATCH LIST)", "HAITI", "2WL", False),
    ("QATAR (TIER 2 WATCH LIST)", "QATAR", "2WL", False),
    ("Curacao (Tier 2 Watch List) *", "Curacao", "2WL", True),
    ("THE NETHERLANDS ANTILLES (Tier 2 Watch List)*", "THE NETHERLANDS ANTILLES", "2WL", True),
    ("AFGHANISTAN: Tier 2", "AFGHANISTAN", "2", False),
    ("CURAÇAO: Tier 2 WATCH LIST†", "CURAÇAO", "2WL", True),
    ("JAMAICA: Tier 2 Watch List", "JAMAICA", "2WL", False),
    ("SOMALIA (Special Case)", "SOMALIA", "SPECIAL", False),
    ("SPECIAL CASE: SOMALIA", "SOMALIA", "SPECIAL", False),
    ("Special Case: SOMALIA", "SOMALIA", "SPECIAL", False),
    ("SOMALIA: SPECIAL CASE", "SOMALIA", "SPECIAL", False),
    ("BURMA (Tier 3)", "BURMA", "3", False),
    ("UNITED STATES OF AMERICA: Tier 1", "UNITED STATES OF AMERICA", "1", False),
])
def test_headline_forms(line, name, tier, marker):
    heads = find_headlines(f"{line}\n\n{BODY.format(c='X')}\n")
    assert [(h.name, h.tier, h.marker) for h in heads] == [(name, tier, marker)]


def test_tier_comes_from_the_headline_not_the_body():
    text = ("GABON (Tier 2)\n\nGabon is a destination country. The Government of Gabon does not fully comply with the "
            "minimum standards for the elimination of trafficking; however, it is making significant efforts to do so. "
            "Last year Gabon was placed on Tier 2 Watch List, and countries on Tier 3 face sanctions.\n")
    n = parse_document(text, year=2012).narratives[0]
    assert n.tier == "2"


def test_chrome_lines_shaped_like_headlines_are_not_narratives():
    text = "IV. Country Narratives: Tier 2\n\nAngola (Tier 2)\n\n" + BODY.format(c="Angola") + "\n"
    res = parse_document(text, year=2001)
    assert [n.country_iso3 for n in res.narratives] == ["AGO"]
    assert res.rejects == []


@pytest.mark.parametrize("name,iso3", [
    ("Burma", "MMR"), ("COTE D'IVOIRE", "CIV"), ("Côte d’Ivoire", "CIV"), ("Democratic Republic of the Congo", "COD"),
    ("CONGO, DEMOCRATIC REPUBLIC OF THE", "COD"), ("Republic of the Congo", "COG"), ("Congo, Republic of the", "COG"),
    ("KOREA, NORTH", "PRK"), ("Korea, South", "KOR"), ("MACEDONIA", "MKD"), ("North Macedonia", "MKD"),
    ("SWAZILAND", "SWZ"), ("Eswatini", "SWZ"), ("Cape Verde", "CPV"), ("CABO VERDE", "CPV"), ("Timor-Leste", "TLS"),
    ("HONG KONG", "HKG"), ("Macau", "MAC"), ("TAIWAN", "TWN"), ("CURAÇAO", "CUW"), ("Aruba", "ABW"),
    ("ST. MAARTEN", "SXM"), ("Sint Maarten", "SXM"), ("THE NETHERLANDS ANTILLES", "ANT"), ("Kosovo", "XKX"),
    ("THE GAMBIA", "GMB"), ("Bahamas, The", "BHS"), ("KYRGYZ REPUBLIC", "KGZ"), ("St. Vincent and the Grenadines", "VCT"),
    ("UNITED STATES OF AMERICA", "USA"), ("Serbia and Montenegro", "SCG"), ("LAOS", "LAO"), ("Czechia", "CZE"),
])
def test_country_names_as_the_reports_print_them(name, iso3):
    assert to_iso3(name) == iso3


@pytest.mark.parametrize("name", ["Narnia", "Mikronesia", "Country Narratives", "Korea", ""])
def test_unknown_country_names_are_not_guessed(name):
    assert to_iso3(name) is None


def test_unknown_country_in_headline_is_a_reject_with_reason():
    res = parse_document("NARNIA (Tier 2)\n\n" + BODY.format(c="Narnia") + "\n", year=2010)
    assert res.narratives == []
    assert "unknown country name in headline: 'NARNIA'" in res.rejects[0].reason


@pytest.mark.parametrize("sentence,expected", [
    ("The Government of Angola does not yet fully meet the minimum standards; however, the Government is making "
     "significant efforts to do so.", "not_fully_significant_efforts"),
    ("The Government of Qatar does not fully comply with the minimum standards for the elimination of trafficking; "
     "however, it is making significant efforts to do so.", "not_fully_significant_efforts"),
    ("Afghanistan does not fully comply with the minimum standards for the elimination of trafficking; however, it "
     "is making significant efforts to do so.", "not_fully_significant_efforts"),
    ("The Government of Eswatini, previously known as Swaziland, does not fully meet the minimum standards for the "
     "elimination of trafficking; however, it is making significant efforts to do so.", "not_fully_significant_efforts"),
    ("The Government of Thailand does not fully meet the minimum standards for the elimination of trafficking but is "
     "making significant efforts to do so.", "not_fully_significant_efforts"),
    ("The Government of Hong Kong does not fully meet the minimum standards for the elimination of trafficking but "
     "is making significant efforts to do so, even considering the impact of the COVID-19 pandemic, if any, on its "
     "anti-trafficking capacity.", "not_fully_significant_efforts"),
    ("The Government of the Czech Republic fully complies with the minimum standards for the elimination of "
     "trafficking.", "fully_meets"),
    ("The Government of Denmark fully meets the minimum standards for the elimination of trafficking.", "fully_meets"),
    ("Although Taiwan authorities meet the minimum standards, they did not prosecute labor traffickers.", "fully_meets"),
    ("The Government of Malaysia does not fully comply with the minimum standards for the elimination of trafficking "
     "and is not making significant efforts to do so.", "not_fully_not_significant"),
    ("Burma does not fully meet the minimum standards for the elimination of trafficking and is not making "
     "significant efforts to do so, even considering the impact of the COVID-19 pandemic on its anti-trafficking "
     "capacity; therefore Burma remained on Tier 3.", "not_fully_not_significant"),
    ("The government should take steps to fully comply with the minimum standards.", None),
    ("The government made significant efforts to train police.", None),
])
def test_compliance_sentence_variants(sentence, expected):
    assert classify_sentence(sentence) == expected


@pytest.mark.parametrize("text,movement,years,waiver", [
    ("The government demonstrated increasing efforts; therefore, Afghanistan was upgraded to Tier 2.", "upgraded", None, False),
    ("Therefore Cambodia was downgraded to Tier 2 Watch List.", "downgraded", None, False),
    ("Therefore Cambodia remained on Tier 2 Watch List for the second consecutive year.", "remained", 2, False),
    ("therefore, Namibia is placed on Tier 2 Watch List.", "placed", None, False),
    ("Haiti remains a Special Case for the fourth consecutive year.", "remained", 4, False),
    ("Somalia remains a Special Case for the 21st consecutive year.", "remained", 21, False),
    ("Because the government has devoted sufficient resources to a written plan that, if implemented, would "
     "constitute significant efforts to meet the minimum standards, Eswatini was granted a waiver per the Trafficking "
     "Victims Protection Act from an otherwise required downgrade to Tier 3. Therefore Eswatini remained on Tier 2 "
     "Watch List for the third consecutive year.", "remained", 3, True),
])
def test_tier_movement_sentences(text, movement, years, waiver):
    mv = find_movement(split_sentences(text))
    assert (mv.movement, mv.consecutive_years, mv.waiver) == (movement, years, waiver)


def test_sections_by_era_and_recommendations():
    t2012 = ("NAMIBIA (Tier 2 Watch List)\n\nNamibia is a source and destination country for children.\n\n"
             "The Government of Namibia does not fully comply with the minimum standards for the elimination of "
             "trafficking; however, it is making significant efforts to do so.\n\n"
             "Recommendations for Namibia: Enact the draft bill; train police officers; and open a shelter.\n\n"
             "Prosecution\n\nThe government investigated 12 cases.\n\nProtection\n\nThe government identified "
             "eight victims.\n\nPrevention\n\nThe government held events.\n")
    n = parse_document(t2012, year=2012).narratives[0]
    assert [s.name for s in n.sections] == ["profile", "summary", "recommendations", "prosecution", "protection", "prevention"]
    assert [r.text for r in n.recommendations] == ["Enact the draft bill", "train police officers", "open a shelter"]

    t2003 = ("QATAR (Tier 2)\n\nQatar is a destination country for men and women trafficked for forced labor.\n\n"
             "The Government of Qatar does not fully comply with the minimum standards for the elimination of "
             "trafficking; however, it is making significant efforts to do so.\n\nPrevention\n\nThe government ran "
             "campaigns.\n\nProsecution\n\nThe government prosecuted four traffickers.\n\nProtection\n\nShelters opened.\n")
    n = parse_document(t2003, year=2003).narratives[0]
    assert [s.name for s in n.sections] == ["profile", "summary", "prevention", "prosecution", "protection"]

    t2020 = ("HONG KONG: Tier 2 Watch List\n\nThe Government of Hong Kong does not fully meet the minimum standards "
             "for the elimination of trafficking but is making significant efforts to do so. Therefore Hong Kong was "
             "downgraded to Tier 2 Watch List.PRIORITIZED RECOMMENDATIONS:\u2022Enact an anti-trafficking law."
             "\u2022Screen migrant workers for indicators.\u2022Train officials.\n\nPROSECUTION\n\nThe government "
             "initiated 12 investigations.\n\nPROTECTION\n\nThe government identified three victims.\n\nPREVENTION\n\n"
             "Efforts continued.\n\nTRAFFICKING PROFILE\n\nAs reported over the past five years, human traffickers "
             "exploit domestic and foreign victims in Hong Kong. Filipino domestic workers are exploited in forced "
             "labor in Hong Kong.\n")
    n = parse_document(t2020, year=2020).narratives[0]
    assert [s.name for s in n.sections] == ["summary", "recommendations", "prosecution", "protection", "prevention", "profile"]
    assert [r.text for r in n.recommendations] == ["Enact an anti-trafficking law", "Screen migrant workers for indicators",
                                                   "Train officials"]
    assert n.tier_movement == "downgraded"
    assert (n.roles.source, n.roles.destination, n.roles.internal) == (False, True, True)
    assert [(p.iso3, p.direction) for p in n.partners] == [("PHL", "origin")]


def measures_of(text, year):
    return sorted((m.measure, m.value, m.unit, m.qualifier, m.subtype, m.data_year, m.is_prior_period)
                  for m in extract_measures(split_sentences(text), year))


@pytest.mark.parametrize("year,text,expected", [
    (2014, "The government investigated 35 cases of suspected trafficking in 2013; 18 cases led to convictions, 10 for "
           "sex trafficking and eight for labor trafficking, a decline from 44 convictions in 2012.",
     [("convictions", 8, "cases", "exact", "labor", 2013, False), ("convictions", 10, "cases", "exact", "sex", 2013, False),
      ("convictions", 18, "cases", "exact", None, 2013, False), ("convictions", 44, None, "exact", None, 2012, True),
      ("investigations", 35, "cases", "exact", None, 2013, False)]),
    (2015, "Authorities investigated 12 reported cases of trafficking in 2014, a decrease from 13 reported cases in 2013.",
     [("investigations", 12, "cases", "exact", None, 2014, False), ("investigations", 13, "cases", "exact", None, 2013, True)]),
    (2015, "In 2014, the government initiated prosecutions of 15 sex trafficking suspects, a decrease from 16 in 2013.",
     [("prosecutions", 15, "persons", "exact", "sex", 2014, False), ("prosecutions", 16, "persons", "exact", "sex", 2013, True)]),
    (2015, "Courts convicted nine sex traffickers in 2014, and two additional 2014 trafficking convictions were still "
           "pending appeal, compared with three total convictions in 2013.",
     [("convictions", 3, None, "exact", None, 2013, True), ("convictions", 9, "persons", "exact", "sex", 2014, False)]),
    (2019, "The government investigated 11 cases, compared with 14 potential trafficking case investigations in 2017 "
           "and none in 2016.",
     [("investigations", 0, "cases", "exact", None, 2016, True), ("investigations", 11, "cases", "exact", None, 2018, False),
      ("investigations", 14, "cases", "exact", None, 2017, True)]),
    (2019, "In 2018, the government reported investigating 325 suspects and prosecuting 152 alleged traffickers, "
           "compared with 191 suspects and 223 prosecutions in 2017.",
     [("investigations", 191, "persons", "exact", None, 2017, True), ("investigations", 325, "persons", "exact", None, 2018, False),
      ("prosecutions", 152, "persons", "exact", None, 2018, False), ("prosecutions", 223, None, "exact", None, 2017, True)]),
    (2018, "The government investigated 28 cases, compared with 30 investigations (12 sex trafficking, 18 forced labor) in 2016.",
     [("investigations", 12, None, "exact", "sex", 2016, True), ("investigations", 18, None, "exact", "labor", 2016, True),
      ("investigations", 28, "cases", "exact", None, 2017, False), ("investigations", 30, None, "exact", None, 2016, True)]),
    (2009, "In 2008, 16 traffickers were sentenced to one to five years' imprisonment, and two traffickers were sentenced "
           "to five to 12 years' imprisonment.",
     [("sentence_max_years", 5, "years", "exact", None, 2008, False), ("sentence_max_years", 12, "years", "exact", None, 2008, False),
      ("sentence_min_years", 1, "years", "exact", None, 2008, False), ("sentence_min_years", 5, "years", "exact", None, 2008, False)]),
    (2019, "In 2018, the government convicted 70 traffickers; in 2017, it convicted 33 traffickers.",
     [("convictions", 33, "persons", "exact", None, 2017, False), ("convictions", 70, "persons", "exact", None, 2018, False)]),
    (2019, "Courts convicted 18 traffickers in 2018, compared with 14 in 2017 and 17 in 2016.",
     [("convictions", 14, "persons", "exact", None, 2017, True), ("convictions", 17, "persons", "exact", None, 2016, True),
      ("convictions", 18, "persons", "exact", None, 2018, False)]),
    (2019, "The law prescribed penalties of five to 15 years' imprisonment. These penalties were sufficiently stringent.",
     []),
    (2024, "The government reported investigating 409 cases, prosecuting 49 suspects and convicting 36 traffickers.",
     [("convictions", 36, "persons", "exact", None, 2023, False), ("investigations", 409, "cases", "exact", None, 2023, False),
      ("prosecutions", 49, "persons", "exact", None, 2023, False)]),
    (2017, "Sentences for convicted traffickers in 2016 ranged from 18 months to eight years imprisonment, compared with "
           "eight to 20 years imprisonment in 2015.",
     [("sentence_max_years", 8, "years", "exact", None, 2016, False), ("sentence_min_years", 1.5, "years", "exact", None, 2016, False)]),
    (2013, "The law prescribes penalties of eight to 20 years' imprisonment.", []),
    (2019, "Article 10 prescribes penalties of 16 to 20 years' imprisonment and courts may sentence offenders to up to 25 years.", []),
    (2018, "The government did not convict anyone on trafficking charges for the sixth consecutive year.",
     [("convictions", 0, "persons", "exact", None, 2017, False)]),
    (2022, "The government did not prosecute or convict any labor traffickers.",
     [("convictions", 0, "persons", "exact", "labor", 2021, False), ("prosecutions", 0, "persons", "exact", "labor", 2021, False)]),
    (2023, "The government did not report any investigations, prosecutions, or convictions of government employees "
           "complicit in human trafficking crimes.", []),
    (2016, "The government investigated seven police officers for complicity in trafficking.", []),
    (2015, "NGOs assisted 810 victims in 2014, a large increase from the 447 victims assisted in 2013.", []),
    (2016, "The government spent $283,000 on 45 shelters; 30 percent of 120 victims received care.", []),
    (2012, "Traffickers exploited at least 95 Filipina domestic workers. Authorities identified approximately 800 victims.",
     [("victims_identified", 800, "persons", "approximately", None, 2011, False)]),
    (2004, "According to available data, the Cambodian police in 2003 investigated over 400 trafficking-related cases.",
     [("investigations", 400, "cases", "more_than", None, 2003, False)]),
    (2013, "Authorities investigated 2,471 suspects for trafficking in 2011.",
     [("investigations", 2471, "persons", "exact", None, 2011, False)]),
    (2012, "No convictions were overturned on appeal.", []),
])
def test_measure_phrasings(year, text, expected):
    assert measures_of(text, year) == sorted(expected)


def test_every_measure_keeps_its_evidence_offsets():
    text = ("Prosecution\nIn 2009, authorities arrested 113 suspects and prosecuted 79 trafficking cases. Courts convicted "
            "47 traffickers in 2009, an increase from 33 convictions in 2008.\n")
    sents = split_sentences(text)
    ms = extract_measures(sents, 2010)
    assert len(ms) == 4
    for m in ms:
        assert text[m.evidence.start:m.evidence.end] == m.evidence.text
        assert m.evidence.start <= m.value_start < m.value_end <= m.evidence.end


def test_page_with_several_narratives_and_a_bad_one_between():
    page = ("<html><body><nav>Home | Reports</nav><h2>Country Narratives: Countries A Through F</h2>"
            "<h3>ANGOLA (Tier 2)</h3><p>" + BODY.format(c="Angola") + "</p>"
            "<h3>ATLANTIS (Tier 3)</h3><p>" + BODY.format(c="Atlantis") + "</p>"
            "<h3>BENIN (Tier 2)</h3><p>" + BODY.format(c="Benin") + "</p>"
            "<footer>This site is managed by the Bureau of Public Affairs</footer></body></html>")
    res = parse_document(page, url="https://2009-2017.state.gov/j/tip/rls/tiprpt/2010/142759.htm")
    assert [(n.country_iso3, n.report_year) for n in res.narratives] == [("AGO", 2010), ("BEN", 2010)]
    assert len(res.rejects) == 1 and "ATLANTIS" in res.rejects[0].reason
    assert "Bureau of Public Affairs" not in res.narratives[-1].text


def test_text_before_the_first_headline_that_reads_like_a_narrative_is_not_dropped_silently():
    lost = ("Afghanistan is a source, transit, and destination country for men, women, and children trafficked for "
            "forced labor and sexual exploitation. " * 3 + "The Government of Afghanistan does not fully comply with "
            "the minimum standards for the elimination of trafficking; however, it is making significant efforts to "
            "do so. Trafficking offenders were rarely prosecuted.")
    text = f"{lost}\n\nALBANIA (TIER 2)\n\n{BODY.format(c='Albania')}\n"
    res = parse_document(text, year=2005)
    assert [n.country_iso3 for n in res.narratives] == ["ALB"]
    assert any("without a headline" in r.reason for r in res.rejects)


def test_title_only_pages_take_the_country_from_the_title():
    page = ("<html><head><title>Indonesia</title></head><body><h1>Indonesia</h1><p>Tier 2 Watch List</p><p>"
            + BODY.format(c="Indonesia") + "</p></body></html>")
    res = parse_document(page, url="https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2015/243456.htm")
    n = res.narratives[0]
    assert (n.country_iso3, n.report_year, n.tier) == ("IDN", 2015, "2WL")


def test_html_to_text_keeps_paragraphs_and_bullets_and_normalises_characters():
    ex = extract("<html><body><p>The government\u2019s efforts \u2014 \u201cmodest\u201d\u00a0so far.</p>"
                 "<ul><li>Train police.</li><li>Open shelters.</li></ul><script>var x=1;</script></body></html>")
    assert ex.text == "The government's efforts - \"modest\" so far.\n\n\u2022 Train police.\n\u2022 Open shelters.\n"


def test_hard_wrapped_text_is_joined_into_paragraphs():
    raw = ("CAMBODIA (Tier 2)\n\nCambodia is a source, destination, and transit country for persons traf-\n"
           "ficked for sexual exploitation and forced labor. The Government of Cambodia does not\nfully comply with "
           "the minimum standards.\n")
    ex = extract(raw.encode(), filename="x.txt")
    assert "persons trafficked for sexual exploitation" in ex.text
    assert "does not fully comply" in ex.text


@pytest.mark.parametrize("url,year", [
    ("https://2001-2009.state.gov/g/tip/rls/tiprpt/2004/33191.htm", 2004),
    ("https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2013/215482.htm", 2013),
    ("https://www.state.gov/reports/2019-trafficking-in-persons-report-2/cambodia/", 2019),
    ("https://www.state.gov/about/", None),
])
def test_year_from_url(url, year):
    assert year_from_url(url) == year


def test_year_from_page_text():
    assert year_from_text("U.S. Department of State 2004 Trafficking in Persons Report - Cambodia") == 2004
    assert year_from_text("IV. Country Narratives - Tier 2\nTrafficking in Persons Report\nJuly 2001") == 2001
    assert year_from_text("Nothing here about the year") is None


def test_every_measure_pattern_names_its_parts():
    from tip.parse.measures import _P

    for measure, rx, _ in _P:
        assert {"q", "n", "adj", "noun"} <= set(rx.groupindex), (measure, rx.pattern[:60])


@pytest.mark.parametrize("head", ["AFGHANISTAN\n(Tier 2)", "Afghanistan\n\nTier 2", "AFGHANISTAN (Tier 2)\n\nAFGHANISTAN (Tier 2)"])
def test_headline_split_over_two_lines_or_printed_twice(head):
    res = parse_document(f"{head}\n\n" + BODY.format(c="Afghanistan") + "\n", year=2011)
    assert [(n.country_iso3, n.tier) for n in res.narratives] == [("AFG", "2")]
    assert res.rejects == []


@pytest.mark.parametrize("year,text,expected", [
    (2008, "Courts sentenced two traffickers to 15 and 18 years' imprisonment, respectively.",
     [("sentence_years", 15, "years", "exact", None, 2007, False), ("sentence_years", 18, "years", "exact", None, 2007, False)]),
    (2008, "In 2007, the government initiated investigations into 45 suspected traffickers and obtained convictions against "
           "22 traffickers, up from 14 in 2006.",
     [("convictions", 14, "persons", "exact", None, 2006, True), ("convictions", 22, "persons", "exact", None, 2007, False),
      ("investigations", 45, "persons", "exact", None, 2007, False)]),
    (2008, "Police apprehended 33 suspects at the border in 2007.", [("arrests", 33, "persons", "exact", None, 2007, False)]),
])
def test_more_measure_phrasings(year, text, expected):
    assert measures_of(text, year) == sorted(expected)


def test_st_abbreviation_in_headline():
    res = parse_document("ST. VINCENT AND THE GRENADINES: Tier 2\n\n" + BODY.format(c="St. Vincent") + "\n", year=2018)
    assert [n.country_iso3 for n in res.narratives] == ["VCT"]


def test_every_measure_pattern_is_reachable_through_its_trigger_words():
    """The pre-filter skips a measure's patterns when none of its words is in the clause: every
    pattern must contain one of them, or it would never run."""
    from tip.parse.measures import _P, _TRIGGERS

    for measure, rx, _ in _P:
        assert any(t in rx.pattern.lower() for t in _TRIGGERS[measure]), (measure, rx.pattern[:80])
