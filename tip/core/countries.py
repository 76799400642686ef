"""Country names as the TIP Report prints them -> ISO 3166-1 alpha-3.

pycountry gives the standard names; a small table adds the report's own names, former names
and territories. Resolution is exact after normalisation (case, accents, punctuation, "The",
inverted "Korea, South" forms): an unknown name resolves to None, never to a guess.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# The reports' own names, former names and territories. Keys are written naturally; they are
# normalised like every input. Values are ISO3 (XKX for Kosovo, ANT/SCG/YUG for historic units).
REPORT_NAMES: dict[str, str] = {
    "Burma": "MMR",
    "Myanmar": "MMR",
    "Cote d'Ivoire": "CIV",
    "Ivory Coast": "CIV",
    "Democratic Republic of the Congo": "COD",
    "Democratic Republic of Congo": "COD",
    "Congo, Democratic Republic of the": "COD",
    "Congo, Democratic Republic of": "COD",
    "Congo (DRC)": "COD",
    "Congo (Kinshasa)": "COD",
    "DRC": "COD",
    "Zaire": "COD",
    "Republic of the Congo": "COG",
    "Republic of Congo": "COG",
    "Congo, Republic of the": "COG",
    "Congo, Republic of": "COG",
    "Congo (ROC)": "COG",
    "Congo (Brazzaville)": "COG",
    "Congo": "COG",
    "North Korea": "PRK",
    "Korea, North": "PRK",
    "Democratic People's Republic of Korea": "PRK",
    "DPRK": "PRK",
    "South Korea": "KOR",
    "Korea, South": "KOR",
    "Republic of Korea": "KOR",
    "Korea, Republic of": "KOR",
    "Macedonia": "MKD",
    "North Macedonia": "MKD",
    "Former Yugoslav Republic of Macedonia": "MKD",
    "Macedonia, Former Yugoslav Republic of": "MKD",
    "FYROM": "MKD",
    "Swaziland": "SWZ",
    "Eswatini": "SWZ",
    "Cape Verde": "CPV",
    "Cabo Verde": "CPV",
    "Timor-Leste": "TLS",
    "Timor Leste": "TLS",
    "East Timor": "TLS",
    "Hong Kong": "HKG",
    "Hong Kong SAR": "HKG",
    "Macau": "MAC",
    "Macao": "MAC",
    "Taiwan": "TWN",
    "Curacao": "CUW",
    "Aruba": "ABW",
    "Sint Maarten": "SXM",
    "St. Maarten": "SXM",
    "Saint Maarten": "SXM",
    "Netherlands Antilles": "ANT",
    "Kosovo": "XKX",
    "Serbia and Montenegro": "SCG",
    "Serbia-Montenegro": "SCG",
    "Federal Republic of Yugoslavia": "YUG",
    "Yugoslavia": "YUG",
    "Czech Republic": "CZE",
    "Czechia": "CZE",
    "Kyrgyz Republic": "KGZ",
    "Kyrgyzstan": "KGZ",
    "Laos": "LAO",
    "Russia": "RUS",
    "Vietnam": "VNM",
    "Brunei": "BRN",
    "Brunei Darussalam": "BRN",
    "Turkey": "TUR",
    "Turkiye": "TUR",
    "Micronesia": "FSM",
    "Federated States of Micronesia": "FSM",
    "Micronesia, Federated States of": "FSM",
    "The Bahamas": "BHS",
    "Bahamas, The": "BHS",
    "The Gambia": "GMB",
    "Gambia, The": "GMB",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "Saint Vincent and the Grenadines": "VCT",
    "St. Vincent & the Grenadines": "VCT",
    "St Vincent & Gren": "VCT",
    "St. Kitts and Nevis": "KNA",
    "Saint Kitts and Nevis": "KNA",
    "Bosnia-Herzegovina": "BIH",
    "Bosnia": "BIH",
    "UAE": "ARE",
    "United States of America": "USA",
    "United States": "USA",
    "USA": "USA",
    "United Kingdom": "GBR",
    "UK": "GBR",
    "Great Britain": "GBR",
    "Britain": "GBR",
    "Iran": "IRN",
    "Syria": "SYR",
    "Tanzania": "TZA",
    "Moldova": "MDA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Sao Tome and Principe": "STP",
    "Sao Tome & Principe": "STP",
    "Vatican": "VAT",
    "Holy See": "VAT",
    "Palestinian Territories": "PSE",
    "West Bank and Gaza": "PSE",
    "Antigua & Barbuda": "ATG",
    "Trinidad & Tobago": "TTO",
    "Guinea Bissau": "GNB",
}

# Historic and user-assigned codes pycountry's current list lacks.
EXTRA_NAMES: dict[str, str] = {
    "ANT": "Netherlands Antilles",
    "XKX": "Kosovo",
    "SCG": "Serbia and Montenegro",
    "YUG": "Yugoslavia",
}

# Preferred display names: the State Department's usage where it differs from ISO's.
DISPLAY_NAMES: dict[str, str] = {
    "MMR": "Burma",
    "CIV": "Cote d'Ivoire",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "LAO": "Laos",
    "RUS": "Russia",
    "VNM": "Vietnam",
    "IRN": "Iran",
    "SYR": "Syria",
    "TZA": "Tanzania",
    "MDA": "Moldova",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "BRN": "Brunei",
    "TUR": "Turkey",
    "FSM": "Micronesia",
    "TWN": "Taiwan",
    "KGZ": "Kyrgyz Republic",
    "CZE": "Czech Republic",
    "BHS": "The Bahamas",
    "GMB": "The Gambia",
    "CUW": "Curacao",
    "HKG": "Hong Kong",
    "MAC": "Macau",
    "USA": "United States",
    "GBR": "United Kingdom",
    "VAT": "Holy See",
    "PSE": "Palestinian Territories",
    **EXTRA_NAMES,
}

# Demonyms seen in the narratives' profiles ("Vietnamese women are trafficked to ...").
# Only unambiguous ones: "Congolese" and "Korean" alone are left out on purpose.
DEMONYMS: dict[str, str] = {
    "Afghan": "AFG", "Albanian": "ALB", "Algerian": "DZA", "Angolan": "AGO", "Argentine": "ARG",
    "Argentinian": "ARG", "Armenian": "ARM", "Australian": "AUS", "Austrian": "AUT",
    "Azerbaijani": "AZE", "Bahraini": "BHR", "Bangladeshi": "BGD", "Belarusian": "BLR",
    "Belgian": "BEL", "Beninese": "BEN", "Bolivian": "BOL", "Bosnian": "BIH", "Brazilian": "BRA",
    "Bulgarian": "BGR", "Burkinabe": "BFA", "Burmese": "MMR", "Burundian": "BDI",
    "Cambodian": "KHM", "Cameroonian": "CMR", "Canadian": "CAN", "Chadian": "TCD",
    "Chilean": "CHL", "Chinese": "CHN", "Colombian": "COL", "Costa Rican": "CRI",
    "Croatian": "HRV", "Cuban": "CUB", "Czech": "CZE", "Danish": "DNK", "Djiboutian": "DJI",
    "Dominican": "DOM", "Dutch": "NLD", "Ecuadorian": "ECU", "Egyptian": "EGY",
    "Emirati": "ARE", "Eritrean": "ERI", "Estonian": "EST", "Ethiopian": "ETH", "Fijian": "FJI",
    "Filipino": "PHL", "Filipina": "PHL", "Filipinos": "PHL", "Filipinas": "PHL", "Finnish": "FIN",
    "French": "FRA", "Gabonese": "GAB", "Gambian": "GMB", "Georgian": "GEO", "German": "DEU",
    "Ghanaian": "GHA", "Greek": "GRC", "Guatemalan": "GTM", "Guinean": "GIN", "Guyanese": "GUY",
    "Haitian": "HTI", "Honduran": "HND", "Hungarian": "HUN", "Indian": "IND",
    "Indonesian": "IDN", "Iranian": "IRN", "Iraqi": "IRQ", "Irish": "IRL", "Israeli": "ISR",
    "Italian": "ITA", "Ivoirian": "CIV", "Jamaican": "JAM", "Japanese": "JPN",
    "Jordanian": "JOR", "Kazakh": "KAZ", "Kazakhstani": "KAZ", "Kenyan": "KEN", "Kosovar": "XKX",
    "Kuwaiti": "KWT", "Kyrgyz": "KGZ", "Lao": "LAO", "Laotian": "LAO", "Latvian": "LVA",
    "Lebanese": "LBN", "Liberian": "LBR", "Libyan": "LBY", "Lithuanian": "LTU",
    "Macedonian": "MKD", "Malagasy": "MDG", "Malawian": "MWI", "Malaysian": "MYS",
    "Malian": "MLI", "Mauritanian": "MRT", "Mexican": "MEX", "Moldovan": "MDA",
    "Mongolian": "MNG", "Montenegrin": "MNE", "Moroccan": "MAR", "Mozambican": "MOZ",
    "Namibian": "NAM", "Nepali": "NPL", "Nepalese": "NPL", "Nicaraguan": "NIC",
    "Nigerian": "NGA", "Nigerien": "NER", "North Korean": "PRK", "Norwegian": "NOR",
    "Omani": "OMN", "Pakistani": "PAK", "Panamanian": "PAN", "Paraguayan": "PRY",
    "Peruvian": "PER", "Polish": "POL", "Portuguese": "PRT", "Qatari": "QAT",
    "Romanian": "ROU", "Russian": "RUS", "Rwandan": "RWA", "Salvadoran": "SLV", "Saudi": "SAU",
    "Senegalese": "SEN", "Serbian": "SRB", "Sierra Leonean": "SLE", "Slovak": "SVK",
    "Slovenian": "SVN", "Somali": "SOM", "South African": "ZAF", "South Korean": "KOR",
    "South Sudanese": "SSD", "Spanish": "ESP", "Sri Lankan": "LKA", "Sudanese": "SDN",
    "Surinamese": "SUR", "Swedish": "SWE", "Swiss": "CHE", "Syrian": "SYR", "Taiwanese": "TWN",
    "Tajik": "TJK", "Tanzanian": "TZA", "Thai": "THA", "Togolese": "TGO", "Trinidadian": "TTO",
    "Tunisian": "TUN", "Turkish": "TUR", "Turkmen": "TKM", "Ugandan": "UGA", "Ukrainian": "UKR",
    "Uruguayan": "URY", "Uzbek": "UZB", "Venezuelan": "VEN", "Vietnamese": "VNM",
    "Yemeni": "YEM", "Zambian": "ZMB", "Zimbabwean": "ZWE",
}

_PUNCT = re.compile(r"[^\w\s&-]")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for a country name."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = s.strip().strip("*\u2020").strip()
    # "Korea, South" -> "South Korea"; "Bahamas, The" -> "The Bahamas" (only a single trailing part)
    m = re.fullmatch(r"([^,]+),\s*(the|north|south|republic of the|republic of|democratic republic of the|democratic republic of)\s*", s, re.I)
    if m:
        s = f"{m.group(2)} {m.group(1)}"
    s = s.casefold().replace("&", " and ")
    s = s.replace("'", "")
    s = _PUNCT.sub(" ", s)
    s = s.replace("-", " ")
    s = _SPACES.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    s = s.replace("saint ", "st ")
    return s


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                idx.setdefault(normalise_name(v), c.alpha_3)
    for c in pycountry.historic_countries:
        idx.setdefault(normalise_name(c.name), c.alpha_3)
    for name, iso3 in REPORT_NAMES.items():
        idx[normalise_name(name)] = iso3  # the report's own usage wins
    return idx


def to_iso3(name: str | None) -> str | None:
    """ISO3 for a printed country name, or None when the name is not known (never a guess)."""
    if not name:
        return None
    key = normalise_name(name)
    if len(key) < 2:
        return None
    return _index().get(key)


def display_name(iso3: str) -> str:
    if iso3 in DISPLAY_NAMES:
        return DISPLAY_NAMES[iso3]
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return getattr(c, "common_name", None) or c.name


def is_valid_iso3(code: str | None) -> bool:
    if not code or len(code) != 3:
        return False
    return code in EXTRA_NAMES or pycountry.countries.get(alpha_3=code) is not None or any(
        h.alpha_3 == code for h in pycountry.historic_countries
    )


@lru_cache(maxsize=1)
def gazetteer() -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex that finds country names and demonyms in running text, and its lookup table.

    Names are matched as printed (capitalised), longest first, so "Papua New Guinea" wins over
    "Guinea" and "Nigeria" never matches "Niger".
    """
    surface: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            v = getattr(c, attr, None)
            if v and "," not in v and "(" not in v:
                surface[v] = c.alpha_3
    for name, iso3 in REPORT_NAMES.items():
        if "," not in name and "(" not in name and len(name) > 3:
            surface[name] = iso3
    for dem, iso3 in DEMONYMS.items():
        surface[dem] = iso3
    # Accent-free spellings too ("Curacao" next to "Curaçao").
    for k, v in list(surface.items()):
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", k) if not unicodedata.combining(ch))
        surface.setdefault(plain, v)
    names = sorted(surface, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:the\s+)?(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    return pattern, surface
