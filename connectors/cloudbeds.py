"""Cloudbeds API v1.2/1.3: object/action webhooks in, guests and reservations pulled by page."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import httpx

from connectors import fetchers
from connectors.base import Delivery, GuestRecord, Need, Page
from connectors.common import (
    as_list,
    body_id,
    is_relay_email,
    load_json,
    make_record,
    same_secret,
    text,
    to_bool,
    to_date,
    to_float,
)
from connectors.http import Clock, Sleep, decode_cursor, encode_cursor, parse_iso, utcnow
from connectors.oauth import CLOUDBEDS_API, ApiAuth, TokenCache

STATUSES = {
    "not_confirmed": "enquiry",
    "confirmed": "confirmed",
    "checked_in": "checked_in",
    "checked_out": "checked_out",
    "canceled": "cancelled",
    "no_show": "no_show",
}
DOCUMENTS = {"na": None, "dni": "id_card", "nie": "id_card", "driver_licence": "driving_licence"}
LAG = timedelta(minutes=2)
ENDPOINTS = {"guests": "getGuestList", "reservations": "getReservations"}


class CloudbedsConnector:
    """Cloudbeds: token-in-URL webhooks, guest and reservation mapping, page pulls."""

    source = "cloudbeds"
    token_param = "token"  # noqa: S105 - the name of the query parameter, not a secret
    needs: tuple[Need, ...] = (
        (("api_key",), ("access_token",), ("client_id", "client_secret", "refresh_token")),
    )

    def __init__(
        self,
        *,
        timezone: str = "UTC",  # unused: Cloudbeds sends the hotel's local dates
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utcnow,
        page_size: int | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        self.sleep = sleep
        self.clock = clock
        self.page_size = page_size or 100  # Cloudbeds caps pageSize at 100
        self.tokens = tokens if tokens is not None else TokenCache()

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """Cloudbeds does not sign webhooks: the endpoint URL we register carries a secret token."""
        return same_secret(delivery.query.get(self.token_param), secret)

    def event_id(self, delivery: Delivery) -> str:
        """event + object id + timestamp identify a notification; resends repeat all three."""
        data = load_json(delivery.body)
        if not isinstance(data, dict) or not data.get("timestamp"):
            return body_id(delivery.body)
        entity = data.get("reservationID") or data.get("reservationId") or data.get("guestID")
        return f"{data.get('event')}:{entity}:{data.get('timestamp')}"

    def entity_to_fetch(self, payload: bytes) -> tuple[str, str] | None:
        """('reservation'|'guest', id) a webhook points at, for getReservation/getGuest."""
        data = load_json(payload)
        if not isinstance(data, dict):
            return None
        obj = str(data.get("event", "")).split("/")[0]
        guest = text(data.get("guestID") or data.get("guestId"))
        reservation = text(data.get("reservationID") or data.get("reservationId"))
        if obj == "guest" and guest:
            return "guest", guest
        if obj == "reservation" and reservation:
            return "reservation", reservation
        return None

    def named(self, payload: bytes) -> str | None:
        """'guest:id' or 'reservation:id' of what a webhook names, else None."""
        target = self.entity_to_fetch(payload)
        return ":".join(target) if target else None

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        """getGuest or getReservation for what a webhook names."""
        target = self.entity_to_fetch(body)
        return await fetchers.cloudbeds(http, auth, *target) if target is not None else None

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """Records from getGuest/getGuestList/getReservation(s) responses (webhooks: none)."""
        data = load_json(payload)
        if isinstance(data, dict) and "event" in data and "data" not in data:
            return []
        body = data.get("data", data) if isinstance(data, dict) else data
        records: list[GuestRecord] = []
        for item in as_list(body):
            if not isinstance(item, dict):
                continue
            if "startDate" in item and "reservationID" in item:
                records.extend(self.reservation(item))
            elif item.get("guestID") or item.get("guestId"):
                records.append(self.guest(item))
        return records

    def guest(self, g: Mapping[str, Any], stay: Mapping[str, Any] | None = None) -> GuestRecord:
        """Map a guest (getGuest names fields plainly, lists prefix them with 'guest')."""

        def f(name: str) -> Any:
            cap = name[0].upper() + name[1:]
            return g.get(name) if g.get(name) not in (None, "") else g.get("guest" + cap)

        email = text(f("email"))
        doc_raw = text(f("documentType"))
        doc_type = DOCUMENTS.get(doc_raw, doc_raw) if doc_raw else None
        merged = to_bool(g.get("isMerged"))
        anonymised = to_bool(g.get("isAnonymized"))
        return make_record({
            "source": self.source,
            "source_record_id": str(g.get("guestID") or g.get("guestId")),
            "property_id": text(g.get("propertyID")),
            "updated_at": text(g.get("dateModified")),
            "first_name": None if anonymised else text(f("firstName")),
            "last_name": None if anonymised else text(f("lastName")),
            "full_name": None if anonymised else text(g.get("guestName")),
            "email": None if anonymised else email,
            "email_masked": is_relay_email(email) if email and not anonymised else None,
            "phone": None if anonymised else text(f("phone")) or text(f("cellPhone")),
            "date_of_birth": to_date(f("birthDate")),
            "gender": _gender(f("gender")),
            "address": {
                "line1": text(f("address1") or f("address")),
                "line2": text(f("address2")),
                "city": text(f("city")),
                "postcode": text(f("zip")),
                "region": text(f("state")),
                "country": text(f("country")),
            },
            "document": {
                "type": doc_type,
                "number": text(f("documentNumber")),
                "country": text(f("documentIssuingCountry")),
            } if doc_type and text(f("documentNumber")) and not anonymised else None,
            "special_requests": text(g.get("specialRequests") or g.get("guestRequirements")),
            # A merged guest lives on as newGuestID; the app re-points its stays there.
            "merged_into": text(g.get("newGuestID")) if merged else None,
            "stay": stay,
        })  # fmt: skip

    def reservation(self, r: Mapping[str, Any]) -> list[GuestRecord]:
        """The reservation's guests (or its main guest) each with the stay."""
        stay = {
            "reservation_id": str(r["reservationID"]),
            "arrival": to_date(r.get("startDate")),
            "departure": to_date(r.get("endDate")),
            "room_type": text(_first_room(r).get("roomTypeName") or r.get("roomTypeName")),
            "rate_amount": to_float(r.get("total")),
            "currency": text(r.get("currency") or r.get("propertyCurrency")),
            "channel": text(r.get("sourceName") or r.get("source")),
            "channel_reservation_id": text(r.get("thirdPartyIdentifier")),
            "status": STATUSES.get(str(r.get("status"))),
            "property_id": text(r.get("propertyID")),
        }
        guests = r.get("guestList")
        people = list(guests.values()) if isinstance(guests, dict) else as_list(guests)
        if not people and r.get("guestID"):
            people = [dict(r)]  # list rows carry the main guest's fields inline
        records = []
        for person in people:
            if isinstance(person, dict) and (person.get("guestID") or person.get("guestId")):
                merged = {"propertyID": r.get("propertyID"), **person}
                merged.setdefault("dateModified", r.get("dateModified"))
                records.append(self.guest(merged, stay))
        return records

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        """Guests then reservations modified in a window, pageNumber/pageSize paging."""
        now = self.clock() - LAG
        first = {"s": credentials.get("since") or _fmt(now)}
        state = decode_cursor(cursor) if cursor else first
        start = parse_iso(state["s"])
        if start >= now:
            return Page([], encode_cursor(state), done=True)
        end = parse_iso(state["e"]) if state.get("e") else now
        kind, page = state.get("k", "guests"), int(state.get("p", 1))
        window = {"resultsFrom" if kind == "guests" else "modifiedFrom": _fmt(start),
                  "resultsTo" if kind == "guests" else "modifiedTo": _fmt(end)}  # fmt: skip
        params = {**window, "pageNumber": page, "pageSize": self.page_size}
        if credentials.get("property_id"):
            params["propertyIDs"] = credentials["property_id"]
        auth = ApiAuth(self.source, credentials, self.tokens, sleep=self.sleep, clock=self.clock)
        url = f"{credentials.get('base_url', CLOUDBEDS_API).rstrip('/')}/{ENDPOINTS[kind]}"
        response = await auth.request(client, "GET", url, params=params)
        data = load_json(response.content)
        if isinstance(data, dict) and data.get("success") is False:
            raise ValueError(f"Cloudbeds {ENDPOINTS[kind]}: {data.get('message')}")
        records = list(self.parse(response.content))
        items = as_list(data.get("data"))
        fixed = {"s": _fmt(start), "e": _fmt(end)}
        total = int(data.get("total") or 0)
        more = page * self.page_size < total if total else len(items) == self.page_size
        if items and more:
            return Page(records, encode_cursor({**fixed, "k": kind, "p": page + 1}), done=False)
        if kind == "guests":
            return Page(records, encode_cursor({**fixed, "k": "reservations"}), done=False)
        return Page(records, encode_cursor({"s": _fmt(end)}), done=True)


def _fmt(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%d %H:%M:%S")) if not isinstance(moment, str) else moment


def _gender(value: Any) -> str | None:
    raw = (text(value) or "").upper()
    return {"M": "male", "F": "female", "N/A": None}.get(raw, raw.lower() or None)


def _first_room(r: Mapping[str, Any]) -> Mapping[str, Any]:
    rooms = as_list(r.get("rooms") or r.get("assigned") or r.get("unassigned"))
    return rooms[0] if rooms and isinstance(rooms[0], dict) else {}
