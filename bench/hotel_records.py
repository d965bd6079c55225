"""Source records as each system sends them, built from one person and one stay."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hotel_people import Person
from hotel_pools import AGENCIES, ROOM_TYPES
from hotel_render import (
    rand_token,
    render_address,
    render_dob,
    render_email,
    render_name,
    render_phone,
)

PMS_SOURCES = ("mews", "apaleo", "cloudbeds", "opera")


@dataclass(frozen=True)
class Property:
    """One hotel of the group and the PMS it runs."""

    property_id: str
    pms: str
    currency: str


PROPERTIES = tuple(
    Property(f"H{i + 1:03d}", PMS_SOURCES[i % 4], "GBP" if i % 7 == 3 else "EUR") for i in range(24)
)


@dataclass
class Trip:
    """One stay of one person: what every record about it shares."""

    person: Person
    prop: Property
    arrival: date
    nights: int
    booked_at: datetime
    reservation_id: str
    channel: str
    use_agency: bool

    @property
    def departure(self) -> date:
        """Checkout day."""
        return self.arrival + timedelta(days=self.nights)


class Ids:
    """Per-source record ids in each system's own shape, unique within a data set."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[tuple[str, str]] = set()

    def reservation(self, property_id: str) -> str:
        """A direct reservation number of the property."""
        while True:
            rid = f"{property_id}-{self.rng.randint(10**6, 10**7)}"
            if ("res", rid) not in self.seen:
                self.seen.add(("res", rid))
                return rid

    def new(self, source: str) -> str:
        """A fresh id for the source."""
        while True:
            r = self.rng
            rid = {
                "mews": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                "apaleo": f"{rand_token(r, 6).upper()}-{r.randint(1, 3)}",
                "cloudbeds": str(r.randint(10**7, 10**8)),
                "opera": str(r.randint(10**6, 10**8)),
                "booking": str(r.randint(10**9, 10**10)),
                "expedia": str(r.randint(10**8, 10**9)),
                "walkin": f"WI-{r.randint(10**5, 10**6)}",
                "widget": f"WB-{rand_token(r, 10).upper()}",
            }[source]
            if (source, rid) not in self.seen:
                self.seen.add((source, rid))
                return rid


def stay(trip: Trip, rng: random.Random, status: str) -> dict[str, Any]:
    """The stay block shared by every record of a trip."""
    room, base = rng.choice(ROOM_TYPES)
    rate = round(base * trip.nights * rng.uniform(0.8, 1.5), 2)
    return {
        "reservation_id": trip.reservation_id,
        "arrival": trip.arrival.isoformat(),
        "departure": trip.departure.isoformat(),
        "room_type": room,
        "rate_amount": rate,
        "currency": trip.prop.currency,
        "channel": trip.channel,
        "status": status,
        "property_id": trip.prop.property_id,
    }


def _contact(trip: Trip, rng: random.Random, rec: dict[str, Any], work_ok: bool = True) -> None:
    """Email and phone a guest gives directly (or their agency gives for them)."""
    p, day = trip.person, trip.arrival
    if trip.use_agency and p.agency is not None:
        _, email, phone = AGENCIES[p.agency]
        rec["email"] = email
        rec["phone"] = phone if rng.random() < 0.7 else (p.phone or phone)
        return
    email = p.email_work if (work_ok and p.email_work and rng.random() < 0.6) else p.email_at(day)
    if rng.random() < 0.9:
        rec["email"] = render_email(email, rng)
    if p.phone and rng.random() < 0.85:
        rec["phone"], national = render_phone(p.phone, rng)
        if national:  # a national-format number only makes sense next to a known country
            rec.setdefault("address", {"country": p.address_at(day).country})


def _base(trip: Trip, source: str, rid: str, kind: str, rng: random.Random) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "source": source,
        "source_record_id": rid,
        "property_id": trip.prop.property_id,
    }
    rec.update(render_name(trip.person, trip.arrival, rng, kind))
    return rec


def pms_record(
    trip: Trip, rng: random.Random, ids: Ids, at_checkin: bool, ota_alias: str | None = None
) -> dict[str, Any]:
    """A PMS guest profile with the stay: the richest record, fields vary by vendor."""
    p, day, pms = trip.person, trip.arrival, trip.prop.pms
    rec = _base(trip, pms, ids.new(pms), "opera" if pms == "opera" else "pms", rng)
    detail = {"mews": 0.6, "apaleo": 0.7, "cloudbeds": 0.7, "opera": 0.75}[pms]
    if rng.random() < detail:
        rec["address"] = render_address(p.address_at(day), rng)
    if ota_alias and rng.random() < 0.6:  # front desk never asked for the real address
        rec["email"], rec["email_masked"] = ota_alias, True if rng.random() < 0.7 else None
        if p.phone and rng.random() < 0.6:
            rec["phone"], _ = render_phone(p.phone, rng)
    else:
        _contact(trip, rng, rec)
    dob_share = {"mews": 0.5, "apaleo": 0.1, "cloudbeds": 0.5, "opera": 0.6}[pms]
    if rng.random() < dob_share * (1.4 if at_checkin else 0.8):
        rec["date_of_birth"] = render_dob(p.dob, rng).isoformat()
    if pms != "apaleo" and rng.random() < 0.6:
        rec["nationality"] = p.country.code
    if p.loyalty and rng.random() < (0.7 if pms in ("opera", "mews") else 0.4):
        rec["loyalty_number"] = p.loyalty if rng.random() < 0.95 else p.loyalty[2:]
    passport = p.new_passport if p.new_passport and day.year >= 2024 else p.passport
    if at_checkin and passport and pms != "apaleo" and rng.random() < 0.35:
        rec["document"] = {"type": "passport", "number": passport, "country": p.country.code}
    if pms in ("opera", "mews") and rng.random() < 0.2:
        rec["preferences"] = rng.choice(
            [
                {"bed": "king"},
                {"floor": "high"},
                {"pillow": "feather"},
                {"bed": "twin", "smoking": False},
            ]
        )
    if rng.random() < 0.05:
        rec["vip"] = True
    rec["gender"] = p.gender if rng.random() < 0.3 else None
    rec["stay"] = stay(trip, rng, "checked_in" if at_checkin else "confirmed")
    return rec


def ota_record(trip: Trip, rng: random.Random, ids: Ids, source: str) -> tuple[dict[str, Any], str]:
    """A Booking.com or Expedia reservation: alias email, name, phone, thin address."""
    p, day = trip.person, trip.arrival
    rec = _base(trip, source, trip.reservation_id, "ota", rng)
    domain = "guest.booking.com" if source == "booking" else "m.expediapartnercentral.com"
    alias = f"{rand_token(rng, 8)}.{rand_token(rng, 6)}@{domain}"
    if source == "expedia" and rng.random() < 0.25:  # affiliate bookings carry the real one
        rec["email"] = render_email(p.email_at(day), rng)
    elif rng.random() < 0.95:
        rec["email"] = alias
        rec["email_masked"] = True if rng.random() < 0.55 else None
    if trip.use_agency and p.agency is not None:
        rec["phone"] = AGENCIES[p.agency][2]
    elif p.phone and rng.random() < (0.8 if source == "booking" else 0.65):
        rec["phone"], _ = render_phone(p.phone, rng)
    detail = rng.random()
    if detail < 0.2:
        rec["address"] = render_address(p.address_at(day), rng)
    elif detail < 0.9:
        rec["address"] = render_address(p.address_at(day), rng, detail=0.0)
    if p.loyalty and rng.random() < 0.08:
        rec["loyalty_number"] = p.loyalty
    if rng.random() < 0.3:
        rec["special_requests"] = rng.choice(
            [
                "late arrival",
                "non-smoking room",
                "quiet room",
                "twin beds please",
                "arriving by car",
            ]
        )
    rec["stay"] = stay(trip, rng, "confirmed")
    return rec, alias


def widget_record(
    trip: Trip, rng: random.Random, ids: Ids, provider: str, first_apple: bool
) -> dict[str, Any]:
    """A direct booking after social sign-in on the hotel's own site."""
    p = trip.person
    rec: dict[str, Any] = {
        "source": "widget",
        "source_record_id": ids.new("widget"),
        "property_id": trip.prop.property_id,
        "social": {"provider": provider, "subject": p.social[provider]},
    }
    if provider == "microsoft":
        rec["social"]["tenant"] = "9188040d-6c67-4c5b-b112-36a304b66dad"
    # Apple sends the name only on the first sign-in; later sign-ins are name-less.
    if provider != "apple" or first_apple:
        rec.update(render_name(p, trip.arrival, rng, "widget"))
    if provider == "apple" and p.apple_relay:
        rec["email"], rec["email_masked"], rec["email_verified"] = p.apple_relay, True, True
    elif provider == "microsoft" and p.email_work:
        rec["email"] = p.email_work
    elif provider != "facebook" or rng.random() < 0.7:
        rec["email"], rec["email_verified"] = p.email_at(trip.arrival), True
    if p.phone and rng.random() < 0.3:
        rec["phone"], national = render_phone(p.phone, rng)
        if national:
            rec["address"] = {"country": p.address_at(trip.arrival).country}
    if p.loyalty and rng.random() < 0.6:
        rec["loyalty_number"] = p.loyalty
    rec["stay"] = stay(trip, rng, "confirmed")
    return rec


def walkin_record(trip: Trip, rng: random.Random, ids: Ids) -> dict[str, Any]:
    """A walk-in registration card: name, phone and birth date only."""
    p = trip.person
    rec = _base(trip, "walkin", ids.new("walkin"), "walkin", rng)
    if p.phone and rng.random() < 0.85:
        rec["phone"], _ = render_phone(p.phone, rng)
    if rng.random() < 0.9:
        rec["date_of_birth"] = render_dob(p.dob, rng).isoformat()
    rec["stay"] = stay(trip, rng, "checked_in")
    return rec
