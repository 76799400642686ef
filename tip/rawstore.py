"""Content-addressed store of raw bytes: ``raw/<sha[:2]>/<sha>``.

File names come from the hash of the content, never from URLs, so nothing a server sends can
choose a path. Writes go to a temporary file in the same folder and are renamed into place,
so a killed run never leaves a half-written body under a valid name.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha: str) -> Path:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ValueError(f"not a sha256 hex digest: {sha!r}")
        return self.root / sha[:2] / sha

    def has(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def put(self, data: bytes) -> str:
        sha = sha256_bytes(data)
        dest = self.path_for(sha)
        if dest.is_file() and dest.stat().st_size == len(data):
            return sha
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, dest)
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
