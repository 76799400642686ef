"""Tables the quality gate builds in Python before Great Expectations checks them.

Most suites hand GX the rows of a SQL query (``query:`` in expectations/*.yml). A few checks are
about the run as a whole rather than about rows, so their frame is built here (``frame:`` in the
YAML names one of the functions in ``FRAMES``):

* ``quarantine_shares``: per staging table, how many rows are kept and how many the pipeline
  could not use (quarantined by an expectation; for narratives also the parse rejects).
* ``tier_counts_vs_reference``: per complete report year and tier, the number of countries in
  the build next to a reference panel's count (Kelley's by default), with the allowed difference.
* ``mart_suites``: every mart table of the build, and whether a suite checks it.

"Complete" report years (``complete_years``): a report year is built complete when

1. its index page is stored (``raw.documents``, kind ``index``, with a body in the raw store);
2. every narrative page that index links to (re-read from the stored index, with no
   ``--countries`` filter) has a stored body and was parsed by the current parser;
3. nothing on those pages was rejected (no ``parse`` reject and no quarantined narrative whose
   input is one of the pages); and
4. on one-country pages (2013 on) the page's country has its narrative for that year.

So a year fetched with ``--countries``, a year with a 404 or a failed page, a ``dir:`` source (no
index) or a year with a rejected narrative is not complete, and its tier counts are not compared:
the report says which years were compared and why the others were not.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from tip.core.errors import UserError

TIERS = ("1", "2", "2WL", "3", "SPECIAL")


@dataclass
class FrameContext:
    """What a frame builder may read."""

    con: duckdb.DuckDBPyConnection            # the connection the suite validates (work store or build)
    params: dict                              # the suite's params, overrides applied
    work_con: duckdb.DuckDBPyConnection | None = None   # the writer's working store (raw.documents, parsed_documents)
    raw_dir: Path | None = None               # the raw store (stored index pages)
    suites: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# quarantine

STAGING_TABLES = ("staging.narratives", "staging.measures", "staging.partners", "staging.recommendations", "staging.agreements")


def quarantine_shares(ctx: FrameContext) -> pd.DataFrame:
    con = ctx.con
    rows = []
    for table in STAGING_TABLES:
        kept = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        by = con.execute(
            "SELECT expectation, count(*) FROM staging.rejects WHERE stage = 'validate' AND starts_with(reason, ?) "
            "GROUP BY ALL ORDER BY 2 DESC, 1",
            [f"quarantined from {table}:"],
        ).fetchall()
        lost = sum(n for _, n in by)
        reasons = [f"{n} by '{name}'" for name, n in by]
        if table == "staging.narratives":
            parse_rejects = con.execute("SELECT count(*) FROM staging.rejects WHERE stage = 'parse'").fetchone()[0]
            if parse_rejects:
                reasons.append(f"{parse_rejects} rejected by the parser")
            lost += parse_rejects
        total = kept + lost
        rows.append({"table": table, "kept": kept, "rejected": lost, "share": (lost / total) if total else 0.0,
                     "why_rejected": "; ".join(reasons) if reasons else None})
    return pd.DataFrame(rows, columns=["table", "kept", "rejected", "share", "why_rejected"])


# ------------------------------------------------------------------------------------------------
# reference panel

_TIER_WORDS = {
    "1": "1", "tier1": "1", "tieri": "1", "t1": "1",
    "2": "2", "tier2": "2", "tierii": "2", "t2": "2",
    "2wl": "2WL", "2w": "2WL", "2.5": "2WL", "wl": "2WL", "watchlist": "2WL", "tier2watchlist": "2WL",
    "t2wl": "2WL", "tier2wl": "2WL", "tier2-watchlist": "2WL", "specialwatchlist": "2WL",
    "3": "3", "tier3": "3", "tieriii": "3", "t3": "3",
    "special": "SPECIAL", "specialcase": "SPECIAL", "666": "SPECIAL",
}
_MISSING = {"", "na", "nan", "none", "null", "-", "555", "."}
_YEAR_COLS = ("year", "report_year")
_TIER_COLS = ("tier", "tier_label")
_COUNT_COLS = ("num_countries", "count", "countries", "n", "n_countries")


def _tier_key(raw: str) -> str:
    s = raw.strip().lower()
    if re.fullmatch(r"\d+(?:\.0+)?", s):
        s = str(int(float(s)))
    elif re.fullmatch(r"\d+\.\d+", s):
        s = str(float(s))
    return re.sub(r"[\s_]+", "", s)


def load_reference(path: Path) -> pd.DataFrame:
    """A reference panel's countries per report year and tier -> DataFrame(report_year, tier, reference).

    Two shapes are read (CSV with a header row):

    * counts: columns ``year`` (or ``report_year``), ``tier`` and a count (``num_countries``,
      ``count``, ``countries`` or ``n``), e.g. Kelley's ``map_tiers_summary.csv``;
    * one row per country: ``year`` and ``tier`` (and anything else), counted per year and tier,
      e.g. Kelley's ``map_tiers.csv``.

    Tier labels: ``Tier 1``, ``1``, ``Tier 2 Watch List``, ``Watchlist``, ``2WL``, ``2.5``, ``Tier 3``,
    ``3``, ``Special Case``; missing codes (``NA``, ``555``) are skipped. Numeric files in Kelley's
    map coding (1, 2, 3 = Watch List, 4 = Tier 3: recognised by the presence of a ``4``) are
    recoded.
    """
    if not path.is_file():
        raise UserError(f"reference tier file {path}: no such file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            rows = [{(k or "").strip().lower(): (v or "") for k, v in r.items()} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"reference tier file {path}: cannot read it as CSV: {exc}") from None
    ycol = next((c for c in _YEAR_COLS if c in header), None)
    tcol = next((c for c in _TIER_COLS if c in header), None)
    ncol = next((c for c in _COUNT_COLS if c in header), None)
    if ycol is None or tcol is None:
        raise UserError(f"reference tier file {path}: needs a 'year' and a 'tier' column (found: {', '.join(header) or 'none'})")
    keys = [_tier_key(r.get(tcol, "")) for r in rows]
    map_coding = "4" in keys and "2.5" not in keys
    counts: dict[tuple[int, str], int] = {}
    for r, key in zip(rows, keys):
        if key in _MISSING:
            continue
        if map_coding and key in ("3", "4"):
            tier = "2WL" if key == "3" else "3"
        else:
            tier = _TIER_WORDS.get(key)
        if tier is None:
            raise UserError(f"reference tier file {path}: unknown tier {r.get(tcol)!r} "
                            "(expected Tier 1, Tier 2, Tier 2 Watch List / Watchlist / 2.5, Tier 3 or Special Case)")
        try:
            year = int(float(r.get(ycol, "").strip()))
        except ValueError:
            raise UserError(f"reference tier file {path}: year {r.get(ycol)!r} is not a year") from None
        if ncol is not None:
            raw_n = r.get(ncol, "").strip()
            if raw_n.lower() in _MISSING:
                continue
            try:
                n = int(float(raw_n))
            except ValueError:
                raise UserError(f"reference tier file {path}: count {raw_n!r} is not a number") from None
        else:
            n = 1
        counts[(year, tier)] = counts.get((year, tier), 0) + n
    if not counts:
        raise UserError(f"reference tier file {path}: no tier counts in it")
    return pd.DataFrame([(y, t, n) for (y, t), n in sorted(counts.items())], columns=["report_year", "tier", "reference"])


# ------------------------------------------------------------------------------------------------
# complete report years


def complete_years(work_con: duckdb.DuckDBPyConnection, raw_dir: Path | None, years: list[int]) -> dict[int, str | None]:
    """For each report year: None when it was built complete, else the reason it was not."""
    from tip.fetch import sources
    from tip.parse import PARSER_VERSION
    from tip.fetch.rawstore import RawStore

    out: dict[int, str | None] = {}
    if not years:
        return out
    store = RawStore(raw_dir) if raw_dir else None
    indexes = {r[0]: (r[1], r[2]) for r in work_con.execute(
        """SELECT report_year, url, sha256 FROM raw.documents
           WHERE kind = 'index' AND sha256 IS NOT NULL AND report_year IS NOT NULL
           QUALIFY row_number() OVER (PARTITION BY report_year ORDER BY fetched_at DESC) = 1"""
    ).fetchall()}
    latest = {r[0]: r[1] for r in work_con.execute(
        """SELECT url, sha256 FROM raw.documents WHERE kind = 'narrative'
           QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1"""
    ).fetchall()}
    parsed = {(r[0], r[1]) for r in work_con.execute(
        "SELECT url, sha256 FROM staging.parsed_documents WHERE parser_version = ?", [PARSER_VERSION]).fetchall()}
    rejected = {}
    for url, reason in work_con.execute(
        "SELECT input, any_value(reason) FROM staging.rejects WHERE stage = 'parse' OR (stage = 'validate' "
        "AND starts_with(reason, 'quarantined from staging.narratives:')) GROUP BY input"
    ).fetchall():
        rejected[url] = reason
    have = {(r[0], r[1]) for r in work_con.execute("SELECT country_iso3, report_year FROM staging.narratives").fetchall()}
    for year in years:
        if year not in indexes:
            out[year] = "no index page stored for it (a dir: source, or the index was not fetched)"
            continue
        url, sha = indexes[year]
        if store is None or not store.has(sha):
            out[year] = "its stored index page is missing from the raw store"
            continue
        html = store.get(sha).decode("utf-8", errors="replace")
        pages = sources.discover(year, url, html)
        if not pages:  # an index saved from a mirror may link pages through the mirror's own URLs
            m = re.search(r"""href\s*=\s*["']?(https?://[^/"'\s]+)/[\w.-]+\.state\.gov/""", html, re.I)
            if m:
                pages = sources.discover(year, url, html, mirror=m.group(1))
        if not pages:
            out[year] = "its index links no narrative page"
            continue
        missing = [p.url for p in pages if not latest.get(p.url)]
        if missing:
            out[year] = f"{len(missing)} of {len(pages)} narrative pages not fetched (first: {missing[0]})"
            continue
        unparsed = [p.url for p in pages if (p.url, latest[p.url]) not in parsed]
        if unparsed:
            out[year] = f"{len(unparsed)} of {len(pages)} narrative pages not parsed by parser {PARSER_VERSION} (first: {unparsed[0]})"
            continue
        bad = [(p.url, rejected[p.url]) for p in pages if p.url in rejected]
        if bad:
            out[year] = f"{len(bad)} page(s) with a rejected narrative (first: {bad[0][0]}: {bad[0][1]})"
            continue
        absent = [p for p in pages if p.iso3 and (p.iso3, year) not in have]
        if absent:
            out[year] = f"{len(absent)} indexed countries without a narrative (first: {absent[0].iso3} {absent[0].url})"
            continue
        out[year] = None
    return out


def tier_counts_vs_reference(ctx: FrameContext) -> pd.DataFrame:
    cols = ["report_year", "tier", "built", "reference", "allowed", "difference", "coverage", "comparable"]
    empty = pd.DataFrame(columns=cols)
    ref_path = ctx.params.get("reference_file")
    if not ref_path:
        ctx.notes.append("tier counts: no reference file configured; nothing compared")
        return empty
    path = Path(ref_path)
    if not path.is_file() and ctx.params.get("_reference_is_default"):
        ctx.notes.append(f"tier counts: the default reference {path} is not on this machine; nothing compared "
                         "(set TIP_REFERENCE_TIERS or --reference to a file of your own)")
        return empty
    ref = load_reference(path)
    built = ctx.con.execute(
        "SELECT report_year, tier, count(*) AS built FROM marts.country_year GROUP BY ALL").df()
    years = sorted(int(y) for y in built["report_year"].unique()) if len(built) else []
    ref_years = set(int(y) for y in ref["report_year"].unique())
    if ctx.work_con is None:
        ctx.notes.append("tier counts: no working store to tell complete years; nothing compared")
        return empty
    status = complete_years(ctx.work_con, ctx.raw_dir, [y for y in years if y in ref_years])
    skipped = [y for y in years if y not in ref_years]
    if skipped:
        ctx.notes.append(f"tier counts: no reference counts for {_years(skipped)}")
    for y, why in sorted(status.items()):
        if why:
            ctx.notes.append(f"tier counts: {y} not compared: {why}")
    complete = [y for y, why in status.items() if why is None]
    if not complete:
        ctx.notes.append("tier counts: no report year built complete with reference counts; nothing compared")
        return empty
    ctx.notes.append(f"tier counts: report years built complete, with reference counts: {_years(complete)} (reference: {path})")
    abs_tol = int(ctx.params.get("tolerance_count", 3))
    rel_tol = float(ctx.params.get("tolerance_share", 0.10))
    min_cov = float(ctx.params.get("min_coverage", 0.5))
    rows = []
    for y in sorted(complete):
        r = ref[ref["report_year"] == y]
        b = built[built["report_year"] == y]
        b_tiers = dict(zip(b["tier"], b["built"]))
        ref_total = int(r["reference"].sum())
        built_total = int(sum(v for t, v in b_tiers.items() if t in set(r["tier"])))
        coverage = built_total / ref_total if ref_total else 1.0
        comparable = coverage >= min_cov
        if not comparable:
            ctx.notes.append(f"tier counts: {y} not comparable: the build has {built_total} countries in the reference's tiers, "
                             f"the reference {ref_total} (coverage {coverage:.0%} < {min_cov:.0%})")
        for tier, n in zip(r["tier"], r["reference"]):
            got = int(b_tiers.get(tier, 0))
            allowed = max(abs_tol, math.ceil(rel_tol * int(n)))
            rows.append({"report_year": y, "tier": tier, "built": got, "reference": int(n), "allowed": allowed,
                         "difference": abs(got - int(n)) if comparable else None, "coverage": round(coverage, 3),
                         "comparable": comparable})
    df = pd.DataFrame(rows, columns=cols)
    df["difference"] = df["difference"].astype("float64")
    return df


def _years(ys: list[int]) -> str:
    ys = sorted(set(ys))
    parts, start, prev = [], None, None
    for y in ys + [None]:
        if start is None:
            start = prev = y
            continue
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = y
    return ", ".join(parts)


# ------------------------------------------------------------------------------------------------
# every mart has a suite


def mart_suites(ctx: FrameContext) -> pd.DataFrame:
    tables = [r[0] for r in ctx.con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND database_name = current_database() ORDER BY 1").fetchall()]
    covered = {s["table"] for s in ctx.suites if not s.get("frame")}  # whole-run checks do not count
    rows = [{"table": t, "has_suite": t in covered} for t in tables if t != "marts.validation_runs"]
    return pd.DataFrame(rows, columns=["table", "has_suite"])


FRAMES: dict[str, Callable[[FrameContext], pd.DataFrame]] = {
    "quarantine_shares": quarantine_shares,
    "tier_counts_vs_reference": tier_counts_vs_reference,
    "mart_suites": mart_suites,
}
