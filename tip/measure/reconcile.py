"""Compare the panel's tiers with a reference panel (Kelley, map_tiers, sure2018, or your own).

A reference is a CSV or Stata (.dta) file, long (one row per country and year) or wide
(``tier2002 .. tier2017``). The Watch List is coded differently by each source, so the coding is
named explicitly:

========  ========================================================================================
coding    values
========  ========================================================================================
``2.5``   Kelley / Kelley & Simmons: 1, 2, 2.5 (= Watch List), 3; 555 = not in the report;
          666 = Special Case (``criminalization-cho-tiers_jk_2015-08-10.dta``, ``tierupdated``)
``3-of-4`` map_tiers.csv / the State Department's own numbering: 1, 2, 3 (= Watch List), 4 (= Tier 3)
``2w``    sure2018 (``country_summary_data.csv``): 1, 2, ``2w`` (= Watch List), 3; ``-`` / NA missing
========  ========================================================================================

Written labels ("Tier 1", "Watchlist", "Tier 2 Watch List", "Special Case") are read the same way
under every coding. Countries are resolved with :func:`tip.core.countries.to_iso3` (an ISO3 column
wins when it holds valid codes; Kosovo's "KOS" is XKX), then with the reference panels' own
abbreviations (``REFERENCE_NAMES``); a name that still does not resolve is reported, never
guessed. Years may be printed ``2001``, ``2001.0``, ``2e3`` or as a Stata date.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tip.core.countries import is_valid_iso3, to_iso3
from tip.core.errors import UserError

CODINGS = ("2.5", "3-of-4", "2w")
NOT_IN_REPORT = "not in report"
TIER_ORDER = {"1": 0, "2": 1, "2WL": 2, "3": 3, "SPECIAL": 4}

# Tier columns to look for, best first, per coding (matched case-insensitively).
TIER_COLUMNS = {
    "2.5": ("tierupdated", "tier", "kelley_tier"),
    "3-of-4": ("dos_tier", "tier"),
    "2w": ("tier",),
}
YEAR_COLUMNS = ("year", "report_year", "yr")
ISO_COLUMNS = ("iso3", "iso", "iso_code", "iso3c", "country code", "country_code", "countrycode", "country_iso3")
NAME_COLUMNS = ("countryname", "country_name", "country", "name", "country.y", "country.x", "country_as_printed")
_WIDE = re.compile(r"^tier[_ .]?((?:19|20)\d{2})$", re.I)

# Spellings of the reference panels themselves that no gazetteer knows (Kelley's compressed
# names, sure2018's, map_tiers'). Keys are matched exactly after stripping.
REFERENCE_NAMES: dict[str, str] = {
    "DomRep": "DOM", "Trin&Tobago": "TTO", "St.Vincent": "VCT", "Surinam": "SUR", "CzechRep": "CZE",
    "SlovakRep": "SVK", "BosniaandHerz": "BIH", "SaoT&P": "STP", "EqGuinea": "GNQ", "CentralAfRep": "CAF",
    "Congo (Brazzaville; Rep)": "COG", "Congo, DemRep (Zaire)": "COD", "YemenAR": "YEM", "UArabEmir": "ARE",
    "KyrgyzRep": "KGZ", "PapuaNG": "PNG", "SolomanIs": "SLB", "MarshallIs": "MHL", "Madagasgar": "MDG",
    "Macedonia, the former Yugoslav Republic of": "MKD", "KOS": "XKX",
}
_MISSING = {"", "na", "n/a", "nan", "none", "null", "-", ".", "--"}


@dataclass(frozen=True)
class RefRow:
    iso3: str
    year: int
    tier: str           # '1' | '2' | '2WL' | '3' | 'SPECIAL' | NOT_IN_REPORT
    raw: str            # the value as printed in the reference
    name: str           # the country as printed in the reference


@dataclass
class Reference:
    path: str
    coding: str
    layout: str                                   # 'long' | 'wide'
    columns: dict[str, str]                       # role -> column used
    rows: list[RefRow] = field(default_factory=list)
    unresolved: Counter = field(default_factory=Counter)        # name -> rows with a tier
    invalid: Counter = field(default_factory=Counter)           # raw tier value -> rows
    bad_years: int = 0
    empty: int = 0
    conflicts: list[tuple[str, int, list[RefRow]]] = field(default_factory=list)

    def table(self) -> dict[tuple[str, int], RefRow]:
        """One row per country-year; conflicting duplicates are left out (listed in ``conflicts``)."""
        groups: dict[tuple[str, int], list[RefRow]] = defaultdict(list)
        for r in self.rows:
            groups[(r.iso3, r.year)].append(r)
        out: dict[tuple[str, int], RefRow] = {}
        self.conflicts = []
        for key, rs in groups.items():
            tiers = {r.tier for r in rs}
            if len(tiers) == 1:
                out[key] = rs[0]
            else:
                with_tier = [r for r in rs if r.tier != NOT_IN_REPORT]
                if len({r.tier for r in with_tier}) == 1:
                    out[key] = with_tier[0]   # one row says "not in report", the others agree
                else:
                    self.conflicts.append((key[0], key[1], rs))
        return out


# ------------------------------------------------------------------------------------------------
def parse_tier(raw, coding: str) -> str | None:
    """A reference value -> tier code, NOT_IN_REPORT, or None when empty. ValueError when unknown."""
    if raw is None:
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    s = str(raw).strip()
    if s.lower() in _MISSING:
        return None
    low = re.sub(r"\s+", " ", s.lower())
    if re.search(r"[a-z]", low):
        if low in ("2w", "2wl", "2 wl"):
            return "2WL"
        if "special" in low:
            return "SPECIAL"
        if "watch" in low:
            return "2WL"
        if "not in" in low:
            return NOT_IN_REPORT
        m = re.fullmatch(r"tier ?([123])", low)
        if m:
            return m.group(1)
        raise ValueError(s)
    try:
        v = float(s)
    except ValueError:
        raise ValueError(s) from None
    if v == 555:
        return NOT_IN_REPORT
    if v == 666:
        return "SPECIAL"
    table = {
        "2.5": {1.0: "1", 2.0: "2", 2.5: "2WL", 3.0: "3"},
        "3-of-4": {1.0: "1", 2.0: "2", 3.0: "2WL", 4.0: "3"},
        "2w": {1.0: "1", 2.0: "2", 3.0: "3"},
    }[coding]
    if v in table:
        return table[v]
    raise ValueError(s)


def parse_year(raw) -> int | None:
    if raw is None:
        return None
    if hasattr(raw, "year") and not isinstance(raw, (int, float, str)):
        try:
            return int(raw.year)
        except (TypeError, ValueError):
            return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    try:
        v = float(str(raw).strip())
    except ValueError:
        return None
    if not v.is_integer() or not 1900 <= v <= 2100:
        return None
    return int(v)


def _demojibake(s: str) -> list[str]:
    out = [s]
    for enc, dec in (("latin-1", "cp1252"), ("cp1252", "utf-8"), ("latin-1", "mac_roman"), ("latin-1", "utf-8")):
        try:
            t = s.encode(enc).decode(dec)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if t not in out:
            out.append(t)
    return out


_NAME_CACHE: dict[str, str | None] = {}


def resolve_name(name: str) -> str | None:
    """ISO3 for a reference panel's country name, or None (never a guess)."""
    if name in _NAME_CACHE:
        return _NAME_CACHE[name]
    s = str(name).strip()
    iso = REFERENCE_NAMES.get(s)
    if iso is None and s.lower() not in _MISSING:
        for cand in _demojibake(s):
            for form in (cand, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cand)):
                iso = to_iso3(form) or REFERENCE_NAMES.get(form)
                if iso:
                    break
            if iso:
                break
    _NAME_CACHE[name] = iso
    return iso


def resolve_code(code) -> str | None:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    c = str(code).strip().upper()
    if c in ("KOS", "XKX", "KSV"):
        return "XKX"
    return c if len(c) == 3 and is_valid_iso3(c) else None


# ------------------------------------------------------------------------------------------------
def _load_frame(path: Path):
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix == ".dta":
            return pd.read_stata(path, convert_categoricals=False)
        if suffix in (".csv", ".txt", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            for enc in ("utf-8-sig", "cp1252"):
                try:
                    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc, sep=sep)
                except UnicodeDecodeError:
                    continue
    except FileNotFoundError:
        raise UserError(f"--reference {path}: no such file") from None
    except Exception as exc:  # pandas' own parse errors: one line, not a traceback
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(f"--reference {path}: cannot read it as {'Stata' if suffix == '.dta' else 'CSV'}: {first}") from None
    raise UserError(f"--reference {path}: expected a .csv or Stata .dta file")


def _find(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    low = {c.strip().lower(): c for c in columns}
    for w in wanted:
        if w in low:
            return low[w]
    return None


def read_reference(path: str | Path, coding: str, tier_column: str | None = None) -> Reference:
    if coding not in CODINGS:
        raise UserError(f"--coding {coding!r}: expected one of {', '.join(CODINGS)}")
    path = Path(path)
    if not path.exists():
        raise UserError(f"--reference {path}: no such file")
    if path.is_dir():
        raise UserError(f"--reference {path}: is a folder, not a CSV or .dta file")
    df = _load_frame(path)
    cols = [str(c) for c in df.columns]
    df.columns = cols
    wide = {c: int(m.group(1)) for c in cols if (m := _WIDE.match(c.strip()))}
    iso_col = _find(cols, ISO_COLUMNS)
    name_cols = [c for w in NAME_COLUMNS for c in cols if c.strip().lower() == w]
    if iso_col is None and not name_cols:
        raise UserError(f"--reference {path}: no country column (looked for {', '.join(ISO_COLUMNS + NAME_COLUMNS)}; "
                        f"found {', '.join(cols[:12])})")
    if tier_column:
        if tier_column not in cols:
            raise UserError(f"--tier-column {tier_column!r}: not a column of {path} ({', '.join(cols[:12])} ...)")
        tier_col = tier_column
    else:
        tier_col = _find(cols, TIER_COLUMNS[coding])
    year_col = _find(cols, YEAR_COLUMNS)
    if tier_col and year_col:
        layout = "long"
    elif wide:
        layout = "wide"
    else:
        raise UserError(f"--reference {path}: no tier and year columns for coding {coding} "
                        f"(looked for {'/'.join(TIER_COLUMNS[coding])} with {'/'.join(YEAR_COLUMNS)}, or tierYYYY columns; "
                        f"found {', '.join(cols[:12])})")
    used = {"country_iso3": iso_col or "-", "country_names": ", ".join(name_cols) or "-"}
    if layout == "long":
        used.update(year=year_col, tier=tier_col)
    else:
        used.update(tier=f"{min(wide.values())}..{max(wide.values())} ({len(wide)} tierYYYY columns)")
    ref = Reference(path=str(path), coding=coding, layout=layout, columns=used)

    records = df.to_dict("records")
    for rec in records:
        iso = resolve_code(rec.get(iso_col)) if iso_col else None
        printed = next((str(rec[c]).strip() for c in name_cols if str(rec.get(c, "")).strip().lower() not in _MISSING), None)
        if iso is None:
            for c in name_cols:
                v = rec.get(c)
                if v is None or str(v).strip().lower() in _MISSING:
                    continue
                iso = resolve_name(str(v))
                if iso:
                    break
        code = str(rec.get(iso_col, "")).strip() if iso_col else ""
        label = printed or (code if code.lower() not in _MISSING else "(no country name or code)")
        items = [(rec.get(year_col), rec.get(tier_col))] if layout == "long" else [(y, rec.get(c)) for c, y in wide.items()]
        for y_raw, t_raw in items:
            try:
                tier = parse_tier(t_raw, coding)
            except ValueError:
                ref.invalid[str(t_raw).strip()] += 1
                continue
            if tier is None:
                ref.empty += 1
                continue
            year = parse_year(y_raw)
            if year is None:
                ref.bad_years += 1
                continue
            if iso is None:
                if tier != NOT_IN_REPORT:
                    ref.unresolved[label] += 1
                continue
            ref.rows.append(RefRow(iso, year, tier, str(t_raw).strip(), label))
    if not ref.rows:
        raise UserError(f"--reference {path}: no row with a country, a year and a tier under coding {coding}")
    return ref


# ------------------------------------------------------------------------------------------------
def read_panel(db: str | Path | None) -> tuple[str, dict[tuple[str, int], str]]:
    """(path, {(iso3, report_year): tier}) from marts.country_year of the published panel."""
    import duckdb

    from tip.core.config import Paths

    path = Paths.for_db(db).db
    if not path.exists():
        raise UserError(f"--db {path}: no such panel (run `tip run` or `tip build` first)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"--db {path}: cannot open it as a DuckDB panel: {str(exc).splitlines()[0]}") from None
    try:
        rows = con.execute("SELECT country_iso3, report_year, tier FROM marts.country_year").fetchall()
    except duckdb.Error:
        raise UserError(f"--db {path}: has no marts.country_year table (not a published tip panel)") from None
    finally:
        con.close()
    return str(path), {(iso, int(y)): str(t) for iso, y, t in rows}


@dataclass
class Disagreement:
    iso3: str
    year: int
    panel: str
    reference: str
    raw: str
    name: str


@dataclass
class ReconcileReport:
    reference: Reference
    panel_path: str
    years: list[int]
    agreements: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    only_in_panel: list[tuple[str, int, str, str | None]] = field(default_factory=list)  # iso, year, tier, note
    only_in_reference: list[tuple[str, int, str, str]] = field(default_factory=list)     # iso, year, tier, name

    def as_dict(self) -> dict:
        r = self.reference
        return {
            "reference": r.path, "coding": r.coding, "layout": r.layout, "columns": r.columns,
            "panel": self.panel_path, "years": self.years, "agreements": self.agreements,
            "disagreements": [d.__dict__ for d in self.disagreements],
            "only_in_panel": [{"iso3": i, "year": y, "tier": t, "note": n} for i, y, t, n in self.only_in_panel],
            "only_in_reference": [{"iso3": i, "year": y, "tier": t, "name": n} for i, y, t, n in self.only_in_reference],
            "reference_conflicts": [{"iso3": i, "year": y, "tiers": sorted({x.tier for x in rs})} for i, y, rs in r.conflicts],
            "unresolved_names": dict(r.unresolved), "invalid_values": dict(r.invalid),
        }


def reconcile(panel: dict[tuple[str, int], str], ref: Reference, panel_path: str = "",
              years: list[int] | None = None) -> ReconcileReport:
    table = ref.table()
    ref_years = {y for _, y in table}
    panel_years = {y for _, y in panel}
    compared = sorted(ref_years & panel_years)
    if years is not None:
        compared = [y for y in compared if y in set(years)]
    report = ReconcileReport(reference=ref, panel_path=panel_path, years=compared)
    cy = set(compared)
    conflicted = {(i, y): "/".join(sorted({x.tier for x in rs}, key=lambda t: TIER_ORDER.get(t, 9)))
                  for i, y, rs in ref.conflicts}
    keys = sorted({k for k in panel if k[1] in cy} | {k for k in table if k[1] in cy}, key=lambda k: (k[0], k[1]))
    for key in keys:
        p = panel.get(key)
        r = table.get(key)
        if p is not None and r is not None and r.tier != NOT_IN_REPORT:
            if p == r.tier:
                report.agreements += 1
            else:
                report.disagreements.append(Disagreement(key[0], key[1], p, r.tier, r.raw, r.name))
        elif p is not None:
            note = ("reference: not in report" if r is not None else
                    f"reference: conflicting tiers {conflicted[key]}" if key in conflicted else None)
            report.only_in_panel.append((key[0], key[1], p, note))
        elif r is not None and r.tier != NOT_IN_REPORT:
            report.only_in_reference.append((key[0], key[1], r.tier, r.name))
    return report


def _years_text(ys: list[int]) -> str:
    if not ys:
        return "none"
    runs, start, prev = [], ys[0], ys[0]
    for y in ys[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def report_text(rep: ReconcileReport, verbose: bool = False) -> str:
    r = rep.reference
    lines = [
        f"reference: {r.path} (coding {r.coding}, {r.layout} layout; columns: "
        + ", ".join(f"{k}={v}" for k, v in r.columns.items()) + ")",
        f"  {len(r.rows)} country-years read; {r.empty} empty values; "
        f"{sum(1 for x in r.rows if x.tier == NOT_IN_REPORT)} marked not in report",
    ]
    if r.invalid:
        lines.append("  values the coding does not know (skipped): "
                     + ", ".join(f"{v!r} x{n}" for v, n in r.invalid.most_common(8)))
    if r.bad_years:
        lines.append(f"  {r.bad_years} values with an unreadable year (skipped)")
    if r.unresolved:
        lines.append(f"  country names not resolved ({sum(r.unresolved.values())} rows with a tier, not compared): "
                     + ", ".join(f"{n!r}" for n in sorted(r.unresolved)))
    if r.conflicts:
        lines.append(f"  {len(r.conflicts)} country-years the reference gives two different tiers (not compared): "
                     + ", ".join(f"{i} {y} ({'/'.join(sorted({x.tier for x in rs}))})" for i, y, rs in r.conflicts[:10]))
    lines.append(f"panel: {rep.panel_path}")
    lines.append(f"compared report years: {_years_text(rep.years)}")
    lines.append(f"agreements: {rep.agreements}  disagreements: {len(rep.disagreements)}  "
                 f"only in panel: {len(rep.only_in_panel)}  only in reference: {len(rep.only_in_reference)}")
    if rep.disagreements:
        lines.append("disagreements (country, report year, panel tier, reference tier):")
        for d in sorted(rep.disagreements, key=lambda d: (d.iso3, d.year)):
            lines.append(f"  {d.iso3} {d.year}  panel {d.panel:<7} reference {d.reference:<7} (as printed: {d.name!r} {d.raw!r})")
    if rep.only_in_panel:
        lines.append("only in panel:")
        for i, y, t, note in rep.only_in_panel:
            lines.append(f"  {i} {y}  panel {t}" + (f"  ({note})" if note else ""))
    if rep.only_in_reference:
        if verbose:
            lines.append("only in reference:")
            for i, y, t, n in rep.only_in_reference:
                lines.append(f"  {i} {y}  reference {t}  ({n!r})")
        else:
            lines.append(f"({len(rep.only_in_reference)} country-years only in the reference: --verbose lists them)")
    return "\n".join(lines)
