"""Thin webhooks name entities; these read them from the vendor's API for its `Fetcher.fetch`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from connectors.common import load_json, text
from connectors.http import Sleep, send
from connectors.oauth import CLOUDBEDS_API, ApiAuth

if TYPE_CHECKING:  # at run time it would be a cycle: the connectors import this module
    from connectors.apaleo import ApaleoEvent

MEWS_API = "https://api.mews.com"
APALEO_API = "https://api.apaleo.com"
# What OHIP returns with a profile: without these it sends little more than the name.
OPERA_PROFILE_PARTS = ("Profile", "Address", "Communication", "Membership", "Preference")


async def mews(
    client: httpx.AsyncClient,
    credentials: Mapping[str, str],
    customers: list[str],
    reservations: list[str],
    *,
    sleep: Sleep = asyncio.sleep,
) -> bytes:
    """One customers+reservations payload for the ids a General Webhook named."""
    base = credentials.get("base_url", MEWS_API).rstrip("/")
    auth = {
        "ClientToken": credentials["client_token"],
        "AccessToken": credentials["access_token"],
        "Client": credentials.get("client", "guestid 0.1"),
    }
    found_reservations: list[Any] = []
    if reservations:
        url = f"{base}/api/connector/v1/reservations/getAll/2023-06-06"
        body = {**auth, "ReservationIds": reservations, "Limitation": {"Count": 1000}}
        data = load_json((await send(client, "POST", url, json=body, sleep=sleep)).content)
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
        data = load_json((await send(client, "POST", url, json=body, sleep=sleep)).content)
        found_customers = list(data.get("Customers") or [])
    return json.dumps({"Customers": found_customers, "Reservations": found_reservations}).encode()


async def apaleo(client: httpx.AsyncClient, auth: ApiAuth, target: ApaleoEvent) -> bytes:
    """The reservation an Apaleo webhook names, or every reservation of the booking it names."""
    base = auth.credentials.get("base_url", APALEO_API).rstrip("/")
    if target.topic == "booking":
        # The booker changed: its reservations carry the booker, and each its primary guest.
        url = f"{base}/booking/v1/reservations"
        params = {"bookingId": target.entity_id, "expand": "booker"}
        answer = await auth.request(client, "GET", url, params=params)
        return answer.content if answer.status_code != 204 else b'{"reservations": []}'
    url = f"{base}/booking/v1/reservations/{target.entity_id}"
    answer = await auth.request(client, "GET", url, params={"expand": "booker"})
    return answer.content


async def cloudbeds(client: httpx.AsyncClient, auth: ApiAuth, kind: str, entity_id: str) -> bytes:
    """getGuest or getReservation for the id a Cloudbeds webhook carries."""
    base = auth.credentials.get("base_url", CLOUDBEDS_API).rstrip("/")
    params = {"guestID" if kind == "guest" else "reservationID": entity_id}
    if auth.credentials.get("property_id"):
        params["propertyID"] = auth.credentials["property_id"]
    method = "getGuest" if kind == "guest" else "getReservation"
    answer = await auth.request(client, "GET", f"{base}/{method}", params=params)
    data = load_json(answer.content)
    if not isinstance(data, dict) or data.get("success") is False:
        message = data.get("message") if isinstance(data, dict) else None
        raise ValueError(f"Cloudbeds {method}: {text(message) or 'unexpected answer'}")
    found = data.get("data")
    if kind == "guest" and isinstance(found, dict):
        # getGuest does not repeat the id it was asked for; the record needs it.
        found.setdefault("guestID", entity_id)
        if auth.credentials.get("property_id"):
            found.setdefault("propertyID", auth.credentials["property_id"])
    return json.dumps(data).encode()


async def opera(
    client: httpx.AsyncClient, auth: ApiAuth, module: str, key: str, hotel: str | None
) -> bytes:
    """The OHIP profile or reservation a business event names."""
    base = auth.credentials["base_url"].rstrip("/")
    hotel = hotel or auth.credentials.get("hotel_id")
    if module == "profile":
        url = f"{base}/crm/v1/profiles/{key}"
        params = {"fetchInstructions": list(OPERA_PROFILE_PARTS)}
        answer = await auth.request(client, "GET", url, params=params, hotel=hotel)
        return answer.content
    url = f"{base}/rsv/v1/hotels/{hotel}/reservations/{key}"
    answer = await auth.request(client, "GET", url, hotel=hotel)
    return answer.content
