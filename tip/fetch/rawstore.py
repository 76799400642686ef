"""Content-addressed store of raw bytes: ``raw/<sha[:2]>/<sha>``.

File names come from the hash of the content, never from URLs, so nothing a server sends can
choose a path (``path_for`` accepts only a 64-digit lowercase hex digest). Writes go to a
temporary file in the same folder, are fsynced and renamed into place, so a killed run never
leaves a half-written body under a valid name; the temporary files a killed run leaves behind
are swept by the next writer. ``get`` re-hashes what it reads, so a damaged file is an error,
never silently different bytes.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 300.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _commit(tmp: str, dest: Path) -> None:
    """The atomic step of a write: the complete temporary file takes its final name."""
    os.replace(tmp, dest)


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._swept = False

    def path_for(self, sha: str) -> Path:
        if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ValueError(f"not a sha256 hex digest: {sha!r}")
        return self.root / sha[:2] / sha

    def has(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def put(self, data: bytes) -> str:
        if not self._swept:
            self._swept = True
            self.sweep_temp()
        sha = sha256_bytes(data)
        dest = self.path_for(sha)
        if dest.is_file() and dest.stat().st_size == len(data) and sha256_bytes(dest.read_bytes()) == sha:
            return sha  # already stored whole (a damaged copy is rewritten below)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            _commit(tmp, dest)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        return sha

    def get(self, sha: str) -> bytes:
        data = self.path_for(sha).read_bytes()
        if sha256_bytes(data) != sha:
            raise IOError(f"raw store object {sha} is corrupt (hash mismatch)")
        return data

    def sweep_temp(self, older_than: float = STALE_TMP_SECONDS) -> int:
        """Remove temporary files left by a killed writer (older than ``older_than`` seconds)."""
        removed = 0
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than
        for sub in os.scandir(self.root):
            if not sub.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(sub.path):
                if entry.name.startswith(TMP_PREFIX):
                    try:
                        if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                            os.unlink(entry.path)
                            removed += 1
                    except FileNotFoundError:
                        pass
        return removed

    def problems(self) -> list[str]:
        """Every stored file whose name is not the sha256 of its bytes (a consistency check)."""
        out = []
        if not self.root.is_dir():
            return out
        for sub in sorted(os.scandir(self.root), key=lambda e: e.name):
            if not sub.is_dir(follow_symlinks=False):
                out.append(f"{sub.name}: not a folder of the store")
                continue
            for entry in sorted(os.scandir(sub.path), key=lambda e: e.name):
                if entry.name.startswith(TMP_PREFIX):
                    continue
                data = Path(entry.path).read_bytes()
                sha = sha256_bytes(data)
                if entry.name != sha or sub.name != sha[:2]:
                    out.append(f"{sub.name}/{entry.name}: content hashes to {sha}")
        return out

