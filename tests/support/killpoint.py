"""Run the `tip` CLI with a pause at a chosen point, so a test can SIGKILL it there (tests only).

    TIP_KILLPOINT=parse TIP_KILLPOINT_MARKER=/tmp/x python -m tests.support.killpoint build --db ...

When the run reaches the point it writes its pid to the marker file and waits (up to 10 minutes)
for ``<marker>.go`` to appear; a test either SIGKILLs it there or creates the go-file to let it
finish. The pause wraps the real functions of the plain pipeline; nothing in ``tip`` knows about
it. Points:

=============  ===================================================================================
``fetch-write``  the raw store has written and fsynced a body to its temporary file, not renamed it
``parse``      inside the second parse batch's transaction (its narratives inserted, not committed;
               batches of 2 documents so there are several)
``validate``   the Great Expectations suites have run; their results are not yet recorded
``build``      the candidate file is attached and the tables copied; the marts are not yet built
``publish``    the candidate is built and checked; the rename over the published file not yet done
``published``  the rename is done; the folder not yet fsynced
=============  ===================================================================================
"""
from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

PAUSE_LIMIT = 600.0


def pause(point: str) -> None:
    marker = Path(os.environ["TIP_KILLPOINT_MARKER"])
    marker.write_text(f"{os.getpid()} {point}\n")
    go = Path(str(marker) + ".go")
    deadline = time.monotonic() + PAUSE_LIMIT
    while time.monotonic() < deadline and not go.exists():
        time.sleep(0.05)


def _once(fn):
    done = []

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        if not done:
            done.append(1)
            return fn(*a, **kw)
    return wrapper


def install(point: str) -> None:
    import tip.marts.build
    import tip.parse.staging
    import tip.pipeline
    import tip.fetch.rawstore
    import tip.quality.validate

    stop = _once(lambda: pause(point))

    if point == "fetch-write":
        real_commit = tip.fetch.rawstore._commit

        def commit(*a, **kw):
            stop()
            return real_commit(*a, **kw)
        tip.fetch.rawstore._commit = commit

    elif point == "parse":
        real_stage, real_load, real_insert = tip.pipeline.stage_parse, tip.pipeline.load_parsed, tip.parse.staging.insert_rows
        loads = []

        def stage_parse(*a, **kw):
            kw["chunk_size"] = 2
            return real_stage(*a, **kw)

        def load_parsed(*a, **kw):
            loads.append(1)
            return real_load(*a, **kw)

        def insert_rows(con, table, rows, *a, **kw):
            n = real_insert(con, table, rows, *a, **kw)
            if len(loads) >= 2 and table == "staging.narratives" and rows:
                stop()
            return n
        tip.pipeline.stage_parse, tip.pipeline.load_parsed, tip.parse.staging.insert_rows = stage_parse, load_parsed, insert_rows

    elif point == "validate":
        real_record = tip.quality.validate._record

        def record(*a, **kw):
            stop()
            return real_record(*a, **kw)
        tip.quality.validate._record = record

    elif point == "build":
        real_sql_files = tip.marts.build.sql_files

        def sql_files(sub, *a, **kw):
            if sub == "marts":
                stop()
            return real_sql_files(sub, *a, **kw)
        tip.marts.build.sql_files = sql_files

    elif point == "publish":
        real_publish = tip.pipeline.publish

        def publish(*a, **kw):
            stop()
            return real_publish(*a, **kw)
        tip.pipeline.publish = publish

    elif point == "published":
        real_fsync = tip.marts.build._fsync_dir

        def fsync_dir(*a, **kw):
            stop()
            return real_fsync(*a, **kw)
        tip.marts.build._fsync_dir = fsync_dir

    else:
        raise SystemExit(f"killpoint: unknown point {point!r}")


def main() -> int:
    install(os.environ["TIP_KILLPOINT"])
    from tip.cli import main as tip_main

    return tip_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
