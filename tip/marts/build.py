"""Build the analysts' file from the working store, and publish it atomically.

The build never touches the published file: it writes a new candidate file
(``<state>/builds/tip-<run>.duckdb``, in DuckDB's v1.4 storage format so that DuckDB 1.4/1.5
tools can open it), copies raw.documents and the staging tables into it, runs the mart SQL of
``sql/marts`` in file order, checks it, closes it, and only then ``os.replace``s it over the
published path. A reader holding the old file keeps reading the old file; a new connection sees
the new build; a failed run leaves the published file exactly as it was (the candidate stays in
``builds/`` for inspection).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tip.core.config import Paths
from tip.core.db import STORAGE_VERSION, sql_files
from tip.parse import PARSER_VERSION

COPIED_TABLES = ("raw.documents", "staging.narratives", "staging.measures", "staging.partners",
                 "staging.recommendations", "staging.agreements", "staging.rejects", "marts.validation_runs")
COPIED_TABLES += ("meta.year_fetches",)  # what each report year's last fetch found (marts.year_coverage)
KEEP_BUILDS = 3   # candidate builds kept in builds/ (the newest; failed or half-built ones included)


@dataclass
class BuildResult:
    candidate: Path
    rows: dict[str, int]
    pruned: int = 0


def prune_builds(builds_dir: Path, keep: int = KEEP_BUILDS) -> int:
    """Remove all but the ``keep`` newest candidate builds (and their WAL files) from builds/:
    failed or half-built candidates stay for inspection, but do not pile up."""
    if not builds_dir.is_dir():
        return 0
    cands = sorted(builds_dir.glob("tip-*.duckdb"), key=lambda f: (f.stat().st_mtime, f.name), reverse=True)
    removed = 0
    for old in cands[keep:]:
        for f in (old, Path(str(old) + ".wal")):
            try:
                f.unlink()
                removed += f == old
            except FileNotFoundError:
                pass
    for wal in builds_dir.glob("tip-*.duckdb.wal"):  # a WAL whose candidate is gone
        if not Path(str(wal)[:-4]).exists():
            wal.unlink(missing_ok=True)
    return removed


def published_info(path: Path) -> dict:
    """meta.build_info of the published panel as a dict ({} when there is none, or it is unreadable)."""
    if not path.exists():
        return {}
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        cur = con.execute("SELECT * FROM meta.build_info")
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return dict(zip(names, row)) if row else {}


def published_country_years(path: Path):
    """(country_iso3, report_year, source_url) of every row the published panel holds (empty: no panel yet)."""
    import pandas as pd

    cols = ["country_iso3", "report_year", "source_url"]
    if not path.exists():
        return pd.DataFrame(columns=cols)
    con = duckdb.connect(str(path), read_only=True)
    try:
        try:
            return con.execute("SELECT c.country_iso3, c.report_year, n.source_url FROM marts.country_year c "
                               "LEFT JOIN (SELECT country_iso3, report_year, any_value(source_url) AS source_url "
                               "FROM staging.narratives GROUP BY ALL) n USING (country_iso3, report_year)").df()
        except duckdb.Error:
            return con.execute("SELECT country_iso3, report_year, NULL::VARCHAR AS source_url FROM marts.country_year").df()
    finally:
        con.close()


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_candidate(con: duckdb.DuckDBPyConnection, paths: Paths, run_id: str, *, allow_shrink: bool = False) -> BuildResult:
    """Build the candidate. It carries the published panel's country-years at build time
    (meta.published_before) so the no_shrink suite can refuse a build that loses rows, unless
    ``allow_shrink`` (recorded in meta.build_info) says the user accepts it."""
    paths.builds_dir.mkdir(parents=True, exist_ok=True)
    pruned = prune_builds(paths.builds_dir, KEEP_BUILDS - 1)  # with this one: KEEP_BUILDS
    cand = paths.builds_dir / f"tip-{run_id}.duckdb"
    before = published_country_years(paths.db)
    for p in (cand, Path(str(cand) + ".wal")):
        if p.exists():
            p.unlink()
    work = con.execute("SELECT current_database()").fetchone()[0]
    fingerprint = input_fingerprint(con)
    con.execute(f"ATTACH {_q(cand)} AS build (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        con.execute("USE build")
        try:
            for schema in ("raw", "staging", "marts", "meta"):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS build.{schema}")
            for t in COPIED_TABLES:
                con.execute(f"CREATE TABLE build.{t} AS SELECT * FROM {work}.{t}")
            raw_as_of = con.execute(f"SELECT max(fetched_at) FROM {work}.raw.documents").fetchone()[0]
            con.execute(
                "CREATE TABLE build.meta.build_info AS SELECT ? AS run_id, ? AS built_at, ? AS parser_version, ? AS storage_version, "
                "? AS input_fingerprint, ?::TIMESTAMP AS raw_documents_as_of, ? AS allow_shrink",
                [run_id, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), PARSER_VERSION, STORAGE_VERSION, fingerprint,
                 raw_as_of, bool(allow_shrink)],
            )
            con.register("_published_before", before)
            try:
                con.execute("CREATE TABLE build.meta.published_before AS SELECT country_iso3::VARCHAR AS country_iso3, "
                            "report_year::INTEGER AS report_year, source_url::VARCHAR AS source_url FROM _published_before")
            finally:
                con.unregister("_published_before")
            build_marts(con)
            rows = {r[0]: r[1] for r in con.execute(
                "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() WHERE database_name = 'build' ORDER BY 1"
            ).fetchall()}
            for t in list(rows):
                rows[t] = con.execute(f"SELECT count(*) FROM build.{t}").fetchone()[0]
            con.execute("CHECKPOINT build")
        finally:
            con.execute(f"USE {work}")
    finally:
        con.execute("DETACH build")
    return BuildResult(cand, rows, pruned)


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Run sql/marts/*.sql in file order on the current database, then describe every table.

    The region table (tip/core/regions.py) is visible to the SQL as ``seed_countries``. Every mart and
    column gets its description (COMMENT ON) from sql/marts/dictionary.yml; a mart or column the
    dictionary does not describe fails the build (tip/marts/dictionary.py).
    """
    from tip.marts import dictionary
    from tip.core.regions import countries_table

    codes = [r[0] for r in con.execute(
        "SELECT country_iso3 FROM staging.narratives UNION SELECT partner_iso3 FROM staging.partners "
        "UNION SELECT partner_iso3 FROM staging.agreements").fetchall()]
    seed = countries_table(codes)
    con.register("seed_countries", seed)
    try:
        for f in sql_files("marts"):
            con.execute(f.read_text(encoding="utf-8"))
    finally:
        con.unregister("seed_countries")
    dictionary.apply_comments(con, lenient=COPIED_TABLES)


# What a build is made from: the staging tables' rows (timestamps left out) ...
FINGERPRINT_TABLES = (
    ("staging.parsed_documents", ("parsed_at",)),
    ("staging.narratives", ("parsed_at",)),
    ("staging.measures", ()),
    ("staging.partners", ()),
    ("staging.recommendations", ()),
    ("staging.agreements", ()),
    ("staging.rejects", ("recorded_at",)),
)


def input_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What a build is made from: the staging rows (an order-free hash of each table), the parser
    version, the SQL of sql/, the expectations and the settings that steer validation. Two builds
    from the same fingerprint are the same panel, so a run that changes none of it need not build
    again; any edit of staging (a new parse, a quarantine, a hand fix) changes it."""
    import hashlib
    import os

    from tip.core.config import PROJECT_ROOT

    h = hashlib.sha256()
    for table, cols in FINGERPRINT_TABLES:
        if cols:
            sql = f"SELECT count(*), coalesce(bit_xor(hash(r)), 0) FROM (SELECT * EXCLUDE ({', '.join(cols)}) FROM {table}) r"
        else:
            sql = f"SELECT count(*), coalesce(bit_xor(hash(r)), 0) FROM (SELECT * FROM {table}) r"
        n, x = con.execute(sql).fetchall()[0]
        h.update(f"{table}\t{n}\t{x}\n".encode())
    # ... and each report year's coverage (whole, partial or unreachable, and which pages are missing),
    # so that marts.year_coverage never says a year is whole when the last fetch found otherwise
    n, x = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(report_year, pages_linked, unreachable, \"partial\", missing_pages)), 0) "
        "FROM meta.year_fetches").fetchall()[0]
    h.update(f"meta.year_fetches\t{n}\t{x}\n".encode())
    h.update(f"parser {PARSER_VERSION}\n".encode())
    files = [*sql_files("ddl"), *sql_files("marts"), *sorted((PROJECT_ROOT / "sql").glob("**/*.yml")),
             *sorted((PROJECT_ROOT / "expectations").glob("*.yml"))]
    for f in files:
        h.update(f"{f.name}\n".encode())
        h.update(f.read_bytes())
    for var in ("TIP_REFERENCE_TIERS", "TIP_MAX_QUARANTINE_SHARE"):
        h.update(f"{var}={os.environ.get(var, '')}\n".encode())
    return h.hexdigest()


def published_fingerprint(path: Path) -> str | None:
    """The input fingerprint of the published panel, or None (no file, an older build, unreadable)."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT input_fingerprint, run_id FROM meta.build_info").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def check_candidate(cand: Path) -> None:
    """Open the closed candidate read-only, as an analyst would, and sanity-check it."""
    con = duckdb.connect(str(cand), read_only=True)
    try:
        con.execute("SELECT count(*) FROM marts.country_year").fetchone()
        dup = con.execute(
            "SELECT country_iso3, report_year, count(*) FROM marts.country_year GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        if dup:
            raise RuntimeError(f"candidate build has two rows for {dup[0]} {dup[1]} in marts.country_year")
    finally:
        con.close()


def publish(cand: Path, target: Path) -> Path:
    """Atomically replace the published file with the candidate (same filesystem rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if cand.parent.resolve().stat().st_dev != target.parent.resolve().stat().st_dev:
        tmp = target.parent / f".{target.name}.incoming"
        import shutil

        shutil.copyfile(cand, tmp)
        os.replace(tmp, target)
        cand.unlink()
    else:
        os.replace(cand, target)
    wal = Path(str(target) + ".wal")
    if wal.exists():  # a WAL left by someone writing the published file would replay onto the new build
        wal.unlink()
    _fsync_dir(target.parent)
    return target


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def mart_rows(rows: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in rows.items() if k.startswith("marts.") and k != "marts.validation_runs"}


def summary_json(rows: dict[str, int]) -> str:
    return json.dumps(mart_rows(rows))
