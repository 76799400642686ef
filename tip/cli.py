"""The `tip` command. Each subcommand lives in tip/commands/<name>.py and registers itself.

User errors print one line (`tip: error: ...`) and exit 2; a failed validation, or a requested
report year that reached no source, exits 1 (nothing published); a run that published but left a
requested year partial exits 3; an unexpected error prints one line and exits 1 (set TIP_DEBUG=1
for the traceback). docs/reliability.md has the table.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from tip import commands
from tip.core.errors import SourcesUnreachable, UserError, ValidationFailed


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tip",
        description="The U.S. Trafficking in Persons Reports, 2001 to today, as a validated DuckDB panel.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    mods = [importlib.import_module(f"{commands.__name__}.{m.name}") for m in pkgutil.iter_modules(commands.__path__)]
    for mod in sorted(mods, key=lambda m: getattr(m, "ORDER", 50)):
        mod.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"tip: error: {exc}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        print(f"tip: validation failed, nothing published:\n{exc}", file=sys.stderr)
        return 1
    except SourcesUnreachable as exc:
        print(f"tip: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("tip: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, not a traceback
        if os.environ.get("TIP_DEBUG"):
            raise
        print(f"tip: error: {type(exc).__name__}: {exc} (set TIP_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def entry() -> None:
    """The `tip` executable (and `python -m tip.cli`): ``main``, then a quick exit.

    Flows started here may start their Prefect API first thing (flows/api.py; not when ``main``
    is called in-process, e.g. by the tests). At the end, once the threads that are not daemons
    have finished and every exit handler has run (Prefect's, which send the last logs and events
    and stop the run's API server; logging's), the process ends without tearing down every
    object it imported: about a second of Prefect, GX and pandas for nothing.
    ``TIP_FAST_EXIT=0`` exits the usual way.
    """
    from flows import api

    api.allow()
    code = main()
    if os.environ.get("TIP_FAST_EXIT", "1") == "0":
        sys.exit(code)
    _quick_exit(code)


def _quick_exit(code: int) -> None:
    import atexit
    import threading

    # what interpreter shutdown does first: the threading module's exit hooks (Prefect's services and
    # concurrent.futures flush their queues there) and the join of every thread that is not a daemon
    threading._shutdown()
    atexit._run_exitfuncs()
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:  # a closed pipe: nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
