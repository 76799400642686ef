"""`tip site`: a static explorer of the published panel, written from its marts (read-only).

Pages (jinja2 templates beside this file, static/ copied as is):

* ``index.html``: a world map of tier placements for a chosen report year (year control), the
  counts per tier and per region for that year, and the placements as a text list;
* ``tiers.html``: the tier-by-year heat table per country grouped by region, and law-enforcement
  counts over time per region (what the former ``tip report`` page showed);
* ``countries/<ISO3>.html``: one page per country of the panel: the placement strip 2001-latest,
  the figures per year (marts.country_year) each with its evidence sentence and source link, the
  partner-country flows and the recommendations by year;
* ``search.html``: full-text search of the narratives that runs in the browser from a prebuilt,
  sharded index (``data/ix-*.js``) and the narratives' text (``data/text-*.js``), loaded on demand;
* ``build.html``: the build the site came from (date, parser version, validation verdict, the
  expectations, and the year coverage when the panel has a ``marts.year_coverage`` table).

No server and no network: every script, style and shape ships with the site, data files are
``<script>`` files (which load from ``file://``, where fetch() does not), and the lazily loaded
shards are gzip + base64 (decompressed with the browser's DecompressionStream). The country
shapes are pygal_maps_world's SVG (ISO 3166-1 alpha-2 classes), inlined into the index page.
The same panel gives the same bytes.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tip.core.db import connect_published
from tip.core.errors import UserError
from tip.core.regions import REGION_NAMES

HERE = Path(__file__).resolve().parent
FIRST_YEAR = 2001

# Okabe-Ito colours (safe for the common colour-vision deficiencies); always shown with a label.
TIERS = [
    ("1", "Tier 1", "T1", "#0072B2", "#fff"),
    ("2", "Tier 2", "T2", "#56B4E9", "#000"),
    ("2WL", "Tier 2 Watch List", "2WL", "#E69F00", "#000"),
    ("3", "Tier 3", "T3", "#D55E00", "#fff"),
    ("SPECIAL", "Special case", "SC", "#6b6b6b", "#fff"),
]
TIER = {t[0]: {"code": t[0], "label": t[1], "short": t[2], "bg": t[3], "fg": t[4],
               "css": "t" + t[0].lower()} for t in TIERS}
NOT_RATED = {"code": None, "label": "not rated", "short": "–", "bg": "#f2f2f2", "fg": "#555", "css": "tnr"}
MEASURE_LABELS = {
    "investigations": "Investigations", "prosecutions": "Prosecutions", "convictions": "Convictions",
    "victims_identified": "Victims identified", "potential_victims_identified": "Potential victims identified",
    "arrests": "Arrests", "sentence_min_years": "Shortest sentence (years)",
    "sentence_max_years": "Longest sentence (years)", "sentence_years": "Sentence (years)",
}
REGION_MEASURES = [("prosecutions", "Prosecutions", "n_reporting_prosecutions"),
                   ("convictions", "Convictions", "n_reporting_convictions"),
                   ("victims_identified", "Victims identified", "n_reporting_victims_identified"),
                   ("investigations", "Investigations", "n_reporting_investigations")]
REGION_COLOR = {"AF": "#0072B2", "EAP": "#E69F00", "EUR": "#009E73", "NEA": "#CC79A7", "SCA": "#D55E00",
                "WHA": "#56B4E9", None: "#666666"}
REGION_DASH = {"AF": "", "EAP": "6 3", "EUR": "2 2", "NEA": "8 3 2 3", "SCA": "1 3", "WHA": "10 4", None: "3 6"}
ISO2_EXTRA = {"XKX": "xk", "ANT": "an", "SCG": "cs", "YUG": "yu"}


@dataclass
class SiteResult:
    out: Path
    pages: int
    bytes: int
    first_page_bytes: int
    seconds: float


def tier_of(code):
    return TIER.get(code, NOT_RATED) if code else NOT_RATED


def _rows(con, sql, params=None):
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _has_table(con, schema, table) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0])


def _num(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{int(x):,}"


def _iso2(iso3: str) -> str | None:
    if iso3 in ISO2_EXTRA:
        return ISO2_EXTRA[iso3]
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2.lower() if c else None


def world_svg() -> str:
    """pygal_maps_world's world map, each country's <g> tagged with its alpha-2 code."""
    svg = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    svg = re.sub(r">\s+<", "><", svg.strip())
    svg = re.sub(r'<g class="([a-z]{2}) country map-element">', r'<g class="c" data-iso2="\1">', svg)
    svg = svg.replace('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 2475 1388">',
                      '<svg viewBox="0 0 2475 1388" id="worldmap" role="img" aria-labelledby="map-caption">')
    return svg


def _stopwords(con) -> list[str]:
    """The index's stop words, from the panel's own search.stopwords() macro (one list, not two)."""
    try:
        return sorted(con.execute("SELECT search.stopwords()").fetchone()[0])
    except Exception:
        return []


def _pack(name: str, obj) -> str:
    """A lazily loaded data file: gzip(JSON) as base64 inside a script that hands it to TIP.put."""
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    b64 = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")
    return f'TIP.put({json.dumps(name)},"{b64}");\n'


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = digits[r] + s
        if n == 0:
            return s


def _shard(word: str) -> str:
    c = word[:1]
    return c if re.fullmatch(r"[a-z0-9]", c) else "_"


def _line_chart(title: str, years: list[int], series: dict, width: int = 520, height: int = 220) -> str:
    """series: {region: {year: value}} -> inline SVG, one line (colour and dash) per region."""
    import html

    ml, mr, mt, mb = 56, 12, 10, 28
    vals = [v for s in series.values() for v in s.values() if v is not None]
    top = max(vals) if vals else 0
    top = top if top > 0 else 1
    span = (years[-1] - years[0]) or 1

    def x(y):
        return ml + (width - ml - mr) / 2 if len(years) == 1 else ml + (y - years[0]) / span * (width - ml - mr)

    def yy(v):
        return mt + (1 - v / top) * (height - mt - mb)

    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" '
             f'aria-label="{html.escape(title)} per region and report year (the numbers are in the table below)">']
    for i in range(5):
        v = top * i / 4
        parts.append(f'<line x1="{ml}" x2="{width - mr}" y1="{yy(v):.1f}" y2="{yy(v):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{ml - 4}" y="{yy(v) + 4:.1f}" font-size="10" text-anchor="end">{_num(v)}</text>')
    step = max(1, len(years) // 8)
    for y in years[::step]:
        parts.append(f'<text x="{x(y):.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{y}</text>')
    for region, pts in series.items():
        color, dash = REGION_COLOR.get(region, "#666"), REGION_DASH.get(region, "")
        coords = [(x(y), yy(v), y, v) for y, v in sorted(pts.items()) if v is not None]
        runs: list[list] = []
        for c in coords:
            if runs and c[2] == runs[-1][-1][2] + 1:
                runs[-1].append(c)
            else:
                runs.append([c])
        for run in runs:
            if len(run) > 1:
                pts_s = " ".join(f"{a:.1f},{b:.1f}" for a, b, _, _ in run)
                parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                             f'stroke-dasharray="{dash}" points="{pts_s}"/>')
        for a, b, y, v in coords:
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{color}"><title>'
                         f'{html.escape(region or "no region")} {y}: {_num(v)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


class Writer:
    def __init__(self, out: Path):
        self.out, self.files = out, 0

    def write(self, rel: str, text: str) -> None:
        p = self.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        self.files += 1


def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = _num
    env.globals.update(TIERS=[TIER[t[0]] for t in TIERS], NOT_RATED=NOT_RATED, tier_of=tier_of,
                       REGION_NAMES=REGION_NAMES, MEASURE_LABELS=MEASURE_LABELS)
    return env


def default_out(db: Path) -> Path:
    return db.parent / f"{db.stem}-site"


def build(db: Path, out: Path | None = None, reference_csv: Path | None = None) -> SiteResult:
    """Write the site for the panel at ``db`` into ``out`` (replaced whole, atomically by rename).
    ``reference_csv``: also compare marts.global_year with the report's own global table (tiers.html)."""
    t0 = time.perf_counter()
    db = Path(db)
    out = Path(out) if out else default_out(db)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: is a file; give a folder for the site")
    con = connect_published(db)
    try:
        data = _read(con)
        data["comparison"] = None
        if reference_csv is not None:
            from tip.quality.reference import compare

            data["comparison"] = [c for c in compare(con, Path(reference_csv)) if c.report_value is not None]
    finally:
        con.close()
    tmp = out.with_name(f".{out.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        w = Writer(tmp)
        _write_site(w, data, db)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    first = sum((out / p).stat().st_size for p in ("index.html", "assets/site.css", "assets/site.js", "data/years.js"))
    return SiteResult(out, w.files, total, first, time.perf_counter() - t0)


def _read(con) -> dict:
    d: dict = {}
    info = _rows(con, "SELECT * FROM meta.build_info")
    d["build"] = info[0] if info else {}
    run_id = d["build"].get("run_id")
    d["validation"] = _rows(con, "SELECT suite, expectation, severity, success, unexpected_count, detail "
                                 "FROM marts.validation_runs WHERE run_id = ? OR ? IS NULL "
                                 "ORDER BY success, severity, suite, expectation", [run_id, run_id])
    d["coverage"] = None
    if _has_table(con, "marts", "year_coverage"):
        cur = con.execute("SELECT * FROM marts.year_coverage ORDER BY 1")
        d["coverage"] = {"columns": [c[0] for c in cur.description], "rows": cur.fetchall()}
    d["global"] = _rows(con, "SELECT * FROM marts.global_year ORDER BY report_year")
    d["region_year"] = _rows(con, "SELECT * FROM marts.region_year ORDER BY report_year, region NULLS LAST")
    d["countries"] = _rows(con, "SELECT * FROM marts.countries ORDER BY country, country_iso3")
    d["history"] = _rows(con, "SELECT country_iso3, country, region, report_year, status, tier, run_years "
                              "FROM marts.tier_history ORDER BY country_iso3, report_year")
    d["cy"] = _rows(con, "SELECT * FROM marts.country_year ORDER BY country_iso3, report_year")
    d["measures"] = _rows(con, "SELECT narrative_id, measure, subtype, value, value_text, unit, qualifier, period_label, "
                               "data_year, is_prior_period, country_year_columns, evidence, source_url "
                               "FROM marts.measures ORDER BY narrative_id, measure_id")
    d["flows"] = _rows(con, "SELECT report_year, reported_by_iso3, direction, origin_iso3, origin_country, "
                            "destination_iso3, destination_country, partner_as_printed, n_mentions, evidence, source_url "
                            "FROM marts.flows ORDER BY reported_by_iso3, report_year, evidence_start, "
                            "origin_iso3, destination_iso3")
    d["recs"] = _rows(con, "SELECT country_iso3, report_year, position, recommendation, source_url "
                           "FROM marts.recommendations ORDER BY country_iso3, report_year, position")
    d["search"] = None
    if _has_table(con, "search", "postings"):
        d["search"] = {
            "docs": con.execute("SELECT docid, narrative_id, country_iso3, country, report_year, len "
                                "FROM search.docs ORDER BY docid").fetchall(),
            "stats": con.execute("SELECT num_docs, avgdl FROM search.stats").fetchone(),
            "stop": _stopwords(con),
            "lexicon": con.execute("SELECT word, term FROM search.lexicon ORDER BY word").fetchall(),
            "postings": con.execute("SELECT term, docid, tf FROM search.postings ORDER BY term, docid").fetchall(),
            "text": con.execute("SELECT n.narrative_id, n.report_year, n.text FROM staging.narratives n "
                                "JOIN search.docs d USING (narrative_id) ORDER BY d.docid").fetchall()
            if _has_table(con, "staging", "narratives") else [],
        }
    return d


def _validation_verdict(rows) -> dict:
    crit = [r for r in rows if r["severity"] == "critical" and not r["success"]]
    warn = [r for r in rows if r["severity"] != "critical" and not r["success"]]
    if not rows:
        text = "no validation recorded in this panel"
    elif crit:
        text = f"failed: {len(crit)} critical expectation(s) broken"
    else:
        text = f"passed ({len(warn)} warning{'s' if len(warn) != 1 else ''})" if warn else "passed"
    return {"text": text, "checked": len(rows), "critical_failed": len(crit), "warnings": len(warn)}


def _write_site(w: Writer, d: dict, db: Path) -> None:
    env = _env()
    years = [g["report_year"] for g in d["global"]]
    latest = years[-1] if years else FIRST_YEAR
    strip_years = list(range(min([FIRST_YEAR] + years), latest + 1))
    in_panel = {c["country_iso3"]: c for c in d["countries"] if c["in_panel"]}
    verdict = _validation_verdict(d["validation"])
    build = dict(d["build"], verdict=verdict["text"], db_name=db.name, years=years,
                 n_countries=len(in_panel))
    common = {"build": build, "years": years, "latest": latest}

    # static assets
    for f in sorted((HERE / "static").iterdir()):
        w.write(f"assets/{f.name}", f.read_text(encoding="utf-8"))

    # placements per year, for the map (iso3 -> tier) and the per-year counts
    by_year: dict[int, dict[str, str]] = defaultdict(dict)
    hist: dict[str, dict[int, dict]] = defaultdict(dict)
    for h in d["history"]:
        hist[h["country_iso3"]][h["report_year"]] = h
        if h["tier"]:
            by_year[h["report_year"]][h["country_iso3"]] = h["tier"]
    countries_js = {iso: [c["country"], c["region"] or "", _iso2(iso) or ""] for iso, c in in_panel.items()}
    years_js = {
        "years": years, "latest": latest,
        "tiers": [[t["code"], t["label"], t["short"], t["css"]] for t in (TIER[x[0]] for x in TIERS)],
        "regions": REGION_NAMES,
        "countries": countries_js,
        "placements": {str(y): by_year.get(y, {}) for y in years},
    }
    w.write("data/years.js", "TIP.years=" + json.dumps(years_js, ensure_ascii=False, separators=(",", ":"),
                                                         sort_keys=True) + ";\n")

    # index: the map for the latest year (the script redraws it for another year)
    counts = _year_counts(latest, by_year, in_panel)
    w.write("index.html", env.get_template("index.html").render(
        root="", page="map", svg=world_svg(), counts=counts, year=latest,
        placements=_placements_list(latest, by_year, in_panel), **common))

    # tiers over time (the former `tip report` page)
    regions = sorted({c["region"] for c in in_panel.values()}, key=lambda r: (r is None, r or ""))
    heat = []
    for region in regions:
        rows = []
        for iso, c in sorted(((i, c) for i, c in in_panel.items() if c["region"] == region),
                             key=lambda kv: (kv[1]["country"], kv[0])):
            rows.append({"iso": iso, "name": c["country"],
                         "cells": [(y, tier_of((hist[iso].get(y) or {}).get("tier"))) for y in years]})
        heat.append({"region": region, "name": REGION_NAMES.get(region, "No region") if region else "No region",
                     "rows": rows})
    charts = []
    for col, label, cover in REGION_MEASURES:
        series = {r: {x["report_year"]: x[col] for x in d["region_year"] if x["region"] == r} for r in regions}
        table = []
        for r in regions:
            cells = []
            for y in years:
                row = next((x for x in d["region_year"] if x["region"] == r and x["report_year"] == y), None)
                cells.append(None if row is None else {"value": row[col], "n": row[cover], "of": row["n_countries"]})
            table.append({"region": r, "cells": cells})
        charts.append({"label": label, "svg": _line_chart(label, years or [0], series), "table": table})
    w.write("tiers.html", env.get_template("tiers.html").render(
        root="", page="tiers", heat=heat, comparison=d["comparison"], charts=charts, glob=d["global"], regions=regions,
        REGION_COLOR=REGION_COLOR, REGION_DASH=REGION_DASH, **common))

    # country pages
    cy_by = defaultdict(dict)
    for r in d["cy"]:
        cy_by[r["country_iso3"]][r["report_year"]] = r
    meas_by = defaultdict(list)
    for m in d["measures"]:
        meas_by[m["narrative_id"]].append(m)
    flows_by = defaultdict(lambda: defaultdict(list))
    for f in d["flows"]:
        flows_by[f["reported_by_iso3"]][f["report_year"]].append(f)
    recs_by = defaultdict(lambda: defaultdict(list))
    for r in d["recs"]:
        recs_by[r["country_iso3"]][r["report_year"]].append(r)
    tpl = env.get_template("country.html")
    for iso, c in in_panel.items():
        strip = []
        for y in strip_years:
            h = hist[iso].get(y)
            if y not in years:
                strip.append({"year": y, "tier": NOT_RATED, "note": "not in this panel"})
            else:
                strip.append({"year": y, "tier": tier_of(h and h["tier"]),
                              "note": "" if h and h["tier"] else "not rated"})
        yrs = []
        for y in sorted(cy_by[iso], reverse=True):
            row = cy_by[iso][y]
            figures = [m for m in meas_by[row["narrative_id"]] if m["country_year_columns"]]
            other = [m for m in meas_by[row["narrative_id"]] if not m["country_year_columns"]]
            groups: dict[str, dict] = {}
            for f in flows_by[iso].get(y, []):
                g = groups.setdefault(f["evidence"] or "", {"evidence": f["evidence"], "parts": [],
                                                            "source_url": f["source_url"]})
                partner = (f["origin_iso3"], f["origin_country"]) if f["direction"] == "origin" else \
                    (f["destination_iso3"], f["destination_country"])
                g["parts"].append({"direction": f["direction"], "iso": partner[0], "name": partner[1],
                                   "link": partner[0] in in_panel and partner[0] != iso})
            yrs.append({"year": y, "row": row, "tier": tier_of(row["tier"]), "figures": figures, "other": other,
                        "flows": list(groups.values()), "recs": recs_by[iso].get(y, [])})
        w.write(f"countries/{iso}.html", tpl.render(
            root="../", page="country", c=c, iso=iso, strip=strip, yrs=yrs,
            region_name=REGION_NAMES.get(c["region"], "No region") if c["region"] else "No region", **common))
    regions_list = [{"region": r, "name": REGION_NAMES.get(r, "No region") if r else "No region",
                     "countries": sorted([(i, c["country"]) for i, c in in_panel.items() if c["region"] == r],
                                         key=lambda x: x[1])} for r in regions]
    w.write("countries/index.html", env.get_template("countries.html").render(
        root="../", page="countries", regions_list=regions_list, **common))

    # search
    if d["search"]:
        _write_search(w, d["search"])
    w.write("search.html", env.get_template("search.html").render(
        root="", page="search", has_search=bool(d["search"] and d["search"]["text"]), **common))

    # build
    w.write("build.html", env.get_template("build.html").render(
        root="", page="build", validation=d["validation"], verdict=verdict, coverage=d["coverage"], **common))


def _year_counts(year, by_year, in_panel) -> dict:
    placed = by_year.get(year, {})
    tiers = {t[0]: 0 for t in TIERS}
    regions: dict = defaultdict(lambda: {t[0]: 0 for t in TIERS})
    for iso, t in placed.items():
        tiers[t] = tiers.get(t, 0) + 1
        regions[in_panel.get(iso, {}).get("region")][t] += 1
    order = sorted(regions, key=lambda r: (r is None, r or ""))
    return {"tiers": tiers, "total": len(placed),
            "regions": [{"region": r, "name": REGION_NAMES.get(r, "No region") if r else "No region",
                         "counts": regions[r], "total": sum(regions[r].values())} for r in order]}


def _placements_list(year, by_year, in_panel) -> list:
    placed = by_year.get(year, {})
    out = []
    for t in TIERS:
        names = sorted((in_panel[i]["country"], i) for i, tt in placed.items() if tt == t[0] and i in in_panel)
        out.append({"tier": TIER[t[0]], "countries": names})
    return out


def _write_search(w: Writer, s: dict) -> None:
    """Shards: data/ix-<c>.js (lexicon words and postings of terms starting with c), data/text-<year>.js."""
    docs = s["docs"]
    num_docs, avgdl = s["stats"] or (len(docs), 1.0)
    meta = {"docs": [[d[1], d[2], d[3], d[4], d[5]] for d in docs], "ids": [d[0] for d in docs],
            "N": num_docs, "avgdl": avgdl, "stop": s["stop"],
            "years": sorted({d[4] for d in docs})}
    pos = {d[0]: i for i, d in enumerate(docs)}  # docid -> position in meta.docs
    shards: dict[str, dict] = defaultdict(lambda: {"w": {}, "p": {}})
    for word, term in s["lexicon"]:
        shards[_shard(word)]["w"][word] = term if term != word else 1
    plist: dict[str, list] = defaultdict(list)
    for term, docid, tf in s["postings"]:
        if docid in pos:
            plist[term].append((pos[docid], tf))
    for term, items in plist.items():
        items.sort()
        prev, enc = 0, []
        for p, tf in items:
            enc.append(_b36(p - prev) + ("" if tf == 1 else ":" + _b36(tf)))
            prev = p
        shards[_shard(term)]["p"][term] = ",".join(enc)
    meta["shards"] = sorted(shards)
    w.write("data/search.js", "TIP.searchMeta=" + json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + ";\n")
    for key in sorted(shards):
        w.write(f"data/ix-{key}.js", _pack(f"ix-{key}", shards[key]))
    texts: dict[int, dict] = defaultdict(dict)
    for nid, year, text in s["text"]:
        texts[year][nid] = text
    for year in sorted(texts):
        w.write(f"data/text-{year}.js", _pack(f"text-{year}", texts[year]))
