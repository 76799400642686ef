"""A local copy of the State Department sites, served on 127.0.0.1 for tests and benchmarks.

The folder is laid out as ``wget --mirror`` lays out a crawl: ``ROOT/HOST/PATH``, with
``index.html`` for paths ending in '/'. The server answers ``/HOST/PATH`` exactly like the
``--mirror`` URL rewrite asks, sends ETag and Last-Modified, and answers conditional requests
with 304, so incremental runs can be tested. It never touches the internet.
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class SiteHandler(BaseHTTPRequestHandler):
    root: Path = Path(".")
    log: list = []
    overrides: dict = {}  # path -> callable(handler) for fault injection

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802
        path = unquote(urlsplit(self.path).path)
        self.log.append((path, dict(self.headers)))
        hook = self.overrides.get(path)
        if hook is not None:
            return hook(self)
        rel = path.lstrip("/")
        target = (self.root / rel).resolve()
        if path.endswith("/"):
            target = (self.root / rel / "index.html").resolve()
        if not str(target).startswith(str(self.root.resolve())) or not target.is_file():
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body><h1>Page not found</h1></body></html>")
            return
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        mtime = email.utils.formatdate(os.stat(target).st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        ctype = "text/html; charset=utf-8" if target.suffix in (".htm", ".html") else "text/plain; charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", mtime)
        self.end_headers()
        self.wfile.write(data)


class SiteServer:
    """Context manager: ``with SiteServer(root) as srv: srv.url`` -> 'http://127.0.0.1:PORT'."""

    def __init__(self, root: Path, port: int = 0):
        handler = type("Handler", (SiteHandler,), {"root": Path(root), "log": [], "overrides": {}})
        self.handler = handler
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list:
        return self.handler.log

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # python -m tests.support.siteserver ROOT [PORT]
    import sys
    import time

    root = Path(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    with SiteServer(root, port) as s:
        print(f"serving {root} at {s.url}", flush=True)
        while True:
            time.sleep(3600)
