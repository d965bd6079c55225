"""Oracle OPERA Cloud (OHIP): profiles, reservations and business events; offset/limit pulls."""

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
    basic_auth_ok,
    bearer_ok,
    body_id,
    dig,
    is_relay_email,
    load_json,
    make_record,
    snake,
    text,
    to_date,
    to_float,
    version,
)
from connectors.http import Clock, Sleep, decode_cursor, encode_cursor, utcnow
from connectors.oauth import ApiAuth, TokenCache

STATUSES = {
    "Reserved": "confirmed",
    "DueIn": "confirmed",
    "New": "confirmed",
    "InHouse": "checked_in",
    "DueOut": "checked_in",
    "CheckedIn": "checked_in",
    "CheckedOut": "checked_out",
    "Cancelled": "cancelled",
    "Canceled": "cancelled",
    "NoShow": "no_show",
    "Waitlisted": "enquiry",
}
# Coded preferences differ per chain; these are OPERA's shipped defaults.
PREFERENCE_CODES: dict[tuple[str, str], tuple[str, str | bool]] = {
    ("smoking", "NS"): ("smoking", False),
    ("smoking", "SM"): ("smoking", True),
    ("bed_type", "K"): ("bed", "king"),
    ("bed_type", "Q"): ("bed", "queen"),
    ("bed_type", "T"): ("bed", "twin"),
    ("bed_type", "D"): ("bed", "double"),
    ("floor", "HF"): ("floor", "high"),
    ("floor", "LF"): ("floor", "low"),
    ("room_features", "HF"): ("floor", "high"),
    ("room_features", "LF"): ("floor", "low"),
}
DOCUMENTS = {"PASSPORT": "passport", "ID": "id_card", "DRIVERS LICENSE": "driving_licence"}


class OperaConnector:
    """OPERA Cloud via OHIP REST: profile/reservation mapping, business events, pulls."""

    source = "opera"
    needs: tuple[Need, ...] = (
        (("base_url",),),
        (("app_key",),),
        (("hotel_id",),),
        (("token",), ("client_id", "client_secret")),
    )

    def __init__(
        self,
        *,
        timezone: str = "UTC",  # unused: OHIP sends the hotel's local dates
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utcnow,
        page_size: int | None = None,
        horizon_days: int = 14,
        tokens: TokenCache | None = None,
    ) -> None:
        self.sleep = sleep
        self.clock = clock
        self.page_size = page_size or 100
        self.horizon = timedelta(days=horizon_days)
        self.tokens = tokens if tokens is not None else TokenCache()

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """Events reach us through our own relay (OHIP streams outbound), so a shared secret."""
        return bearer_ok(delivery.headers, secret) or basic_auth_ok(delivery.headers, secret)

    def event_id(self, delivery: Delivery) -> str:
        """metadata.uniqueEventId of a business event (the stream offset as a fallback)."""
        data = load_json(delivery.body)
        event = _event(data)
        meta = event.get("metadata") or {}
        found = text(meta.get("uniqueEventId")) or text(meta.get("offset"))
        return found or body_id(delivery.body)

    def entity_to_fetch(self, payload: bytes) -> tuple[str, str, str | None] | None:
        """(module, primary key, hotel) of a business event the app should fetch, else None."""
        event = _event(load_json(payload))
        key = text(event.get("primaryKey"))
        module = (text(event.get("moduleName")) or "").upper()
        if not key or module not in {"RESERVATION", "PROFILE"}:
            return None
        return module.lower(), key, text(event.get("hotelId"))

    def named(self, payload: bytes) -> str | None:
        """'module:key[:hotel]' of what a business event names, else None."""
        target = self.entity_to_fetch(payload)
        return ":".join(p for p in target if p) if target else None

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        """The OHIP profile or reservation a business event names."""
        target = self.entity_to_fetch(body)
        return await fetchers.opera(http, auth, *target) if target is not None else None

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """Records from a profile, a reservation list/detail, or a profile-merge event."""
        data = load_json(payload)
        if not isinstance(data, dict):
            raise ValueError("OHIP payload must be a JSON object")
        event = _event(data)
        if event.get("eventName"):
            return self._merge_event(event)
        if "profileDetails" in data:
            return [self.profile(data["profileDetails"], _opera_id(data.get("profileIdList")))]
        # A list answers with reservationInfo, one reservation (getReservation) with reservation.
        reservations = (
            dig(data, "reservations", "reservationInfo")
            or dig(data, "reservations", "reservation")
            or dig(data, "reservations")
        )
        records: list[GuestRecord] = []
        for res in as_list(reservations):
            if isinstance(res, dict) and (record := self.reservation(res)) is not None:
                records.append(record)
        return records

    def profile(
        self, p: Mapping[str, Any], profile_id: str | None, stay: Mapping[str, Any] | None = None
    ) -> GuestRecord:
        """Map an OHIP profile (profileDetails)."""
        customer = p.get("customer") or {}
        names = as_list(customer.get("personName"))
        name = next((n for n in names if n.get("nameType") == "Primary"), names[0] if names else {})
        email = text(_primary(dig(p, "emails", "emailInfo"), "email").get("emailAddress"))
        address = _primary(dig(p, "addresses", "addressInfo"), "address")
        ident = _primary(dig(customer, "identifications", "identificationInfo"), "identification")
        member = _primary(dig(p, "profileMemberships", "profileMembership"), None)
        vip = customer.get("vipStatus")
        doc_type = DOCUMENTS.get(str(ident.get("idType", "")).upper())
        return make_record({
            "source": self.source,
            "source_record_id": profile_id or text(p.get("id")),
            "updated_at": version(p.get("lastModifyDateTime")),
            "title": text(name.get("nameTitle")),
            "first_name": text(name.get("givenName")),
            "middle_name": text(name.get("middleName")),
            "last_name": text(name.get("surname")),
            "email": email,
            "email_masked": is_relay_email(email) if email else None,
            "phone": text(_primary(dig(p, "telephones", "telephoneInfo"), "telephone")
                          .get("phoneNumber")),
            "date_of_birth": to_date(customer.get("birthDate")),
            "gender": (text(customer.get("gender")) or "").lower() or None,
            "nationality": text(dig(customer, "nationality", "code")
                                or customer.get("nationality")),
            "language": text(customer.get("language")),
            "address": {
                "line1": text(as_list(address.get("addressLine"))[0])
                if address.get("addressLine") else None,
                "city": text(address.get("cityName")),
                "postcode": text(address.get("postalCode")),
                "region": text(address.get("state")),
                "country": text(dig(address, "country", "code") or address.get("country")),
            },
            "loyalty_number": text(member.get("membershipId")),
            "document": {"type": doc_type, "number": text(ident.get("idNumber")),
                         "country": text(ident.get("issuedCountry"))}
            if doc_type and text(ident.get("idNumber")) else None,
            "vip": bool(text(vip.get("code") if isinstance(vip, dict) else vip)),
            "do_not_rent": _blacklisted(p) or _blacklisted(customer),
            "preferences": _preferences(p.get("preferenceCollection")) or None,
            "stay": stay,
        })  # fmt: skip

    def reservation(self, r: Mapping[str, Any]) -> GuestRecord | None:
        """The primary guest's profile with the stay; None when no guest profile is attached."""
        ids = as_list(r.get("reservationIdList"))
        room = r.get("roomStay") or {}
        amount = room.get("rateAmount") or room.get("totalAmount") or {}
        external = as_list(r.get("externalReferences"))
        stay = {
            "reservation_id": _opera_id(ids, "Reservation") or _opera_id(ids),
            "arrival": to_date(room.get("arrivalDate")),
            "departure": to_date(room.get("departureDate")),
            "room_type": text(room.get("roomType")),
            "rate_amount": to_float(amount.get("amount")),
            "currency": text(amount.get("currencyCode")),
            "channel": text(dig(r, "sourceOfSale", "sourceCode")),
            "channel_reservation_id": text(external[0].get("id")) if external else None,
            "status": STATUSES.get(str(r.get("reservationStatus"))),
            "property_id": text(r.get("hotelId")),
        }
        guests = as_list(r.get("reservationGuests"))
        primary = next((g for g in guests if g.get("primary")), guests[0] if guests else None)
        if primary and primary.get("profileInfo"):
            info = primary["profileInfo"]
            profile = info.get("profile") or {}
            record = self.profile(profile, _opera_id(info.get("profileIdList")), stay)
        elif (summary := r.get("reservationGuest")) and summary.get("id"):
            record = make_record({
                "source": self.source, "source_record_id": text(summary.get("id")),
                "first_name": text(summary.get("givenName")),
                "last_name": text(summary.get("surname")), "stay": stay,
            })  # fmt: skip
        else:
            return None
        updated = version(r.get("lastModifyDateTime"))
        return record.model_copy(update={"updated_at": updated or record.updated_at})

    def _merge_event(self, event: Mapping[str, Any]) -> list[GuestRecord]:
        name = (text(event.get("eventName")) or "").upper()
        if "MERGE" not in name:
            return []  # other events are pointers: the app fetches via entity_to_fetch
        survivor = text(event.get("primaryKey"))
        merged = [
            text(d.get("oldValue") or d.get("newValue"))
            for d in as_list(event.get("detail"))
            if "PROFILE" in str(d.get("elementName", "")).upper()
        ]
        return [
            make_record({"source": self.source, "source_record_id": m, "merged_into": survivor})
            for m in merged
            if m and m != survivor
        ]

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        """Reservations arriving from today over the horizon, offset/limit paging with hasMore."""
        today = self.clock().date()
        state: dict[str, Any] = (
            decode_cursor(cursor) if cursor else {"d": today.isoformat(), "o": 0}
        )
        start, offset = str(state["d"]), int(state["o"])
        end = (to_date(start) or today) + self.horizon
        hotel = credentials["hotel_id"]
        params: dict[str, str | int] = {
            "arrivalStartDate": start,
            "arrivalEndDate": end.isoformat(),
            "limit": self.page_size,
            "offset": offset,
        }
        auth = ApiAuth(self.source, credentials, self.tokens, sleep=self.sleep, clock=self.clock)
        url = f"{credentials['base_url'].rstrip('/')}/rsv/v1/hotels/{hotel}/reservations"
        response = await auth.request(client, "GET", url, params=params, hotel=hotel)
        data = load_json(response.content)
        records = list(self.parse(response.content))
        items = as_list(dig(data, "reservations", "reservationInfo"))
        more = dig(data, "reservations", "hasMore")
        more = data.get("hasMore") if more is None else more
        if more and items:
            nxt = {"d": start, "o": offset + len(items)}
            return Page(records, encode_cursor(nxt), done=False)
        # A snapshot of upcoming arrivals: the next sync starts again from its own today.
        return Page(records, None, done=True)


def _event(data: Any) -> dict[str, Any]:
    # Streaming delivers {"data": {"newEvent": {...}}}; a relay may forward the event itself.
    event = dig(data, "data", "newEvent") or data
    return event if isinstance(event, dict) else {}


def _opera_id(ids: Any, kind: str | None = None) -> str | None:
    for item in as_list(ids):
        if isinstance(item, dict) and (kind is None or item.get("type") == kind):
            return text(item.get("id"))
    return None


def _primary(infos: Any, inner: str | None) -> dict[str, Any]:
    found = [i.get(inner) if inner else i for i in as_list(infos) if isinstance(i, dict)]
    items: list[dict[str, Any]] = [i for i in found if isinstance(i, dict)]
    chosen = next((i for i in items if i.get("primaryInd") or i.get("primary")), None)
    return chosen or (items[0] if items else {})


def _blacklisted(obj: Mapping[str, Any]) -> bool | None:
    flag = obj.get("blacklist") if isinstance(obj, dict) else None
    if isinstance(flag, dict):
        flag = flag.get("blacklisted", flag.get("flag"))
    return flag if isinstance(flag, bool) else None


def _preferences(collection: Any) -> dict[str, str | bool]:
    groups = dig(collection, "preferenceType") if isinstance(collection, dict) else collection
    prefs: dict[str, str | bool] = {}
    for group in as_list(groups):
        if not isinstance(group, dict):
            continue
        kind = snake(str(group.get("preferenceType", "other")))
        for pref in as_list(group.get("preference") or group.get("preferences")):
            code = str(pref.get("preferenceValue", "")).upper()
            key, value = PREFERENCE_CODES.get(
                (kind, code), (kind, text(pref.get("description")) or code)
            )
            prefs[key] = value
    return prefs
