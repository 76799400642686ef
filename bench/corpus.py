"""A SYNTHETIC copy of the State Department's TIP Report sites, every report year, for benchmarks.

    python -m bench.corpus generate --out bench/out/site-k1 --scale 1
    python -m bench.corpus mutate  --out bench/out/site-k1 --fraction 0.01   # change 1% of narrative pages
    python -m bench.corpus restore --out bench/out/site-k1                   # undo the mutation

What it writes (the ``wget --mirror`` layout ``ROOT/HOST/PATH`` that ``tests/support/siteserver.py``
and ``tip run --mirror`` read; ``index.html`` for paths ending in '/'):

* every report year 2001..2025 with its index page at the first URL ``tip.fetch.sources.index_urls``
  tries, and narrative pages in the era's layout: 2001 one page per tier, 2002-2003 and
  2005-2008 alphabetical bands, 2004 one page per region, 2009-2012 bands plus a Special Cases
  page, 2013-2016 one page per country with numeric ids, 2017- one page per country with slugs
  (2017-2020 on 2017-2021.state.gov, 2021- on www.state.gov);
* the countries of each year from the real tier panels in ../shared/corpus_raw (Kelley team
  coding, 2001-2015: 79 countries in 2001 to 186 in 2015), plus the Special Cases (Somalia
  2003-, Haiti 2006-2009, Libya and Yemen 2016-) and the United States (2010-); 2016-2025 keep
  the 2015 list, sized to the official counts (188, 187, 187, 187, 187, 188, ...), with tiers that
  drift from the year before at random;
* narratives written from templates in each era's style (headline form, compliance sentence,
  tier-movement and waiver sentences, P/P/P sections, recommendations inline / semicolons /
  bullets, profile first or last, territory markers), with figures drawn per country-year
  (investigations, prosecutions, convictions, victims, arrests, sentences, prior-year
  comparisons, explicit zeros) and lengths per era (about 200 words in 2001 to about 2,800 in
  2019-); page chrome (navigation, scripts, footers) in each era's size.

``--scale K``. A country-year is one row of the panel, so K times the documents cannot mean K
times the country-years (there are only ~250 ISO3 codes and the real years). Instead every
narrative is written K times, as K variants (own figures, own sentence choices), and every
variant is fetched and parsed in full:

* 2001-2012 (grouped pages): the index links K editions of each group page (distinct numeric
  ids), each carrying its own variant of every narrative on it. K times the pages.
* 2013- (one page per country): ``tip.fetch.sources.discover`` keeps one page per country and year
  (as the real 2019 duplicate tree needs), so extra pages would never be fetched; the K variants
  go one after another on the country's page. Same pages, K times the bytes and narratives.

One variant per country-year survives (the first on a page; across pages the loader's
duplicate rule); the others become rows of staging.rejects with the reason. So fetch, parse and
load see K times the work, staging and marts hold the same panel as at scale 1.

Real report text is never copied: see bench/textbank.py.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import textbank as tb

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PANEL_CSV = "corpus_raw/andrewheiss__scorecard-diplomacy/data/processed/map_tiers.csv"
FIRST, LATEST = 2001, 2025
GENERATOR_VERSION = "1"
END_MARK = "<!-- end of narratives -->"

# Official numbers of rated entries after the Kelley panel ends (anchors_tip.md A1).
COUNTS_AFTER_2015 = {2016: 188, 2017: 187, 2018: 187, 2019: 187, 2020: 188, 2021: 188, 2022: 188, 2023: 188,
                     2024: 188, 2025: 186}
# Words per narrative (median) by report year: short early, several thousand recently.
WORDS = {2001: 200, 2002: 300, 2003: 380, 2004: 500, 2005: 700, 2006: 700, 2007: 900, 2008: 900, 2009: 1200,
         2010: 1200, 2011: 1400, 2012: 1400, 2013: 1700, 2014: 1700, 2015: 2000, 2016: 2000, 2017: 2400,
         2018: 2400}
WORDS_LATE = 2800
# First numeric page id per year (the real ids' neighbourhood; they cannot be computed, only discovered).
ID_BASE = {2001: 4101, 2002: 10670, 2003: 21260, 2004: 33180, 2005: 46600, 2006: 65980, 2007: 82800, 2008: 105380,
           2009: 123130, 2010: 142750, 2011: 164220, 2012: 192360, 2013: 215400, 2014: 226700, 2015: 243400,
           2016: 258800}
# Names that changed in the reports (anchors_tip.md B8): (iso3, old, new) -> first year of the new name.
RENAMES = {("SWZ", "Swaziland", "Eswatini"): 2018, ("MKD", "Macedonia", "North Macedonia"): 2019,
           ("CPV", "Cape Verde", "Cabo Verde"): 2014, ("CZE", "Czech Republic", "Czechia"): 2017}
TERRITORIES = {"ANT", "CUW", "SXM", "ABW"}

REGIONS = {
    "Africa": "AGO BDI BEN BFA BWA CAF CIV CMR COD COG COM CPV DJI ERI ETH GAB GHA GIN GMB GNB GNQ KEN LBR LSO MDG "
              "MLI MOZ MRT MUS MWI NAM NER NGA RWA SDN SEN SLE SOM SSD SWZ SYC TCD TGO TZA UGA ZAF ZMB ZWE",
    "East Asia and Pacific": "AUS BRN CHN FJI FSM HKG IDN JPN KHM KIR KOR LAO MAC MHL MMR MNG MYS NZL PHL PLW PNG "
                             "PRK SGP SLB THA TLS TON TWN VNM",
    "Europe and Eurasia": "ALB ARM AUT AZE BEL BGR BIH BLR CHE CYP CZE DEU DNK ESP EST FIN FRA GBR GEO GRC HRV HUN "
                          "IRL ISL ITA XKX LTU LUX LVA MDA MKD MLT MNE NLD NOR POL PRT ROU RUS SRB SVK SVN SWE TUR UKR",
    "Near East": "ARE BHR DZA EGY IRN IRQ ISR JOR KWT LBN LBY MAR OMN QAT SAU SYR TUN YEM",
    "South Asia": "AFG BGD BTN IND KAZ KGZ LKA MDV NPL PAK TJK TKM UZB",
    "Western Hemisphere": "ARG ATG BHS BLZ BOL BRA BRB CAN CHL COL CRI CUB DOM ECU GTM GUY HND HTI JAM LCA MEX NIC "
                          "PAN PER PRY SLV SUR TTO URY USA VCT VEN CUW ABW SXM ANT",
}
REGION_OF = {iso: r for r, isos in REGIONS.items() for iso in isos.split()}


# ---------------------------------------------------------------------------------------------
# The panel: which countries, with which tier, each year
@dataclass(frozen=True)
class Entry:
    iso3: str
    name: str
    tier: str  # '1' | '2' | '2WL' | '3' | 'SPECIAL'


def load_panel(shared: Path = SHARED) -> dict[int, list[Entry]]:
    from tip.core.countries import display_name, to_iso3

    src = shared / PANEL_CSV
    if not src.is_file():
        raise SystemExit(f"bench.corpus: {src} not found: the generator reads the real tier panels for country lists")
    code = {"1": "1", "2": "2", "3": "2WL", "4": "3"}
    names: dict[str, str] = {}
    years: dict[int, dict[str, str]] = {}
    with src.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["tier"] in ("", "NA") or not (FIRST <= int(float(r["year"])) <= 2015):
                continue
            iso = "XKX" if r["iso"] == "KOS" else r["iso"]
            years.setdefault(int(float(r["year"])), {})[iso] = code[str(int(float(r["tier"])))]
            nm = r["countryname"].strip()
            names[iso] = _report_name(iso, nm)
    names.update({"SOM": "Somalia", "USA": "United States", "HTI": "Haiti"})
    for y in range(2003, 2016):
        years[y]["SOM"] = "SPECIAL"
    for y in range(2006, 2010):
        years[y]["HTI"] = "SPECIAL"
    for y in range(2010, 2016):
        years[y]["USA"] = "1"
    prev = dict(years[2015])
    order = sorted(prev)
    random.Random(7).shuffle(order)
    for y in range(2016, LATEST + 1):
        cur = {}
        for iso in sorted(prev):
            cur[iso] = _drift(prev[iso], random.Random(f"{iso}-{y}"))
        cur["SOM"] = "SPECIAL"
        cur["USA"] = "1"
        cur["LBY"] = cur["YEM"] = "SPECIAL"
        target = COUNTS_AFTER_2015[y]
        drop = [iso for iso in order if iso not in ("SOM", "USA", "LBY", "YEM")][: max(0, len(cur) - target)]
        for iso in drop:
            cur.pop(iso)
        years[y] = cur
        prev = {**prev, **cur}
    panel: dict[int, list[Entry]] = {}
    for y, tiers in years.items():
        entries = []
        for iso, tier in tiers.items():
            nm = names.get(iso) or display_name(iso)
            for (code, before, after), since in RENAMES.items():
                if iso == code:
                    nm = after if y >= since else before
            if to_iso3(nm) != iso:
                raise SystemExit(f"bench.corpus: {nm!r} does not resolve to {iso}; fix the name table")
            entries.append(Entry(iso, nm, tier))
        panel[y] = sorted(entries, key=lambda e: _fold(e.name))
    return panel


def _report_name(iso: str, panel_name: str) -> str:
    """The name as the reports print it: "Sint Maarten", "Bolivia", not ISO's "Bolivia, Plurinational State of"."""
    from tip.core.countries import DISPLAY_NAMES, display_name, to_iso3

    for nm in (DISPLAY_NAMES.get(iso), {"SXM": "Sint Maarten"}.get(iso), panel_name, display_name(iso)):
        if nm and to_iso3(nm) == iso and "(" not in nm and not re.search(r",.*\bof\b", nm):
            return nm
    raise SystemExit(f"bench.corpus: no printable report name for {iso}")


def _drift(tier: str, rng: random.Random) -> str:
    if tier == "SPECIAL" or rng.random() > 0.15:
        return tier
    moves = {"1": ["2"], "2": ["1", "2WL"], "2WL": ["2", "3"], "3": ["2WL"]}
    return rng.choice(moves[tier])


def _fold(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).lower()


def slug(name: str) -> str:
    s = _fold(name).replace("'", "").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


# ---------------------------------------------------------------------------------------------
# One narrative: blocks rendered later in the era's HTML
@dataclass
class Narr:
    blocks: list[tuple[str, object]] = field(default_factory=list)  # (kind, payload)

    def add(self, kind: str, payload) -> None:
        self.blocks.append((kind, payload))


TIER_TEXT = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3", "SPECIAL": "Special Case"}


def num(n: int, rng: random.Random | None = None) -> str:
    if n < 10:
        return tb.WORDS[n]
    return f"{n:,}"


def headline(e: Entry, year: int, rng: random.Random) -> str:
    name, t = e.name, TIER_TEXT[e.tier]
    marker = ""
    if e.iso3 in TERRITORIES and 2009 <= year <= 2011:
        marker = " *"
    if e.iso3 in TERRITORIES and year in (2019, 2020):
        marker = "\u2020"
        if e.iso3 == "CUW":
            name = "Cura\u00e7ao"
    up = name.upper()
    if year == 2001:
        return f"{name} ({t})"
    if year <= 2003:
        return f"{up} ({t})"
    if year == 2004:
        return f"{up} ({t.upper()})"
    if year == 2005:
        return f"{up} ({t.upper().replace('2 WATCH', '2 - WATCH')})"
    if year == 2006:
        return f"{up} ({t.upper()})"
    if year == 2008 and rng.random() < 0.3:
        return f"{up} ({t.upper()})"
    if year <= 2014:
        return f"{up} ({t}){marker}"
    if e.tier == "SPECIAL":
        if year in (2015, 2017):
            return f"{up}: SPECIAL CASE"
        if year <= 2021:
            return f"SPECIAL CASE: {up}"
        return f"{name} (Special Case)"
    if year == 2017:
        return f"{up}: {t.upper()}"
    if year <= 2021:
        return f"{up}: {t}{marker}"
    if year == 2023 and rng.random() < 0.5:
        return f"{up} ({t})"
    return f"{name} ({t})"


class Writer:
    """Writes one variant of one country-year narrative in its era's style."""

    def __init__(self, e: Entry, year: int, variant: int, panel: dict[int, list[Entry]], demonyms: dict[str, str]):
        self.e, self.year, self.variant = e, year, variant
        self.rng = random.Random(f"{e.iso3}-{year}-{variant}")
        self.panel = panel
        self.dem = demonyms
        size = random.Random(e.iso3).lognormvariate(0, 0.9)  # a country's scale, stable over the years
        growth = 1 + (year - FIRST) * 0.08
        self.scale = max(0.3, size * growth)
        others = [x for x in panel[year] if x.iso3 != e.iso3 and "," not in x.name and "(" not in x.name]
        self.partners = self.rng.sample(others, min(6, len(others)))
        target = WORDS.get(year, WORDS_LATE)
        if e.tier == "SPECIAL":
            target *= 0.5
        self.target = int(target * self.rng.lognormvariate(0, 0.3))
        self.words = 0

    # -- helpers -----------------------------------------------------------------------------
    def fig(self, base: float, spread: float = 0.6) -> int:
        return max(0, int(round(base * self.scale * self.rng.lognormvariate(0, spread))))

    def fmt(self, tmpl: str, **kw) -> str:
        p = self.partners
        rng = self.rng
        dem = self.dem.get(self.e.iso3)
        pdem = next((self.dem[x.iso3] for x in p if x.iso3 in self.dem), None)
        vals = {
            "C": self.e.name, "G": self.subject(), "Y": self.year, "Y1": self.year - 1, "Y2": self.year - 2,
            "P": p[0].name if p else "neighboring countries", "P2": p[1].name if len(p) > 1 else "the region",
            "P3": p[2].name if len(p) > 2 else "Europe", "Dem": dem or f"Nationals of {self.e.name}",
            "PD": pdem or "Foreign", "n": num(rng.randint(2, 400)), "a": num(rng.randint(1, 8)),
            "b": num(rng.randint(9, 25)), "usd": f"${rng.randint(20, 900) * 1000:,}", "covid": "",
            "roles": self.roles(), "roles2001": self.roles2001(),
        }
        vals.update(kw)
        s = tmpl.format(**vals)
        return s[0].upper() + s[1:]

    def subject(self) -> str:
        if self.year == 2005 and self.rng.random() < 0.4:
            return self.e.name
        if self.e.iso3 == "TWN":
            return "Taiwan authorities"
        return f"The Government of {self.e.name}"

    def roles(self) -> str:
        r = random.Random(self.e.iso3).choice(["source", "source and destination", "source, transit, and destination",
                                               "destination", "destination and transit", "source and transit"])
        return r

    def roles2001(self) -> str:
        return self.roles().replace("source", "origin")

    def sentences(self, bank: list[str], k: int, **kw) -> list[str]:
        out = [self.fmt(self.rng.choice(bank), **kw) for _ in range(k)]
        self.words += sum(len(s.split()) for s in out)
        return out

    def para(self, sents: list[str]) -> str:
        self.words += 0
        return " ".join(sents)

    def filler_paragraphs(self, bank: list[str], words: int) -> list[str]:
        paras, count = [], 0
        while count < words:
            sents = [self.fmt(self.rng.choice(bank)) for _ in range(self.rng.randint(3, 6))]
            count += sum(len(s.split()) for s in sents)
            paras.append(" ".join(sents))
        self.words += count
        return paras

    # -- figures -----------------------------------------------------------------------------
    def figures(self) -> dict:
        f = {
            "inv": self.fig(25), "pros": self.fig(15), "conv": self.fig(9), "vic": self.fig(60, 0.8),
            "arr": self.fig(20), "inv_p": self.fig(22), "pros_p": self.fig(14), "conv_p": self.fig(8),
            "vic_p": self.fig(55, 0.8), "a": self.rng.randint(1, 6), "b": self.rng.randint(7, 20),
        }
        f["sex"] = self.rng.randint(0, f["inv"])
        f["lab"] = f["inv"] - f["sex"]
        f["zero"] = self.e.tier == "3" and self.rng.random() < 0.4
        return f

    def prosecution_figures(self, f: dict) -> list[str]:
        y, y1, y2 = self.year, self.year - 1, self.year - 2
        if f["zero"]:
            return [f"The government did not report investigating, prosecuting, or convicting any traffickers in {y1}."]
        if y <= 2004:
            out = [f"In {y1}, police arrested {num(f['arr'])} suspected traffickers and courts convicted {num(f['conv'])} traffickers.",
                   f"Authorities investigated {num(f['inv'])} cases of trafficking in {y1}."]
            if y >= 2003:
                out.append(f"The government prosecuted {num(f['pros'])} trafficking cases in {y1}.")
            return out
        if y <= 2012:
            return [
                f"The government investigated {num(f['inv'])} trafficking cases in {y1}, compared with {num(f['inv_p'])} cases in {y2}.",
                f"Authorities prosecuted {num(f['pros'])} suspected traffickers and convicted {num(f['conv'])} trafficking offenders in {y1}, "
                f"a decrease from {num(f['conv_p'])} convictions in {y2}.",
                f"Sentences for convicted traffickers ranged from {num(f['a'])} to {num(f['b'])} years' imprisonment.",
            ]
        return [
            f"In {y1}, the government investigated {num(f['inv'])} cases ({num(f['sex'])} for sex trafficking and {num(f['lab'])} for "
            f"labor trafficking), compared with {num(f['inv_p'])} cases in {y2}.",
            f"Authorities prosecuted {num(f['pros'])} defendants, compared with {num(f['pros_p'])} defendants in {y2}, and courts "
            f"convicted {num(f['conv'])} traffickers, compared with {num(f['conv_p'])} in {y2}.",
            f"Courts sentenced convicted traffickers to between {num(f['a'])} and {num(f['b'])} years' imprisonment.",
        ]

    def protection_figures(self, f: dict) -> list[str]:
        y1, y2 = self.year - 1, self.year - 2
        if self.year <= 2002:
            return []
        if self.year <= 2012:
            return [f"The government identified {num(f['vic'])} victims of trafficking in {y1}."]
        return [f"The government identified {num(f['vic'])} trafficking victims in {y1} and referred them to care, compared with "
                f"{num(f['vic_p'])} victims in {y2}.",
                f"NGOs identified an additional {num(self.fig(10))} potential victims."]

    # -- the narrative -----------------------------------------------------------------------
    def write(self) -> Narr:
        n = Narr()
        e, y = self.e, self.year
        n.add("head", headline(e, y, self.rng))
        if e.tier == "SPECIAL":
            return self.special(n)
        f = self.figures()
        profile = self.profile()
        compliance = self.compliance()
        budget = max(0, self.target - self.words)
        if y == 2001:
            body = profile + [compliance] + self.prosecution_figures(f)
            body += [self.fmt(self.rng.choice(tb.PROSECUTION_FILLER + tb.PROTECTION_FILLER + tb.PREVENTION_FILLER))
                     for _ in range(max(1, budget // 16))]
            n.add("p", " ".join(body))
            return n
        if y <= 2016:
            for p in self.split(profile):
                n.add("p", p)
        summary = [compliance] + self.movement() + self.sentences(tb.SUMMARY_FILLER, 2 if y >= 2009 else 1)
        n.add("p", " ".join(summary))
        recs = self.rng.sample(tb.RECOMMENDATIONS, self.rng.randint(6, 12)) if y >= 2008 else []
        if y == 2002:
            n.add("p", " ".join(self.prosecution_figures(f) + self.protection_figures(f)))
            for p in self.filler_paragraphs(tb.PROSECUTION_FILLER + tb.PROTECTION_FILLER + tb.PREVENTION_FILLER, budget):
                n.add("p", p)
            return n
        if 2008 <= y <= 2014:
            n.add("p", f"Recommendations for {e.name}: " + self.semicolons(recs))
        elif 2015 <= y <= 2018:
            n.add("h", f"RECOMMENDATIONS FOR {e.name.upper()}:")
            n.add("p", self.semicolons(recs))
        elif y >= 2019:
            n.add("h", "PRIORITIZED RECOMMENDATIONS:" if y != 2019 or self.rng.random() < 0.7 else "PRIORITIZED RECOMMENDATIONS")
            n.add("ul", [r[0].upper() + r[1:] + "." for r in recs])
        caps = y >= 2015
        order = ["Prevention", "Prosecution", "Protection"] if y == 2003 else ["Prosecution", "Protection", "Prevention"]
        shares = {"Prosecution": 0.36, "Protection": 0.34, "Prevention": 0.30}
        banks = {"Prosecution": tb.PROSECUTION_FILLER, "Protection": tb.PROTECTION_FILLER, "Prevention": tb.PREVENTION_FILLER}
        for sec in order:
            n.add("h", sec.upper() if caps else sec)
            lead = []
            if sec == "Prosecution":
                lead = [self.fmt(self.rng.choice(tb.PROSECUTION_LAW))] + self.prosecution_figures(f)
            elif sec == "Protection":
                lead = self.protection_figures(f)
            paras = self.filler_paragraphs(banks[sec], int(budget * shares[sec]))
            if lead:
                paras[0] = " ".join(lead) + " " + paras[0]
            for p in paras:
                n.add("p", p)
        if y >= 2017:
            n.add("h", "TRAFFICKING PROFILE")
            for p in self.split(profile):
                n.add("p", p)
        return n

    def special(self, n: Narr) -> Narr:
        y = self.year
        first = {"SOM": 2003, "HTI": 2006}.get(self.e.iso3, 2016)
        ordinal = tb.ORDINALS[min(len(tb.ORDINALS) - 1, y - first)]
        n.add("h", "SCOPE AND MAGNITUDE" if y >= 2016 else "Scope and Magnitude:")
        sents = [self.fmt(tb.SPECIAL_CASE[0], ordinal=ordinal), self.fmt(tb.SPECIAL_CASE[1])] + self.profile()
        n.add("p", " ".join(sents))
        n.add("h", "GOVERNMENT EFFORTS" if y >= 2016 else "Government Efforts:")
        for p in self.filler_paragraphs(tb.GOVERNMENT_EFFORTS + tb.PROTECTION_FILLER, max(40, self.target - self.words)):
            n.add("p", p)
        return n

    def profile(self) -> list[str]:
        y = self.year
        if y == 2001:
            out = [self.fmt(self.rng.choice(tb.PROFILE_ROLE_2001))]
        elif y >= 2017:
            out = [self.fmt(self.rng.choice(tb.PROFILE_MODERN_LEAD))]
        else:
            out = [self.fmt(self.rng.choice(tb.PROFILE_ROLE_OLD))]
        bank = [t for t in tb.PROFILE_PARTNER if "{Dem}" not in t or self.e.iso3 in self.dem]
        k = 2 if y <= 2004 else self.rng.randint(3, 6)
        out += [self.fmt(t) for t in self.rng.sample(bank, min(k, len(bank)))]
        extra = int(self.target * (0.08 if y <= 2004 else 0.15)) // 22
        out += [self.fmt(self.rng.choice(tb.PROFILE_FILLER)) for _ in range(max(1, extra))]
        self.words += sum(len(s.split()) for s in out)
        return out

    def split(self, sents: list[str]) -> list[str]:
        paras, i = [], 0
        while i < len(sents):
            k = self.rng.randint(3, 6)
            paras.append(" ".join(sents[i:i + k]))
            i += k
        return paras

    def compliance(self) -> str:
        y, t = self.year, self.e.tier
        key = "2001" if y == 2001 else "comply" if y <= 2015 else "meet-however" if y <= 2018 else \
            ("meet-however" if self.rng.random() < 0.4 else "meet-but") if y == 2019 else "meet-but"
        base = "2" if t == "2WL" else t
        covid = tb.COVID if 2021 <= y <= 2023 else ""
        s = self.fmt(tb.COMPLIANCE[key][base], covid=covid)
        self.words += len(s.split())
        return s

    def movement(self) -> list[str]:
        y, t = self.year, self.e.tier
        if y < 2006:
            return []
        if y <= 2016:
            return [self.fmt(tb.PLACED_WL)] if t == "2WL" else []
        prev = {x.iso3: x.tier for x in self.panel.get(y - 1, [])}.get(self.e.iso3)
        covid = tb.COVID if 2021 <= y <= 2023 else ""
        rank = {"1": 0, "2": 1, "2WL": 2, "3": 3}
        tier = TIER_TEXT[t]
        if prev is None or prev == "SPECIAL" or prev == t:
            if t == "2WL" and prev == "2WL":
                streak = 2  # years on the Watch List including this one
                while {x.iso3: x.tier for x in self.panel.get(y - streak, [])}.get(self.e.iso3) == "2WL":
                    streak += 1
                ordinal = tb.ORDINALS[min(streak - 1, len(tb.ORDINALS) - 1)]
                return [self.fmt(tb.MOVEMENT["waiver" if streak >= 3 else "same_n"], tier=tier, ordinal=ordinal)]
            return [self.fmt(tb.MOVEMENT["same"], tier=tier, covid=covid)]
        kind = "up" if rank[t] < rank[prev] else "down"
        return [self.fmt(tb.MOVEMENT[kind], tier=tier, covid=covid)]

    def semicolons(self, recs: list[str]) -> str:
        items = [r for r in recs]
        if len(items) > 1:
            items[-1] = "and " + items[-1]
        s = "; ".join(items)
        return s[0].upper() + s[1:] + "."


# ---------------------------------------------------------------------------------------------
# HTML in each era's clothes
def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(n: Narr, layout: str) -> str:
    out = []
    for kind, payload in n.blocks:
        if kind == "head":
            out.append(f"<p><b>{_esc(payload)}</b></p>" if layout == "old" else
                       f"<h3>{_esc(payload)}</h3>" if layout == "mid" else f"<h2>{_esc(payload)}</h2>")
        elif kind == "h":
            out.append(f"<p><b>{_esc(payload)}</b></p>" if layout == "old" else
                       f"<p><strong>{_esc(payload)}</strong></p>" if layout == "mid" else f"<h3>{_esc(payload)}</h3>")
        elif kind == "p":
            out.append(f"<p>{_esc(payload)}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in payload) + "</ul>")
    return "\n".join(out)


def _chrome(layout: str) -> tuple[str, str]:
    """(header, footer) of a page: navigation, scripts, footers the extractor must drop."""
    rng = random.Random(f"chrome-{layout}")
    topics = ["Arms Control", "Climate", "Counterterrorism", "Cyber Issues", "Democracy", "Economic Policy", "Energy",
              "Global Health", "Human Rights", "Refugees", "Trafficking in Persons", "Travel", "Visas", "Passports",
              "Countries and Areas", "Bureaus and Offices", "Press Briefings", "Speeches", "Reports", "Treaties"]
    n_links = {"old": 40, "mid": 110, "modern": 420}[layout]
    links = "".join(f'<li><a href="/{slug(rng.choice(topics))}/{rng.randint(1000, 99999)}/">{rng.choice(topics)} '
                    f'{rng.choice(["Overview", "Archive", "Fact Sheet", "Office", "News", "Resources"])}</a></li>'
                    for _ in range(n_links))
    if layout == "old":
        head = (f'<table width="100%" class="banner"><tr><td><a href="/index.htm">U.S. Department of State</a></td></tr></table>'
                f'<div id="nav"><ul>{links}</ul></div>')
        foot = '<p class="footer">This site is managed by the Bureau of Public Affairs, U.S. Department of State. ' \
               'External links to other Internet sites should not be construed as an endorsement.</p>'
        return head, foot
    if layout == "mid":
        head = f'<header class="site-header"><nav class="navbar"><ul>{links}</ul></nav></header>' \
               '<nav class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/j/tip/">Office to Monitor and Combat Trafficking in Persons</a></nav>'
        foot = '<footer class="site-footer">This site is managed by the Bureau of Public Affairs, U.S. Department of State.</footer>'
        return head, foot
    blob = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": f"item {i}", "url": f"https://www.state.gov/?p={rng.randint(1, 10**6)}",
         "breadcrumb": {"@id": f"#b{i}"}} for i in range(60)]})
    script = "".join(f"var wp_{i} = {{\"ajaxurl\":\"https:\\/\\/www.state.gov\\/wp-admin\\/admin-ajax.php\",\"n\":{rng.randint(1, 10**9)}}};\n"
                     for i in range(150))
    head = (f'<script type="application/ld+json">{blob}</script><script>{script}</script>'
            f'<header class="site-header"><nav class="navbar" role="navigation"><ul class="menu">{links}</ul></nav>'
            '<div class="search-form"><form action="/search"><input type="text" name="q"></form></div></header>')
    foot = ('<aside class="related"><h4>Related Articles</h4><ul><li><a href="/reports/">Reports</a></li></ul></aside>'
            '<footer class="site-footer"><p>Privacy Policy</p><p>Copyright Information</p><p>FOIA</p></footer>'
            f'<script>{script[:4000]}</script>')
    return head, foot


_CHROME: dict[str, tuple[str, str]] = {}


def page(layout: str, title: str, h1: str | None, body: str, year: int) -> str:
    if layout not in _CHROME:
        _CHROME[layout] = _chrome(layout)
    head, foot = _CHROME[layout]
    top = f"<h1>{_esc(h1)}</h1>\n" if h1 else ""
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">' if layout == "old" else '<meta charset="utf-8">'
    return (f"<!DOCTYPE html>\n<!-- SYNTHETIC benchmark page (bench/corpus.py) in the style of the {year} report; "
            f"not real report text -->\n<html lang=\"en\"><head>{charset}<title>{_esc(title)}</title></head>\n<body>\n{head}\n"
            f'<main id="main"><div class="entry-content">\n{top}{body}\n{END_MARK}\n</div></main>\n{foot}\n</body></html>\n')


# ---------------------------------------------------------------------------------------------
# The site, year by year
def _bands(year: int) -> list[tuple[str, str]]:
    if year <= 2008:
        return [("A", "G"), ("H", "P"), ("Q", "Z")]
    if year == 2009:
        return [("A", "C"), ("D", "H"), ("I", "L"), ("M", "R"), ("S", "Z")]
    return [("A", "F"), ("G", "M"), ("N", "Z")]


def _in_band(name: str, band: tuple[str, str]) -> bool:
    c = _fold(name)[:1].upper()
    return band[0] <= c <= band[1]


@dataclass
class Site:
    root: Path
    scale: int
    pages: int = 0
    narratives: int = 0
    bytes: int = 0
    per_year: dict = field(default_factory=dict)
    narrative_pages: list[str] = field(default_factory=list)

    def write(self, rel: str, html: str, narrative: bool) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        p.write_bytes(data)
        self.pages += 1
        self.bytes += len(data)
        if narrative:
            self.narrative_pages.append(rel)


def generate(out: Path, scale: int = 1, years: range = range(FIRST, LATEST + 1), shared: Path = SHARED,
             progress=print) -> dict:
    from tip.core.countries import DEMONYMS

    if scale < 1:
        raise SystemExit("--scale must be 1 or more")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    orig = Path(str(out) + ".orig")
    if orig.exists():
        shutil.rmtree(orig)
    out.mkdir(parents=True)
    panel = load_panel(shared)
    demonyms: dict[str, str] = {}
    for dem, iso in DEMONYMS.items():
        demonyms.setdefault(iso, dem)
    site = Site(out, scale)
    t0 = time.perf_counter()
    for y in years:
        entries = panel[y]
        n_before, b_before = site.narratives, site.bytes

        def narr(e: Entry, k: int, layout: str) -> str:
            site.narratives += 1
            return render(Writer(e, y, k, panel, demonyms).write(), layout)

        if y <= 2012:
            host, base = ("2001-2009.state.gov", f"g/tip/rls/tiprpt/{y}") if y <= 2008 else ("2009-2017.state.gov", f"j/tip/rls/tiprpt/{y}")
            layout = "old" if y <= 2008 else "mid"
            groups: list[tuple[str, list[Entry]]] = []
            regular = [e for e in entries if e.tier != "SPECIAL" or y < 2005]
            if y == 2001:
                for t in ("1", "2", "3"):
                    groups.append((f"IV. Country Narratives - Tier {t}", [e for e in regular if e.tier == t]))
            elif y == 2004:
                for region in REGIONS:
                    groups.append((f"IV. Country Narratives: {region}", [e for e in regular if REGION_OF.get(e.iso3) == region]))
                lost = [e for e in regular if e.iso3 not in REGION_OF]
                if lost:
                    raise SystemExit(f"bench.corpus: no region for {[e.iso3 for e in lost]}")
            else:
                sec = "III" if y <= 2003 else "V" if y == 2005 else "VI" if y <= 2008 else None
                for band in _bands(y):
                    label = f"Countries {band[0]} Through {band[1]}"
                    label = f"{sec}. Country Narratives -- {label}" if sec else f"Country Narratives: {label}"
                    groups.append((label, [e for e in regular if _in_band(e.name, band)]))
            specials = [e for e in entries if e.tier == "SPECIAL" and y >= 2005]
            if specials:
                groups.append(("VII. Special Cases" if y <= 2008 else "Special Cases", specials))
            links = [f'<li><a href="{ID_BASE[y] - 7}.htm">Letter from the Secretary</a></li>',
                     f'<li><a href="{ID_BASE[y] - 5}.htm">I. Introduction</a></li>',
                     f'<li><a href="{ID_BASE[y] - 3}.htm">Tier Placements</a></li>']
            for k in range(scale):
                for gi, (label, members) in enumerate(groups):
                    pid = ID_BASE[y] + k * 50 + gi
                    body = "\n".join(narr(e, k, layout) for e in members)
                    text = label if k == 0 else f"{label} (edition {k + 1})"
                    site.write(f"{host}/{base}/{pid}.htm", page(layout, text, text, body, y), True)
                    href = f"https://{host}/{base}/{pid}.htm" if gi % 2 else f"{pid}.htm"
                    links.append(f'<li><a href="{href}">{_esc(text)}</a></li>')
            links.append('<li><a href="http://www.un.org/Depts/dpko/">United Nations (external link)</a></li>')
            idx = page(layout, f"Trafficking in Persons Report {y}", f"Trafficking in Persons Report {y}",
                       "<ul>\n" + "\n".join(links) + "\n</ul>", y)
            site.write(f"{host}/{base}/index.htm", idx, False)
        elif y <= 2016:
            host, base = "2009-2017.state.gov", f"j/tip/rls/tiprpt/countries/{y}"
            links = []
            for i, e in enumerate(entries):
                pid = ID_BASE[y] + i * 3
                body = "\n".join(narr(e, k, "mid") for k in range(scale))
                site.write(f"{host}/{base}/{pid}.htm", page("mid", e.name, e.name, body, y), True)
                links.append(f'<li><a href="{pid}.htm">{_esc(e.name)}</a></li>')
            idx = page("mid", f"{y} Trafficking in Persons Report - Country Narratives", "Country Narratives",
                       "<ul>\n" + "\n".join(links) + "\n</ul>", y)
            site.write(f"{host}/{base}/index.htm", idx, False)
        else:
            host = "2017-2021.state.gov" if y <= 2020 else "www.state.gov"
            base = f"reports/{y}-trafficking-in-persons-report"
            links = [f'<li><a href="https://{host}/{base}/introduction/">Introduction</a></li>',
                     f'<li><a href="https://{host}/{base}/methodology/">Methodology</a></li>']
            for i, e in enumerate(entries):
                body = "\n".join(narr(e, k, "modern") for k in range(scale))
                h1 = f"{y} Trafficking in Persons Report: {e.name}"
                site.write(f"{host}/{base}/{slug(e.name)}/index.html", page("modern", f"{e.name} - United States Department of State",
                                                                             h1, body, y), True)
                href = f"https://{host}/{base}/{slug(e.name)}/" if i % 3 else f"/{base}/{slug(e.name)}/"
                links.append(f'<li><a href="{href}">{_esc(e.name)}</a></li>')
            idx = page("modern", f"{y} Trafficking in Persons Report - United States Department of State",
                       f"{y} Trafficking in Persons Report", "<ul>\n" + "\n".join(links) + "\n</ul>", y)
            site.write(f"{host}/{base}/index.html", idx, False)
        site.per_year[y] = {"countries": len(entries), "narratives": site.narratives - n_before,
                            "mb": round((site.bytes - b_before) / 1e6, 2)}
        progress(f"  {y}: {len(entries)} countries, {site.per_year[y]['narratives']} narratives, "
                 f"{site.per_year[y]['mb']} MB")
    manifest = {
        "generator_version": GENERATOR_VERSION, "scale": scale, "years": [years.start, years.stop - 1],
        "pages": site.pages, "narrative_pages": len(site.narrative_pages), "narratives": site.narratives,
        "country_years": sum(len(panel[y]) for y in years), "bytes": site.bytes,
        "seconds": round(time.perf_counter() - t0, 1), "per_year": site.per_year,
        "narrative_page_paths": site.narrative_pages,
    }
    (out / "README.md").write_text("# SYNTHETIC benchmark site\n\nGenerated by `python -m bench.corpus` "
                                   "(see bench/README.md). Not real report text; do not commit.\n", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_manifest(out: Path) -> dict | None:
    p = Path(out) / "manifest.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None


# ---------------------------------------------------------------------------------------------
# Changing a share of the served pages between runs (the weekly run's "1% changed")
def mutate(out: Path, fraction: float = 0.01, seed: int = 1, year: int | None = None) -> list[str]:
    """Change ``fraction`` of all narrative pages (a new sentence with figures in each); keep the originals.

    ``year``: pick the changed pages among that report year's pages only (the weekly check looks
    only at the newest year); the number changed is still ``fraction`` of all narrative pages.
    """
    out = Path(out)
    m = read_manifest(out)
    if m is None:
        raise SystemExit(f"{out}: no manifest.json; generate the site first")
    restore(out)
    paths = m["narrative_page_paths"]
    k = max(1, round(len(paths) * fraction))
    pool = [p for p in paths if year is None or re.search(rf"/(?:countries/)?{year}(?:/|-trafficking)", p)]
    chosen = sorted(random.Random(seed).sample(pool, min(k, len(pool))))
    orig = Path(str(out) + ".orig")
    for rel in chosen:
        p = out / rel
        (orig / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, orig / rel)
        html = p.read_text(encoding="utf-8")
        extra = "<p>In a separate operation, police arrested 17 suspected traffickers and identified 23 victims.</p>\n"
        p.write_text(html.replace(END_MARK, extra + END_MARK, 1), encoding="utf-8")
    return chosen


def restore(out: Path) -> int:
    out = Path(out)
    orig = Path(str(out) + ".orig")
    if not orig.exists():
        return 0
    n = 0
    for f in orig.rglob("*"):
        if f.is_file():
            dest = out / f.relative_to(orig)
            shutil.copy2(f, dest)
            dest.touch()  # a new mtime: the served Last-Modified changes back too
            n += 1
    shutil.rmtree(orig)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the synthetic site")
    g.add_argument("--out", required=True, type=Path)
    g.add_argument("--scale", type=int, default=1)
    g.add_argument("--years", default=f"{FIRST}-{LATEST}")
    g.add_argument("--shared", type=Path, default=SHARED)
    mu = sub.add_parser("mutate", help="change a share of the narrative pages (originals kept for restore)")
    mu.add_argument("--out", required=True, type=Path)
    mu.add_argument("--fraction", type=float, default=0.01)
    mu.add_argument("--seed", type=int, default=1)
    mu.add_argument("--year", type=int, help="change pages of this report year only")
    r = sub.add_parser("restore", help="undo mutate")
    r.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "generate":
        a, _, b = args.years.partition("-")
        m = generate(args.out, args.scale, range(int(a), int(b or a) + 1), args.shared)
        print(f"{args.out}: {m['pages']} pages ({m['narrative_pages']} narrative pages), {m['narratives']} narratives "
              f"for {m['country_years']} country-years, {m['bytes'] / 1e6:.1f} MB in {m['seconds']} s")
    elif args.cmd == "mutate":
        ch = mutate(args.out, args.fraction, args.seed, args.year)
        print(f"{args.out}: changed {len(ch)} narrative pages")
    else:
        print(f"{args.out}: restored {restore(args.out)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
