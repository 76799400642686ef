"""A polite, bounded HTTP client for the State Department sites (or a mirror of them).

* Only allowed hosts are ever requested; redirects are followed by hand and only to allowed
  hosts; a link or redirect to any other host is refused and reported.
* A browser-like User-Agent (state.gov is reported to refuse others), connect/read timeouts,
  and a cap on the body size (read in chunks, so an endless body stops at the cap).
* A per-host rate limit (default one request per second).
* Retries with exponential backoff and jitter on timeouts, connection errors, 429 and 5xx,
  honouring Retry-After; never on 403/404. Retries happen here only: the flows do not retry
  fetches again on top.
* Conditional requests: pass the ETag / Last-Modified of the stored copy; a 304 comes back as
  such, with no body.

``requests`` is the transport; tests swap the mirror for a server on 127.0.0.1.
"""
from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests

log = logging.getLogger("tip.http")

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 "
    "tip-panel/0.1 (+https://github.com/tip-panel; research data pipeline)"
)
RETRY_STATUS = {429, 500, 502, 503, 504, 520, 522, 524}
DEFAULT_MAX_BYTES = 15 * 1024 * 1024


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

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostNotAllowed(Exception):
    pass


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


class HttpClient:
    def __init__(
        self,
        allowed_hosts: set[str] | frozenset[str],
        *,
        user_agent: str = USER_AGENT,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        rate_per_host: float = 1.0,
        max_attempts: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        max_redirects: int = 5,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.timeout = (connect_timeout, read_timeout)
        self.max_bytes = max_bytes
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_redirects = max_redirects
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxies or netrc from the environment
        self._sleep = sleep
        self.limiter = RateLimiter(rate_per_host, sleep=sleep)
        self.requests_made = 0

    # -- public ---------------------------------------------------------------------------------
    def host_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https"):
            return False
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        return host in self.allowed_hosts or netloc in self.allowed_hosts

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        if not self.host_allowed(url):
            return Response(url, url, None, None, None, None, None, error=f"host not allowed: {urlsplit(url).netloc}")
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        last_error = None
        while attempt < self.max_attempts:
            attempt += 1
            try:
                resp = self._get_following_redirects(url, headers)
            except HostNotAllowed as exc:
                return Response(url, url, None, None, None, None, None, error=str(exc), attempts=attempt)
            except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                last_error = f"{type(exc).__name__}: {_short(exc)}"
                if attempt < self.max_attempts:
                    self._backoff(attempt, None)
                    continue
                return Response(url, url, None, None, None, None, None, error=last_error, attempts=attempt)
            except requests.RequestException as exc:  # invalid URL, too many redirects...: not retried
                return Response(url, url, None, None, None, None, None, error=f"{type(exc).__name__}: {_short(exc)}", attempts=attempt)
            resp.attempts = attempt
            if resp.status in RETRY_STATUS and attempt < self.max_attempts:
                self._backoff(attempt, resp.error if resp.status == 429 or resp.status == 503 else None)
                last_error = f"HTTP {resp.status}"
                continue
            return resp
        return Response(url, url, None, None, None, None, None, error=last_error or "gave up", attempts=attempt)

    # -- internals ------------------------------------------------------------------------------
    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        delay = None
        if retry_after:
            delay = _parse_retry_after(retry_after)
        if delay is None:
            delay = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
            delay = delay * (0.5 + random.random())  # jitter: 50% - 150%
        delay = min(delay, self.backoff_max)
        log.info("retrying in %.1fs (attempt %d)", delay, attempt + 1)
        self._sleep(delay)

    def _get_following_redirects(self, url: str, headers: dict) -> Response:
        current = url
        for _ in range(self.max_redirects + 1):
            if not self.host_allowed(current):
                raise HostNotAllowed(f"redirect to a host that is not allowed: {urlsplit(current).netloc}")
            host = urlsplit(current).netloc.lower()
            self.limiter.wait(host)
            self.requests_made += 1
            r = self.session.get(current, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True)
            try:
                if r.status_code in (301, 302, 303, 307, 308) and r.headers.get("Location"):
                    current = urljoin(current, r.headers["Location"])
                    continue
                if r.status_code == 304:
                    return Response(url, current, 304, None, r.headers.get("Content-Type"), r.headers.get("ETag"),
                                    r.headers.get("Last-Modified"))
                retry_after = r.headers.get("Retry-After")
                if r.status_code != 200:
                    return Response(url, current, r.status_code, None, r.headers.get("Content-Type"), None, None,
                                    error=retry_after if r.status_code in (429, 503) and retry_after else f"HTTP {r.status_code}")
                declared = r.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    return Response(url, current, 200, None, r.headers.get("Content-Type"), None, None,
                                    error=f"body larger than the cap ({declared} > {self.max_bytes} bytes)")
                chunks = []
                size = 0
                for chunk in r.iter_content(chunk_size=65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        return Response(url, current, 200, None, r.headers.get("Content-Type"), None, None,
                                        error=f"body larger than the cap (> {self.max_bytes} bytes)")
                    chunks.append(chunk)
                body = b"".join(chunks)
                if declared and declared.isdigit() and int(declared) != len(body) and "gzip" not in (r.headers.get("Content-Encoding") or ""):
                    raise requests.exceptions.ChunkedEncodingError(f"truncated body: {len(body)} of {declared} bytes")
                return Response(url, current, 200, body, r.headers.get("Content-Type"), r.headers.get("ETag"),
                                r.headers.get("Last-Modified"))
            finally:
                r.close()
        raise requests.TooManyRedirects(f"more than {self.max_redirects} redirects")


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if dt is None:
        return None
    return max(0.0, dt.timestamp() - time.time())


def _short(exc: BaseException) -> str:
    s = str(exc)
    return s if len(s) < 200 else s[:200] + "..."
