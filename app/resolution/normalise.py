"""Turn a GuestRecord into a NormalisedRecord: every field in its canonical comparable form."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Literal

from unidecode import unidecode

from app.resolution.cities import canonical_city
from app.resolution.countries import country_code
from app.resolution.location import normalise_address, split_line
from app.resolution.mailboxes import corrected_domain, placeholder_address
from app.resolution.names import fold, name_key, parse_name
from app.resolution.nicknames import canonical_given, nickname_groups
from app.resolution.phones import PhoneReading, read_phone
from app.resolution.types import NormalisedRecord
from connectors.base import GuestRecord

# Per-reservation aliases handed out by OTAs: they identify a booking, never a person across
# bookings.
RELAY_DOMAINS = frozenset(
    {
        "guest.booking.com",
        "m.expediapartnercentral.com",
        "expediapartnercentral.com",
        "agoda-messaging.com",
        "guest.airbnb.com",
        "reply.airbnb.com",
        "guest.trip.com",
        "guest.hostelworld.com",
        "guest.hotels.com",
        "messages.homeaway.com",
        "guest.vrbo.com",
    }
)
# Sign in with Apple hides the address behind a relay that is the same for one user across all
# the apps of one developer (the hotel group's widget and site): unlike an OTA's alias it
# names the guest from booking to booking, so it counts as a real address.
APP_RELAY_DOMAIN = "privaterelay.appleid.com"
# Shared mailboxes of agencies and companies: they reach a desk, not a guest.
ROLE_LOCALS = frozenset(
    {
        "info",
        "bookings",
        "booking",
        "reservations",
        "reservation",
        "reservas",
        "reserva",
        "travel",
        "travels",
        "contact",
        "service",
        "services",
        "rejser",
        "biuro",
        "office",
        "admin",
        "sales",
        "kontakt",
        "hello",
        "mail",
        "team",
        "reception",
        "frontdesk",
        "noreply",
        "no-reply",
        "events",
        "groups",
        "hotel",
        "hotels",
        "buchung",
        "buchungen",
        "reisen",
        "voyages",
        "viajes",
        "agency",
        "agencia",
        "concierge",
        "support",
        "accounts",
        "accounting",
        "billing",
        "invoices",
    }
)
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_EMAIL = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$")
_DOC_TYPES = {
    "passport": "passport",
    "pass": "passport",
    "reisepass": "passport",
    "pasaporte": "passport",
    "passeport": "passport",
    "p": "passport",
    "id": "id",
    "id_card": "id",
    "idcard": "id",
    "national_id": "id",
    "nationalid": "id",
    "identity_card": "id",
    "personalausweis": "id",
    "dni": "id",
    "nie": "id",
    "cni": "id",
    "driving_licence": "licence",
    "driver_license": "licence",
    "drivers_license": "licence",
    "driving_license": "licence",
    "dl": "licence",
    "residence_permit": "residence",
    "visa": "visa",
}
_ALNUM = re.compile(r"[^0-9A-Z]+")


def canonical_email(raw: str | None) -> str | None:
    """Lower-cased email with +tags removed and gmail dots dropped; None when not an email, or
    a placeholder for none (noemail@hotel.com)."""
    if not raw:
        return None
    value = raw.strip().lower().removeprefix("mailto:")
    if not _EMAIL.match(value):
        return None
    local, _, domain = value.rpartition("@")
    local = local.split("+", 1)[0]
    domain = corrected_domain(domain)
    if placeholder_address(local, domain):
        return None
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local else None


def is_relay_domain(email: str) -> bool:
    """True for OTA alias domains (and their subdomains)."""
    domain = email.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in RELAY_DOMAINS)


def is_app_relay(email: str) -> bool:
    """True for a private relay of a sign-in provider (Sign in with Apple)."""
    return email.endswith("@" + APP_RELAY_DOMAIN)


def normalise_phone(raw: str | None, regions: list[str]) -> tuple[str | None, str | None]:
    """(E.164 if valid, national significant digits) trying each region hint in turn."""
    reading = _phone_reading(raw, regions)
    if reading is None:
        return None, None
    return reading.e164, reading.nsn


def _phone_reading(raw: str | None, regions: list[str]) -> PhoneReading | None:
    if not raw:
        return None
    text = raw.strip()
    digits = re.sub(r"\D", "", text[2:] if text.startswith("00") else text)
    if len(digits) < 6:
        return None
    reading = read_phone(text, regions)
    if reading.e164 is None and not reading.nsn:
        # Nothing parsed it: the digits themselves, without a trunk prefix, still compare.
        reading = replace(reading, nsn=digits.lstrip("0"))
    return None if placeholder_number(digits, reading.nsn or "") else reading


_RUNS = ("0123456789", "1234567890", "9876543210")


def placeholder_number(digits: str, nsn: str) -> bool:
    """A stand-in for "no phone", the same for every guest who types it: one digit seven times
    over (+34 600 000 000, 5555555555), or a national number that only counts up or down
    (+44 1234 567890, +91 98765 43210)."""
    if re.search(r"(\d)\1{6}", digits):
        return True
    return len(nsn) >= 8 and any(nsn in run for run in _RUNS)


def canonical_document(type: str, country: str | None, number: str) -> str:
    """Canonical '<kind>:<NUMBER>' string the caller HMACs.

    The country is deliberately not part of the hashed string: OTA and walk-in records often
    lack it, and a number of one kind colliding across countries within a tenant is rarer than
    a missing country. It is kept (unhashed) in `document_kind` instead.
    """
    del country
    kind = _DOC_TYPES.get(re.sub(r"[\s-]+", "_", type.strip().lower()), "other")
    return f"{kind}:{_ALNUM.sub('', unidecode(number).upper())}"


def _document_kind(type_: str, country: str | None) -> str:
    kind = _DOC_TYPES.get(re.sub(r"[\s-]+", "_", type_.strip().lower()), "other")
    return f"{kind}:{country_code(country) or ''}"


def _plausible_dob(value: date | None) -> date | None:
    """Drop placeholder birth dates (1900-01-01, 1970-01-01, the future): they are not facts."""
    if value is None or value.year < 1900 or value >= date.today():
        return None
    if (value.month, value.day) == (1, 1) and value.year in (1900, 1901, 1970):
        return None
    return value


# Shorter numbers (a small PMS's "1042") recur across systems and say nothing about the booking.
_MIN_BOOKING_CHARS = 6


def booking_numbers(*numbers: str | None) -> tuple[str, ...]:
    """Distinct booking numbers, folded ("ABC-123 456" -> "ABC123456"), distinctive ones only."""
    folded = {_ALNUM.sub("", n.upper()) for n in numbers if n}
    return tuple(sorted(n for n in folded if len(n) >= _MIN_BOOKING_CHARS))


def _social_key(record: GuestRecord) -> str | None:
    social = record.social
    if social is None:
        return None
    if social.provider in {"microsoft", "azure", "azuread", "entra"}:
        # oid is unique only inside its directory (tid); sub is per app and useless across apps.
        return f"microsoft:{(social.tenant or '').lower()}:{social.subject.lower()}"
    return f"{social.provider}:{social.subject}"


def normalise(record: GuestRecord) -> NormalisedRecord:
    """Normalise one record; `record.document.number` is already the caller's keyed hash."""
    address = record.address
    country = country_code(address.country if address else None)
    nationality = country_code(record.nationality)
    regions = [c for c in (country, nationality) if c]
    name = parse_name(record.first_name, record.middle_name, record.last_name, record.full_name)
    email = canonical_email(record.email)
    kind: Literal["real", "relay"] | None = None
    if email is not None:
        masked = bool(record.email_masked) and not is_app_relay(email)
        kind = "relay" if masked or is_relay_domain(email) else "real"
    phone_reading = _phone_reading(record.phone, regions)
    document = record.document
    postcode = _ALNUM.sub("", address.postcode.upper()) if address and address.postcode else None
    loyalty = _ALNUM.sub("", record.loyalty_number.upper()) if record.loyalty_number else None
    reservation = f"{record.source}:{record.stay.reservation_id}" if record.stay else None
    stay = record.stay
    house, street = split_line((address.line1 or address.line2) if address else None)
    return NormalisedRecord(
        key=f"{record.source}:{record.source_record_id}",
        source=record.source,
        given=name.given,
        given_canonical=canonical_given(name.given) if name.given else None,
        middle=name.middle,
        family=name.family,
        email=email,
        email_kind=kind,
        email_verified=bool(record.email_verified) and kind == "real",
        phone=phone_reading.e164 if phone_reading else None,
        date_of_birth=_plausible_dob(record.date_of_birth),
        city=canonical_city(fold(address.city)) if address else None,
        postcode=postcode or None,
        country=country or nationality,
        loyalty=loyalty or None,
        document=document.number if document else None,
        social=_social_key(record),
        reservation=reservation,
        bookings=booking_numbers(stay.reservation_id, stay.channel_reservation_id) if stay else (),
        given_key=name_key(name.given),
        given_groups=nickname_groups(name.given.split()[0]) if name.given else frozenset(),
        family_key=name_key(name.family),
        family_tokens=tuple(name.family.split()) if name.family else (),
        suffix=name.suffix,
        phone_nsn=phone_reading.nsn if phone_reading else None,
        phone_fixed=phone_reading is not None and phone_reading.fixed,
        email_role=email is not None and email.partition("@")[0] in ROLE_LOCALS,
        email_local=email.partition("@")[0] if email and kind == "real" else None,
        address=normalise_address(address.line1, address.line2) if address else None,
        document_kind=_document_kind(document.type, document.country) if document else None,
        house=house,
        street=street,
        region=fold(address.region) if address and address.region else None,
    )
