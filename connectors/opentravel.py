"""OpenTravel OTA_HotelResNotifRQ (and AlpineBits GuestRequests) reservations, parsed safely."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from connectors.base import Delivery, GuestRecord
from connectors.cards import scrub_element
from connectors.common import (
    basic_auth_ok,
    body_id,
    is_relay_email,
    make_record,
    same_secret,
    text,
    to_date,
    to_float,
    version,
)

STATUSES = {
    "book": "confirmed",
    "commit": "confirmed",
    "modify": "confirmed",
    "reserved": "confirmed",
    "confirmed": "confirmed",
    "requested": "enquiry",
    "initiate": "enquiry",
    "waitlisted": "enquiry",
    "cancel": "cancelled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "in-house": "checked_in",
    "checked-in": "checked_in",
    "checked-out": "checked_out",
    "no-show": "no_show",
}
BED = re.compile(r"\b(king|queen|double|single)(?:[- ]size)?\s+beds?\b|\b(twin)\b", re.I)
NO_SMOKING = re.compile(r"\bnon[- ]?smok|\bno[- ]smok", re.I)
SMOKING = re.compile(r"\bsmoking\b", re.I)
HIGH_FLOOR = re.compile(r"\b(high|higher|top|upper)\s+floor", re.I)
LOW_FLOOR = re.compile(r"\b(low|lower|ground|first)\s+floor", re.I)
MOBILE, FAX = "5", "3"  # OTA PhoneTechType codes (AlpineBits uses them too)
GENDERS = {"male": "male", "female": "female"}  # "Unknown" says nothing


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def find(elem: Element | None, *path: str) -> Element | None:
    """First descendant along a path of local names, ignoring XML namespaces."""
    for name in path:
        if elem is None:
            return None
        elem = next((c for c in elem if _local(c.tag) == name), None)
    return elem


def iter_local(elem: Element, name: str) -> Iterator[Element]:
    """Every descendant with a given local name."""
    return (e for e in elem.iter() if _local(e.tag) == name)


def special_request_preferences(request: str) -> dict[str, str | bool]:
    """Bed, smoking and floor preferences a free-text request states explicitly."""
    prefs: dict[str, str | bool] = {}
    if m := BED.search(request):
        prefs["bed"] = (m.group(1) or m.group(2)).lower()
    if NO_SMOKING.search(request):
        prefs["smoking"] = False
    elif SMOKING.search(request):
        prefs["smoking"] = True
    if HIGH_FLOOR.search(request):
        prefs["floor"] = "high"
    elif LOW_FLOOR.search(request):
        prefs["floor"] = "low"
    return prefs


class OpenTravelConnector:
    """Any OTA_HotelResNotifRQ / OTA_ResRetrieveRS sender; the subclass names the channel."""

    source = "ota"

    def __init__(self, **options: object) -> None:
        """Takes the registry's options and needs none: it neither pulls nor fetches."""

    def _root(self, payload: bytes) -> Element:
        # defusedxml refuses entity expansion and external DTDs; card data goes before mapping.
        root: Element = SafeET.fromstring(payload)
        scrub_element(root)
        return root

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """HTTP basic auth, or the POS RequestorID ID/MessagePassword, against 'user:password'."""
        if basic_auth_ok(delivery.headers, secret):
            return True
        try:
            root = SafeET.fromstring(delivery.body)
        except Exception:  # malformed or hostile XML is simply not authentic
            return False
        req = next(iter_local(root, "RequestorID"), None)
        if req is None:
            return False
        return same_secret(f"{req.get('ID', '')}:{req.get('MessagePassword', '')}", secret)

    def event_id(self, delivery: Delivery) -> str:
        """The message's EchoToken, else a hash of the body."""
        try:
            token = SafeET.fromstring(delivery.body).get("EchoToken")
        except Exception:  # an unparsable body still needs a stable id to be stored once
            token = None
        return f"echo:{token}" if token else body_id(delivery.body)

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """One record per named guest of every HotelReservation in the message."""
        root = self._root(payload)
        records: list[GuestRecord] = []
        for res in iter_local(root, "HotelReservation"):
            records.extend(self.reservation(res))
        return records

    def reservation(self, res: Element) -> list[GuestRecord]:
        """Map one HotelReservation."""
        ids = [u for u in res if _local(u.tag) == "UniqueID"]
        cancelled = any(u.get("Type") == "15" for u in ids)
        res_id = next((u.get("ID") for u in ids if u.get("ID")), None) or _hotel_res_id(res)
        if not res_id:
            raise ValueError("HotelReservation without UniqueID")
        status = "cancelled" if cancelled else STATUSES.get((res.get("ResStatus") or "").lower())
        room = next(iter_local(res, "RoomStay"), None)
        span = find(room, "TimeSpan")
        total = find(room, "Total")
        if total is None:  # Elements without children are falsy, so no `or` here
            total = find(res, "ResGlobalInfo", "Total")
        room_type = next(iter_local(room, "RoomType"), None) if room is not None else None
        hotel = next(iter_local(res, "BasicPropertyInfo"), None)
        stay = {
            "reservation_id": res_id,
            "arrival": to_date(span.get("Start")) if span is not None else None,
            "departure": to_date(span.get("End")) if span is not None else None,
            "room_type": room_type.get("RoomTypeCode") if room_type is not None else None,
            "rate_amount": to_float(total.get("AmountAfterTax") or total.get("AmountBeforeTax"))
            if total is not None
            else None,
            "currency": total.get("CurrencyCode") if total is not None else None,
            "channel": self.source,
            "channel_reservation_id": res_id if self.source != "ota" else None,
            "status": status,
            "property_id": hotel.get("HotelCode") if hotel is not None else None,
        }
        if stay["arrival"] is None or stay["departure"] is None:
            stay_or_none: dict[str, Any] | None = None  # cancellations may omit the RoomStay
        else:
            stay_or_none = stay
        requests = " ".join(_requests(res))
        loyalty = next(iter_local(res, "Membership"), None)
        common = {
            "updated_at": version(res.get("LastModifyDateTime") or res.get("CreateDateTime")),
            "property_id": stay["property_id"],
            "special_requests": requests or None,
            "preferences": special_request_preferences(requests) or None,
            "loyalty_number": loyalty.get("AccountID") if loyalty is not None else None,
        }
        out = []
        guests = list(iter_local(res, "ResGuest"))
        flagged = [g for g in guests if (g.get("PrimaryIndicator") or "").lower() in {"1", "true"}]
        primary = (flagged or guests)[0] if guests else None
        for n, guest in enumerate(guests, start=1):
            customer = next(iter_local(guest, "Customer"), None)
            if customer is None or find(customer, "PersonName") is None:
                continue
            rph = guest.get("ResGuestRPH") or str(n)
            person = {k: v for k, v in self.customer(customer).items() if v is not None}
            # Requests and the booking's loyalty belong to the booker, not to companions.
            shared = (
                common
                if guest is primary
                else {k: common[k] for k in ("updated_at", "property_id")}
            )
            fields = {**shared, **person, "stay": stay_or_none}
            fields["source_record_id"] = f"{res_id}:{rph}"
            out.append(make_record(fields))
        return out

    def customer(self, c: Element) -> dict[str, Any]:
        """Identity fields of an OTA Customer element."""
        name = find(c, "PersonName")
        phones = [t for t in c if _local(t.tag) == "Telephone" and t.get("PhoneNumber")]
        # A mobile belongs to one person; a landline to a household, a fax to nobody.
        mobile = [t for t in phones if t.get("PhoneTechType") == MOBILE]
        voice = [t for t in phones if t.get("PhoneTechType") != FAX]
        phone = (mobile or voice)[0] if mobile or voice else None
        addr = find(c, "Address")
        email = _text(find(c, "Email"))
        loyalty = find(c, "CustLoyalty")
        country = find(addr, "CountryName")
        state = find(addr, "StateProv")
        return {
            "source": self.source,
            "title": _text(find(name, "NamePrefix")),
            "first_name": _text(find(name, "GivenName")),
            "middle_name": _text(find(name, "MiddleName")),
            "last_name": _text(find(name, "Surname")),
            "email": email,
            "email_masked": is_relay_email(email) if email else None,
            "phone": phone.get("PhoneNumber") if phone is not None else None,
            "date_of_birth": to_date(c.get("BirthDate")),
            "gender": GENDERS.get((c.get("Gender") or "").lower()),
            "language": c.get("Language"),
            "address": {
                "line1": _text(find(addr, "AddressLine")),
                "city": _text(find(addr, "CityName")),
                "postcode": _text(find(addr, "PostalCode")),
                "region": state.get("StateCode") if state is not None else None,
                "country": (country.get("Code") or _text(country)) if country is not None else None,
            },
            "loyalty_number": loyalty.get("MembershipID") if loyalty is not None else None,
        }


class BookingComConnector(OpenTravelConnector):
    """Booking.com's OTA messages: emails are per-reservation aliases."""

    source = "booking"


class ExpediaConnector(OpenTravelConnector):
    """Expedia's OTA messages."""

    source = "expedia"


def _text(elem: Element | None) -> str | None:
    return text(elem.text) if elem is not None else None


def _requests(res: Element) -> list[str]:
    """Special requests, and the guest's own comment (AlpineBits "customer comment")."""
    parts = [t.strip() for sr in iter_local(res, "SpecialRequest") for t in sr.itertext()]
    for comment in iter_local(res, "Comment"):
        if (comment.get("Name") or "").lower() == "customer comment":
            parts.extend(" ".join(t.split()) for t in comment.itertext())
    return [p for p in parts if p]


def _hotel_res_id(res: Element) -> str | None:
    rid = next(iter_local(res, "HotelReservationID"), None)
    return rid.get("ResID_Value") if rid is not None else None
