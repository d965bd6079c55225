"""Shared HTTP plumbing for pullers: retries on 429/5xx with Retry-After, and cursor codecs."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SourceError(Exception):
    """The source kept failing, or answered with an error we cannot retry."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def utcnow() -> datetime:
    """The current time in UTC (the default clock of pullers)."""
    return datetime.now(UTC)


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or utcnow())).total_seconds())


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = 5,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, waiting out 429 (Retry-After) and 5xx/network errors with backoff."""
    for attempt in range(attempts):
        last = attempt == attempts - 1
        delay = min(max_delay, base_delay * 2**attempt)
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            if last:
                raise SourceError(f"{method} {url}: {exc.__class__.__name__}") from exc
            await sleep(delay)
            continue
        if response.status_code not in RETRY_STATUSES:
            if response.is_error:
                status = response.status_code
                raise SourceError(f"{method} {url}: HTTP {status}", status)
            return response
        if last:
            raise SourceError(f"{method} {url}: HTTP {response.status_code}", response.status_code)
        # The server's own pause wins over our backoff, but never beyond max_delay.
        wait = retry_after(response)
        await sleep(min(max_delay, wait) if wait is not None else delay)
    raise AssertionError("unreachable")  # pragma: no cover


def encode_cursor(state: Mapping[str, Any]) -> str:
    """An opaque, URL-safe cursor string for a small JSON state."""
    raw = json.dumps(dict(state), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The state behind a cursor made by `encode_cursor`."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        state = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError as exc:
        raise ValueError("malformed cursor") from exc
    if not isinstance(state, dict):
        raise ValueError("malformed cursor")
    return state


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z suffix, as most hotel APIs want it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """Parse ISO 8601 with a Z or offset (assume UTC when naive)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
