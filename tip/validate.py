"""The quality gate: Great Expectations suites (expectations/*.yml) over the staging tables.

GX is imported lazily (it costs seconds) and run with one ephemeral context per run, on pandas
DataFrames read from the writer's own DuckDB connection (GX's SQL route returns no rows on
DuckDB). Outcomes:

* row-level expectations marked ``quarantine: true`` move the failing rows to staging.rejects
  (with the expectation's name) and let the rest proceed;
* a failed ``critical`` expectation that is not a quarantine blocks the publish;
* more than ``max_quarantine_share`` of the narratives quarantined also blocks (critical);
* ``warning`` expectations are only reported.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from .config import PROJECT_ROOT
from .loader import insert_rows

log = logging.getLogger("tip.validate")
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DEFAULT_MAX_QUARANTINE_SHARE = 0.25
SUITE_ORDER = ("narratives", "measures", "partners")


@dataclass
class Outcome:
    suite: str
    expectation: str
    severity: str
    quarantine: bool
    success: bool
    unexpected_count: int | None
    examples: list = field(default_factory=list)   # first offending keys / values
    why: str = ""

    @property
    def blocks(self) -> bool:
        return self.severity == "critical" and not self.success and not self.quarantine


@dataclass
class ValidationReport:
    run_id: str
    validated_at: dt.datetime
    outcomes: list[Outcome]
    quarantined: dict[str, int]
    rows: dict[str, int]

    @property
    def passed(self) -> bool:
        return not any(o.blocks for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.blocks]

    def verdict(self) -> str:
        if self.passed:
            q = sum(self.quarantined.values())
            return "passed" + (f" ({q} rows quarantined)" if q else "")
        first = self.failures[0]
        return f"FAILED: {first.suite}: {first.expectation}"

    def failure_message(self) -> str:
        lines = []
        for o in self.failures:
            ex = ", ".join(str(e) for e in o.examples[:5])
            lines.append(f"critical expectation failed: [{o.suite}] {o.expectation} "
                         f"({o.unexpected_count if o.unexpected_count is not None else '?'} offending rows"
                         + (f"; first: {ex}" if ex else "") + ")")
        return "\n".join(lines)

    def markdown(self) -> str:
        out = [f"## Validation {self.verdict()}", "", f"run `{self.run_id}` at {self.validated_at:%Y-%m-%d %H:%M:%S} UTC", "",
               "| suite | expectation | severity | result | unexpected |", "|---|---|---|---|---|"]
        for o in self.outcomes:
            res = "pass" if o.success else ("quarantined" if o.quarantine else "FAIL")
            out.append(f"| {o.suite} | {o.expectation} | {o.severity} | {res} | {o.unexpected_count or 0} |")
        return "\n".join(out)


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[dict]:
    suites = []
    for f in sorted(directory.glob("*.yml")):
        spec = yaml.safe_load(f.read_text(encoding="utf-8"))
        spec["_file"] = str(f)
        suites.append(spec)
    order = {n: i for i, n in enumerate(SUITE_ORDER)}
    return sorted(suites, key=lambda s: (order.get(s["suite"], 99), s["suite"]))


def _camel(snake: str) -> str:
    return "".join(p.capitalize() for p in snake.split("_"))


def _render(value, ctx: dict):
    if isinstance(value, str):
        m = re.fullmatch(r"\{(\w+)\}", value)
        if m and m.group(1) in ctx:
            return ctx[m.group(1)]
        return value
    if isinstance(value, list):
        return [_render(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: _render(v, ctx) for k, v in value.items()}
    return value


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context",
                 "great_expectations.data_context.types.base", "great_expectations.data_context.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def validate(con: duckdb.DuckDBPyConnection, run_id: str | None = None, *, quarantine: bool = True,
             max_quarantine_share: float | None = None, suites: list[dict] | None = None) -> ValidationReport:
    """Run every suite on the staging tables of ``con`` (the writer's own connection)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # lazy: seconds to import
    import great_expectations.expectations as gxe

    _quiet_gx()
    run_id = run_id or uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    ctx_vars = {"current_year": dt.date.today().year}
    share_limit = DEFAULT_MAX_QUARANTINE_SHARE if max_quarantine_share is None else max_quarantine_share
    suites = suites if suites is not None else load_suites()

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # pragma: no cover - cosmetic only
        pass
    datasource = context.data_sources.add_pandas("staging")
    outcomes: list[Outcome] = []
    to_quarantine: dict[str, dict[tuple, str]] = {}
    rows: dict[str, int] = {}

    for spec in suites:
        table = spec["table"]
        key = list(spec.get("key") or [])
        df = con.execute(f"SELECT * FROM {table}").df()
        rows[table] = len(df)
        df = df.reset_index(drop=True)
        asset = datasource.add_dataframe_asset(spec["suite"])
        batch_def = asset.add_batch_definition_whole_dataframe(f"{spec['suite']}-all")
        suite = gx.ExpectationSuite(name=spec["suite"])
        metas = []
        for i, e in enumerate(spec["expectations"]):
            cls = getattr(gxe, _camel(e["type"]))
            kwargs = _render(e.get("kwargs") or {}, ctx_vars)
            exp = cls(**kwargs, meta={"name": e["name"], "index": i})
            suite.add_expectation(exp)
            metas.append(e)
        suite = context.suites.add(suite)
        vd = context.validation_definitions.add(gx.ValidationDefinition(name=f"{spec['suite']}-{run_id}", data=batch_def, suite=suite))
        result_format = {"result_format": "COMPLETE"}
        if key and len(df):
            result_format["unexpected_index_column_names"] = key
        res = vd.run(batch_parameters={"dataframe": df}, result_format=result_format)
        for r in res.results:
            i = (r.expectation_config.meta or {}).get("index")
            e = metas[i] if i is not None else {"name": r.expectation_config.type, "severity": "critical"}
            result = r.result or {}
            unexpected = result.get("unexpected_count")
            if r.exception_info and r.exception_info.get("raised_exception"):
                msg = r.exception_info.get("exception_message")
                outcomes.append(Outcome(spec["suite"], e["name"], e.get("severity", "critical"), False, False, None,
                                        [f"expectation could not run: {msg}"], e.get("why", "")))
                continue
            index_list = result.get("unexpected_index_list") or []
            examples = []
            for item in index_list[:5]:
                if isinstance(item, dict):
                    examples.append(" ".join(f"{k}={item[k]}" for k in key if k in item) or str(item))
            if not examples:
                examples = [str(v) for v in (result.get("partial_unexpected_list") or [])[:5]]
            q = bool(e.get("quarantine")) and quarantine
            outcomes.append(Outcome(spec["suite"], e["name"], e.get("severity", "critical"), bool(e.get("quarantine")),
                                    bool(r.success), unexpected, examples, e.get("why", "")))
            if q and not r.success and key:
                bucket = to_quarantine.setdefault(table, {})
                for item in index_list:
                    if isinstance(item, dict):
                        k = tuple(item.get(c) for c in key)
                        bucket.setdefault(k, e["name"])

    quarantined = {}
    if quarantine and to_quarantine:
        quarantined = _move_to_rejects(con, to_quarantine, suites, now)
    n_narr = rows.get("staging.narratives", 0)
    q_narr = quarantined.get("staging.narratives", 0)
    share = (q_narr / n_narr) if n_narr else 0.0
    outcomes.append(Outcome("quarantine", f"at most {share_limit:.0%} of narratives quarantined", "critical", False,
                            share <= share_limit, q_narr, [f"{share:.1%} quarantined"] if share > share_limit else [],
                            "A run that rejects many narratives is a broken parser or source, not bad luck."))
    report = ValidationReport(run_id, now, outcomes, quarantined, rows)
    _record(con, report)
    return report


def _move_to_rejects(con, to_quarantine: dict[str, dict[tuple, str]], suites: list[dict], now) -> dict[str, int]:
    keys_by_table = {s["table"]: list(s.get("key") or []) for s in suites}
    moved: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table, items in to_quarantine.items():
            key = keys_by_table[table]
            kdf = pd.DataFrame([list(k) + [name] for k, name in items.items()], columns=key + ["_expectation"])
            con.register("_q", kdf)
            cond = " AND ".join(f"t.{c} IS NOT DISTINCT FROM q.{c}" for c in key)
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            excerpt = "t.text" if "text" in cols else ("t.evidence" if "evidence" in cols else "NULL")
            rows = con.execute(
                f"""SELECT t.{'source_url' if 'source_url' in cols else 'NULL'}, q._expectation,
                           {'t.report_year' if 'report_year' in cols else 'NULL'},
                           {'t.country' if 'country' in cols else 'NULL'},
                           {'t.narrative_id' if 'narrative_id' in cols else 'NULL'},
                           left(CAST({excerpt} AS VARCHAR), 300), {'t.parser_version' if 'parser_version' in cols else 'NULL'},
                           {"t.doc_sha256" if "doc_sha256" in cols else "NULL"}
                    FROM {table} t JOIN _q q ON {cond}"""
            ).fetchall()
            rejects = [{"input": r[0] or table, "stage": "validate", "reason": f"quarantined from {table}: {r[1]}",
                        "report_year": r[2], "country": r[3], "narrative_id": r[4], "expectation": r[1], "excerpt": r[5],
                        "doc_sha256": r[7], "parser_version": r[6], "recorded_at": now} for r in rows]
            con.execute(f"DELETE FROM {table} t USING _q q WHERE {cond}")
            if table == "staging.narratives":
                for child in ("staging.measures", "staging.partners", "staging.recommendations"):
                    con.execute(f"DELETE FROM {child} c USING _q q WHERE c.narrative_id = q.narrative_id")
            con.unregister("_q")
            insert_rows(con, "staging.rejects", rejects)
            moved[table] = len(rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return moved


def _record(con, report: ValidationReport) -> None:
    rows = [{"run_id": report.run_id, "validated_at": report.validated_at, "suite": o.suite, "expectation": o.expectation,
             "severity": o.severity, "success": o.success, "unexpected_count": o.unexpected_count,
             "detail": json.dumps(o.examples[:5]) if o.examples else None} for o in report.outcomes]
    insert_rows(con, "marts.validation_runs", rows)


def validate_candidate(candidate: Path, run_id: str) -> ValidationReport:
    """Checks on the candidate build's marts, run before it is published.

    The candidate file is closed when this runs; open it read-only. A report that does not pass
    stops the publish (the candidate stays in builds/ for inspection).
    """
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM marts.country_year").fetchone()[0]
        dup = con.execute(
            "SELECT count(*) FROM (SELECT country_iso3, report_year FROM marts.country_year GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
    finally:
        con.close()
    outcomes = [Outcome("country_year", "one row per country and report year", "critical", False, dup == 0, dup, [],
                        "The panel's grain.")]
    return ValidationReport(run_id, now, outcomes, {}, {"marts.country_year": n})
