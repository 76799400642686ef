"""`tip report`: one static HTML page that shows the panel, read from its marts.

* tiers per report year (marts.global_year), as stacked bars;
* a tier-by-year heat table, one row per country grouped by State Department region
  (marts.tier_history, so the years a country was not rated show as such);
* law-enforcement counts over time per region (marts.region_year), as line charts with the
  numbers beneath (and how many narratives stated them);
* optionally, marts.global_year next to the report's own global table (``--reference CSV``).

The page is self-contained (inline CSS and SVG, no script, nothing fetched) and deterministic:
the same panel gives the same bytes.
"""
from __future__ import annotations

import html
from pathlib import Path

from tip.core.db import connect_published
from tip.core.regions import REGION_NAMES

TIERS = [("1", "Tier 1", "#1a9850"), ("2", "Tier 2", "#91cf60"), ("2WL", "Tier 2 Watch List", "#fdd835"),
         ("3", "Tier 3", "#d73027"), ("SPECIAL", "Special case", "#8e8e8e")]
TIER_COLOR = {t: c for t, _, c in TIERS}
REGION_COLOR = {"AF": "#1b9e77", "EAP": "#d95f02", "EUR": "#7570b3", "NEA": "#e7298a", "SCA": "#66a61e",
                "WHA": "#e6ab02", None: "#666666"}
MEASURES = [("prosecutions", "Prosecutions", "n_reporting_prosecutions"),
            ("convictions", "Convictions", "n_reporting_convictions"),
            ("victims_identified", "Victims identified", "n_reporting_victims_identified"),
            ("investigations", "Investigations", "n_reporting_investigations")]

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
p.meta{color:#555;margin-top:0} table{border-collapse:collapse;font-size:.85em}
th,td{padding:2px 6px;text-align:right;border-bottom:1px solid #eee} th{background:#fafafa}
td.name,th.name{text-align:left;white-space:nowrap}
table.heat td.t{text-align:center;min-width:2.6em;font-weight:600;color:#111;border:1px solid #fff}
table.heat td.nr{background:#f3f3f3;color:#bbb;text-align:center;border:1px solid #fff}
tr.region th{text-align:left;background:#eef;font-size:1em}
.legend span{display:inline-block;margin-right:1em;font-size:.85em}
.legend i{display:inline-block;width:1em;height:1em;vertical-align:middle;margin-right:.3em;border:1px solid #ccc}
.bar{display:flex;height:1.1em;min-width:300px} .bar div{height:100%}
.charts{display:flex;flex-wrap:wrap;gap:2em} .chart h3{font-size:1em;margin:.5em 0}
.scroll{overflow-x:auto}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _num(x) -> str:
    return "" if x is None else f"{int(x):,}"


def _legend(items) -> str:
    return '<div class="legend">' + "".join(f'<span><i style="background:{c}"></i>{_e(label)}</span>'
                                              for label, c in items) + "</div>"


def _line_chart(title: str, years: list[int], series: dict, width: int = 520, height: int = 220) -> str:
    """series: {region: {year: value}} -> inline SVG with one line per region."""
    ml, mr, mt, mb = 56, 12, 10, 28
    vals = [v for s in series.values() for v in s.values() if v is not None]
    top = max(vals) if vals else 0
    top = top if top > 0 else 1
    span = (years[-1] - years[0]) or 1

    def x(y: int) -> float:
        if len(years) == 1:
            return ml + (width - ml - mr) / 2
        return ml + (y - years[0]) / span * (width - ml - mr)

    def yy(v: float) -> float:
        return mt + (1 - v / top) * (height - mt - mb)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(title)} per region and report year">']
    for i in range(5):
        v = top * i / 4
        parts.append(f'<line x1="{ml}" x2="{width - mr}" y1="{yy(v):.1f}" y2="{yy(v):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{ml - 4}" y="{yy(v) + 4:.1f}" font-size="10" text-anchor="end">{_num(v)}</text>')
    step = max(1, len(years) // 10)
    for y in years[::step]:
        parts.append(f'<text x="{x(y):.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{y}</text>')
    for region, pts in series.items():
        color = REGION_COLOR.get(region, "#666")
        coords = [(x(y), yy(v), y, v) for y, v in sorted(pts.items()) if v is not None]
        # one line per run of consecutive report years: no line across years without a figure
        runs: list[list] = []
        for c in coords:
            if runs and c[2] == runs[-1][-1][2] + 1:
                runs[-1].append(c)
            else:
                runs.append([c])
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{a:.1f},{b:.1f}" for a, b, _, _ in run)
                parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        for a, b, y, v in coords:
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"><title>{_e(region or "no region")} '
                         f'{y}: {_num(v)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def render(db: Path, reference_csv: Path | None = None) -> str:
    con = connect_published(db)
    try:
        info = con.execute("SELECT run_id, parser_version FROM meta.build_info").fetchall()
        glob = con.execute("SELECT report_year, n_countries, n_tier_1, n_tier_2, n_tier_2wl, n_tier_3, n_special_case "
                           "FROM marts.global_year ORDER BY report_year").fetchall()
        hist = con.execute("SELECT country_iso3, country, region, report_year, tier FROM marts.tier_history "
                           "ORDER BY region NULLS LAST, country, country_iso3, report_year").fetchall()
        reg = con.execute("SELECT * FROM marts.region_year ORDER BY report_year, region NULLS LAST")
        reg_cols = [d[0] for d in reg.description]
        reg_rows = [dict(zip(reg_cols, r)) for r in reg.fetchall()]
        comparison = None
        if reference_csv is not None:
            from tip.quality.reference import compare

            comparison = compare(con, Path(reference_csv))
    finally:
        con.close()

    years = [g[0] for g in glob]
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
           '<title>TIP panel: tiers and law enforcement by year</title>', f"<style>{CSS}</style></head><body>",
           "<h1>Trafficking in Persons Reports: the panel at a glance</h1>"]
    run = info[0] if info else (None, None)
    n_countries = len({h[0] for h in hist})
    span = f"{years[0]}–{years[-1]}" if years else "no years"
    out.append(f'<p class="meta">Report years {span} ({len(years)} years), {n_countries} countries and territories. '
               f'Build {_e(run[0])}, parser {_e(run[1])}. Generated by <code>tip report</code> from the marts of '
               f'<code>{_e(db.name)}</code>.</p>')

    # 1. tiers per year
    out.append("<h2>Tier placements per report year</h2>")
    out.append(_legend([(label, c) for _, label, c in TIERS]))
    out.append('<table><tr><th class="name">report year</th><th>countries</th><th>T1</th><th>T2</th><th>T2WL</th>'
               '<th>T3</th><th>special</th><th class="name">share</th></tr>')
    for y, n, t1, t2, wl, t3, sp in glob:
        bar = "".join(f'<div style="width:{100 * k / n:.2f}%;background:{TIER_COLOR[t]}" title="{label}: {k}"></div>'
                      for (t, label, _), k in zip(TIERS, (t1, t2, wl, t3, sp)) if n and k)
        out.append(f'<tr><td class="name">{y}</td><td>{n}</td><td>{t1}</td><td>{t2}</td><td>{wl}</td><td>{t3}</td>'
                   f'<td>{sp}</td><td class="name"><div class="bar">{bar}</div></td></tr>')
    out.append("</table>")

    # 2. heat table
    out.append("<h2>Tier by year, per country</h2>")
    out.append(_legend([(label, c) for _, label, c in TIERS] + [("not rated that year", "#f3f3f3")]))
    out.append('<div class="scroll"><table class="heat"><tr><th class="name">country</th>'
               + "".join(f"<th>{y}</th>" for y in years) + "</tr>")
    by_country: dict[tuple, dict[int, str | None]] = {}
    for iso, name, region, year, tier in hist:
        by_country.setdefault((region, name, iso), {})[year] = tier
    current = object()
    for (region, name, iso), tiers in by_country.items():
        if region != current:
            current = region
            label = f"{REGION_NAMES.get(region, 'No region')} ({region})" if region else "No region"
            out.append(f'<tr class="region"><th colspan="{len(years) + 1}">{_e(label)}</th></tr>')
        cells = []
        for y in years:
            t = tiers.get(y)
            if t is None:
                cells.append('<td class="nr" title="not rated">·</td>')
            else:
                short = "SC" if t == "SPECIAL" else t
                cells.append(f'<td class="t" style="background:{TIER_COLOR.get(t, "#ccc")}" '
                             f'title="{_e(name)} {y}: {_e(t)}">{_e(short)}</td>')
        out.append(f'<tr><td class="name">{_e(name)} <small>{_e(iso)}</small></td>{"".join(cells)}</tr>')
    out.append("</table></div>")

    # 3. counts over time per region
    out.append("<h2>Law enforcement over time, per region</h2>")
    out.append("<p>Sums over the narratives that state each figure (hover a number: how many did); the figures "
               "describe the year before the report year. Lines join consecutive report years only.</p>")
    regions = sorted({r["region"] for r in reg_rows}, key=lambda r: (r is None, r or ""))
    out.append(_legend([(f"{REGION_NAMES.get(r, 'No region')}" if r else "No region", REGION_COLOR.get(r, "#666"))
                        for r in regions]))
    out.append('<div class="charts">')
    for col, label, cover in MEASURES:
        series = {r: {row["report_year"]: row[col] for row in reg_rows if row["region"] == r} for r in regions}
        out.append(f'<div class="chart"><h3>{_e(label)}</h3>{_line_chart(label, years or [0], series)}')
        out.append('<table><tr><th class="name">region</th>' + "".join(f"<th>{y}</th>" for y in years) + "</tr>")
        for r in regions:
            cells = []
            for y in years:
                row = next((x for x in reg_rows if x["region"] == r and x["report_year"] == y), None)
                if row is None:
                    cells.append("<td></td>")
                else:
                    cells.append(f'<td title="{row[cover]} of {row["n_countries"]} narratives state it">'
                                 f'{_num(row[col])}</td>')
            out.append(f'<tr><td class="name">{_e(r or "none")}</td>{"".join(cells)}</tr>')
        out.append("</table></div>")
    out.append("</div>")

    # 4. optional comparison with the report's own table
    if comparison is not None:
        out.append("<h2>The panel against the report's own global table</h2>")
        out.append("<p>The report's Year is the reporting period (the panel's data_year). <em>share</em> = panel / "
                   "report: how much of the report's total the narratives' stated figures account for. Years the "
                   "panel does not hold show no panel figure.</p>")
        out.append('<table><tr><th class="name">year</th><th class="name">figure</th><th>report</th><th>panel</th>'
                   '<th>difference</th><th>share</th><th>narratives stating it</th></tr>')
        for c in comparison:
            if c.report_value is None:
                continue
            share = "" if c.share is None else f"{c.share:.1%}"
            stated = "" if c.n_reporting is None else f"{c.n_reporting} of {c.n_countries}"
            out.append(f'<tr><td class="name">{c.data_year}</td><td class="name">{_e(c.measure)}</td>'
                       f"<td>{_num(c.report_value)}</td><td>{_num(c.panel_value)}</td><td>{_num(c.difference)}</td>"
                       f"<td>{share}</td><td>{stated}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def default_out(db: Path) -> Path:
    return db.parent / f"{db.stem}-report.html"


def write(db: Path, out: Path | None = None, reference_csv: Path | None = None) -> Path:
    from tip.core.errors import UserError

    target = Path(out) if out else default_out(db)
    page = render(db, reference_csv)
    if target.is_dir():
        raise UserError(f"--out {target}: is a folder; give a file name like report.html")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.partial")
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise UserError(f"--out {target}: cannot write: {exc.strerror or exc}") from None
    return target
