"""Measure the parser against a labelled set: per-field accuracy, precision and recall.

A labelled set is a folder of narrative files (.txt / .html) plus ``expected.yml`` (or
``expected.json``) that says, for every file, which narratives an analyst reads in it and what
each one states (format: docs/parser.md; the bundled set is
tests/fixtures/labelled/). ``evaluate`` parses every file with the real parser and compares.

* Narratives are paired within a file on (country, report year); what is left over is paired in
  document order, so a narrative whose country was misread still has its other fields compared
  (and counts as a country error). A narrative the parser did not find is a miss on every field;
  one it found that the analyst did not is a spurious narrative, and its measures are false
  positives.
* Exact fields (country, report year, tier, compliance, tier movement, consecutive years, waiver,
  territory marker, the list of sections, the number of recommendations) are scored as accuracy
  over the expected narratives.
* Roles and partner edges are sets: precision and recall.
* Measures are a multiset matched on (measure, value, subtype, is_prior_period); "strict" also
  requires unit, qualifier and data_year to agree, and the agreement of each of those three is
  reported over the matched pairs. A set is scored on the law-enforcement figures (every set labels
  them in full) and on any other measure its labels name: a set that never labels shelters is not
  scored on the shelters the parser reads (tip.parse.measures.LAW_ENFORCEMENT).

Format 2 is for real pages labelled for a few facts only (tests/fixtures/real/README.md): a file
lists ``country_iso3``, ``report_year`` and ``tier`` for each narrative, and ``compliance`` and
``roles`` where the page was read for them (``null`` compliance: the text states no verdict, so the
parser must not give one either; ``null`` roles: not scored). A file may also say ``host``,
``query``, ``split`` (dev / holdout), ``form`` and ``kind`` (``narrative``, the default: a copy of a
narrative, whatever wraps it; ``news``: an article about the report in its writer's words, a
translation or a reworded text, scored apart with ``--kind news``); the labels may be split over several
``expected*.yml`` files and the texts may sit in a ``texts/`` folder beside them (they are
re-collected there, never committed). ``tier_given`` is the share of the narratives the parser
found whose tier is right: a wrong tier is worse than a missing one.

Nothing here imports Prefect; the parser is called exactly as ``tip parse`` calls it.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from tip.core.errors import UserError

EXPECTED_NAMES = ("expected.yml", "expected.yaml", "expected.json")
NARRATIVE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")

TIERS = ("1", "2", "2WL", "3", "SPECIAL")
COMPLIANCE = ("fully_meets", "not_fully_significant_efforts", "not_fully_not_significant", "special_case")
MOVEMENTS = ("upgraded", "downgraded", "remained", "placed")
ROLES = ("source", "transit", "destination", "internal")
DIRECTIONS = ("origin", "destination")
SECTIONS = ("profile", "summary", "recommendations", "prosecution", "protection", "prevention",
            "scope_and_magnitude", "government_efforts")
UNITS = ("cases", "persons", "years")
SUBTYPES = ("sex", "labor")

NARRATIVE_KEYS = ("country_iso3", "report_year", "tier", "compliance", "tier_movement", "consecutive_years",
                  "waiver", "territory_marker", "roles", "partners", "sections", "recommendations", "measures")
MEASURE_KEYS = ("measure", "value", "unit", "qualifier", "subtype", "data_year", "is_prior_period")

EXACT_FIELDS = ("country", "report_year", "tier", "compliance", "tier_movement", "consecutive_years", "waiver",
                "territory_marker", "sections", "recommendations")
# format 2 (real pages): the fields a label always gives, and those it may give
REAL_REQUIRED = ("country_iso3", "report_year", "tier")
REAL_OPTIONAL = ("compliance", "roles")
SPLITS = ("dev", "holdout")
KINDS = ("narrative", "news")
ERAS = ((2001, 2003), (2004, 2008), (2009, 2012), (2013, 2016), (2017, 2021), (2022, 2100))


def era_of(year: int | None) -> str:
    for a, b in ERAS:
        if year is not None and a <= year <= b:
            return f"{a}-{b}" if b < 2100 else f"{a}-"
    return "unknown"

DEFAULT_FLOORS: dict[str, float] = {
    "tier": 1.0,
    "country": 1.0,
    "compliance": 1.0,
    "measures_precision": 0.97,
    "measures_recall": 0.9,
}


# ------------------------------------------------------------------------------------------------
# the labelled set
@dataclass(frozen=True)
class Measure:
    measure: str
    value: float
    unit: str | None
    qualifier: str
    subtype: str | None
    data_year: int | None
    is_prior_period: bool
    evidence: str | None = None  # the parser's sentence (observed rows only)

    @property
    def key(self) -> tuple:
        return (self.measure, round(float(self.value), 2), self.subtype, self.is_prior_period)

    @property
    def attrs(self) -> tuple:
        return (self.unit, self.qualifier, self.data_year)

    def describe(self) -> str:
        v = int(self.value) if float(self.value).is_integer() else self.value
        parts = [f"{self.measure}={v}"]
        if self.subtype:
            parts.append(self.subtype)
        parts.append(f"unit={self.unit}")
        if self.qualifier != "exact":
            parts.append(self.qualifier)
        parts.append(f"data_year={self.data_year}")
        if self.is_prior_period:
            parts.append("PRIOR")
        return " ".join(parts)


@dataclass
class NarrativeFacts:
    """What one narrative states: the expected values, or what the parser read."""

    country_iso3: str | None
    report_year: int | None
    tier: str | None
    compliance: str | None
    tier_movement: str | None
    consecutive_years: int | None
    waiver: bool
    territory_marker: bool
    roles: frozenset[str]
    partners: frozenset[tuple[str, str]]
    sections: tuple[str, ...]
    recommendations: int
    measures: list[Measure]
    text: str = ""
    scored: frozenset[str] | None = None  # format 2: the fields this label gives (None: every field)

    def scores(self, fld: str) -> bool:
        return self.scored is None or fld in self.scored

    def value_of(self, fld: str):
        return self.country_iso3 if fld == "country" else getattr(self, fld)

    @property
    def label(self) -> str:
        return f"{self.country_iso3}-{self.report_year}"


@dataclass
class LabelledFile:
    name: str
    path: Path
    url: str | None
    year: int | None
    narratives: list[NarrativeFacts]
    host: str | None = None
    split: str | None = None
    form: str | None = None
    kind: str = "narrative"

    def group(self, by: str) -> str:
        if by == "host":
            return self.host or "unknown"
        if by == "era":
            return era_of(self.narratives[0].report_year if self.narratives else self.year)
        if by == "split":
            return self.split or "dev"
        if by == "kind":
            return self.kind
        raise UserError(f"--by {by!r}: not one of host, era, split, kind")


def find_expected(folder: Path) -> list[Path]:
    """expected.yml (or .yaml / .json), or else every expected-*.yml in the folder (one labelled set)."""
    for name in EXPECTED_NAMES:
        p = folder / name
        if p.is_file():
            return [p]
    parts = sorted(folder.glob("expected-*.yml"))
    if parts:
        return parts
    raise UserError(f"{folder}: no expected-values file ({' / '.join(EXPECTED_NAMES)}, or expected-*.yml) in the folder")


def _read_expected(exp_path: Path) -> dict:
    import yaml

    try:
        raw = exp_path.read_text(encoding="utf-8")
        data = json.loads(raw) if exp_path.suffix == ".json" else yaml.safe_load(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{exp_path}: cannot read: {exc}") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{exp_path}: not valid {'JSON' if exp_path.suffix == '.json' else 'YAML'}: {first}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise UserError(f"{exp_path}: expected a mapping with a 'files' mapping (file name -> its narratives)")
    fmt = data.get("format", 1)
    if fmt not in (1, 2):
        raise UserError(f"{exp_path}: format {fmt!r} is not supported (this tip reads formats 1 and 2)")
    return data


def load_labelled(folder: str | Path) -> list[LabelledFile]:
    """Read and check a labelled set; every problem is one UserError naming the file and the field."""
    folder = Path(folder)
    if not folder.exists():
        raise UserError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise UserError(f"{folder}: not a folder (expected a folder of narratives and its expected.yml)")
    texts = folder / "texts" if (folder / "texts").is_dir() else folder
    files: list[LabelledFile] = []
    missing: list[str] = []
    seen: set[str] = set()
    exp_paths = find_expected(folder)
    for exp_path in exp_paths:
        data = _read_expected(exp_path)
        fmt = data.get("format", 1)
        keys = {"url", "year", "narratives", "note"} | ({"host", "query", "split", "form", "kind"} if fmt == 2 else set())
        for name, spec in data["files"].items():
            where = f"{exp_path.name}: {name}"
            if str(name) in seen:
                raise UserError(f"{where}: labelled twice")
            seen.add(str(name))
            path = texts / str(name)
            if path.suffix.lower() not in NARRATIVE_SUFFIXES:
                raise UserError(f"{where}: not a .txt or .html narrative file")
            if not isinstance(spec, dict):
                raise UserError(f"{where}: expected a mapping with 'narratives' (and optional 'url', 'year')")
            unknown = set(spec) - keys
            if unknown:
                raise UserError(f"{where}: unknown key(s) {sorted(unknown)}")
            url = spec.get("url")
            if url is not None and not isinstance(url, str):
                raise UserError(f"{where}: url must be a string")
            year = spec.get("year")
            if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 2001 <= year <= 2100):
                raise UserError(f"{where}: year must be a report year (2001 or later), not {year!r}")
            split = spec.get("split")
            if split is not None and split not in SPLITS:
                raise UserError(f"{where}: split {split!r} is not one of {', '.join(SPLITS)}")
            kind = spec.get("kind", "narrative")
            if kind not in KINDS:
                raise UserError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
            narrs = spec.get("narratives")
            if not isinstance(narrs, list):
                raise UserError(f"{where}: 'narratives' must be a list (possibly empty)")
            if not path.is_file():
                missing.append(str(name))
                continue
            read = _expected_narrative if fmt == 1 else _real_narrative
            files.append(LabelledFile(str(name), path, url, year,
                                      [read(n, f"{where}: narrative {i + 1}") for i, n in enumerate(narrs)],
                                      host=spec.get("host"), split=split, form=spec.get("form"), kind=kind))
    if missing:
        hint = (" (the texts of real pages are not in git: re-collect them as the folder's README.md says)"
                if texts.name == "texts" or (folder / "README.md").is_file() else "")
        raise UserError(f"{exp_paths[0].name}: {len(missing)} labelled file(s) not found in {texts}: "
                        f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}{hint}")
    listed = {f.path.resolve() for f in files}
    strays = sorted(p.name for p in texts.iterdir()
                    if p.is_file() and p.suffix.lower() in NARRATIVE_SUFFIXES and p.resolve() not in listed)
    if strays:
        raise UserError(f"{exp_paths[0]}: narrative file(s) with no expected values: {', '.join(strays[:5])}"
                        + (" ..." if len(strays) > 5 else ""))
    return files


def _need(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise UserError(f"{where}: {msg}")


def _opt_str(d: dict, k: str, allowed: Iterable[str], where: str) -> str | None:
    v = d[k]
    _need(v is None or v in allowed, where, f"{k} {v!r} is not one of {', '.join(map(str, allowed))} (or null)")
    return v


def _placement(n, where: str, required: Iterable[str], allowed: Iterable[str], missing_hint: str = "") -> tuple[str, str, int, str]:
    """Check a label's keys and its country, report year and tier: (where, iso3, report year, tier)."""
    _need(isinstance(n, dict), where, "expected a mapping")
    missing = [k for k in required if k not in n]
    _need(not missing, where, f"missing key(s) {missing}{missing_hint}")
    unknown = set(n) - set(allowed) - {"note"}
    _need(not unknown, where, f"unknown key(s) {sorted(unknown)}")
    where = f"{where} ({n.get('country_iso3')})"
    iso, ry, tier = n["country_iso3"], n["report_year"], n["tier"]
    _need(isinstance(iso, str) and re.fullmatch(r"[A-Z]{3}", iso or "") is not None, where, f"country_iso3 {iso!r} is not three capital letters")
    _need(isinstance(ry, int) and not isinstance(ry, bool) and 2001 <= ry <= 2100, where, f"report_year {ry!r} is not a report year")
    _need(isinstance(tier, str) and tier in TIERS, where, f"tier {tier!r} is not one of {', '.join(TIERS)} (quote it: \"2\")")
    return where, iso, ry, tier


def _expected_narrative(n, where: str) -> NarrativeFacts:
    where, iso, ry, tier = _placement(n, where, NARRATIVE_KEYS, NARRATIVE_KEYS,
                                      " (every key is required; write null when the text does not say)")
    compliance = _opt_str(n, "compliance", COMPLIANCE, where)
    movement = _opt_str(n, "tier_movement", MOVEMENTS, where)
    cy = n["consecutive_years"]
    _need(cy is None or (isinstance(cy, int) and not isinstance(cy, bool) and cy > 0), where, f"consecutive_years {cy!r} is not a positive whole number or null")
    for k in ("waiver", "territory_marker"):
        _need(isinstance(n[k], bool), where, f"{k} must be true or false")
    roles = n["roles"]
    _need(isinstance(roles, list) and all(r in ROLES for r in roles), where, f"roles must be a list of {', '.join(ROLES)}")
    partners = n["partners"]
    _need(isinstance(partners, list), where, "partners must be a list of {partner: ISO3, direction: origin|destination}")
    pset = set()
    for p in partners:
        _need(isinstance(p, dict) and set(p) == {"partner", "direction"}, where, f"partner {p!r}: expected {{partner: ISO3, direction: ...}}")
        _need(isinstance(p["partner"], str) and re.fullmatch(r"[A-Z]{3}", p["partner"]) is not None, where, f"partner {p['partner']!r} is not three capital letters")
        _need(p["direction"] in DIRECTIONS, where, f"partner direction {p['direction']!r} is not origin or destination")
        pset.add((p["partner"], p["direction"]))
    sections = n["sections"]
    _need(isinstance(sections, list) and all(s in SECTIONS for s in sections), where, f"sections must be a list of {', '.join(SECTIONS)}")
    recs = n["recommendations"]
    _need(isinstance(recs, int) and not isinstance(recs, bool) and recs >= 0, where, f"recommendations {recs!r} is not a count")
    ms = n["measures"]
    _need(isinstance(ms, list), where, "measures must be a list (possibly empty)")
    return NarrativeFacts(
        country_iso3=iso, report_year=ry, tier=tier, compliance=compliance, tier_movement=movement,
        consecutive_years=cy, waiver=n["waiver"], territory_marker=n["territory_marker"], roles=frozenset(roles),
        partners=frozenset(pset), sections=tuple(sections), recommendations=recs,
        measures=[_expected_measure(m, f"{where}: measure {i + 1}") for i, m in enumerate(ms)],
    )


def _real_narrative(n, where: str) -> NarrativeFacts:
    """A format-2 label: country, report year and tier always; compliance and roles when given."""
    where, iso, ry, tier = _placement(n, where, REAL_REQUIRED, (*REAL_REQUIRED, *REAL_OPTIONAL))
    scored = {"country", "report_year", "tier"}
    compliance = None
    if "compliance" in n:
        compliance = _opt_str(n, "compliance", COMPLIANCE, where)
        scored.add("compliance")
    roles = n.get("roles")
    if roles is not None:
        _need(isinstance(roles, list) and all(r in ROLES for r in roles), where, f"roles must be a list of {', '.join(ROLES)} or null")
        scored.add("roles")
    return NarrativeFacts(
        country_iso3=iso, report_year=ry, tier=tier, compliance=compliance, tier_movement=None,
        consecutive_years=None, waiver=False, territory_marker=False, roles=frozenset(roles or ()),
        partners=frozenset(), sections=(), recommendations=0, measures=[], scored=frozenset(scored),
    )


def _expected_measure(m, where: str) -> Measure:
    from tip.parse.measures import MEASURES, QUALIFIERS

    _need(isinstance(m, dict), where, "expected a mapping")
    missing = [k for k in MEASURE_KEYS if k not in m]
    _need(not missing, where, f"missing key(s) {missing}")
    unknown = set(m) - set(MEASURE_KEYS) - {"note"}
    _need(not unknown, where, f"unknown key(s) {sorted(unknown)}")
    _need(m["measure"] in MEASURES, where, f"measure {m['measure']!r} is not one of {', '.join(MEASURES)}")
    v = m["value"]
    _need(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0, where, f"value {v!r} is not a number >= 0")
    _need(m["unit"] is None or m["unit"] in UNITS, where, f"unit {m['unit']!r} is not one of {', '.join(UNITS)} (or null)")
    _need(m["qualifier"] in QUALIFIERS, where, f"qualifier {m['qualifier']!r} is not one of {', '.join(QUALIFIERS)}")
    _need(m["subtype"] is None or m["subtype"] in SUBTYPES, where, f"subtype {m['subtype']!r} is not sex, labor or null")
    dy = m["data_year"]
    _need(dy is None or (isinstance(dy, int) and not isinstance(dy, bool) and 1990 <= dy <= 2100), where, f"data_year {dy!r} is not a year or null")
    _need(isinstance(m["is_prior_period"], bool), where, "is_prior_period must be true or false")
    return Measure(m["measure"], float(v), m["unit"], m["qualifier"], m["subtype"], dy, m["is_prior_period"])


# ------------------------------------------------------------------------------------------------
# what the parser read
def observed_facts(j: dict) -> NarrativeFacts:
    """NarrativeFacts from one object of ``Narrative.to_json()`` (the shape ``tip parse`` prints)."""
    roles = set()
    if j.get("roles"):
        roles.update(k for k in ("source", "transit", "destination") if j["roles"].get(k))
    if j.get("internal_trafficking"):
        roles.add("internal")
    return NarrativeFacts(
        country_iso3=j.get("country_iso3"), report_year=j.get("report_year"), tier=j.get("tier"),
        compliance=j.get("compliance"), tier_movement=j.get("tier_movement"),
        consecutive_years=j.get("consecutive_years"), waiver=bool(j.get("waiver")),
        territory_marker=bool(j.get("territory_marker")), roles=frozenset(roles),
        partners=frozenset((e["partner"], e["direction"]) for e in j.get("partner_edges") or []),
        sections=tuple(j.get("sections") or ()), recommendations=len(j.get("recommendations") or []),
        measures=[Measure(m["measure"], float(m["value"]), m.get("unit"), m.get("qualifier") or "exact", m.get("subtype"),
                          m.get("data_year"), bool(m.get("is_prior_period")), m.get("evidence"))
                  for m in j.get("measures") or []],
        text=j.get("_text", ""),
    )


ParseFn = Callable[[LabelledFile], tuple[list[NarrativeFacts], list[str]]]


def parse_with_tip(lf: LabelledFile) -> tuple[list[NarrativeFacts], list[str]]:
    """Parse one labelled file exactly as ``tip parse FILE --url --year`` would."""
    from tip.parse import parse_document

    result = parse_document(lf.path.read_bytes(), filename=lf.path.name, url=lf.url, year=lf.year)
    out = []
    for n in result.narratives:
        j = n.to_json()
        j["_text"] = n.text
        out.append(observed_facts(j))
    rejects = [f"{r.reason}" + (f" ({r.country})" if r.country else "") for r in result.rejects]
    return out, rejects


# ------------------------------------------------------------------------------------------------
# scoring
@dataclass
class Problem:
    kind: str          # see PROBLEM_KINDS
    file: str
    narrative: str     # ISO3-year of the expected narrative (or the parser's, when spurious)
    detail: str
    evidence: str | None = None


PROBLEM_KINDS = {
    "narrative_missed": "narratives the parser did not find",
    "narrative_spurious": "narratives the parser found that are not in the labelled set",
    "field": "fields read wrong",
    "measure_missed": "measures missed (in the text, not extracted)",
    "measure_false_positive": "measures extracted that the text does not state (false positives)",
    "measure_attribute": "measures matched, but unit / qualifier / data_year disagree",
    "role_missed": "roles missed", "role_false_positive": "roles read that the text does not state",
    "partner_missed": "partner edges missed", "partner_false_positive": "partner edges the text does not state",
    "reject": "parts of a labelled file the parser rejected",
}


@dataclass
class Counts:
    correct: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class PR:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if (self.tp + self.fp) else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if (self.tp + self.fn) else None


@dataclass
class EvalReport:
    folder: str
    files: int = 0
    exact: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in EXACT_FIELDS})
    narratives: PR = field(default_factory=PR)
    roles: PR = field(default_factory=PR)
    partners: PR = field(default_factory=PR)
    measures: PR = field(default_factory=PR)
    measures_strict: PR = field(default_factory=PR)
    agreement: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in ("unit", "qualifier", "data_year")})
    tier_given: Counts = field(default_factory=Counts)   # found narratives whose tier is right
    roles_exact: Counts = field(default_factory=Counts)  # narratives whose roles are exactly right
    problems: list[Problem] = field(default_factory=list)

    def metrics(self) -> dict[str, float | None]:
        """Every figure by its floor name."""
        m: dict[str, float | None] = {f: c.rate for f, c in self.exact.items()}
        for name, pr in (("narratives", self.narratives), ("roles", self.roles), ("partners", self.partners),
                         ("measures", self.measures), ("measures_strict", self.measures_strict)):
            m[f"{name}_precision"] = pr.precision
            m[f"{name}_recall"] = pr.recall
        for k, c in self.agreement.items():
            m[f"measures_{k}"] = c.rate
        m["tier_given"] = self.tier_given.rate
        m["roles_exact"] = self.roles_exact.rate
        return m

    def _unlabelled(self) -> set[str]:
        """Figures with nothing to measure: no expected and no observed items."""
        out = {f for f, c in self.exact.items() if c.total == 0}
        for name, pr in (("narratives", self.narratives), ("roles", self.roles), ("partners", self.partners),
                         ("measures", self.measures), ("measures_strict", self.measures_strict)):
            if pr.tp + pr.fp + pr.fn == 0:
                out |= {f"{name}_precision", f"{name}_recall"}
        return out

    def below(self, floors: dict[str, float]) -> list[tuple[str, float | None, float]]:
        got = self.metrics()
        out = []
        for k, floor in floors.items():
            v = got.get(k)
            if v is None and k in self._unlabelled():
                continue  # the set labels nothing this figure could be measured on
            if v is None or v + 1e-12 < floor:
                out.append((k, v, floor))
        return out

    def as_dict(self) -> dict:
        return {
            "folder": self.folder, "files": self.files,
            "narratives_expected": self.narratives.tp + self.narratives.fn,
            "narratives_found": self.narratives.tp + self.narratives.fp,
            "metrics": self.metrics(),
            "counts": {
                **{f: {"correct": c.correct, "total": c.total} for f, c in self.exact.items()},
                **{n: {"tp": pr.tp, "fp": pr.fp, "fn": pr.fn} for n, pr in (
                    ("narratives", self.narratives), ("roles", self.roles), ("partners", self.partners),
                    ("measures", self.measures), ("measures_strict", self.measures_strict))},
                **{f"measures_{k}": {"correct": c.correct, "total": c.total} for k, c in self.agreement.items()},
                "tier_given": {"correct": self.tier_given.correct, "total": self.tier_given.total},
                "roles_exact": {"correct": self.roles_exact.correct, "total": self.roles_exact.total},
            },
            "problems": [p.__dict__ for p in self.problems],
        }


def pair_narratives(expected: list[NarrativeFacts], observed: list[NarrativeFacts]):
    """(expected, observed) pairs; either side None when unpaired. Country-year first, then order."""
    used_o: set[int] = set()
    pairs: dict[int, int] = {}
    for i, e in enumerate(expected):
        for j, o in enumerate(observed):
            if j not in used_o and (o.country_iso3, o.report_year) == (e.country_iso3, e.report_year):
                pairs[i] = j
                used_o.add(j)
                break
    left_o = [j for j in range(len(observed)) if j not in used_o]
    for i in range(len(expected)):
        if i not in pairs and left_o:
            pairs[i] = left_o.pop(0)
    out = [(e, observed[pairs[i]] if i in pairs else None) for i, e in enumerate(expected)]
    out.extend((None, observed[j]) for j in left_o)
    return out


def match_measures(expected: list[Measure], observed: list[Measure]):
    """Key-matched pairs (preferring pairs whose unit, qualifier and data_year agree), misses, false positives."""
    by_e: dict[tuple, list[Measure]] = defaultdict(list)
    by_o: dict[tuple, list[Measure]] = defaultdict(list)
    for m in expected:
        by_e[m.key].append(m)
    for m in observed:
        by_o[m.key].append(m)
    pairs, missed, extra = [], [], []
    for key in list(by_e) + [k for k in by_o if k not in by_e]:
        es, os_ = list(by_e.get(key, [])), list(by_o.get(key, []))
        for e in list(es):
            for o in os_:
                if o.attrs == e.attrs:
                    pairs.append((e, o))
                    es.remove(e)
                    os_.remove(o)
                    break
        while es and os_:
            pairs.append((es.pop(0), os_.pop(0)))
        missed.extend(es)
        extra.extend(os_)
    return pairs, missed, extra


def score(report: EvalReport, fname: str, expected: list[NarrativeFacts], observed: list[NarrativeFacts]) -> None:
    """Add one file's comparison to the report."""
    for e, o in pair_narratives(expected, observed):
        if e is None:
            report.narratives.fp += 1
            report.problems.append(Problem("narrative_spurious", fname, o.label, f"tier {o.tier}, headline country {o.country_iso3}"))
            for m in o.measures:
                report.measures.fp += 1
                report.measures_strict.fp += 1
                report.problems.append(Problem("measure_false_positive", fname, o.label, m.describe(), m.evidence))
            report.roles.fp += len(o.roles)
            report.partners.fp += len(o.partners)
            continue
        for fld in EXACT_FIELDS:
            if e.scores(fld):
                report.exact[fld].total += 1
        if e.scores("roles"):
            report.roles_exact.total += 1
        if o is None:
            report.narratives.fn += 1
            report.problems.append(Problem("narrative_missed", fname, e.label, f"tier {e.tier}"))
            report.measures.fn += len(e.measures)
            report.measures_strict.fn += len(e.measures)
            if e.scores("roles"):
                report.roles.fn += len(e.roles)
            report.partners.fn += len(e.partners)
            for m in e.measures:
                report.problems.append(Problem("measure_missed", fname, e.label, m.describe()))
            continue
        report.narratives.tp += 1
        if o.tier is not None:
            report.tier_given.total += 1
            report.tier_given.correct += o.tier == e.tier
        if e.scores("roles"):
            report.roles_exact.correct += e.roles == o.roles
            _score_set(report.roles, e.roles, o.roles, report, fname, e.label, "role")
        if e.scored is not None:  # format 2: only what the label gives
            for fld in EXACT_FIELDS:
                if e.scores(fld):
                    report.exact[fld].correct += e.value_of(fld) == o.value_of(fld)
                    if e.value_of(fld) != o.value_of(fld):
                        report.problems.append(Problem("field", fname, e.label,
                                                       f"{fld}: expected {e.value_of(fld)!r}, parser {o.value_of(fld)!r}"))
            continue
        for fld in EXACT_FIELDS:
            ev, ov = e.value_of(fld), o.value_of(fld)
            if ev == ov:
                report.exact[fld].correct += 1
            else:
                shown_e = list(ev) if isinstance(ev, tuple) else ev
                shown_o = list(ov) if isinstance(ov, tuple) else ov
                report.problems.append(Problem("field", fname, e.label, f"{fld}: expected {shown_e!r}, parser {shown_o!r}"))
        _score_set(report.partners, e.partners, o.partners, report, fname, e.label, "partner")
        pairs, missed, extra = match_measures(e.measures, o.measures)
        report.measures.tp += len(pairs)
        report.measures.fn += len(missed)
        report.measures.fp += len(extra)
        strict = sum(1 for a, b in pairs if a.attrs == b.attrs)
        report.measures_strict.tp += strict
        report.measures_strict.fn += len(missed) + len(pairs) - strict
        report.measures_strict.fp += len(extra) + len(pairs) - strict
        for a, b in pairs:
            diffs = []
            for k, av, bv in zip(("unit", "qualifier", "data_year"), a.attrs, b.attrs):
                report.agreement[k].total += 1
                if av == bv:
                    report.agreement[k].correct += 1
                else:
                    diffs.append(f"{k}: expected {av!r}, parser {bv!r}")
            if diffs:
                report.problems.append(Problem("measure_attribute", fname, e.label,
                                               f"{a.describe()} -- " + "; ".join(diffs), b.evidence))
        for m in missed:
            report.problems.append(Problem("measure_missed", fname, e.label, m.describe(), _near(o.text, m)))
        for m in extra:
            report.problems.append(Problem("measure_false_positive", fname, e.label, m.describe(), m.evidence))


def _score_set(pr: PR, exp: frozenset, obs: frozenset, report: EvalReport, fname: str, label: str, kind: str) -> None:
    pr.tp += len(exp & obs)
    pr.fn += len(exp - obs)
    pr.fp += len(obs - exp)
    fmt = (lambda x: f"{x[0]} {x[1]}") if kind == "partner" else str
    for x in sorted(exp - obs):
        report.problems.append(Problem(f"{kind}_missed", fname, label, fmt(x)))
    for x in sorted(obs - exp):
        report.problems.append(Problem(f"{kind}_false_positive", fname, label, fmt(x)))


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}


def _spellings(value: float) -> list[str]:
    if not float(value).is_integer():
        return []
    v = int(value)
    out = [str(v), f"{v:,}"]
    if v < 20:
        out.append(_WORDS[v])
    elif v < 100:
        t, u = divmod(v, 10)
        out.append(_TENS[t * 10] + (f"-{_WORDS[u]}" if u else ""))
    if v == 0:
        out += ["none", "no ", "any"]
    return out


_STEMS = {
    "investigations": r"investigat", "prosecutions": r"prosecut|charg|indict", "convictions": r"convict",
    "victims_identified": r"victim", "potential_victims_identified": r"victim", "arrests": r"arrest",
    "sentence_min_years": r"sentenc|prison|imprison", "sentence_max_years": r"sentenc|prison|imprison",
    "sentence_years": r"sentenc|prison|imprison",
}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n+", text) if s.strip()]


def _near(text: str, m: Measure) -> str | None:
    """The sentence of the narrative that prints the value next to its measure (a pointer for whoever fixes the miss)."""
    if not text:
        return None
    stem = _STEMS.get(m.measure, "")
    spell = _spellings(m.value)
    if m.measure.startswith("sentence"):  # printed in years or in months, maybe "10 years and six months"
        spell += _spellings(float(int(m.value))) + _spellings(float(round(m.value * 12)))
    loose = spell + ([r"a", r"an"] if m.value == 1 else [])   # "convicting a trafficker"
    fallback = None
    for sent in _sentences(text):
        hit = lambda forms: any(re.search(rf"(?<![\w,]){re.escape(s)}(?![\w]|,\d)", sent, re.I) for s in forms)
        if stem and re.search(stem, sent, re.I) and hit(loose):
            return sent
        if fallback is None and hit(spell):
            fallback = sent
    return fallback


def evaluate(folder: str | Path, parse: ParseFn = parse_with_tip, split: str | None = None,
             kind: str | None = None) -> EvalReport:
    """Parse every labelled file (or those of one split / kind) and compare it with its expected values."""
    return evaluate_groups(folder, parse, split=split, kind=kind)[None]


def evaluate_groups(folder: str | Path, parse: ParseFn = parse_with_tip, split: str | None = None,
                    by: str | None = None, kind: str | None = None) -> dict[str | None, EvalReport]:
    """The whole set's report under the key None, and one report per group (host, era, split, kind) when asked."""
    files = load_labelled(folder)
    scored = _scored_measures(files)
    if split is not None:
        if split not in SPLITS:
            raise UserError(f"--split {split!r}: not one of {', '.join(SPLITS)}")
        files = [f for f in files if (f.split or "dev") == split]
    if kind is not None:
        if kind not in KINDS:
            raise UserError(f"--kind {kind!r}: not one of {', '.join(KINDS)}")
        files = [f for f in files if f.kind == kind]
    shown = "".join(f" [{x}]" for x in (split, kind) if x)
    reports: dict[str | None, EvalReport] = {None: EvalReport(folder=str(folder) + shown)}
    for lf in files:
        try:
            observed, rejects = parse(lf)
        except Exception as exc:  # a crash on one file is a measured failure, not the end of the evaluation
            observed, rejects = [], [f"parser raised {type(exc).__name__}: {exc}"]
        observed = [_only_scored(o, scored) for o in observed]
        targets = [reports[None]]
        if by:
            g = lf.group(by)
            targets.append(reports.setdefault(g, EvalReport(folder=f"{by}={g}")))
        for report in targets:
            report.files += 1
            for r in rejects:
                report.problems.append(Problem("reject", lf.name, "-", r))
            score(report, lf.name, lf.narratives, observed)
    return reports


def _scored_measures(files: list[LabelledFile]) -> frozenset[str]:
    """The law-enforcement figures, and every other measure the set's labels name."""
    from tip.parse.measures import LAW_ENFORCEMENT

    return frozenset(LAW_ENFORCEMENT) | {m.measure for f in files for n in f.narratives for m in n.measures}


def _only_scored(o: NarrativeFacts, scored: frozenset[str]) -> NarrativeFacts:
    from dataclasses import replace

    kept = [m for m in o.measures if m.measure in scored]
    return o if len(kept) == len(o.measures) else replace(o, measures=kept)


# ------------------------------------------------------------------------------------------------
# output
def parse_floors(specs: Iterable[str] | None, base: dict[str, float] | None = None) -> dict[str, float]:
    """'tier=1,measures_recall=0.85' (repeatable) on top of the defaults; a floor of 0 drops a check."""
    floors = dict(DEFAULT_FLOORS if base is None else base)
    known = set(EvalReport(folder="").metrics())
    for spec in specs or []:
        for part in str(spec).split(","):
            part = part.strip()
            if not part:
                continue
            m = re.fullmatch(r"([a-z_]+)\s*=\s*([0-9]*\.?[0-9]+)", part)
            if not m:
                raise UserError(f"--floors {spec!r}: {part!r} is not NAME=VALUE (e.g. measures_recall=0.9)")
            name, val = m.group(1), float(m.group(2))
            if name not in known:
                raise UserError(f"--floors {spec!r}: unknown figure {name!r}; known: {', '.join(sorted(known))}")
            if not 0 <= val <= 1:
                raise UserError(f"--floors {spec!r}: {name} must be between 0 and 1")
            if val == 0:
                floors.pop(name, None)
            else:
                floors[name] = val
    return floors


def _fmt(v: float | None) -> str:
    return "   n/a" if v is None else f"{v:6.3f}"


def table(report: EvalReport, floors: dict[str, float] | None = None) -> str:
    floors = floors or {}
    rows: list[tuple[str, str, float | None, str, str]] = []

    def add(fld: str, metric: str, v: float | None, n: str, floor_key: str) -> None:
        f = floors.get(floor_key)
        mark = ""
        if f is not None:
            mark = f">= {f:g} " + ("ok" if v is not None and v + 1e-12 >= f else "BELOW")
        rows.append((fld, metric, v, n, mark))

    for fld, c in report.exact.items():
        add(fld, "accuracy", c.rate, f"{c.correct}/{c.total}", fld)
    for name, pr in (("narratives", report.narratives), ("roles", report.roles), ("partners", report.partners),
                     ("measures", report.measures), ("measures_strict", report.measures_strict)):
        add(name, "precision", pr.precision, f"{pr.tp}/{pr.tp + pr.fp}", f"{name}_precision")
        add(name, "recall", pr.recall, f"{pr.tp}/{pr.tp + pr.fn}", f"{name}_recall")
    for k, c in report.agreement.items():
        add(f"measures_{k}", "agreement", c.rate, f"{c.correct}/{c.total}", f"measures_{k}")
    add("tier_given", "accuracy", report.tier_given.rate, f"{report.tier_given.correct}/{report.tier_given.total}", "tier_given")
    add("roles_exact", "accuracy", report.roles_exact.rate, f"{report.roles_exact.correct}/{report.roles_exact.total}", "roles_exact")
    rows = [r for r in rows if r[3] != "0/0"]  # figures the set does not label are left out
    w = max(len(r[0]) for r in rows)
    lines = [f"labelled set: {report.folder} ({report.files} files, {report.narratives.tp + report.narratives.fn} narratives, "
             f"{report.measures.tp + report.measures.fn} measures)",
             f"{'field':<{w}}  {'metric':<9}  {'value':>6}  {'count':>9}  floor"]
    for fld, metric, v, n, mark in rows:
        lines.append(f"{fld:<{w}}  {metric:<9}  {_fmt(v)}  {n:>9}  {mark}".rstrip())
    if report.measures.tp + report.measures.fn + report.measures.fp:
        lines.append("measures are matched on (measure, value, subtype, is_prior_period); measures_strict also needs "
                     "unit, qualifier and data_year to agree")
    lines.append("tier_given: of the narratives found, the share whose tier is right (a wrong tier is worse than a miss)")
    return "\n".join(lines)


def group_table(reports: dict[str | None, EvalReport], by: str) -> str:
    """One line per group: files, narratives, and the headline figures."""
    cols = ("narratives_recall", "tier_given", "country", "report_year", "tier", "compliance", "roles_exact")
    head = f"{by:<28} {'files':>5} {'narrs':>5}  " + "  ".join(f"{c:>17}" for c in cols)
    lines = [head]
    for g in sorted((k for k in reports if k is not None), key=str):
        r = reports[g]
        m = r.metrics()
        cells = []
        for c in cols:
            v = m.get(c)
            cnt = (r.exact[c] if c in r.exact else r.tier_given if c == "tier_given" else r.roles_exact if c == "roles_exact"
                   else None)
            n = f"{cnt.correct}/{cnt.total}" if cnt is not None else f"{r.narratives.tp}/{r.narratives.tp + r.narratives.fn}"
            cells.append(f"{_fmt(v).strip():>6} {n:>10}")
        lines.append(f"{str(g)[:28]:<28} {r.files:>5} {r.narratives.tp + r.narratives.fn:>5}  " + "  ".join(f"{c:>17}" for c in cells))
    return "\n".join(lines)


def problems_text(report: EvalReport) -> str:
    if not report.problems:
        return "no misses, no false positives"
    by_kind: dict[str, list[Problem]] = defaultdict(list)
    for p in report.problems:
        by_kind[p.kind].append(p)
    out: list[str] = []
    for kind, title in PROBLEM_KINDS.items():
        ps = by_kind.get(kind)
        if not ps:
            continue
        out.append(f"\n## {title} ({len(ps)})")
        for p in ps:
            out.append(f"- {p.file} {p.narrative}: {p.detail}")
            if p.evidence:
                ev = re.sub(r"\s+", " ", p.evidence)
                out.append(f"    | {ev[:300]}{'...' if len(ev) > 300 else ''}")
    counts = Counter(p.kind for p in report.problems)
    out.insert(0, "problems: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(out)
