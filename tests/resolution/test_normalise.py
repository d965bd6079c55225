"""Normalisation: countries, phones, emails, names, documents, social keys."""

from __future__ import annotations

from typing import Any

import pytest

from app.resolution import canonical_document, canonical_email
from app.resolution.countries import country_code
from app.resolution.names import parse_name
from app.resolution.normalise import normalise_phone
from tests.resolution.builders import guest


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("DEU", "DE"),
        ("de", "DE"),
        ("Österreich", "AT"),
        ("España", "ES"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("The Netherlands", "NL"),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
)
def test_country_code(raw: str | None, expected: str | None) -> None:
    assert country_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "regions", "e164", "nsn"),
    [
        ("+49 30 1234567", [], "+49301234567", "301234567"),
        ("030 1234567", ["DE"], "+49301234567", "301234567"),
        ("0049 (30) 123-4567", [], "+49301234567", "301234567"),
        ("(201) 555-0123", ["US"], "+12015550123", "2015550123"),
        ("07400 123456", ["GB"], "+447400123456", "7400123456"),
        ("12345", ["DE"], None, None),  # too short to be anything
        ("+49 1", [], None, None),
        # What a front desk types for a guest without a phone: no number of hers.
        ("0000 000000", ["DE"], None, None),
        ("+34 600 000 000", [], None, None),
        ("+1 555 555 5555", [], None, None),
        ("+44 1234 567890", [], None, None),
        ("+91 98765 43210", [], None, None),
        ("+49 151 23456789", [], "+4915123456789", "15123456789"),  # counts up only in part
    ],
)
def test_phone(raw: str, regions: list[str], e164: str | None, nsn: str | None) -> None:
    assert normalise_phone(raw, regions) == (e164, nsn)


def test_invalid_phone_keeps_digits_for_the_tail() -> None:
    # No region hint and no country code: not a valid number, but the digits still block.
    assert normalise_phone("555 123 4567", []) == (None, "5551234567")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("J.Smith+hotel@GoogleMail.com", "jsmith@gmail.com"),
        ("anna.mueller+x@web.de", "anna.mueller@web.de"),
        ("  Bob@Example.COM ", "bob@example.com"),
        # A big provider's name mistyped by one letter is that provider.
        ("anna.k1985@gmial.com", "annak1985@gmail.com"),
        ("tom.b@icloud.co", "tom.b@icloud.com"),
        ("tom.b@yahoo.cmo", "tom.b@yahoo.com"),
        ("tom.b@outlok.com", "tom.b@outlook.com"),
        # Real domains stay: other providers' country domains, short providers, companies.
        ("tom.b@hotmail.dk", "tom.b@hotmail.dk"),
        ("tom.b@yahoo.co.jp", "tom.b@yahoo.co.jp"),
        ("tom.b@mail.com", "tom.b@mail.com"),
        ("tom.b@aon.com", "tom.b@aon.com"),
        ("tom.b@siemens.com", "tom.b@siemens.com"),
        ("not-an-email", None),
        ("", None),
        # What a front desk types for a guest without an address: nobody's mailbox.
        ("noemail@hotel.com", None),
        ("No-Email@Grandhotel.de", None),
        ("none@none.com", None),
        ("x@x.com", None),
        ("xxx@gmail.com", None),
        ("keine@keine.de", None),
        ("anything@noemail.com", None),
        ("guest@hotel.invalid", None),
        ("nora@gmail.com", "nora@gmail.com"),  # a name that begins like "no"
    ],
)
def test_canonical_email(raw: str, expected: str | None) -> None:
    assert canonical_email(raw) == expected


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"email": "x1y2@guest.booking.com"}, "relay"),
        ({"email": "abc@m.expediapartnercentral.com"}, "relay"),
        # Apple's relay is one address per user for all the hotel group's apps: it names her.
        ({"email": "abc@privaterelay.appleid.com"}, "real"),
        ({"email": "abc@privaterelay.appleid.com", "email_masked": True}, "real"),
        ({"email": "someone@example.com", "email_masked": True}, "relay"),
        ({"email": "anna@example.com"}, "real"),
    ],
)
def test_email_kind(fields: dict[str, Any], kind: str) -> None:
    assert guest(**fields).email_kind == kind


def test_role_mailbox_is_flagged() -> None:
    assert guest(email="info@agency.example").email_role
    assert not guest(email="anna@agency.example").email_role


@pytest.mark.parametrize(
    ("first", "middle", "last", "full", "given", "family", "suffix"),
    [
        ("Dr. Jürgen", None, "Müller", None, "jurgen", "muller", None),
        ("Robert", None, "Smith Jr.", None, "robert", "smith", "jr"),
        (None, None, None, "Mrs. Anna-Lena Schröder", "anna lena", "schroder", None),
        (None, None, None, "Smith, John", "john", "smith", None),
        ("José", None, "O'Brien", None, "jose", "obrien", None),
        ("Hans", None, "Meier Sr", None, "hans", "meier", "sr"),
        # The whole name in the one field a record fills.
        (None, None, "SMITH/JOHN MR", None, "john", "smith", None),
        (None, None, "Müller, Hans-Peter", None, "hans peter", "muller", None),
        # The reservation systems' form as the full name.
        (None, None, None, "SMITH/JOHN MR", "john", "smith", None),
        (None, None, None, "GARCIA LOPEZ/MARIA MRS", "maria", "garcia lopez", None),
        ("John Smith", None, None, None, "john", "smith", None),
        ("Mr John", None, None, None, "john", None, None),
        # The title after the given name, as the reservation systems write it.
        ("JOHN MR", None, "SMITH", None, "john", "smith", None),
        ("MARIA ISABEL MRS", None, "GARCIA", None, "maria isabel", "garcia", None),
        ("Mary-Ann", None, None, None, "mary ann", None, None),
        ("sachi n", None, None, None, "sachi n", None, None),
        (None, None, "Garcia Lopez", None, None, "garcia lopez", None),
        ("Anna", None, None, None, "anna", None, None),
    ],
)
def test_parse_name(
    first: str | None,
    middle: str | None,
    last: str | None,
    full: str | None,
    given: str | None,
    family: str | None,
    suffix: str | None,
) -> None:
    name = parse_name(first, middle, last, full)
    assert (name.given, name.family, name.suffix) == (given, family, suffix)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Müller", "Mueller"), ("Müller", "Muller"), ("Strauß", "Strauss"), ("Jörg", "Joerg")],
)
def test_transliterations_share_a_key(a: str, b: str) -> None:
    assert guest(last_name=a).family_key == guest(last_name=b).family_key


@pytest.mark.parametrize(
    ("nick", "full"),
    [
        ("Bob", "Robert"),
        ("Bill", "William"),
        ("Pepe", "José"),
        ("Kasia", "Katarzyna"),
        ("Hans", "Johannes"),
        ("Paco", "Francisco"),
        ("Sasha", "Aleksandr"),
        ("Alexandr", "Alexander"),
        ("Katya", "Ekaterina"),
        ("Dima", "Dmitry"),
        ("Mohammed", "Muhammad"),
        ("Sasha", "Aleksandra"),
        ("Iurii", "Yuri"),
        ("Юрий", "Yuri"),
        ("Willi", "Wilhelm"),
        ("Hussain", "Hossein"),
        ("Mostafa", "Mustapha"),
        ("Dasha", "Darya"),
    ],
)
def test_nicknames_share_a_group(nick: str, full: str) -> None:
    a, b = guest(first_name=nick), guest(first_name=full)
    assert a.given_groups & (b.given_groups | {b.given_key})


@pytest.mark.parametrize(
    ("social", "key"),
    [
        ({"provider": "google", "subject": "123"}, "google:123"),
        ({"provider": "Apple", "subject": "001.abc"}, "apple:001.abc"),
        ({"provider": "microsoft", "subject": "OID-1", "tenant": "TID-9"}, "microsoft:tid-9:oid-1"),
        ({"provider": "facebook", "subject": "77"}, "facebook:77"),
        ({"provider": "linkedin", "subject": "ab"}, "linkedin:ab"),
    ],
)
def test_social_key(social: dict[str, str], key: str) -> None:
    assert guest(social=social).social == key


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("passport", "DE", "c01x-00 t47"), "passport:C01X00T47"),
        (("Reisepass", "Germany", "C01X00T47"), "passport:C01X00T47"),
        (("national_id", "AU", "12 345 678"), "id:12345678"),
        (("driver license", None, "d-123"), "licence:D123"),
    ],
)
def test_canonical_document(args: tuple[str, str | None, str], expected: str) -> None:
    assert canonical_document(*args) == expected


def test_record_fields() -> None:
    n = guest(
        source="booking",
        first_name="Anna",
        last_name="Müller",
        phone="030 1234567",
        address={"country": "Deutschland", "postcode": "10 115", "line1": "Hauptstraße 5"},
        loyalty_number="ly-123",
        date_of_birth="1900-01-01",
        stay={"reservation_id": "B-1", "arrival": "2026-01-01", "departure": "2026-01-02"},
    )
    assert n.phone == "+49301234567"
    assert n.country == "DE" and n.postcode == "10115"
    assert n.address == "haupt st 5"
    assert n.loyalty == "LY123"
    assert n.date_of_birth is None  # placeholder birth dates are not facts
    assert n.reservation == "booking:B-1"
    assert n.bookings == ()  # too short to tell one booking from another


def test_booking_numbers_hold_the_channel_number_folded() -> None:
    n = guest(
        source="mews",
        first_name="Anna",
        last_name="Weber",
        stay={
            "reservation_id": "mews-7781-a2",
            "arrival": "2026-01-01",
            "departure": "2026-01-02",
            "channel_reservation_id": "4417 220 931",
        },
    )
    assert n.bookings == ("4417220931", "MEWS7781A2")
