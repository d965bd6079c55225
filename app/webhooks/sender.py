"""One signed POST to a receiver: checked address, no redirects, the receiver's body unread."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

from app.core.config import Settings
from app.models.base import utcnow
from app.webhooks.addresses import UrlPolicy, UrlRefused, check
from app.webhooks.signing import signature_header

USER_AGENT = "guestid-webhooks/1.0 (+https://www.standardwebhooks.com/)"


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt came to: a status code or an error class, never the body."""

    status_code: int | None
    error: str | None
    retry_after: float | None
    latency_ms: int

    @property
    def succeeded(self) -> bool:
        return self.error is None


class Sender:
    """Posts messages; plain HTTP connections are reused, TLS ones are not (see `send`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        limits = httpx.Limits(max_connections=settings.webhook_concurrency)
        common = {"follow_redirects": False, "trust_env": False, "timeout": None}
        self._plain = httpx.AsyncClient(limits=limits, **common)  # type: ignore[arg-type]
        # Connections are pooled by address; over TLS the pool would hand one host's verified
        # connection to another host on the same address, so TLS connections are not kept.
        self._tls = httpx.AsyncClient(
            limits=httpx.Limits(
                max_connections=settings.webhook_concurrency, max_keepalive_connections=0
            ),
            **common,  # type: ignore[arg-type]
        )

    async def aclose(self) -> None:
        """Close the connection pools."""
        await self._plain.aclose()
        await self._tls.aclose()

    async def send(self, msg_id: str, body: str, url: str, secrets: list[str]) -> AttemptResult:
        """POST `body` to `url` signed with every secret; classify the answer."""
        started = time.monotonic()

        def result(status: int | None, error: str | None, retry: float | None) -> AttemptResult:
            return AttemptResult(status, error, retry, int(1000 * (time.monotonic() - started)))

        policy = UrlPolicy.from_settings(self.settings)
        try:
            async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                target = await check(url, policy)
                payload = body.encode()
                timestamp = int(time.time())
                headers = {
                    "host": target.host_header,
                    "content-type": "application/json",
                    "user-agent": USER_AGENT,
                    "webhook-id": msg_id,
                    "webhook-timestamp": str(timestamp),
                    "webhook-signature": signature_header(secrets, msg_id, timestamp, payload),
                }
                client = self._tls if target.url.scheme == "https" else self._plain
                extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
                request = client.build_request(
                    "POST", target.url, content=payload, headers=headers, extensions=extensions
                )
                response = await client.send(request, stream=True)
                await response.aclose()  # never read: a receiver's body is not ours to keep
        except UrlRefused:
            return result(None, "address_refused", None)
        except (TimeoutError, httpx.TimeoutException):
            return result(None, "timeout", None)
        except httpx.ConnectError:
            return result(None, "connect_error", None)
        except (httpx.RemoteProtocolError, httpx.LocalProtocolError):
            return result(None, "protocol_error", None)
        except httpx.HTTPError:
            return result(None, "transport_error", None)
        status = response.status_code
        if 200 <= status < 300:
            return result(status, None, None)
        error = "redirect" if 300 <= status < 400 else "http_status"
        return result(status, error, parse_retry_after(response.headers.get("retry-after")))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - utcnow()).total_seconds())
