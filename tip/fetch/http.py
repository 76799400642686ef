"""A polite, bounded HTTP client for the State Department sites (or a mirror of them).

* Only allowed hosts are ever requested; redirects are followed by hand and only to allowed
  hosts; a link or redirect to any other host is refused and reported, before any connection.
  URLs that different parsers could read as different hosts (user-info, backslashes, control
  characters) are refused too.
* A browser-like User-Agent (state.gov is reported to refuse others), connect/read timeouts, a
  wall-clock limit per attempt enforced by a watchdog on the socket (a server trickling its
  headers or its body cannot hold a run forever), and a cap
  on the body size (read in small pieces, so an endless or oversized body stops at the cap;
  compressed bodies are capped after decompression).
* A per-host rate limit (default one request per second).
* Retries with exponential backoff and jitter on timeouts, connection errors, truncated or empty
  bodies, 429 and 5xx, honouring Retry-After (a server asking for a longer wait than
  ``backoff_max`` is not retried early: the page is reported as failed instead); never on
  403/404, size-cap hits, redirect loops or refused hosts. A host name that does not resolve or
  a refused connection is not retried, and that host is not asked again by this client (a dead
  host fails a run's years at once). Retries happen here only: the flows
  do not retry fetches again on top.
* A body that is not a web page (a PDF, an image, other binary content, by Content-Type or by
  its first bytes) is refused as an error, so it never replaces a good stored copy.
* Conditional requests: pass the ETag / Last-Modified of the stored copy; a 304 comes back as
  such, with no body.

Every limit has a default, an environment variable (``TIP_HTTP_*``, see ``HttpSettings``) and a
constructor argument; tests pass small timeouts and a fake ``sleep``.

``requests`` is the transport; tests swap the mirror for a server on 127.0.0.1.
"""
from __future__ import annotations

import email.utils
import logging
import os
import random
import re
import threading
import time
from dataclasses import dataclass, fields, replace
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from urllib3.util import parse_url

from tip.core.errors import UserError

log = logging.getLogger("tip.fetch.http")

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 "
    "tip-panel/0.1 (+https://github.com/tip-panel; research data pipeline)"
)
RETRY_STATUS = {429, 500, 502, 503, 504, 520, 522, 524}
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
READ_PIECE = 65536

# Content-Types a report page may come as; anything else is not a narrative or index page.
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_BINARY_MAGIC = ((b"%PDF", "PDF"), (b"PK\x03\x04", "ZIP/Office"), (b"\x89PNG", "PNG"), (b"GIF8", "GIF"),
                 (b"\xff\xd8\xff", "JPEG"), (b"\x1f\x8b", "gzip"), (b"\xd0\xcf\x11\xe0", "MS Office"),
                 (b"RIFF", "RIFF"), (b"\x00\x00\x01\x00", "icon"), (b"7z\xbc\xaf", "7z"))


@dataclass(frozen=True)
class HttpSettings:
    """The client's limits. ``from_env`` reads ``TIP_HTTP_<FIELD>`` (e.g. TIP_HTTP_READ_TIMEOUT=5)."""

    connect_timeout: float = 10.0     # seconds to connect
    read_timeout: float = 30.0        # seconds of silence allowed while waiting for bytes
    total_timeout: float = 120.0      # wall-clock seconds for one attempt (headers + body)
    max_bytes: int = DEFAULT_MAX_BYTES  # body size cap (after decompression)
    max_attempts: int = 4             # tries per URL (1 = no retry)
    backoff_base: float = 1.0         # first retry waits ~this long (x2 each time, 50-150% jitter)
    backoff_max: float = 60.0         # longest wait between tries; a longer Retry-After is not waited for
    max_redirects: int = 5

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "HttpSettings":
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            name = f"TIP_HTTP_{f.name.upper()}"
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            conv = int if f.type in ("int", int) else float
            try:
                v = conv(raw.strip())
            except ValueError:
                raise UserError(f"${name}={raw!r}: expected a {'whole ' if conv is int else ''}number") from None
            if v < 0 or (f.name in ("max_attempts", "max_bytes") and v < 1) or v != v:
                raise UserError(f"${name}={raw!r}: must be {'at least 1' if f.name in ('max_attempts', 'max_bytes') else 'zero or more'}")
            values[f.name] = v
        return cls(**values)


@dataclass
class Response:
    url: str                 # the URL asked for
    final_url: str           # after redirects
    status: int | None
    body: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    error: str | None = None
    attempts: int = 1
    retry_after: str | None = None   # the server's Retry-After header, when it sent one

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostNotAllowed(Exception):
    pass


class RedirectError(Exception):
    pass


class _Retryable(Exception):
    """A transient failure found while reading a response (truncated or empty body, slow trickle)."""


class _Unreachable(Exception):
    """The host cannot be reached at all (its name does not resolve, or it refuses connections)."""


# -- the per-attempt deadline --------------------------------------------------------------------
# The read timeout is per recv: a server sending its status line and headers a byte every few
# seconds would never trip it. Each attempt therefore runs under a watchdog that shuts the
# attempt's socket down when the attempt's wall-clock limit (total_timeout) passes, whatever
# phase it is in (headers or body); the attempt then fails as a slow response and is retried.
_current = threading.local()


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = max(0.0, seconds)
        self.expired = False
        self._sock = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _current.deadline = None

    def attach(self, sock) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)


def _shutdown(sock) -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _watched(conn_cls):
    class Watched(conn_cls):
        def getresponse(self, *a, **kw):  # the request is sent: from here on the socket can stall us
            d = getattr(_current, "deadline", None)
            if d is not None and self.sock is not None:
                d.attach(self.sock)
            return super().getresponse(*a, **kw)

    Watched.__name__ = f"Watched{conn_cls.__name__}"
    return Watched


def _watched_adapter() -> requests.adapters.HTTPAdapter:
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Pool(HTTPConnectionPool):
        ConnectionCls = _watched(HTTPConnection)

    class SPool(HTTPSConnectionPool):
        ConnectionCls = _watched(HTTPSConnection)

    adapter = requests.adapters.HTTPAdapter()
    adapter.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SPool}
    return adapter


class RateLimiter:
    """Minimum interval between requests to the same host (thread-safe)."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.interval = 0.0 if not per_second or per_second <= 0 else 1.0 / per_second
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, 0.0))
            self._next[host] = at + self.interval
        delay = at - now
        if delay > 0:
            self._sleep(delay)


_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f\\]")


class HttpClient:
    def __init__(
        self,
        allowed_hosts: set[str] | frozenset[str],
        *,
        user_agent: str = USER_AGENT,
        settings: HttpSettings | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        total_timeout: float | None = None,
        max_bytes: int | None = None,
        rate_per_host: float = 1.0,
        max_attempts: int | None = None,
        backoff_base: float | None = None,
        backoff_max: float | None = None,
        max_redirects: int | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        accept_types: tuple[str, ...] | None = TEXT_TYPES,
    ):
        base = settings or HttpSettings.from_env()
        overrides = {k: v for k, v in dict(
            connect_timeout=connect_timeout, read_timeout=read_timeout, total_timeout=total_timeout,
            max_bytes=max_bytes, max_attempts=max_attempts, backoff_base=backoff_base, backoff_max=backoff_max,
            max_redirects=max_redirects).items() if v is not None}
        self.settings = s = replace(base, **overrides)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.timeout = (s.connect_timeout, s.read_timeout)
        self.total_timeout = s.total_timeout
        self.max_bytes = s.max_bytes
        self.max_attempts = max(1, s.max_attempts)
        self.backoff_base = s.backoff_base
        self.backoff_max = s.backoff_max
        self.max_redirects = s.max_redirects
        self.accept_types = accept_types
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxies or netrc from the environment
        if session is None:
            for scheme in ("http://", "https://"):
                self.session.mount(scheme, _watched_adapter())
        self.unreachable: dict[str, str] = {}  # host -> why: not asked again in this client's life
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.limiter = RateLimiter(rate_per_host, sleep=sleep)
        self.requests_made = 0
        self.requested: list[str] = []   # every URL a request was actually sent to, in order

    # -- public ---------------------------------------------------------------------------------
    def host_allowed(self, url: str) -> bool:
        """True only for an http(s) URL whose host (and port) is allowed, read the same way by
        the standard library and by urllib3 (the transport), with no user-info."""
        if not isinstance(url, str) or _UNSAFE_URL.search(url):
            return False
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            port = parts.port
            u3 = parse_url(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host or parts.username is not None or "@" in parts.netloc:
            return False
        if (u3.host or "").lower().strip("[]") != host.strip("[]") or u3.port != port or u3.auth:
            return False
        if port is None or port == {"http": 80, "https": 443}[parts.scheme]:
            return host in self.allowed_hosts   # a bare allowed host means its default port only
        return f"{host}:{port}" in self.allowed_hosts

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        if not self.host_allowed(url):
            return Response(url, url, None, None, None, None, None, error=f"host not allowed: {_netloc(url)}", attempts=0)
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self._get_following_redirects(url, headers)
            except (HostNotAllowed, RedirectError) as exc:
                return Response(url, url, None, None, None, None, None, error=str(exc), attempts=attempt)
            except _Unreachable as exc:  # a name that does not resolve, a refused connection: not retried
                return Response(url, url, None, None, None, None, None, error=str(exc), attempts=attempt)
            except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError, urllib3.exceptions.HTTPError, _Retryable) as exc:
                error = _describe(exc)
                if attempt < self.max_attempts:
                    log.info("%s: %s", url, error)
                    self._backoff(attempt, None)
                    continue
                return Response(url, url, None, None, None, None, None, error=_gave_up(error, attempt), attempts=attempt)
            except requests.RequestException as exc:  # invalid URL and the like: not retried
                return Response(url, url, None, None, None, None, None, error=f"{type(exc).__name__}: {_short(exc)}",
                                attempts=attempt)
            resp.attempts = attempt
            if resp.status in RETRY_STATUS:
                wait = _parse_retry_after(resp.retry_after) if resp.retry_after else None
                if wait is not None and wait > self.backoff_max:
                    resp.error = (f"HTTP {resp.status}: the server asked to retry after {wait:.0f}s, longer than the "
                                  f"{self.backoff_max:g}s this client waits (TIP_HTTP_BACKOFF_MAX)")
                    return resp
                if attempt < self.max_attempts:
                    log.info("%s: HTTP %s", url, resp.status)
                    self._backoff(attempt, wait)
                    continue
                resp.error = _gave_up(f"HTTP {resp.status}", attempt)
            return resp

    # -- internals ------------------------------------------------------------------------------
    def backoff_delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try ``attempt + 1``: Retry-After when given, else exponential with jitter."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.backoff_max)
        delay = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return min(self.backoff_max, delay * (0.5 + self._rng.random()))  # jitter: 50% - 150%

    def _backoff(self, attempt: int, retry_after: float | None) -> None:
        delay = self.backoff_delay(attempt, retry_after)
        log.info("retrying in %.1fs (attempt %d)", delay, attempt + 1)
        if delay > 0:
            self._sleep(delay)

    def _get_following_redirects(self, url: str, headers: dict) -> Response:
        current = url
        seen = [url]
        started = time.monotonic()
        for _ in range(self.max_redirects + 1):
            if not self.host_allowed(current):
                raise HostNotAllowed(f"redirect to a host that is not allowed: {_netloc(current)} (from {seen[-2] if len(seen) > 1 else url})")
            host = urlsplit(current).netloc.lower()
            if host in self.unreachable:
                raise _Unreachable(f"{self.unreachable[host]} (not asked again: an earlier request of this run failed so)")
            self.limiter.wait(host)
            self.requests_made += 1
            self.requested.append(current)
            with _Deadline(self.total_timeout - (time.monotonic() - started)) as deadline:
                try:
                    resp = self._one_hop(url, current, headers, started)
                except (HostNotAllowed, RedirectError, _Unreachable):
                    raise
                except Exception as exc:  # noqa: BLE001 (re-raised below unless the deadline explains it)
                    if deadline.expired:
                        raise _Retryable(f"slow response: not complete after {self.total_timeout:g}s "
                                         "(headers and body)") from exc
                    why = _describe(exc)
                    if why in ("host name not found", "connection refused"):
                        self.unreachable[host] = why
                        raise _Unreachable(why) from exc
                    raise
            if isinstance(resp, str):  # a redirect: the next hop
                if resp in seen:
                    raise RedirectError(f"redirect loop: {' -> '.join(_shorten_url(u) for u in seen + [resp])}")
                seen.append(resp)
                current = resp
                continue
            return resp
        raise RedirectError(f"more than {self.max_redirects} redirects from {_shorten_url(url)}")

    def _one_hop(self, url: str, current: str, headers: dict, started: float) -> "Response | str":
        """One request: the Response, or the next URL when the answer is a redirect."""
        r = self.session.get(current, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True)
        try:
            if r.status_code in (301, 302, 303, 307, 308):
                loc = r.headers.get("Location")
                if not loc:
                    return self._error(url, current, r, f"HTTP {r.status_code} redirect without a Location")
                return urljoin(current, loc.strip())
            if r.status_code == 304:
                return Response(url, current, 304, None, r.headers.get("Content-Type"), r.headers.get("ETag"),
                                r.headers.get("Last-Modified"))
            if r.status_code != 200:
                resp = self._error(url, current, r, f"HTTP {r.status_code}")
                resp.retry_after = r.headers.get("Retry-After")
                return resp
            ctype = r.headers.get("Content-Type")
            if self.accept_types is not None and ctype and not _type_ok(ctype, self.accept_types):
                return self._error(url, current, r, f"not a web page: Content-Type {_short(ctype)}")
            declared = r.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > self.max_bytes:
                return self._error(url, current, r, f"body larger than the cap ({declared} > {self.max_bytes} bytes)")
            body = self._read_body(r, started)
            if body is None:
                return self._error(url, current, r, f"body larger than the cap (> {self.max_bytes} bytes)")
            if declared.isdigit() and not r.headers.get("Content-Encoding") and int(declared) != len(body):
                raise _Retryable(f"truncated body: {len(body)} of {declared} bytes")
            if not body.strip():
                raise _Retryable("empty body")
            if self.accept_types is not None:
                magic = _binary_kind(body)
                if magic:
                    return self._error(url, current, r, f"not a web page: the body is {magic} data")
            return Response(url, current, 200, body, ctype, r.headers.get("ETag"), r.headers.get("Last-Modified"))
        finally:
            r.close()

    def _read_body(self, r: requests.Response, started: float) -> bytes | None:
        """Read the (decoded) body in pieces; None when it passes the cap. Raises _Retryable when the
        attempt's wall-clock limit runs out (a server trickling bytes)."""
        chunks: list[bytes] = []
        size = 0
        raw = r.raw
        while True:
            if time.monotonic() - started > self.total_timeout:
                raise _Retryable(f"slow response: not complete after {self.total_timeout:g}s ({size} bytes so far)")
            piece = raw.read1(READ_PIECE, decode_content=True)
            if not piece:  # end of the body
                break
            size += len(piece)
            if size > self.max_bytes:
                return None
            chunks.append(piece)
        return b"".join(chunks)

    @staticmethod
    def _error(url: str, current: str, r: requests.Response, error: str) -> Response:
        return Response(url, current, r.status_code, None, r.headers.get("Content-Type"), None, None, error=error)


_UNTYPED = ("application/octet-stream", "binary/octet-stream")  # servers that do not know: judged by the bytes


def _type_ok(ctype: str, accepted: tuple[str, ...]) -> bool:
    main = ctype.split(";", 1)[0].strip().lower()
    return not main or main in accepted or main in _UNTYPED


def _binary_kind(body: bytes) -> str | None:
    head = body[:8192]
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            return name
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs but is text
        return None
    if b"\x00" in head:
        return "binary"
    return None


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        import datetime as _dt

        dt = dt.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, dt.timestamp() - time.time())


def _causes(exc: BaseException) -> list[BaseException]:
    out, todo = [], [exc]
    while todo and len(out) < 12:
        e = todo.pop(0)
        if e in out:
            continue
        out.append(e)
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        todo += [c for c in (e.__cause__, e.__context__, getattr(e, "reason", None)) if isinstance(c, BaseException)]
    return out


def _describe(exc: BaseException) -> str:
    """One short line saying what went wrong with the connection (recorded with the document)."""
    if isinstance(exc, _Retryable):
        return str(exc)
    if isinstance(exc, (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)):
        return "timeout while connecting"
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
        return "timeout: the server sent nothing for longer than the read timeout"
    causes = _causes(exc)
    text = " ".join(str(c) for c in causes)
    m = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected", text)
    if m:
        got, more = int(m.group(1)), int(m.group(2))
        return f"truncated body: the connection closed after {got} of {got + more} bytes"
    mid = "Connection broken" in text
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return "connection reset by the server" + (" part-way through the body" if mid else "")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    if any(isinstance(c, urllib3.exceptions.NameResolutionError) for c in causes):
        return "host name not found"
    if mid:
        return f"connection broken part-way through the body: {_short(str(causes[-1]))}"
    return f"{type(exc).__name__}: {_short(exc)}"


def _gave_up(error: str, attempts: int) -> str:
    return error if attempts <= 1 else f"{error} (gave up after {attempts} attempts)"


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc or url[:80]
    except ValueError:
        return url[:80]


def _shorten_url(url: str) -> str:
    return url if len(url) <= 100 else url[:97] + "..."


def _short(exc: BaseException | str) -> str:
    s = str(exc)
    return s if len(s) < 200 else s[:200] + "..."
