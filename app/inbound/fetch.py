"""Reading what thin webhooks name, and the HTTP client, tokens and pauses pulls share."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from connectors import apaleo, fetchers
from connectors.base import Connector
from connectors.cloudbeds import CloudbedsConnector
from connectors.http import Sleep
from connectors.mews import MewsConnector
from connectors.oauth import ApiAuth, TokenCache, missing
from connectors.opera import OperaConnector

# Tests replace these: the vendor (an httpx.MockTransport; None is the real network) and the
# pause taken on 429/5xx.
TRANSPORT: httpx.AsyncBaseTransport | None = None
SLEEP: Sleep = asyncio.sleep
TIMEOUT = httpx.Timeout(15.0)
# One per process: an access token serves every job of its connection until it expires.
TOKENS = TokenCache()
FETCHED = frozenset({"mews", "apaleo", "cloudbeds", "opera"})


def client() -> httpx.AsyncClient:
    """An HTTP client for vendor APIs."""
    return httpx.AsyncClient(transport=TRANSPORT, timeout=TIMEOUT)


def api_auth(source: str, credentials: Mapping[str, str]) -> ApiAuth:
    """The connection's credentials as request headers, with the process's token cache."""
    return ApiAuth(source, credentials, TOKENS, sleep=SLEEP)


def rotated(source: str, credentials: Mapping[str, str]) -> dict[str, str]:
    """Credentials the source replaced while pulling with these, for the caller to store."""
    return TOKENS.pending_rotation(api_auth(source, credentials).key, credentials)


def can_fetch(source: str, credentials: Mapping[str, str]) -> bool:
    """True when the connection holds the API credentials a fetch from `source` needs."""
    return source in FETCHED and not missing(source, credentials)


@dataclass(frozen=True)
class Fetched:
    """A payload read from the source, and credentials it replaced (to be stored)."""

    payload: bytes
    rotated: dict[str, str] = field(default_factory=dict)


async def fetch_named(
    source: str, connector: Connector, body: bytes, credentials: Mapping[str, str]
) -> Fetched | None:
    """The entities a thin webhook names, read from the source; None when nothing is named."""
    auth = api_auth(source, credentials)
    async with client() as http:
        if isinstance(connector, MewsConnector):
            ids = connector.entities_to_fetch(body)
            if not any(ids.values()):
                return None
            payload = await fetchers.mews(
                http, credentials, ids["customers"], ids["reservations"], sleep=SLEEP
            )
        elif source == "apaleo":
            target = apaleo.entity_to_fetch(body)
            if target is None:
                return None
            payload = await fetchers.apaleo(http, auth, target)
        elif isinstance(connector, CloudbedsConnector):
            named = connector.entity_to_fetch(body)
            if named is None:
                return None
            payload = await fetchers.cloudbeds(http, auth, *named)
        elif isinstance(connector, OperaConnector):
            event = connector.entity_to_fetch(body)
            if event is None:
                return None
            payload = await fetchers.opera(http, auth, *event)
        else:
            return None
    return Fetched(payload, TOKENS.pending_rotation(auth.key, credentials))


async def mews_owners(credentials: Mapping[str, str], customer_ids: list[str]) -> bytes:
    """Mews customers by id (the owners of a page of reservations)."""
    async with client() as http:
        return await fetchers.mews(http, credentials, customer_ids, [], sleep=SLEEP)
