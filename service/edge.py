"""The service's edge, as one ASGI middleware: request ids, access logs, metrics, limits, headers.

For every HTTP request, in this order:

1. a request id: the client's ``X-Request-ID`` if it is sane, else a new one, returned
   on the response and carried by every log line of the request;
2. the body limit: a body over ``max_body_bytes`` (declared or streamed) answers 413;
3. the per-client rate limit (a token bucket per client address, off by default):
   over it answers 429 with ``Retry-After``;
4. bounded work: at most ``max_in_flight`` requests run at once and at most ``max_queue``
   wait for a slot (up to ``queue_timeout`` seconds); beyond that, 429 with ``Retry-After``;
5. security headers on every response (a CSP allowing only our own scripts and styles,
   ``nosniff``, no referrer), except the interactive API docs (``/docs``, ``/redoc``),
   which load a CDN's scripts and so get no CSP;
6. one JSON access-log line and the latency histogram of the route template.

Health, readiness and metrics bypass the limits, so an orchestrator can always see a
busy service.  Question text is never logged unless ``log_questions``: the access log
records the path without its query string.  docs/operations.md ("The edge") has more.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from service.logs import request_id_var
from service.metrics import Metrics
from service.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("reportqa.access")

REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
CSP_HEADER = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
API_DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
MAX_CLIENTS_TRACKED = 10_000


class BodyTooLarge(Exception):
    pass


class RateLimiter:
    """A token bucket per client: ``rate`` requests per second, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def retry_after(self, client: str, now: float) -> float:
        """0 when the request may go ahead (and is counted), else seconds until it could."""
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > MAX_CLIENTS_TRACKED:
            self._buckets.popitem(last=False)
        return wait


class WorkQueue:
    """At most ``slots`` requests at work and ``waiting`` in line; ``enter`` says False when full."""

    def __init__(self, slots: int, waiting: int, timeout: float) -> None:
        self._slots = asyncio.Semaphore(slots)
        self.limit = slots + waiting
        self.timeout = timeout
        self.admitted = 0

    async def enter(self) -> bool:
        if self.admitted >= self.limit:
            return False
        self.admitted += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            self.admitted -= 1
            return False
        return True

    def leave(self) -> None:
        self._slots.release()
        self.admitted -= 1


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.limiter = (
            RateLimiter(settings.rate_limit, settings.rate_burst) if settings.rate_limit > 0 else None
        )
        self.work: WorkQueue | None = None  # made on first use, inside the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given and _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status = 500
        response_started = False
        refused_body = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if refused_body:
                return  # we already answered 413; the app's own reply to the cut-off body is dropped
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(SECURITY_HEADERS)
                if scope["path"] not in API_DOCS_PATHS:
                    headers.append(CSP_HEADER)
                message["headers"] = headers
            await send(message)

        async def too_large() -> None:
            nonlocal refused_body
            self.metrics.rejected.labels("body_too_large").inc()
            if not response_started:
                await self._plain(send_with_headers, 413, self._too_large(), None)
            refused_body = True

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                status_code, detail, retry, reason = refusal
                self.metrics.rejected.labels(reason).inc()
                await self._plain(send_with_headers, status_code, detail, retry)
            elif scope["path"] in UNLIMITED_PATHS:
                await self.app(scope, self._bounded(receive, too_large), send_with_headers)
            else:
                await self._queued(scope, self._bounded(receive, too_large), send_with_headers)
        except BodyTooLarge:
            pass  # answered 413 already
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(template, scope["method"], str(status)).observe(elapsed)
            self._log(scope, status, elapsed)
            request_id_var.reset(token)

    def _refusal(self, scope: Scope) -> tuple[int, str, float | None, str] | None:
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.settings.max_body_bytes:
            return 413, self._too_large(), None, "body_too_large"
        if self.limiter is not None and scope["path"] not in UNLIMITED_PATHS:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.limiter.retry_after(client, time.monotonic())
            if wait > 0:
                return (
                    429,
                    f"rate limit of {self.settings.rate_limit:g} requests/s exceeded; retry later",
                    wait,
                    "rate_limit",
                )
        return None

    def _too_large(self) -> str:
        return f"request body too large; the limit is {self.settings.max_body_bytes} bytes"

    async def _queued(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.work is None:
            s = self.settings
            self.work = WorkQueue(s.max_in_flight, s.max_queue, s.queue_timeout)
        if not await self.work.enter():
            self.metrics.rejected.labels("queue_full").inc()
            await self._plain(send, 429, "the service is busy; retry later", 1.0)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.work.leave()

    def _bounded(self, receive: Receive, too_large: Callable[[], Awaitable[None]]) -> Receive:
        limit = self.settings.max_body_bytes
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    await too_large()
                    raise BodyTooLarge
            return message

        return counted

    @staticmethod
    async def _plain(send: Send, status: int, detail: str, retry_after: float | None) -> None:
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if retry_after is not None:
            headers.append((b"retry-after", str(max(1, math.ceil(retry_after))).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, status: int, elapsed: float) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        extra: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "client": (scope.get("client") or ("-", 0))[0],
        }
        if self.settings.log_questions and scope.get("query_string"):
            extra["query"] = scope["query_string"].decode("latin-1")
        logger.info("request", extra={"fields": extra})
