"""A fault-injecting copy of the State Department sites on 127.0.0.1 (tests only).

It serves a folder in the sites' ``wget --mirror`` layout exactly like ``siteserver.SiteServer``
(``/HOST/PATH``, ``index.html`` for paths ending in '/', ETag / Last-Modified, 304 on a matching
If-None-Match), and lets a test script what each page does on each request:

    with FaultServer(SITE) as srv:
        srv.add("https://2009-2017.state.gov/j/tip/rls/tiprpt/countries/2014/226701.htm",
                Status(503), Status(503))            # two 503s, then the page as usual
        srv.add(url, Reset(), then="repeat")          # every request reset
        ... run the pipeline with --mirror srv.url ...
        srv.hits(url)                                 # how many requests that page got

Faults (each one answers one request):

=================  ==========================================================================
``Status``         any status (500/502/503/403/...), optional Retry-After and body
``Stall``          say nothing for N seconds (past the client's read timeout), then serve
``Trickle``        send headers, then the body a few bytes at a time (past the total timeout)
``SlowHeaders``    send the status line and headers a few bytes at a time (past the total timeout)
``Reset``          close the connection with a TCP reset (before or part-way through the body)
``Truncate``       a Content-Length larger than the bytes sent, then close
``Endless``        a chunked body that never ends
``Huge``           a body far over a size cap, with (or without) an honest Content-Length
``Body``           any bytes with any headers (PDF, PNG, an empty 200, a gzip bomb...)
``Charset``        the page re-encoded and/or with a wrong or missing charset
``Redirect``       a redirect to any Location (other hosts, loops)
``Transform``      the page's bytes through a function (e.g. index links to other hosts)
``Serve``          the page as usual
=================  ==========================================================================

Stalls and endless bodies stop when the server shuts down, so a test never hangs on them.
Every fault is synthetic; nothing here touches the internet.
"""
from __future__ import annotations

import email.utils
import gzip
import hashlib
import os
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

FILLER = b"<p>" + b"SYNTHETIC filler paragraph for a fault test. " * 40 + b"</p>\n"


def mirror_path(url_or_path: str) -> str:
    """'https://HOST/PATH' or '/HOST/PATH' -> '/HOST/PATH' (with index.html for '/')."""
    if url_or_path.startswith(("http://", "https://")):
        parts = urlsplit(url_or_path)
        path = f"/{parts.netloc}{parts.path or '/'}"
    else:
        path = url_or_path
    if path.endswith("/"):
        path += "index.html"
    return path


class FaultHandler(BaseHTTPRequestHandler):
    root: Path = Path(".")
    server_ref: "FaultServer"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    # -- plumbing -------------------------------------------------------------------------------
    def do_GET(self):  # noqa: N802
        srv = self.server_ref
        path = mirror_path(unquote(urlsplit(self.path).path))
        with srv.lock:
            srv.log.append((path, dict(self.headers)))
            n = srv.counts.get(path, 0)
            srv.counts[path] = n + 1
            step = srv.next_step(path)
        try:
            (step or Serve())(self, path)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout, OSError):
            pass  # the client went away (it timed out, or hit its size cap): that is the point

    def file_for(self, path: str) -> Path | None:
        root = self.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not str(target).startswith(str(root) + os.sep) or not target.is_file():
            return None
        return target

    def page(self, path: str) -> bytes | None:
        f = self.file_for(path)
        return f.read_bytes() if f else None

    def send_bytes(self, status: int, body: bytes, headers: dict | None = None, content_length: int | None = None) -> None:
        self.send_response(status)
        hdrs = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for k, v in hdrs.items():
            if v is not None:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def not_found(self) -> None:
        self.send_bytes(404, b"<html><body><h1>Page not found</h1></body></html>")

    def rst(self) -> None:
        """Close with a TCP reset (SO_LINGER 0) instead of a clean FIN."""
        try:
            self.wfile.flush()
        except OSError:
            pass
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops. True when the server is stopping."""
        return self.server_ref.stopping.wait(seconds)


# -- faults --------------------------------------------------------------------------------------
@dataclass
class Serve:
    """The page as usual (ETag, Last-Modified, 304 on a matching If-None-Match)."""

    headers: dict = field(default_factory=dict)

    def __call__(self, h: FaultHandler, path: str) -> None:
        f = h.file_for(path)
        if f is None:
            return h.not_found()
        data = f.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        ctype = "text/html; charset=utf-8" if f.suffix in (".htm", ".html") else "text/plain; charset=utf-8"
        h.send_bytes(200, data, {"Content-Type": ctype, "ETag": etag,
                                 "Last-Modified": email.utils.formatdate(os.stat(f).st_mtime, usegmt=True), **self.headers})


@dataclass
class Status:
    """Answer with ``code`` (and a Retry-After when given)."""

    code: int
    retry_after: str | int | None = None
    body: bytes = b"<html><body><h1>Service Unavailable</h1></body></html>"

    def __call__(self, h: FaultHandler, path: str) -> None:
        hdrs = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        h.send_bytes(self.code, self.body, hdrs)


@dataclass
class Stall:
    """Send nothing for ``seconds`` (a server slower than the client's read timeout), then the page."""

    seconds: float

    def __call__(self, h: FaultHandler, path: str) -> None:
        if h.wait(self.seconds):
            return
        Serve()(h, path)


@dataclass
class SlowHeaders:
    """The status line and headers a few bytes every ``every`` seconds (each piece well inside any
    read timeout, the whole far past a per-attempt limit), then the page."""

    piece: int = 4
    every: float = 0.05
    pieces: int = 2000

    def __call__(self, h: FaultHandler, path: str) -> None:
        data = h.page(path) or FILLER
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                + b"".join(b"X-Padding-%d: slow\r\n" % i for i in range(self.pieces * self.piece // 20))
                + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(data))
        h.close_connection = True
        for i in range(0, len(head), self.piece):
            h.wfile.write(head[i:i + self.piece])
            h.wfile.flush()
            if h.wait(self.every):
                return
        h.wfile.write(data)


@dataclass
class Trickle:
    """Headers at once, then the page ``piece`` bytes every ``every`` seconds (stays under any read
    timeout but never finishes in time); padded with filler so it lasts ``pieces`` pieces at least."""

    piece: int = 16
    every: float = 0.05
    pieces: int = 1000

    def __call__(self, h: FaultHandler, path: str) -> None:
        data = (h.page(path) or b"") + FILLER * (1 + self.piece * self.pieces // len(FILLER))
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        for i in range(0, len(data), self.piece):
            h.wfile.write(data[i:i + self.piece])
            h.wfile.flush()
            if h.wait(self.every):
                return


@dataclass
class Reset:
    """A TCP reset: at once (``after_bytes=None``), or after the headers and that many body bytes."""

    after_bytes: int | None = None

    def __call__(self, h: FaultHandler, path: str) -> None:
        if self.after_bytes is not None:
            data = h.page(path) or FILLER
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: self.after_bytes])
        h.rst()


@dataclass
class Truncate:
    """Declare the whole page's length, send only ``keep`` of it, then close cleanly."""

    keep: float = 0.5

    def __call__(self, h: FaultHandler, path: str) -> None:
        data = h.page(path) or FILLER
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: int(len(data) * self.keep)])
        h.wfile.flush()
        h.close_connection = True


class Endless:
    """A chunked HTML body that never ends (until the client hangs up or the server stops)."""

    def __call__(self, h: FaultHandler, path: str) -> None:
        h.protocol_version = "HTTP/1.1"
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        chunk = b"%x\r\n%s\r\n" % (len(FILLER), FILLER)
        h.wfile.write(b"%x\r\n%s\r\n" % (len(b"<html><body>"), b"<html><body>"))
        while not h.server_ref.stopping.is_set():
            h.wfile.write(chunk)


@dataclass
class Huge:
    """A body of ``size`` bytes of HTML filler; ``declare`` sends the honest Content-Length."""

    size: int
    declare: bool = True

    def __call__(self, h: FaultHandler, path: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if self.declare:
            h.send_header("Content-Length", str(self.size))
        h.end_headers()
        h.close_connection = True
        sent = 0
        while sent < self.size and not h.server_ref.stopping.is_set():
            piece = FILLER[: self.size - sent]
            h.wfile.write(piece)
            sent += len(piece)


@dataclass
class Body:
    """Any bytes with any headers."""

    data: bytes
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    status: int = 200

    def __call__(self, h: FaultHandler, path: str) -> None:
        h.send_bytes(self.status, self.data, self.headers)


@dataclass
class Charset:
    """The page re-encoded to ``encode_as`` (default: as stored), served with ``declared`` as its
    charset in Content-Type (None: no charset at all); ``strip_meta`` also drops <meta charset>."""

    declared: str | None
    encode_as: str | None = None
    strip_meta: bool = True

    def __call__(self, h: FaultHandler, path: str) -> None:
        data = h.page(path)
        if data is None:
            return h.not_found()
        if self.encode_as:
            data = data.decode("utf-8").encode(self.encode_as)
        if self.strip_meta:
            import re

            data = re.sub(rb"<meta[^>]*charset[^>]*>", b"", data, flags=re.I)
        ctype = "text/html" + (f"; charset={self.declared}" if self.declared else "")
        h.send_bytes(200, data, {"Content-Type": ctype})


@dataclass
class Redirect:
    """A redirect (302 by default) to ``location`` (absolute, or a path on this server)."""

    location: str
    code: int = 302

    def __call__(self, h: FaultHandler, path: str) -> None:
        h.send_bytes(self.code, b"", {"Location": self.location})


@dataclass
class Transform:
    """The page's bytes through ``fn`` (served as HTML, no ETag)."""

    fn: Callable[[bytes], bytes]

    def __call__(self, h: FaultHandler, path: str) -> None:
        data = h.page(path)
        if data is None:
            return h.not_found()
        h.send_bytes(200, self.fn(data))


def gzip_bomb(decoded_size: int) -> bytes:
    """A small gzip stream that inflates to ``decoded_size`` bytes of HTML filler."""
    import io

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        block = FILLER * 256
        written = 0
        while written < decoded_size:
            gz.write(block)
            written += len(block)
    return buf.getvalue()


# -- the server ----------------------------------------------------------------------------------
class FaultServer:
    """Context manager: ``with FaultServer(root) as srv: srv.url`` -> 'http://127.0.0.1:PORT'."""

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(root)
        self.lock = threading.Lock()
        self.log: list[tuple[str, dict]] = []
        self.counts: dict[str, int] = {}
        self.plans: dict[str, tuple[list, str]] = {}
        self.stopping = threading.Event()
        handler = type("Handler", (FaultHandler,), {"root": self.root, "server_ref": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self.log

    def add(self, url_or_path: str, *steps, then: str = "serve") -> "FaultServer":
        """Answer the next requests for a page with ``steps`` in order; afterwards serve the page
        as usual (``then="serve"``) or repeat the last step forever (``then="repeat"``)."""
        assert then in ("serve", "repeat")
        with self.lock:
            self.plans[mirror_path(url_or_path)] = (list(steps), then)
        return self

    def clear(self) -> None:
        with self.lock:
            self.plans.clear()

    def next_step(self, path: str):
        plan = self.plans.get(path)
        if not plan:
            return None
        steps, then = plan
        if len(steps) > 1 or (steps and then == "serve"):
            return steps.pop(0)
        return steps[0] if steps else None

    def hits(self, url_or_path: str) -> int:
        with self.lock:
            return self.counts.get(mirror_path(url_or_path), 0)

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()
            self.counts.clear()

    def __enter__(self) -> "FaultServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # python -m tests.support.faultserver ROOT [PORT]: serve with no faults
    import sys

    with FaultServer(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8000) as s:
        print(f"serving {sys.argv[1]} at {s.url}", flush=True)
        while True:
            time.sleep(3600)
