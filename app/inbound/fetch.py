"""Fetches for thin webhooks that name entities instead of carrying them (Mews for now)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from connectors.http import send

# Tests replace this with an httpx.MockTransport; None means the real network.
TRANSPORT: httpx.AsyncBaseTransport | None = None
TIMEOUT = httpx.Timeout(15.0)
MEWS_KEYS = ("client_token", "access_token")


def can_fetch_mews(credentials: Mapping[str, str]) -> bool:
    """True when the connection holds Mews Connector API credentials."""
    return all(credentials.get(k) for k in MEWS_KEYS)


async def fetch_mews(
    credentials: Mapping[str, str], customers: list[str], reservations: list[str]
) -> bytes:
    """One customers+reservations payload for the ids a General Webhook named."""
    base = credentials.get("base_url", "https://api.mews.com").rstrip("/")
    auth = {
        "ClientToken": credentials["client_token"],
        "AccessToken": credentials["access_token"],
        "Client": credentials.get("client", "guestid 0.1"),
    }
    found_reservations: list[Any] = []
    async with httpx.AsyncClient(transport=TRANSPORT, timeout=TIMEOUT) as client:
        if reservations:
            url = f"{base}/api/connector/v1/reservations/getAll/2023-06-06"
            body = {**auth, "ReservationIds": reservations, "Limitation": {"Count": 1000}}
            data = (await send(client, "POST", url, json=body)).json()
            found_reservations = list(data.get("Reservations") or [])
        # The owners of the reservations too, so each stay lands on a named record.
        owners = [r.get("AccountId") or r.get("CustomerId") for r in found_reservations]
        wanted = list(dict.fromkeys([*customers, *(o for o in owners if isinstance(o, str))]))
        found_customers: list[Any] = []
        if wanted:
            url = f"{base}/api/connector/v1/customers/getAll"
            body = {
                **auth,
                "CustomerIds": wanted,
                "Extent": {"Customers": True, "Addresses": True},
                "Limitation": {"Count": 1000},
            }
            data = (await send(client, "POST", url, json=body)).json()
            found_customers = list(data.get("Customers") or [])
    return json.dumps({"Customers": found_customers, "Reservations": found_reservations}).encode()
