"""The quality gate: Great Expectations suites (expectations/*.yml) over staging and marts.

Two moments in every build:

* ``validate(con, run_id)`` runs the ``stage: staging`` suites on the working store, through the
  writer's own DuckDB connection, before the build. Row-level expectations marked
  ``quarantine: true`` move the rows they fail to ``staging.rejects`` (with the expectation's
  name) and let the rest proceed; the ``quarantine`` suite then checks that the share of rows the
  run could not use stays under a limit.
* ``validate_candidate(candidate, run_id)`` runs the ``stage: marts`` suites on the closed
  candidate build (opened read-only) before it is published.

A failed ``critical`` expectation that is not a quarantine blocks the publish; ``warning``
expectations are only reported. Every run appends its outcomes to ``marts.validation_runs`` (the
working store's history, and the candidate build's copy) and writes an HTML report to the state
folder's ``validation/`` (``Paths.reports_dir``).

GX is imported lazily (it costs seconds) and each run uses one ephemeral context, shared by both
moments of the same run id. GX sees pandas DataFrames taken from DuckDB (its SQL route returns no
rows on DuckDB); the DataFrames carry only the columns the checks need (narrative texts stay in
DuckDB: evidence-offset checks are computed there and handed to GX as columns).
"""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import logging
import math
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from tip.core.config import PROJECT_ROOT
from tip.core.errors import UserError
from tip.parse.staging import insert_rows

log = logging.getLogger("tip.quality.validate")
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DEFAULT_MAX_QUARANTINE_SHARE = 0.25
ENV_MAX_QUARANTINE_SHARE = "TIP_MAX_QUARANTINE_SHARE"
ENV_REFERENCE = "TIP_REFERENCE_TIERS"
ENV_EXPECTATIONS = "TIP_EXPECTATIONS_DIR"
SEVERITIES = ("critical", "warning")
STAGES = ("staging", "marts")
MAX_EXAMPLES = 5


# ------------------------------------------------------------------------------------------------
# results


@dataclass
class Outcome:
    suite: str
    expectation: str
    severity: str
    quarantine: bool
    success: bool
    unexpected_count: int | None
    examples: list = field(default_factory=list)   # first offending rows, as text
    why: str = ""
    stage: str = "staging"
    table: str = ""
    gx_type: str = ""
    quarantined: int = 0                           # rows this expectation moved to staging.rejects
    skipped: str | None = None                     # why it did not run (table not built, ...)

    @property
    def blocks(self) -> bool:
        return self.severity == "critical" and not self.success and not self.quarantine

    @property
    def result(self) -> str:
        if self.skipped:
            return "skipped"
        if self.success:
            return "pass"
        if self.quarantine:
            return "quarantined"
        return "FAIL" if self.severity == "critical" else "warning"


@dataclass
class ValidationReport:
    run_id: str
    validated_at: dt.datetime
    outcomes: list[Outcome]
    quarantined: dict[str, int]
    rows: dict[str, int]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # seconds per suite (and GX import / context)
    report_path: Path | None = None

    @property
    def passed(self) -> bool:
        return not any(o.blocks for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.blocks]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "warning"]

    def verdict(self) -> str:
        if self.passed:
            extras = []
            q = sum(self.quarantined.values())
            if q:
                extras.append(f"{q} rows quarantined")
            if self.warnings:
                extras.append(f"{len(self.warnings)} warning" + ("s" if len(self.warnings) > 1 else ""))
            return "passed" + (f" ({', '.join(extras)})" if extras else "")
        first = self.failures[0]
        more = f" (+{len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
        return f"FAILED: {first.suite}: {first.expectation}{more}"

    def failure_message(self) -> str:
        lines = []
        for o in self.failures:
            n = "?" if o.unexpected_count is None else o.unexpected_count
            ex = "; ".join(str(e) for e in o.examples[:MAX_EXAMPLES])
            lines.append(f"critical expectation failed: [{o.suite}] {o.expectation} ({n} offending rows"
                         + (f"; first: {ex}" if ex else "") + ")")
        if self.report_path:
            lines.append(f"validation report: {self.report_path}")
        return "\n".join(lines)

    def markdown(self) -> str:
        from tip.quality.report import markdown

        return markdown(self)

    def table(self) -> str:
        from tip.quality.report import text_table

        return text_table(self)

    def merged(self, other: "ValidationReport") -> "ValidationReport":
        """This report followed by another of the same run (staging, then marts)."""
        q = dict(self.quarantined)
        for k, v in other.quarantined.items():
            q[k] = q.get(k, 0) + v
        return ValidationReport(self.run_id, self.validated_at, self.outcomes + other.outcomes, q,
                                {**self.rows, **other.rows}, self.notes + other.notes,
                                {**self.timings, **other.timings}, other.report_path or self.report_path)


# ------------------------------------------------------------------------------------------------
# suites


def expectations_dir() -> Path:
    env = os.environ.get(ENV_EXPECTATIONS)
    return Path(env).expanduser() if env else EXPECTATIONS_DIR


def load_suites(directory: Path | None = None, stage: str | None = None) -> list[dict]:
    """The YAML suites, checked for shape, in their ``order``."""
    directory = directory or expectations_dir()
    if not directory.is_dir():
        raise UserError(f"expectations folder {directory}: no such folder")
    suites = []
    for f in sorted(directory.glob("*.yml")):
        spec = copy.deepcopy(_read_suite(f))  # callers fill in params: never the cached copy
        _check_spec(spec, f)
        spec["_file"] = str(f)
        suites.append(spec)
    names = [s["suite"] for s in suites]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(f"expectations folder {directory}: suite name {dup[0]!r} is used twice")
    if stage:
        suites = [s for s in suites if s.get("stage", "staging") == stage]
    return sorted(suites, key=lambda s: (STAGES.index(s.get("stage", "staging")), s.get("order", 50), s["suite"]))


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 10x faster
_SUITE_CACHE: dict[str, tuple[tuple[int, int], object]] = {}


def _read_suite(f: Path):
    """A suite file's YAML, read again only when the file changed (every run reads every suite twice)."""
    try:
        st = f.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    hit = _SUITE_CACHE.get(str(f))
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1]
    try:
        spec = yaml.load(f.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise UserError(f"expectations file {f}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if stamp is not None:
        _SUITE_CACHE[str(f)] = (stamp, spec)
    return spec


def _check_spec(spec, f: Path) -> None:
    def bad(msg: str):
        raise UserError(f"expectations file {f}: {msg}")

    if not isinstance(spec, dict):
        bad("expected a mapping with suite, table and expectations")
    for k in ("suite", "table", "expectations"):
        if k not in spec:
            bad(f"missing '{k}'")
    if spec.get("stage", "staging") not in STAGES:
        bad(f"stage {spec.get('stage')!r} is not one of {', '.join(STAGES)}")
    if "frame" in spec and "query" in spec:
        bad("give either 'frame' or 'query', not both")
    if not isinstance(spec["expectations"], list) or not spec["expectations"]:
        bad("'expectations' must be a non-empty list")
    seen = set()
    for i, e in enumerate(spec["expectations"], 1):
        if not isinstance(e, dict):
            bad(f"expectation {i} is not a mapping")
        for k in ("name", "severity", "type", "why"):
            if not e.get(k):
                bad(f"expectation {i} ({e.get('name', '?')!r}) has no '{k}'")
        if e["severity"] not in SEVERITIES:
            bad(f"expectation {e['name']!r}: severity {e['severity']!r} is not critical or warning")
        if e["name"] in seen:
            bad(f"expectation name {e['name']!r} is used twice")
        seen.add(e["name"])
        if e.get("quarantine") and not spec.get("key"):
            bad(f"expectation {e['name']!r} quarantines rows but the suite has no 'key'")
        if e.get("quarantine") and spec.get("stage", "staging") != "staging":
            bad(f"expectation {e['name']!r}: only staging suites can quarantine rows")


def _camel(snake: str) -> str:
    return "".join(p.capitalize() for p in snake.split("_"))


def _template_values(extra: dict | None = None) -> dict:
    from tip.core.countries import EXTRA_NAMES, REPORT_NAMES
    from tip.parse.compliance import COMPLIANCE_FOR_TIER
    import pycountry

    codes = {c.alpha_3 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.historic_countries}
    codes |= set(EXTRA_NAMES) | set(REPORT_NAMES.values())
    vals = {
        "current_year": dt.date.today().year,
        "iso3_codes": sorted(codes),
        "compliance_for_tier_pairs": sorted([t, c] for t, cs in COMPLIANCE_FOR_TIER.items() for c in cs),
        "tiers": sorted(COMPLIANCE_FOR_TIER),
    }
    vals.update(extra or {})
    return vals


def _render(value, ctx: dict):
    if isinstance(value, str):
        m = re.fullmatch(r"\{(\w+)\}", value)
        if m:
            if m.group(1) not in ctx:
                raise UserError(f"expectations: unknown placeholder {value!r}")
            return ctx[m.group(1)]
        return value
    if isinstance(value, list):
        return [_render(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: _render(v, ctx) for k, v in value.items()}
    return value


# ------------------------------------------------------------------------------------------------
# the GX session: one ephemeral context per run


class _Session:
    def __init__(self, run_id: str):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        t0 = time.perf_counter()
        import great_expectations as gx  # lazy: seconds to import
        import great_expectations.expectations as gxe

        t1 = time.perf_counter()
        _quiet_gx()
        self.gx, self.gxe = gx, gxe
        self.run_id = run_id
        self.context = gx.get_context(mode="ephemeral")
        try:
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        except Exception:  # pragma: no cover - cosmetic only
            pass
        self.datasource = self.context.data_sources.add_pandas("tip")
        # one whole-DataFrame batch definition for every suite: each run hands it its own frame
        self.batch_def = self.datasource.add_dataframe_asset("frames").add_batch_definition_whole_dataframe("whole")
        from great_expectations.validator.v1_validator import Validator

        self.Validator = Validator
        self.n = 0
        self.timings = {"gx import": t1 - t0, "gx context": time.perf_counter() - t1}

    def run(self, name: str, expectations: list[dict], df: pd.DataFrame, ctx_vars: dict, index_columns: list[str]):
        """Every expectation of one suite on ``df``: {index in the suite: GX result}, {index: why it could not run}.

        The suite is validated as a ``ValidationDefinition`` would (GX's v1 ``Validator`` over a
        whole-DataFrame batch), without adding the suite and a validation definition to the
        context's stores and deleting them again, which cost more than small suites' checks.
        """
        gx, gxe = self.gx, self.gxe
        self.n += 1
        suite = gx.ExpectationSuite(name=f"{name}-{self.n}")
        errors: dict[int, str] = {}
        for i, e in enumerate(expectations):
            cls = getattr(gxe, _camel(e["type"]), None)
            if cls is None or not isinstance(cls, type):
                errors[i] = f"unknown expectation type {e['type']!r}"
                continue
            try:
                suite.add_expectation(cls(**_render(e.get("kwargs") or {}, ctx_vars), meta={"index": i}))
            except Exception as exc:  # pydantic validation of the kwargs
                errors[i] = f"bad kwargs for {e['type']}: {str(exc).splitlines()[0]}"
        results: dict[int, object] = {}
        if suite.expectations:
            result_format = {"result_format": "COMPLETE"}
            if index_columns:
                result_format["unexpected_index_column_names"] = index_columns
            validator = self.Validator(batch_definition=self.batch_def, batch_parameters={"dataframe": df},
                                       result_format=result_format)
            with _configurations_cached():
                res = validator.validate_expectation_suite(suite)
            for r in res.results:
                results[int((r.expectation_config.meta or {})["index"])] = r
        return results, errors


@contextlib.contextmanager
def _configurations_cached():
    """While one suite is validated, each expectation's fields are read once.

    GX (1.24) rebuilds an expectation's ``ExpectationConfiguration`` from its pydantic fields
    (``Expectation.dict``) every time its ``configuration`` property is read, about a hundred
    times per expectation while it plans and checks the metrics: most of the time GX spends on
    a small table. The expectations do not change during the call, so their fields are taken
    once; every read still gets a new ``ExpectationConfiguration`` with its own kwargs (lists
    and mappings copied one level), as the property's own code builds it.
    """
    import sys

    from great_expectations.expectations.expectation import Expectation

    prop = Expectation.__dict__.get("configuration")
    mod = sys.modules.get(Expectation.__module__)
    needed = ("ExpectationConfiguration", "camel_to_snake", "FailureSeverity")
    if not isinstance(prop, property) or prop.fget is None or not all(hasattr(mod, n) for n in needed):
        yield  # another GX: leave it alone
        return
    config_cls, snake, severity_default = mod.ExpectationConfiguration, mod.camel_to_snake, mod.FailureSeverity.CRITICAL
    fields: dict[int, tuple[object, dict]] = {}

    def configuration(self):
        hit = fields.get(id(self))
        if hit is None or hit[0] is not self:
            hit = fields[id(self)] = (self, self.dict(exclude_defaults=True))
        kwargs = {k: (v.copy() if isinstance(v, (list, dict, set)) else v) for k, v in hit[1].items()}
        meta = kwargs.pop("meta", None)
        return config_cls(type=snake(self.__class__.__name__), kwargs=kwargs,
                          meta=dict(meta) if isinstance(meta, dict) else meta, notes=kwargs.pop("notes", None),
                          description=kwargs.pop("description", None),
                          severity=kwargs.pop("severity", severity_default), id=kwargs.pop("id", None),
                          rendered_content=kwargs.pop("rendered_content", None))

    Expectation.configuration = property(configuration)
    try:
        yield
    finally:
        Expectation.configuration = prop


_SESSION: _Session | None = None
_SESSION_LOCK = threading.Lock()
_RUNS: dict[str, "ValidationReport"] = {}


def _session(run_id: str) -> _Session:
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None or _SESSION.run_id != run_id:
            prev = _SESSION
            _SESSION = _Session(run_id)
            if prev is not None:  # the import is paid once per process; later runs only pay the context
                _SESSION.timings["gx import"] = 0.0
        return _SESSION


def prewarm(run_id: str) -> threading.Thread:
    """Import GX and build the run's context in a background thread (seconds of work that would
    otherwise start only when validation does); ``_session(run_id)`` then finds it ready, or waits
    for it. A failure here is left for the real call to raise."""
    def work() -> None:
        try:
            _session(run_id)
        except Exception:  # pragma: no cover - validate() tries again and says why
            pass

    t = threading.Thread(target=work, name="gx-prewarm", daemon=True)
    t.start()
    return t


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context",
                 "great_expectations.data_context.types.base", "great_expectations.data_context.data_context",
                 "great_expectations.expectations.expectation", "great_expectations.validator.validator"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_report(run_id: str) -> ValidationReport | None:
    """The report of a run validated in this process (staging and, once built, marts)."""
    return _RUNS.get(run_id)


def validation_verdict(run_id: str, default: str) -> str:
    """The verdict of the run's whole validation (staging and marts), or ``default``."""
    report = _RUNS.get(run_id)
    return report.verdict() if report is not None else default


def _remember(report: ValidationReport) -> None:
    _RUNS[report.run_id] = report
    while len(_RUNS) > 8:
        _RUNS.pop(next(iter(_RUNS)))


# ------------------------------------------------------------------------------------------------
# running suites


def _table_exists(con, table: str) -> bool:
    schema, name = table.split(".")
    return con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
        [schema, name]).fetchone()[0] > 0


def _gx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Plain numpy dtypes for GX: nullable integers -> float (NaN), nullable booleans -> object."""
    df = df.reset_index(drop=True)
    for c in df.columns:
        dtype = df[c].dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            kind = getattr(dtype, "kind", "O")
            if kind in "iuf":
                df[c] = df[c].astype("float64") if df[c].isna().any() else df[c].astype("int64" if kind in "iu" else "float64")
            elif kind == "b":
                df[c] = df[c].astype(object).where(df[c].notna(), None)
            else:
                df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def _query_frame(con, sql: str, params: dict) -> pd.DataFrame:
    used = set(re.findall(r"\$(\w+)", sql))
    missing = used - set(params)
    if missing:
        raise UserError(f"expectations: query parameter ${sorted(missing)[0]} is not in the suite's params")
    return con.execute(sql, {k: params[k] for k in used} if used else None).df()


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NULL"
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _example(item: dict, key: list[str], show: list[str]) -> str:
    head = " ".join(f"{k}={_fmt(item[k])}" for k in key if k in item)
    rest = [f"{k}={_fmt(v)}" for k, v in item.items() if k not in key]
    return (head + (f" ({', '.join(rest)})" if rest else "")).strip() or str(item)


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _run_suites(con, suites: list[dict], stage: str, run_id: str, *, ctx_vars: dict, overrides: dict,
                quarantine: bool, now, work_con=None, raw_dir: Path | None = None) -> tuple[list, dict, dict, list, dict]:
    from tip.quality.frames import FRAMES, FrameContext

    session = _session(run_id)
    timings = dict(session.timings) if stage == "staging" or session.n == 0 else {}
    outcomes: list[Outcome] = []
    rows: dict[str, int] = {}
    quarantined: dict[str, int] = {}
    notes: list[str] = []
    all_suites = suites
    for spec in suites:
        t0 = time.perf_counter()
        name, table = spec["suite"], spec["table"]
        key = list(spec.get("key") or [])
        show = list(spec.get("show") or [])
        exps = spec["expectations"]
        params = dict(spec.get("params") or {})
        for k, v in overrides.items():
            if k in params and v is not None:
                params[k] = v
        missing = [t for t in [table] + list(spec.get("requires") or []) if not _table_exists(con, t)]
        if missing:
            why = f"{missing[0]} is not in this build"
            notes.append(f"{name}: skipped: {why}")
            outcomes += [Outcome(name, e["name"], e["severity"], bool(e.get("quarantine")), True, None, [], e["why"],
                                 stage, table, e["type"], skipped=why) for e in exps]
            continue
        fctx = FrameContext(con=con, params=params, work_con=work_con, raw_dir=raw_dir, suites=all_suites)
        if spec.get("frame") and spec["frame"] not in FRAMES:
            raise UserError(f"expectations file {spec['_file']}: unknown frame {spec['frame']!r}")
        try:
            if spec.get("frame"):
                df = FRAMES[spec["frame"]](fctx)
            else:
                df = _query_frame(con, spec.get("query") or f"SELECT * FROM {table}", params)
        except duckdb.Error as exc:
            # a query that no longer fits its table (a renamed column, ...): every expectation of the
            # suite fails, so a critical one blocks the publish and the report says why
            why = f"suite could not run: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            notes.append(f"{name}: {why}")
            outcomes += [Outcome(name, e["name"], e["severity"], bool(e.get("quarantine")), False, None, [why], e["why"],
                                 stage, table, e["type"]) for e in exps]
            continue
        notes += [f"{n}" for n in fctx.notes]
        df = _gx_frame(df)
        rows[table if not spec.get("frame") else f"{name} (frame)"] = len(df)
        index_cols = [c for c in key + show if c in df.columns]
        results, errors = session.run(name, exps, df, {**ctx_vars, **params}, index_cols)
        to_q: dict[tuple, str] = {}
        suite_out = []
        for i, e in enumerate(exps):
            base = dict(suite=name, expectation=e["name"], severity=e["severity"], quarantine=bool(e.get("quarantine")),
                        why=e["why"], stage=stage, table=table, gx_type=e["type"])
            if i in errors:
                suite_out.append(Outcome(**base, success=False, unexpected_count=None,
                                         examples=[f"expectation could not run: {errors[i]}"]))
                continue
            r = results.get(i)
            exc = (getattr(r, "exception_info", None) or {}) if r is not None else {}
            if r is None or exc.get("raised_exception"):
                msg = exc.get("exception_message") if exc else "no result"
                suite_out.append(Outcome(**base, success=False, unexpected_count=None,
                                         examples=[f"expectation could not run: {msg}"]))
                continue
            result = r.result or {}
            index_list = result.get("unexpected_index_list") or []
            examples = [_example(item, key, show) for item in index_list[:MAX_EXAMPLES] if isinstance(item, dict)]
            if not examples and not r.success:
                if "observed_value" in result:
                    examples = [f"observed {_fmt(result['observed_value'])}"]
                else:
                    examples = [_fmt(v) for v in (result.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]]
            unexpected = result.get("unexpected_count")
            o = Outcome(**base, success=bool(r.success), unexpected_count=None if unexpected is None else int(unexpected),
                        examples=examples)
            suite_out.append(o)
            if quarantine and o.quarantine and not o.success:
                for item in index_list:
                    if isinstance(item, dict):
                        to_q.setdefault(tuple(_plain(item.get(c)) for c in key), e["name"])
        if to_q:
            moved = _move_to_rejects(con, table, key, to_q, now)
            quarantined[table] = quarantined.get(table, 0) + sum(moved.values())
            for o in suite_out:
                o.quarantined = moved.get(o.expectation, 0)
        outcomes += suite_out
        timings[f"{stage}: {name}"] = time.perf_counter() - t0
    return outcomes, rows, quarantined, notes, timings


# ------------------------------------------------------------------------------------------------
# quarantine


def _drop_stale_quarantine(con) -> int:
    """Forget quarantine records whose document was parsed again after them: the new parse put
    fresh rows in staging, and this run checks those instead."""
    stale = """FROM staging.rejects r WHERE r.stage = 'validate' AND NOT EXISTS (
                   SELECT 1 FROM staging.parsed_documents p WHERE p.url = r.input AND p.parsed_at <= r.recorded_at)"""
    n = con.execute("SELECT count(*) " + stale).fetchone()[0]
    if n:
        con.execute("DELETE " + stale)
    return n


_EXCERPT = {"staging.narratives": "t.text", "staging.measures": "t.evidence", "staging.partners": "t.evidence",
            "staging.recommendations": "t.recommendation", "staging.agreements": "t.evidence"}
_DESCRIBE = {
    "staging.measures": "t.measure || '=' || CAST(t.value AS VARCHAR)",
    "staging.partners": "t.partner_iso3 || ' (' || t.direction || ')'",
    "staging.recommendations": "'recommendation ' || CAST(t.position AS VARCHAR)",
    "staging.agreements": "t.kind || ' with ' || t.partner_iso3 || ' (' || t.status || ')'",
}


def _move_to_rejects(con, table: str, key: list[str], items: dict[tuple, str], now) -> dict[str, int]:
    """Move the rows with these keys from ``table`` to staging.rejects (one transaction).

    Returns rows moved per expectation. Removing a narrative removes its measures, partners,
    recommendations and agreements too (they cannot be used without it).
    """
    kdf = pd.DataFrame([list(k) + [name] for k, name in items.items()], columns=key + ["_expectation"])
    cond = " AND ".join(f"t.{c} IS NOT DISTINCT FROM q.{c}" for c in key)
    excerpt = _EXCERPT.get(table, "NULL")
    describe = _DESCRIBE.get(table)
    what = f" || ': ' || {describe}" if describe else ""
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_q", kdf)
        rejects = con.execute(
            f"""SELECT t.source_url AS input, 'validate' AS stage,
                       'quarantined from {table}: ' || q._expectation{what} AS reason,
                       t.report_year, n.country, t.narrative_id, q._expectation AS expectation,
                       left(CAST({excerpt} AS VARCHAR), 300) AS excerpt, p.sha256 AS doc_sha256,
                       t.parser_version, CAST(? AS TIMESTAMP) AS recorded_at
                FROM {table} t JOIN _q q ON {cond}
                LEFT JOIN staging.narratives n ON n.narrative_id = t.narrative_id AND n.source_url = t.source_url
                LEFT JOIN staging.parsed_documents p ON p.url = t.source_url""",
            [now],
        ).df()
        con.execute(f"DELETE FROM {table} t USING _q q WHERE {cond}")
        if table == "staging.narratives":
            for child in ("staging.measures", "staging.partners", "staging.recommendations", "staging.agreements"):
                con.execute(f"DELETE FROM {child} c USING _q q WHERE c.narrative_id = q.narrative_id")
        con.unregister("_q")
        if len(rejects):
            # a row quarantined again (same document, same reason) replaces its earlier record
            con.register("_new", rejects)
            con.execute(
                """DELETE FROM staging.rejects r USING _new x
                   WHERE r.stage = 'validate' AND r.input = x.input AND r.reason = x.reason
                     AND r.narrative_id IS NOT DISTINCT FROM x.narrative_id AND r.excerpt IS NOT DISTINCT FROM x.excerpt""")
            con.unregister("_new")
            insert_rows(con, "staging.rejects", rejects.to_dict("records"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return rejects["expectation"].value_counts().to_dict() if len(rejects) else {}


# ------------------------------------------------------------------------------------------------
# recording


def _record_rows(report_outcomes: list[Outcome], run_id: str, at) -> list[dict]:
    rows = []
    for o in report_outcomes:
        detail = {}
        if o.examples:
            detail["first"] = o.examples[:MAX_EXAMPLES]
        if o.quarantined:
            detail["quarantined"] = o.quarantined
        if o.skipped:
            detail["skipped"] = o.skipped
        rows.append({"run_id": run_id, "validated_at": at, "suite": o.suite, "expectation": o.expectation,
                     "severity": o.severity, "success": o.success, "unexpected_count": o.unexpected_count,
                     "detail": json.dumps(detail) if detail else None})
    return rows


def _record(con, outcomes: list[Outcome], run_id: str, at) -> None:
    insert_rows(con, "marts.validation_runs", _record_rows(outcomes, run_id, at))


def _record_into_file(db: Path, outcomes: list[Outcome], run_id: str, at) -> None:
    con = duckdb.connect(str(db))
    try:
        if _table_exists(con, "marts.validation_runs"):
            _record(con, outcomes, run_id, at)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _reports_dir_of(con) -> Path | None:
    """The state folder's validation/ next to the working store (``Paths.reports_dir``)."""
    try:
        path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    except duckdb.Error:
        return None
    if not path or path == ":memory:":
        return None
    return Path(path).resolve().parent / "validation"


def _write_report(report: ValidationReport, directory: Path | None) -> None:
    if directory is None:
        return
    from tip.quality.report import write_html

    try:
        report.report_path = write_html(report, directory)
    except OSError as exc:  # a report we cannot write must not sink the run; say so
        report.notes.append(f"could not write the HTML report to {directory}: {exc}")
        log.warning("could not write the validation report to %s: %s", directory, exc)


# ------------------------------------------------------------------------------------------------
# entry points


def _max_share(value: float | None) -> float:
    if value is None:
        env = os.environ.get(ENV_MAX_QUARANTINE_SHARE)
        if env:
            try:
                value = float(env)
            except ValueError:
                raise UserError(f"${ENV_MAX_QUARANTINE_SHARE}={env!r}: expected a share between 0 and 1, e.g. 0.1") from None
    if value is None:
        return DEFAULT_MAX_QUARANTINE_SHARE
    if not 0 <= value <= 1:
        raise UserError(f"maximum quarantine share {value}: expected a share between 0 and 1, e.g. 0.1")
    return value


def _reference(value: str | os.PathLike | None) -> tuple[str | None, bool]:
    """(reference file, is it the suite's default)."""
    if value is None:
        value = os.environ.get(ENV_REFERENCE) or None
    if value is None:
        return None, True
    if str(value).lower() in ("none", "off", ""):
        return "", False
    p = Path(value).expanduser()
    if not p.is_file():
        raise UserError(f"reference tier file {p}: no such file")
    return str(p.resolve()), False


def check_options(max_quarantine_share: float | None = None, reference: str | os.PathLike | None = None) -> None:
    """Raise a UserError for a bad limit or reference file (from the options or the environment)."""
    _max_share(max_quarantine_share)
    _reference(reference)


def validate(con: duckdb.DuckDBPyConnection, run_id: str | None = None, *, quarantine: bool = True,
             max_quarantine_share: float | None = None, suites: list[dict] | None = None,
             reports_dir: Path | None = None) -> ValidationReport:
    """Run the staging suites on the working store ``con`` (the writer's own connection)."""
    run_id = run_id or uuid.uuid4().hex[:12]
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    share = _max_share(max_quarantine_share)
    suites = [s for s in (suites if suites is not None else load_suites()) if s.get("stage", "staging") == "staging"]
    stale = _drop_stale_quarantine(con) if quarantine else 0
    outcomes, rows, quarantined, notes, timings = _run_suites(
        con, suites, "staging", run_id, ctx_vars=_template_values(), overrides={"max_share": share},
        quarantine=quarantine, now=now)
    if stale:
        notes.append(f"{stale} quarantine records dropped: their documents were parsed again and re-checked")
    report = ValidationReport(run_id, now, outcomes, quarantined, rows, notes, timings)
    _record(con, outcomes, run_id, now)
    _write_report(report, reports_dir or _reports_dir_of(con))
    _remember(report)
    return report


def _validate_marts(db_con, run_id: str, *, work_con=None, raw_dir: Path | None = None,
                    reference: str | os.PathLike | None = None, suites: list[dict] | None = None) -> ValidationReport:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    suites = [s for s in (suites if suites is not None else load_suites()) if s.get("stage", "staging") == "marts"]
    ref, is_default = _reference(reference)
    overrides = {"reference_file": ref}
    extra = {"narratives_in_build": db_con.execute("SELECT count(*) FROM staging.narratives").fetchone()[0]
             if _table_exists(db_con, "staging.narratives") else 0}
    for s in suites:  # resolve the default reference file relative to the project
        p = (s.get("params") or {}).get("reference_file")
        if p and ref is None:
            s.setdefault("params", {})["reference_file"] = str((PROJECT_ROOT / p).resolve()) if not Path(p).is_absolute() else p
        if p is not None:
            s["params"]["_reference_is_default"] = is_default
    outcomes, rows, _q, notes, timings = _run_suites(
        db_con, suites, "marts", run_id, ctx_vars=_template_values(extra), overrides=overrides, quarantine=False,
        now=now, work_con=work_con, raw_dir=raw_dir)
    return ValidationReport(run_id, now, outcomes, {}, rows, notes, timings)


def validate_candidate(candidate: Path, run_id: str, *, con: duckdb.DuckDBPyConnection | None = None,
                       paths=None, reference: str | os.PathLike | None = None) -> ValidationReport:
    """Run the mart suites on the closed candidate build, before it is published.

    The candidate is opened read-only for the checks; their outcomes are then appended to its
    ``marts.validation_runs`` (and to the working store's, when ``con`` is given). A report that
    does not pass stops the publish (the candidate stays in builds/ for inspection). Returns the
    run's whole report: the staging outcomes of the same run (when validated in this process)
    followed by the marts'.
    """
    candidate = Path(candidate)
    raw_dir = paths.raw_dir if paths is not None else None
    if raw_dir is None and con is not None:
        rd = _reports_dir_of(con)
        raw_dir = rd.parent / "raw" if rd else None
    cand_con = duckdb.connect(str(candidate), read_only=True)
    try:
        marts = _validate_marts(cand_con, run_id, work_con=con, raw_dir=raw_dir, reference=reference)
    finally:
        cand_con.close()
    if con is not None:
        _record(con, marts.outcomes, run_id, marts.validated_at)
    _record_into_file(candidate, marts.outcomes, run_id, marts.validated_at)
    prior = _RUNS.get(run_id)
    report = prior.merged(marts) if prior is not None else marts
    reports_dir = paths.reports_dir if paths is not None else (_reports_dir_of(con) if con is not None else
                                                                candidate.resolve().parent.parent / "validation")
    _write_report(report, reports_dir)
    _remember(report)
    return report


def validate_published(con: duckdb.DuckDBPyConnection, paths, run_id: str,
                       reference: str | os.PathLike | None = None) -> ValidationReport | None:
    """Run the mart suites on the published panel, read-only (``tip validate``). None when there is none."""
    if not paths.db.exists():
        return None
    from tip.core.db import connect_published

    pub = connect_published(paths.db)
    try:
        marts = _validate_marts(pub, run_id, work_con=con, raw_dir=paths.raw_dir, reference=reference)
    finally:
        pub.close()
    _record(con, marts.outcomes, run_id, marts.validated_at)
    prior = _RUNS.get(run_id)
    report = prior.merged(marts) if prior is not None else marts
    _write_report(report, paths.reports_dir)
    _remember(report)
    return report
