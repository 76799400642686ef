"""SYNTHETIC sentence templates in the style of the TIP Report's country narratives, era by era.

Nothing here is report text: every sentence is written for the benchmark from the formats the
parser must read (anchors_tip.md B1-B10, C2). Figures are drawn at random per country-year;
countries are real names, facts are invented.

Placeholders: {C} country name, {G} "the government" subject, {Dem} demonym (or "{C} national"),
{P}/{P2}/{P3} partner countries, {PD} a partner demonym, {Y} report year, {Y1} data year
(Y - 1), {Y2} Y - 2, {n}/{m}/{k} small figures, {big} a larger figure, {pct} a percentage,
{usd} a dollar amount.
"""
from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Profile (2001-2016 first, 2017- last under TRAFFICKING PROFILE)
PROFILE_ROLE_OLD = [
    "{C} is a {roles} country for men, women, and children subjected to sex trafficking and forced labor.",
    "{C} is a {roles} country for women and children subjected to trafficking in persons, specifically forced prostitution and forced labor.",
    "{C} is primarily a {roles} country for women and girls subjected to sex trafficking and for men subjected to forced labor.",
]
PROFILE_ROLE_2001 = [
    "{C} is a country of {roles2001} for trafficked persons.",
    "{C} is a country of {roles2001} for women and children trafficked for sexual exploitation and labor.",
]
PROFILE_PARTNER = [
    "{Dem} women and girls are trafficked to {P} and {P2} for sexual exploitation.",
    "Women from {P} and {P2} are trafficked to {C} for commercial sexual exploitation.",
    "{PD} men are subjected to forced labor in construction and agriculture in {C}.",
    "Children from {C} are trafficked to {P} for forced begging and street vending.",
    "{Dem} men migrate voluntarily to {P}, {P2}, and {P3}, where some are subjected to conditions of forced labor.",
    "Traffickers exploit {PD} women in domestic servitude and in commercial sex in {C}.",
]
PROFILE_FILLER = [
    "Internal trafficking of women and children from rural areas to urban centers for domestic servitude and commercial sexual exploitation remains a problem.",
    "Traffickers recruit victims with fraudulent offers of employment as waitresses, dancers, or domestic workers.",
    "Children are exploited in forced begging, street vending, and agricultural labor, often by relatives or family acquaintances.",
    "Some recruitment agencies charge workers excessive fees, confiscate their passports, and withhold wages, practices that are indicators of forced labor.",
    "Traffickers increasingly use social media and messaging applications to recruit victims with false promises of work abroad.",
    "Migrant workers in the fishing, construction, and agricultural sectors are vulnerable to debt bondage and other forms of forced labor.",
    "Observers report that corruption among border officials facilitates the movement of victims across the country's porous borders.",
    "Refugees and internally displaced persons, especially women and unaccompanied children, face heightened risks of exploitation.",
    "Organized criminal groups lure young women into commercial sex in tourist areas and near mining sites.",
    "Some parents send their children to live with relatives or acquaintances in cities, where traffickers exploit them in domestic work.",
    "Victims are often held in debt bondage through inflated charges for transportation, food, and lodging.",
    "NGOs report that children working in informal mines and quarries face conditions indicative of forced labor.",
]
PROFILE_MODERN_LEAD = [
    "As reported over the past five years, human traffickers exploit domestic and foreign victims in {C}, and traffickers exploit victims from {C} abroad.",
    "As reported over the past five years, human traffickers exploit domestic and foreign victims in {C}.",
    "As reported over the past five years, traffickers exploit domestic victims in {C}, and traffickers exploit victims from {C} abroad.",
]

# ---------------------------------------------------------------------------------------------
# Compliance and tier movement
COMPLIANCE = {
    # (era key, tier) -> template; {G} is the subject ("The Government of X", "X", ...)
    "2001": {
        "1": "{G} fully complies with the minimum standards for the elimination of trafficking.",
        "2": "{G} does not yet fully meet the minimum standards; however, the Government is making significant efforts to do so.",
        "3": "{G} does not fully comply with the minimum standards and is not making significant efforts to do so.",
    },
    "comply": {
        "1": "{G} fully complies with the minimum standards for the elimination of trafficking.",
        "2": "{G} does not fully comply with the minimum standards for the elimination of trafficking; however, it is making significant efforts to do so.",
        "3": "{G} does not fully comply with the minimum standards for the elimination of trafficking and is not making significant efforts to do so.",
    },
    "meet-however": {
        "1": "{G} fully meets the minimum standards for the elimination of trafficking.",
        "2": "{G} does not fully meet the minimum standards for the elimination of trafficking; however, it is making significant efforts to do so.",
        "3": "{G} does not fully meet the minimum standards for the elimination of trafficking and is not making significant efforts to do so.",
    },
    "meet-but": {
        "1": "{G} fully meets the minimum standards for the elimination of trafficking.",
        "2": "{G} does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so.",
        "3": "{G} does not fully meet the minimum standards for the elimination of trafficking and is not making significant efforts to do so{covid}.",
    },
}
COVID = ", even considering the impact of the COVID-19 pandemic on its anti-trafficking capacity"
PLACED_WL = ("{C} is placed on Tier 2 Watch List for its failure to provide evidence of increasing efforts to combat "
             "severe forms of trafficking in persons over the previous year.")
MOVEMENT = {
    "up": "The government demonstrated increasing efforts compared with the previous reporting period{covid}; therefore {C} was upgraded to {tier}.",
    "down": "The government did not demonstrate overall increasing efforts compared with the previous reporting period{covid}. Therefore {C} was downgraded to {tier}.",
    "same": "The government demonstrated overall increasing efforts compared with the previous reporting period{covid}; therefore {C} remained on {tier}.",
    "same_n": "These efforts included convicting more traffickers and identifying more victims. Therefore {C} remained on {tier} for the {ordinal} consecutive year.",
    "waiver": ("Because the government has devoted sufficient resources to a written plan that, if implemented, would constitute "
               "significant efforts to meet the minimum standards, {C} was granted a waiver per the Trafficking Victims Protection "
               "Act from an otherwise required downgrade to Tier 3. Therefore {C} remained on Tier 2 Watch List for the {ordinal} consecutive year."),
}
SUMMARY_FILLER = [
    "These efforts included increasing investigations, adopting a new national action plan, and training officials on victim identification.",
    "However, the government did not meet the minimum standards in several key areas.",
    "Official complicity in trafficking crimes remained a significant concern, inhibiting law enforcement action.",
    "The government did not provide adequate funding for victim services, and protection efforts remained uneven across the country.",
    "Authorities continued to penalize some victims for unlawful acts traffickers compelled them to commit.",
    "The government made efforts to screen vulnerable populations, but screening procedures were inconsistent.",
]
SPECIAL_CASE = [
    "{C} remains a Special Case for the {ordinal} consecutive year.",
    "The government's capacity to address human trafficking remained limited by ongoing conflict and the absence of functioning institutions in much of the country.",
]

# ---------------------------------------------------------------------------------------------
# Recommendations
RECOMMENDATIONS = [
    "increase efforts to investigate, prosecute, and convict traffickers, including complicit officials",
    "develop and implement standard operating procedures for the proactive identification of victims among vulnerable populations",
    "ensure victims are not penalized for unlawful acts traffickers compelled them to commit",
    "increase funding for and access to shelters and specialized services for victims, including male victims",
    "amend the anti-trafficking law to remove the requirement of force, fraud, or coercion in child sex trafficking cases",
    "train law enforcement, prosecutors, and judges on the anti-trafficking law and a victim-centered approach",
    "strengthen oversight of labor recruitment agencies and eliminate recruitment fees charged to workers",
    "improve data collection on law enforcement and victim protection efforts",
    "finalize, adopt, and fund a new national action plan",
    "expand awareness campaigns, particularly in rural areas and among migrant communities",
    "seek adequate penalties for convicted traffickers, which should involve significant prison terms",
    "increase the number of labor inspectors and authorize them to conduct unannounced inspections",
    "provide interpretation services and legal aid to foreign victims",
    "establish a formal referral mechanism between law enforcement and service providers",
    "screen migrants, refugees, and asylum-seekers for trafficking indicators",
    "allow victims to work and move freely while they participate in investigations",
    "increase cooperation with foreign governments on transnational trafficking cases",
    "investigate allegations of forced labor in state-run programs and hold perpetrators accountable",
    "provide specialized training to consular officials on identifying victims abroad",
    "ensure adequate funding for the national anti-trafficking coordinating body",
]

# ---------------------------------------------------------------------------------------------
# Prosecution / Protection / Prevention bodies: filler around the figure sentences
PROSECUTION_LAW = [
    "The anti-trafficking law criminalized sex trafficking and labor trafficking and prescribed penalties of {a} to {b} years' imprisonment.",
    "Article {n} of the penal code criminalized some forms of trafficking and prescribed penalties ranging from {a} to {b} years' imprisonment.",
    "The law prescribed penalties of up to {b} years' imprisonment, which were sufficiently stringent.",
]
PROSECUTION_FILLER = [
    "The government maintained law enforcement efforts.",
    "Law enforcement officials reported that limited resources and high staff turnover hampered investigations.",
    "The government did not report any investigations, prosecutions, or convictions of government employees complicit in trafficking offenses.",
    "Prosecutors often charged trafficking crimes under other statutes that carried lesser penalties.",
    "The national police maintained a specialized anti-trafficking unit, although it lacked sufficient staff and vehicles.",
    "Judges sometimes imposed fines or suspended sentences on convicted traffickers, which weakened deterrence.",
    "Courts experienced lengthy delays, and many cases remained pending at the end of the reporting period.",
    "The government cooperated with foreign counterparts on several transnational investigations.",
    "Corruption and official complicity in trafficking crimes remained significant concerns.",
    "The government provided anti-trafficking training to police, prosecutors, and judges, often with support from international organizations.",
    "Authorities reported difficulty collecting data from regional courts.",
    "Observers noted that police sometimes lacked the training to distinguish trafficking from related crimes such as smuggling.",
]
PROTECTION_FILLER = [
    "The government maintained efforts to protect victims.",
    "The government funded NGO-run shelters that provided accommodation, medical care, and psychological support.",
    "Authorities had standard operating procedures for victim identification, but did not consistently implement them.",
    "Foreign victims could apply for temporary residence permits while they assisted in criminal proceedings.",
    "Shelters for male victims remained unavailable in most regions.",
    "The government did not have a formal mechanism to refer victims to care.",
    "Victims could file civil suits against traffickers, but few did so.",
    "Authorities sometimes detained or deported victims before screening them for trafficking indicators.",
    "The government allocated funds to NGOs for victim assistance, an increase compared with the previous year.",
    "Law enforcement officials reportedly pressured some victims to testify.",
    "NGOs reported that victims faced stigma and limited access to long-term reintegration services.",
    "The labor inspectorate identified potential forced labor indicators during routine inspections.",
]
PREVENTION_FILLER = [
    "The government maintained prevention efforts.",
    "The national anti-trafficking committee met regularly and coordinated the government's efforts.",
    "The government conducted awareness campaigns on radio and social media, often in partnership with NGOs.",
    "The government operated a hotline for reporting trafficking cases.",
    "The government did not make efforts to reduce the demand for commercial sex acts.",
    "Authorities monitored labor recruitment agencies and revoked the licenses of several agencies for fraudulent practices.",
    "The government provided anti-trafficking training for its diplomatic personnel.",
    "The government implemented a national action plan and published a report on its activities.",
    "Labor inspectors lacked the authority to inspect private homes, leaving domestic workers vulnerable.",
    "The government did not report efforts to reduce the demand for forced labor.",
    "The government trained {n} officials on victim identification during the reporting period.",
    "The government allocated {usd} to anti-trafficking efforts, compared with a lower amount the previous year.",
]
GOVERNMENT_EFFORTS = [
    "The government made limited efforts to address trafficking during the reporting period.",
    "Authorities did not report any investigations or prosecutions of trafficking crimes.",
    "International organizations provided most services to victims.",
    "The government lacked the capacity to collect data on trafficking crimes.",
]

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth", "21st", "22nd", "23rd"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
