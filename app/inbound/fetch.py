"""Reading what thin webhooks name, and the HTTP client, tokens and pauses pulls share."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from connectors.base import Completer, Connector, Fetcher, GuestRecord, Puller, lacking
from connectors.http import Sleep
from connectors.oauth import ApiAuth, TokenCache

# Tests replace these: the vendor (an httpx.MockTransport; None is the real network) and the
# pause taken on 429/5xx.
TRANSPORT: httpx.AsyncBaseTransport | None = None
SLEEP: Sleep = asyncio.sleep
TIMEOUT = httpx.Timeout(15.0)
# One per process: an access token serves every job of its connection until it expires.
TOKENS = TokenCache()


def client() -> httpx.AsyncClient:
    """An HTTP client for vendor APIs."""
    return httpx.AsyncClient(transport=TRANSPORT, timeout=TIMEOUT)


def api_auth(source: str, credentials: Mapping[str, str]) -> ApiAuth:
    """The connection's credentials as request headers, with the process's token cache."""
    return ApiAuth(source, credentials, TOKENS, sleep=SLEEP)


def rotated(source: str, credentials: Mapping[str, str]) -> dict[str, str]:
    """Credentials the source replaced while pulling with these, for the caller to store."""
    return TOKENS.pending_rotation(api_auth(source, credentials).key, credentials)


def can_fetch(connector: Connector, credentials: Mapping[str, str]) -> bool:
    """True when the connector fetches and the connection holds the credentials it needs."""
    return isinstance(connector, Fetcher) and not lacking(connector, credentials)


@dataclass(frozen=True)
class Fetched:
    """A payload read from the source, and credentials it replaced (to be stored)."""

    payload: bytes
    rotated: dict[str, str] = field(default_factory=dict)


async def fetch_named(
    source: str, connector: Connector, body: bytes, credentials: Mapping[str, str]
) -> Fetched | None:
    """The entities a thin webhook names, read from the source; None when nothing is named."""
    if not isinstance(connector, Fetcher):
        return None
    auth = api_auth(source, credentials)
    async with client() as http:
        payload = await connector.fetch(http, auth, credentials, body)
    if payload is None:
        return None
    return Fetched(payload, TOKENS.pending_rotation(auth.key, credentials))


async def complete(
    source: str, puller: Puller, records: list[GuestRecord], credentials: Mapping[str, str]
) -> list[GuestRecord]:
    """A pulled page's records with what they name only by id read from the source."""
    if not isinstance(puller, Completer) or lacking(puller, credentials):
        return records
    async with client() as http:
        return await puller.complete(http, api_auth(source, credentials), credentials, records)
