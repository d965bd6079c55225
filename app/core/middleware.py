"""Request-wide concerns: size limit, request id, access log and metrics."""

from __future__ import annotations

import json
import time
import uuid

import structlog
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_JSON, Problem
from app.core.metrics import HTTP_REQUESTS, HTTP_SECONDS

log = structlog.get_logger("guestid.access")


class RequestContext:
    """Bounds request bodies, tags logs with a request id, and records metrics."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        received = 0
        responded = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge(self.max_body_bytes)
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            if _declared_length(scope) > self.max_body_bytes:
                raise BodyTooLarge(self.max_body_bytes)
            await self.app(scope, limited_receive, send_wrapper)
        except BodyTooLarge as exc:
            # Routes answer it through the error handlers; this catches what is refused before
            # the app runs (Content-Length) or what no handler saw.
            if responded:
                raise
            await send_wrapper(_too_large_start(exc, scope))
            await send_wrapper({"type": "http.response.body", "body": _too_large_body(exc, scope)})
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(scope["method"], path, str(status)).inc()
            HTTP_SECONDS.labels(path).observe(elapsed)
            # The route template, not the raw path: webhook paths carry secret tokens.
            log.info(
                "request",
                method=scope["method"],
                route=path,
                status=status,
                ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


class BodyTooLarge(StarletteHTTPException):
    """The request body is over the limit.

    An HTTPException, because FastAPI re-raises those from its body parsing (any other error
    there becomes a 400), so the route's transaction rolls back and the 413 handler answers.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body exceeds {limit} bytes")


def _declared_length(scope: Scope) -> int:
    """The Content-Length of the request; 0 when absent or unreadable (streaming still counts)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _too_large_body(exc: BodyTooLarge, scope: Scope) -> bytes:
    problem = Problem(413, "payload-too-large", "Payload too large", str(exc.detail))
    return json.dumps(problem.body(scope.get("path")), separators=(",", ":")).encode()


def _too_large_start(exc: BodyTooLarge, scope: Scope) -> Message:
    length = len(_too_large_body(exc, scope))
    return {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(length).encode()),
            (b"connection", b"close"),
        ],
    }
