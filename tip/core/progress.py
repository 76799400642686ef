"""Progress of the fetch and parse stages on stderr.

A stage's progress is a callable taking one line of text (what the stages have always said).
When stderr is a terminal, ``stderr_progress(stage)`` also draws a rich progress bar per stage
with counts, rate and time left, and the lines print above the bars; otherwise (a log, CI, a
pipe) it prints the plain ``[stage] line`` as before and draws nothing.

Stages that know how much work they have tell it with ``add_total(progress, n)`` and
``advance(progress, n)``: both do nothing for a plain callable, so any ``Callable[[str], None]``
still works as a progress (the tests pass ``lambda msg: None``). Every progress object for the
same stage name in a process shares one bar (fetch adds each report year's pages to it).
"""
from __future__ import annotations

import atexit
import sys
import threading
from typing import Callable

Progress = Callable[[str], None]

_lock = threading.Lock()
_bars = None      # the process's rich Progress, created on the first bar
_tasks: dict[str, int] = {}
_UNITS = {"fetch": "pages", "parse": "documents"}


def add_total(progress: Progress | None, n: int) -> None:
    """Tell ``progress`` that ``n`` more items of work are coming."""
    f = getattr(progress, "add_total", None)
    if f is not None and n:
        f(n)


def advance(progress: Progress | None, n: int = 1) -> None:
    """Tell ``progress`` that ``n`` items are done."""
    f = getattr(progress, "advance", None)
    if f is not None and n:
        f(n)


class PlainProgress:
    """``[stage] line`` on stderr; no bar."""

    def __init__(self, stage: str):
        self.stage = stage

    def __call__(self, msg: str) -> None:
        print(f"[{self.stage}] {msg}", file=sys.stderr, flush=True)


class BarProgress(PlainProgress):
    """The plain lines, printed above a rich bar for the stage (counts, rate, time left)."""

    def _bars(self):
        global _bars
        if _bars is None:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Rich, TaskProgressColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            _bars = Rich(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                         TextColumn("{task.fields[unit]}"), TaskProgressColumn(),
                         TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                         TextColumn("left"), console=Console(file=sys.stderr), transient=False)
            atexit.register(_stop)
        return _bars

    def __call__(self, msg: str) -> None:
        with _lock:
            if _bars is not None and _bars.live.is_started:
                _bars.console.print(f"[{self.stage}] {msg}", markup=False, highlight=False)
                return
        super().__call__(msg)

    def add_total(self, n: int) -> None:
        with _lock:
            bars = self._bars()
            if self.stage not in _tasks:
                _tasks[self.stage] = bars.add_task(self.stage, total=0, unit=_UNITS.get(self.stage, "items"),
                                                   rate="")
            tid = _tasks[self.stage]
            current = next(t for t in bars.tasks if t.id == tid)
            bars.update(tid, total=(current.total or 0) + n)
            if not bars.live.is_started:
                bars.start()

    def advance(self, n: int = 1) -> None:
        with _lock:
            if _bars is None or self.stage not in _tasks:
                return
            tid = _tasks[self.stage]
            _bars.advance(tid, n)
            t = next(t for t in _bars.tasks if t.id == tid)
            speed = t.finished_speed or t.speed
            _bars.update(tid, rate=f"{speed:,.1f}/s" if speed else "")
            if all(x.finished for x in _bars.tasks):
                _bars.stop()


def _stop() -> None:
    if _bars is not None and _bars.live.is_started:
        _bars.stop()


def stderr_progress(stage: str) -> Progress:
    """The stage's progress on stderr: a bar on a terminal, plain lines otherwise."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return BarProgress(stage) if tty else PlainProgress(stage)


def with_log(progress: Progress, log: Callable[[str], None]) -> Progress:
    """``progress`` that also sends each line to ``log`` (the flows' Prefect logger), keeping its bar."""

    class _Teed:
        def __call__(self, msg: str) -> None:
            progress(msg)
            try:
                log(msg)
            except Exception:
                pass

        def add_total(self, n: int) -> None:
            add_total(progress, n)

        def advance(self, n: int = 1) -> None:
            advance(progress, n)

    return _Teed()
