"""How a validation run reads: a text table (``tip validate``), markdown (the Prefect artifact)
and a self-contained HTML page (``<state>/validation/<run id>.html``, and ``latest.html``).

All three are built from the same outcomes, which come from the Great Expectations results of
the run (see tip/quality/validate.py). The HTML page needs nothing else to open: no scripts, no network.
"""
from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path

RESULT_ORDER = {"FAIL": 0, "quarantined": 1, "warning": 2, "skipped": 3, "pass": 4}


def _count(o) -> str:
    """Rows that failed; '-' for checks of a whole table (row counts) that passed or were skipped."""
    if o.unexpected_count is not None:
        return str(o.unexpected_count)
    return "-" if o.success or o.skipped else "?"


def text_table(report) -> str:
    cols = ["stage", "suite", "expectation", "severity", "result", "unexpected"]
    rows = [[o.stage, o.suite, o.expectation, o.severity, o.result + (f" ({o.quarantined} rows)" if o.quarantined else ""),
             _count(o)] for o in report.outcomes]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    widths[2] = min(widths[2], 72)

    def line(vals):
        cells = []
        for i, v in enumerate(vals):
            v = v if len(v) <= widths[i] else v[: widths[i] - 1] + "…"
            cells.append(v.ljust(widths[i]))
        return "  ".join(cells).rstrip()

    out = [line(cols), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    problems = [o for o in report.outcomes if not o.success and not o.skipped and o.examples]
    if problems:
        out.append("")
        out.append("first offending rows:")
        for o in problems:
            out.append(f"  [{o.suite}] {o.expectation}: " + "; ".join(o.examples[:3]))
    if report.notes:
        out.append("")
        out += [f"note: {n}" for n in report.notes]
    return "\n".join(out)


def _md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def markdown(report) -> str:
    stages = sorted({o.stage for o in report.outcomes}, key=lambda s: (s != "staging", s))
    where = f"; report: `{report.report_path}`" if report.report_path else ""
    out = [f"## Validation {report.verdict()}", "",
           f"run `{report.run_id}` at {report.validated_at:%Y-%m-%d %H:%M:%S} UTC; "
           f"suites: {', '.join(stages) or 'none'}{where}", ""]
    n_fail = len(report.failures)
    n_warn = len(report.warnings)
    n_pass = sum(1 for o in report.outcomes if o.result == "pass")
    out += [f"**{n_pass}** passed, **{n_fail}** critical failures, **{n_warn}** warnings, "
            f"**{sum(report.quarantined.values())}** rows quarantined", ""]
    out += ["| stage | suite | expectation | severity | result | unexpected | first offending rows |",
            "|---|---|---|---|---|---|---|"]
    for o in sorted(report.outcomes, key=lambda o: (RESULT_ORDER.get(o.result, 9),)):
        ex = "; ".join(o.examples[:3]) if not o.success else ""
        res = o.result.upper() if o.result in ("FAIL", "warning", "quarantined") else o.result
        out.append(f"| {o.stage} | {_md(o.suite)} | {_md(o.expectation)} | {o.severity} | {res} | {_count(o)} | {_md(ex)} |")
    if report.notes:
        out += ["", "Notes:", ""] + [f"- {_md(n)}" for n in report.notes]
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d1d1f;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600;display:inline-block}
.ok{background:#e6f4ea;color:#135f26}.bad{background:#fde7e9;color:#8a1220}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f5f5f7}
.r-pass{color:#135f26}.r-FAIL{color:#fff;background:#b3261e;font-weight:600}.r-warning{background:#fff4ce}
.r-quarantined{background:#e8eefc}.r-skipped{color:#777}
.why{color:#555;font-size:.82rem}.gx{color:#777;font-family:ui-monospace,monospace;font-size:.78rem}
ul.ex{margin:0;padding-left:1rem;font-family:ui-monospace,monospace;font-size:.8rem}
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def render_html(report) -> str:
    ok = report.passed
    by_suite: dict[tuple[str, str], list] = {}
    for o in report.outcomes:
        by_suite.setdefault((o.stage, o.suite), []).append(o)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>tip validation {_e(report.run_id)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Validation of run <code>{_e(report.run_id)}</code></h1>",
        f"<p class='verdict {'ok' if ok else 'bad'}'>{_e(report.verdict())}</p>",
        f"<p>Checked at {_e(f'{report.validated_at:%Y-%m-%d %H:%M:%S}')} UTC with Great Expectations. "
        "<b>critical</b> expectations block the publish (the published panel stays as it was); "
        "<b>warning</b> ones are reported only; <b>quarantined</b> rows were moved to <code>staging.rejects</code> "
        "and the rest of the panel went ahead.</p>",
    ]
    if report.failures:
        parts.append("<h2>Why nothing was published</h2><ul>")
        for o in report.failures:
            parts.append(f"<li><b>[{_e(o.suite)}] {_e(o.expectation)}</b>: {_e(_count(o))} offending rows"
                         + (f"; first: <code>{_e('; '.join(o.examples[:5]))}</code>" if o.examples else "") + "</li>")
        parts.append("</ul>")
    summary = [("rows checked", ", ".join(f"{k} {v}" for k, v in report.rows.items()) or "none"),
               ("rows quarantined", ", ".join(f"{k} {v}" for k, v in report.quarantined.items()) or "none")]
    parts.append("<table>" + "".join(f"<tr><th>{_e(a)}</th><td>{_e(b)}</td></tr>" for a, b in summary) + "</table>")
    for (stage, suite), outs in by_suite.items():
        table = outs[0].table
        parts.append(f"<h2>{_e(stage)}: {_e(suite)} <span class='gx'>{_e(table)}</span></h2>")
        parts.append("<table><tr><th>expectation</th><th>severity</th><th>result</th><th>unexpected</th>"
                     "<th>first offending rows</th></tr>")
        for o in outs:
            ex = ""
            if o.skipped:
                ex = f"<span class='why'>skipped: {_e(o.skipped)}</span>"
            elif o.examples and not o.success:
                ex = "<ul class='ex'>" + "".join(f"<li>{_e(x)}</li>" for x in o.examples[:5]) + "</ul>"
            res = o.result + (f" ({o.quarantined} rows)" if o.quarantined else "")
            parts.append(
                f"<tr><td>{_e(o.expectation)}<div class='why'>{_e(o.why)}</div><div class='gx'>{_e(o.gx_type)}</div></td>"
                f"<td>{_e(o.severity)}</td><td class='r-{_e(o.result)}'>{_e(res)}</td><td>{_e(_count(o))}</td><td>{ex}</td></tr>")
        parts.append("</table>")
    if report.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    if report.timings:
        parts.append("<h2>Cost</h2><table>" + "".join(
            f"<tr><td>{_e(k)}</td><td>{v:.3f} s</td></tr>" for k, v in report.timings.items()) + "</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_html(report, directory: Path) -> Path:
    """Write ``<run id>.html`` (and ``latest.html``, ``<run id>.json``) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    page = render_html(report)
    path = directory / f"{report.run_id}.html"
    _atomic_write(path, page)
    _atomic_write(directory / "latest.html", page)
    data = {
        "run_id": report.run_id, "validated_at": report.validated_at.isoformat(), "passed": report.passed,
        "verdict": report.verdict(), "rows": report.rows, "quarantined": report.quarantined, "notes": report.notes,
        "timings_s": report.timings,
        "outcomes": [{"stage": o.stage, "suite": o.suite, "table": o.table, "expectation": o.expectation,
                      "severity": o.severity, "result": o.result, "success": o.success,
                      "unexpected_count": o.unexpected_count, "quarantined": o.quarantined, "first": o.examples[:5],
                      "skipped": o.skipped, "gx_type": o.gx_type, "why": o.why} for o in report.outcomes],
    }
    _atomic_write(directory / f"{report.run_id}.json", json.dumps(data, indent=1, default=str))
    return path
