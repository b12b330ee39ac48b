"""A small HTTP client for the load run: one cookie jar per simulated person, a new connection per
request (gunicorn's sync workers close it anyway), and a recorder of latency per kind of request."""

from __future__ import annotations

import http.client
import math
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.cookies import SimpleCookie


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage | None
    body: bytes


class Session:
    def __init__(self, port: int, *, timeout: float = 60.0, source: str | None = None):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        # A loopback address of its own (127.0.0.x) to connect from: behind the proxy each simulated person
        # is a different client, as the portal reads it from X-Forwarded-For.
        self.source = source

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0) if self.source else None
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Reply(response.status, response.headers, data)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict) -> Reply:
        """A form POST as a browser sends it, with Django's CSRF token from the cookie."""
        token = self.cookies.get("csrftoken", "")
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token},
        )

    def post_multipart(self, path: str, fields: dict, *, files: dict) -> Reply:
        """A form POST with files (``files``: name -> (filename, content type, bytes)), with the CSRF token."""
        token = self.cookies.get("csrftoken", "")
        boundary = f"----load{uuid.uuid4().hex}"
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content_type, data) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": token},
        )


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))]


class Recorder:
    """Latency and outcome of every request, by kind; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[tuple[str, str]] = Counter()
        # (started, finished, kind, reason) of every failed request: the kill phase sorts them by time.
        self.failures: list[tuple[float, float, str, str]] = []
        self.started = time.perf_counter()
        self.finished: float | None = None

    def timed(self, kind: str, fn):
        """Run ``fn()`` (which returns an error reason or "" when all is well) and record it."""
        start = time.perf_counter()
        try:
            error = fn()
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        elapsed = time.perf_counter() - start
        with self._lock:
            self.latencies[kind].append(elapsed)
            if error:
                self.errors[(kind, error)] += 1
                self.failures.append((start, start + elapsed, kind, error))
        return error

    def stop(self):
        self.finished = time.perf_counter()

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def table(self) -> list[tuple[str, int, float, float, float, float, int]]:
        """Rows of (kind, requests, req/s, p50, p95, p99, errors), and "all" last."""
        rows = []
        every: list[float] = []
        for kind in sorted(self.latencies):
            values = self.latencies[kind]
            every += values
            errors = sum(n for (k, _reason), n in self.errors.items() if k == kind)
            rows.append(self._row(kind, values, errors))
        rows.append(self._row("all", every, sum(self.errors.values())))
        return rows

    def _row(self, kind, values, errors):
        return (
            kind,
            len(values),
            len(values) / self.seconds if self.seconds else 0.0,
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 99),
            errors,
        )
