"""One writer per panel: an advisory lock on the panel's state folder.

A second run on the same panel is refused at once with a clear message (or waits, when asked
to), so two runs never write the working store or publish over each other.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from tip.core.errors import LockBusy


@contextmanager
def writer_lock(lock_file: Path, wait_seconds: float = 0.0, what: str = "the panel"):
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = ""
                    try:
                        holder = os.pread(fd, 64, 0).decode("ascii", "ignore").strip()
                    except OSError:
                        pass
                    who = f" (pid {holder})" if holder else ""
                    raise LockBusy(
                        f"another tip process{who} is writing {what}; wait for it to finish or use a different --db"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
