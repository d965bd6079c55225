"""Apaleo: thin webhooks (topic/type/entityId) in, reservations fetched from the Booking API."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from connectors import fetchers
from connectors.base import Delivery, GuestRecord, Need, Page
from connectors.common import (
    as_list,
    basic_auth_ok,
    body_id,
    is_relay_email,
    load_json,
    make_record,
    text,
    to_date,
    to_float,
    version,
)
from connectors.http import Clock, Sleep, decode_cursor, encode_cursor, iso, parse_iso, utcnow
from connectors.oauth import ApiAuth, TokenCache

STATUSES = {
    "Confirmed": "confirmed",
    "InHouse": "checked_in",
    "CheckedOut": "checked_out",
    "Canceled": "cancelled",
    "NoShow": "no_show",
}
DOCUMENTS = {
    "PassportNumber": "passport",
    "IdNumber": "id_card",
    "DriverLicenseNumber": "driving_licence",
    "SocialInsuranceNumber": "social_insurance",
}
LAG = timedelta(minutes=2)
FETCHED_TOPICS = frozenset({"reservation", "booking"})


@dataclass(frozen=True)
class ApaleoEvent:
    """What a webhook points at: the app fetches `entity_id` before anything is parsed."""

    topic: str
    type: str
    entity_id: str
    property_id: str | None


def entity_to_fetch(payload: bytes) -> ApaleoEvent | None:
    """The reservation or booking a webhook names; None for topics we do not follow."""
    data = load_json(payload)
    topic = str(data.get("topic", "")).lower() if isinstance(data, dict) else ""
    if topic not in FETCHED_TOPICS:
        return None
    entity = text((data.get("data") or {}).get("entityId"))
    if not entity:
        return None
    kind = str(data.get("type", ""))
    if topic == "booking" and kind.lower() == "deleted":
        return None  # nothing left to read
    return ApaleoEvent(topic, kind, entity, text(data.get("propertyId")))


class ApaleoConnector:
    """Apaleo: basic auth on our receiver, reservations mapped to primary guest and booker."""

    source = "apaleo"
    needs: tuple[Need, ...] = ((("token",), ("client_id", "client_secret")),)

    def __init__(
        self,
        *,
        timezone: str = "UTC",  # unused: Apaleo's times carry their offset
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utcnow,
        page_size: int | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        self.sleep = sleep
        self.clock = clock
        self.page_size = page_size or 200
        self.tokens = tokens if tokens is not None else TokenCache()

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """Apaleo signs nothing; we give it a URL with basic-auth credentials ('user:password')."""
        return basic_auth_ok(delivery.headers, secret)

    def event_id(self, delivery: Delivery) -> str:
        """The webhook's own id; Apaleo may deliver the same id more than once."""
        data = load_json(delivery.body)
        return text(data.get("id") if isinstance(data, dict) else None) or body_id(delivery.body)

    def named(self, payload: bytes) -> str | None:
        """'topic:entity id' of the reservation or booking a webhook names, else None."""
        found = entity_to_fetch(payload)
        return f"{found.topic}:{found.entity_id}" if found else None

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        """The reservation a webhook names, or the reservations of the booking it names."""
        target = entity_to_fetch(body)
        return await fetchers.apaleo(http, auth, target) if target is not None else None

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """Records from one reservation, a reservation list, or nothing for a bare webhook."""
        data = load_json(payload)
        if isinstance(data, dict) and "reservations" in data:
            items = as_list(data["reservations"])
        elif isinstance(data, dict) and "topic" in data:
            return []  # thin webhook: the app fetches the entity first
        else:
            items = as_list(data)
        records: list[GuestRecord] = []
        for res in items:
            records.extend(self.reservation(res))
        return records

    def reservation(self, r: Mapping[str, Any]) -> list[GuestRecord]:
        """The primary guest with the stay, plus the booker when a different person."""
        rid = text(r.get("id"))
        if not rid:
            raise ValueError("Apaleo reservation without id")
        prop = text((r.get("property") or {}).get("id"))
        total = r.get("totalGrossAmount") or {}
        stay = {
            "reservation_id": rid,
            "arrival": to_date(r.get("arrival")),  # local time with offset: keep its date
            "departure": to_date(r.get("departure")),
            "room_type": text((r.get("unitGroup") or {}).get("code")),
            "rate_amount": to_float(total.get("amount")),
            "currency": text(total.get("currency")),
            "channel": text(r.get("channelCode")),
            "channel_reservation_id": text(r.get("externalCode")),
            "status": STATUSES.get(str(r.get("status"))),
            "property_id": prop,
        }
        common = {"property_id": prop, "updated_at": version(r.get("modified") or r.get("created"))}
        out: list[GuestRecord] = []
        guest = r.get("primaryGuest")
        if isinstance(guest, dict) and (guest.get("lastName") or guest.get("email")):
            out.append(make_record({
                **self._person(guest), **common, "source_record_id": f"{rid}:guest",
                "stay": stay, "special_requests": text(r.get("guestComment")),
            }))  # fmt: skip
        booker = r.get("booker")
        if isinstance(booker, dict) and not _same_person(booker, guest):
            booking = text(r.get("bookingId")) or rid.split("-")[0]
            out.append(make_record({
                **self._person(booker), **common, "source_record_id": f"{booking}:booker",
            }))  # fmt: skip
        return out

    def _person(self, p: Mapping[str, Any]) -> dict[str, Any]:
        addr = p.get("address") or {}
        email = text(p.get("email"))
        doc_type = DOCUMENTS.get(str(p.get("identificationType")))
        return {
            "source": self.source,
            "title": text(p.get("title")) if p.get("title") != "Other" else None,
            "gender": (text(p.get("gender")) or "").lower() or None,
            "first_name": text(p.get("firstName")),
            "middle_name": text(p.get("middleInitial")),
            "last_name": text(p.get("lastName")),
            "email": email,
            "email_masked": is_relay_email(email) if email else None,
            "phone": text(p.get("phone")),
            "date_of_birth": to_date(p.get("birthDate")),
            "nationality": text(p.get("nationalityCountryCode")),
            "language": text(p.get("preferredLanguage")),
            "address": {
                "line1": text(addr.get("addressLine1")),
                "line2": text(addr.get("addressLine2")),
                "city": text(addr.get("city")),
                "postcode": text(addr.get("postalCode")),
                "region": text(addr.get("regionCode")),
                "country": text(addr.get("countryCode")),
            },
            "document": {
                "type": doc_type,
                "number": text(p.get("identificationNumber")),
                "country": text(p.get("nationalityCountryCode")),
            }
            if doc_type and text(p.get("identificationNumber"))
            else None,
        }

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        """Reconcile by pulling reservations modified in a window, pageNumber/pageSize paging."""
        now = self.clock() - LAG
        state = decode_cursor(cursor) if cursor else {"s": credentials.get("since") or iso(now)}
        start = parse_iso(state["s"])
        if start >= now:
            return Page([], encode_cursor(state), done=True)
        end = parse_iso(state["e"]) if state.get("e") else now
        page = int(state.get("p", 1))
        params: dict[str, str | int] = {
            "dateFilter": "Modification",
            "from": iso(start),
            "to": iso(end),
            "pageNumber": page,
            "pageSize": self.page_size,
            "expand": "booker",
        }
        if credentials.get("property_id"):
            params["propertyIds"] = credentials["property_id"]
        auth = ApiAuth(self.source, credentials, self.tokens, sleep=self.sleep, clock=self.clock)
        base = credentials.get("base_url", fetchers.APALEO_API).rstrip("/")
        url = f"{base}/booking/v1/reservations"
        response = await auth.request(client, "GET", url, params=params)
        # Apaleo answers 204 No Content when the page is empty.
        raw = response.content if response.status_code != 204 else b'{"reservations": []}'
        data = load_json(raw)
        records = list(self.parse(raw))
        seen = (page - 1) * self.page_size + len(as_list(data.get("reservations")))
        if seen < int(data.get("count") or 0) and data.get("reservations"):
            nxt = {"s": iso(start), "e": iso(end), "p": page + 1}
            return Page(records, encode_cursor(nxt), done=False)
        return Page(records, encode_cursor({"s": iso(end)}), done=True)


def _same_person(a: Mapping[str, Any], b: Any) -> bool:
    if not isinstance(b, dict):
        return False
    keys = ("firstName", "lastName", "email")
    return all((text(a.get(k)) or "").lower() == (text(b.get(k)) or "").lower() for k in keys)
