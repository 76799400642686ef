"""State Department regions: which regional bureau each country or territory belongs to.

The TIP Report groups its tier placements and maps by the Department's six regional bureaus:

====  =============================  ==========================================================
code  region                         bureau
====  =============================  ==========================================================
AF    Africa                         Bureau of African Affairs (sub-Saharan Africa)
EAP   East Asia and Pacific          Bureau of East Asian and Pacific Affairs
EUR   Europe and Eurasia             Bureau of European and Eurasian Affairs
NEA   Near East                      Bureau of Near Eastern Affairs (North Africa, Middle East)
SCA   South and Central Asia         Bureau of South and Central Asian Affairs
WHA   Western Hemisphere             Bureau of Western Hemisphere Affairs
====  =============================  ==========================================================

This table is written by hand for the panel (it is not read from any report) and uses today's
assignment for every year. One move matters for the early reports: the five Central Asian states
(KAZ, KGZ, TJK, TKM, UZB) were in the European bureau until 2006 and are in SCA here throughout.
The Dutch Caribbean (Aruba, Curacao, Sint Maarten, the former Netherlands Antilles) are in WHA,
as the reports place them; Hong Kong, Macau and Taiwan in EAP; Kosovo and the former Serbia and
Montenegro / Yugoslavia in EUR; the Palestinian Territories in NEA. A code missing here gets a
NULL region in the marts (a test checks that every country of the test panels has one).
"""
from __future__ import annotations

REGION_NAMES: dict[str, str] = {
    "AF": "Africa",
    "EAP": "East Asia and Pacific",
    "EUR": "Europe and Eurasia",
    "NEA": "Near East",
    "SCA": "South and Central Asia",
    "WHA": "Western Hemisphere",
}

_MEMBERS: dict[str, str] = {
    "AF": """AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COD COG CIV DJI GNQ ERI SWZ ETH GAB GMB GHA GIN GNB
             KEN LSO LBR MDG MWI MLI MRT MUS MOZ NAM NER NGA RWA STP SEN SYC SLE SOM ZAF SSD SDN TZA TGO
             UGA ZMB ZWE""",
    "EAP": """AUS BRN MMR KHM CHN FJI IDN JPN KIR PRK KOR LAO MYS MHL FSM MNG NRU NZL PLW PNG PHL WSM SGP
              SLB TWN THA TLS TON TUV VUT VNM HKG MAC""",
    "EUR": """ALB AND ARM AUT AZE BLR BEL BIH BGR HRV CYP CZE DNK EST FIN FRA GEO DEU GRC HUN ISL IRL ITA
              XKX LVA LIE LTU LUX MLT MDA MCO MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN ESP SWE CHE
              TUR UKR GBR VAT SCG YUG""",
    "NEA": "DZA BHR EGY IRN IRQ ISR JOR KWT LBN LBY MAR OMN QAT SAU SYR TUN ARE YEM PSE",
    "SCA": "AFG BGD BTN IND KAZ KGZ MDV NPL PAK LKA TJK TKM UZB",
    "WHA": """ATG ARG ABW BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB CUW DMA DOM ECU SLV GRD GTM GUY HTI HND
              JAM MEX NIC PAN PRY PER SXM KNA LCA VCT SUR TTO URY USA VEN ANT""",
}

REGION_OF: dict[str, str] = {iso3: region for region, codes in _MEMBERS.items() for iso3 in codes.split()}


def region_of(iso3: str | None) -> str | None:
    return REGION_OF.get(iso3 or "")


def countries_table(extra_codes: list[str] | tuple[str, ...] = ()):
    """Arrow table (country_iso3, country, region, region_name) for every code here and in extra_codes."""
    import pyarrow as pa

    from tip.core.countries import display_name

    codes = sorted(set(REGION_OF) | {c for c in extra_codes if c})
    return pa.table({
        "country_iso3": codes,
        "country": [display_name(c) for c in codes],
        "region": [REGION_OF.get(c) for c in codes],
        "region_name": [REGION_NAMES.get(REGION_OF.get(c, ""), None) for c in codes],
    })
