"""Table-driven mapping tests: each vendor fixture → the generic records we expect."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from connectors.registry import CONNECTORS
from tests.connectors.conftest import fixture

# (connector, fixture, index of record, expected subset of record.model_dump())
CASES: list[tuple[str, str, int, dict[str, Any]]] = [
    # Mews
    ("mews", "mews/customer_new.json", 0, {
        "source_record_id": "c2f1d888-232e-49eb-87ac-5f75363af13b", "title": "Mrs",
        "first_name": "Anna", "last_name": "Müller", "email_masked": False,
        "date_of_birth": date(1985, 3, 14), "nationality": "DE", "loyalty_number": "LY12345678",
        "vip": True, "do_not_rent": False,
        "preferences": {"floor": "high", "bed": "twin", "balcony": True, "dietary": "Vegetarian"},
        "address": {"line1": "Invalidenstraße 117", "line2": None, "city": "Berlin",
                    "postcode": "10115", "region": "DE-BE", "country": "DE"},
    }),
    ("mews", "mews/customer_profile_change.json", 0, {
        "last_name": "Schmidt Müller", "email": "anna.x7k2@guest.booking.com",
        "email_masked": True, "vip": False, "do_not_rent": True,
        "updated_at": "2026-11-20T16:45:10Z", "preferences": None,
    }),
    ("mews", "mews/customer_merged.json", 0, {
        "merged_into": "c2f1d888-232e-49eb-87ac-5f75363af13b", "preferences": {"view": "sea"},
    }),
    ("mews", "mews/reservation_new.json", 0, {
        "source_record_id": "c2f1d888-232e-49eb-87ac-5f75363af13b",
        "stay": {"reservation_id": "bfee2c44-1f84-4326-a862-5289598f6e2d",
                 "arrival": date(2026, 12, 1), "departure": date(2026, 12, 4),
                 "status": "confirmed", "channel_reservation_id": "4012345678"},
    }),
    ("mews", "mews/reservation_modified.json", 0, {"stay": {"departure": date(2026, 12, 5)}}),
    ("mews", "mews/reservation_cancelled.json", 0, {"stay": {"status": "cancelled"}}),
    ("mews", "mews/reservation_checkin.json", 0, {"stay": {"status": "checked_in"}}),
    # Apaleo: primary guest carries the stay; the booker is a separate person
    ("apaleo", "apaleo/reservation_new.json", 0, {
        "source_record_id": "XPGMSXGF-1:guest", "property_id": "HFTF-BER", "last_name": "Müller",
        "email_masked": True, "document": {"type": "passport", "number": "C01X00T47",
                                           "country": "DE"},
        "stay": {"reservation_id": "XPGMSXGF-1", "arrival": date(2026, 12, 1),
                 "departure": date(2026, 12, 4), "room_type": "DBL", "rate_amount": 540.0,
                 "currency": "EUR", "channel": "BookingCom", "status": "confirmed",
                 "channel_reservation_id": "4012345678"},
    }),
    ("apaleo", "apaleo/reservation_new.json", 1, {
        "source_record_id": "XPGMSXGF:booker", "first_name": "Jonas", "stay": None,
        "email_masked": False,
    }),
    ("apaleo", "apaleo/reservation_modified.json", 0, {
        "stay": {"departure": date(2026, 12, 5), "rate_amount": 720.0},
    }),
    ("apaleo", "apaleo/reservation_cancelled.json", 0, {"stay": {"status": "cancelled"}}),
    ("apaleo", "apaleo/reservation_checkin.json", 0, {"stay": {"status": "checked_in"}}),
    # Cloudbeds
    ("cloudbeds", "cloudbeds/guest_profile.json", 0, {
        "source_record_id": "41028833", "gender": "female", "phone": "+49 30 1234567",
        "document": {"type": "passport", "number": "C01X00T47", "country": "DE"},
        "special_requests": "Non-smoking room", "merged_into": None,
    }),
    ("cloudbeds", "cloudbeds/guest_merged.json", 0, {
        "source_record_id": "41020001", "merged_into": "41028833",
    }),
    ("cloudbeds", "cloudbeds/guest_anonymized.json", 0, {
        "first_name": None, "last_name": None, "email": None, "document": None, "phone": None,
    }),
    ("cloudbeds", "cloudbeds/reservation_new.json", 0, {
        "source_record_id": "41028833", "email_masked": True,
        "stay": {"reservation_id": "5129837201", "room_type": "Double Room",
                 "channel": "Booking.com", "status": "confirmed", "rate_amount": 540.0},
    }),
    ("cloudbeds", "cloudbeds/reservation_cancelled.json", 0, {"stay": {"status": "cancelled"}}),
    ("cloudbeds", "cloudbeds/reservation_checkin.json", 0, {
        "stay": {"status": "checked_in", "departure": date(2026, 12, 5)},
    }),
    # OPERA Cloud
    ("opera", "opera/profile_new.json", 0, {
        "source_record_id": "908172", "title": "Mrs", "last_name": "Müller", "vip": True,
        "email": "anna.mueller@example.com", "phone": "+49 151 98765432",
        "loyalty_number": "LY12345678", "nationality": "DE",
        "preferences": {"smoking": False, "bed": "king", "floor": "high",
                        "newspaper": "Frankfurter Allgemeine"},
    }),
    ("opera", "opera/profile_changed.json", 0, {
        "email": "anna@mueller-consulting.de", "vip": False,
    }),
    ("opera", "opera/reservation_new.json", 0, {
        "source_record_id": "908172",
        "stay": {"reservation_id": "773401", "room_type": "DLXK", "rate_amount": 180.0,
                 "status": "confirmed", "property_id": "BERMI",
                 "channel_reservation_id": "4012345678"},
    }),
    ("opera", "opera/reservation_cancelled.json", 0, {"stay": {"status": "cancelled"}}),
    ("opera", "opera/reservation_checkin_summary.json", 0, {
        "source_record_id": "908200", "first_name": "Jonas", "stay": {"status": "checked_in"},
    }),
    ("opera", "opera/event_merge.json", 0, {
        "source_record_id": "907001", "merged_into": "908172",
    }),
    # OpenTravel / Booking.com / Expedia / AlpineBits
    ("booking", "opentravel/booking_new.xml", 0, {
        "source": "booking", "source_record_id": "4012345678:1", "title": "Mrs",
        "email_masked": True, "loyalty_number": "G-88123",
        "preferences": {"bed": "king", "smoking": False, "floor": "high"},
        "stay": {"reservation_id": "4012345678", "arrival": date(2026, 12, 1),
                 "departure": date(2026, 12, 4), "room_type": "DBL", "rate_amount": 540.0,
                 "status": "confirmed", "property_id": "H001"},
    }),
    ("booking", "opentravel/booking_new.xml", 1, {
        "first_name": "Jonas", "preferences": None, "loyalty_number": None, "email": None,
    }),
    ("booking", "opentravel/booking_modify.xml", 0, {
        "stay": {"departure": date(2026, 12, 5), "rate_amount": 720.0},
    }),
    ("booking", "opentravel/booking_cancel.xml", 0, {"stay": {"status": "cancelled"}}),
    ("expedia", "opentravel/expedia_new.xml", 0, {
        "source": "expedia", "email_masked": True, "loyalty_number": "HC-5511",
        "preferences": {"bed": "twin", "smoking": True, "floor": "low"},
        "stay": {"currency": "USD", "rate_amount": 310.5},
    }),
    ("ota", "opentravel/alpinebits_guestrequests.xml", 0, {
        "source": "ota", "first_name": "Giulia", "language": "it", "email_masked": False,
        "stay": {"reservation_id": "AB-6781", "status": "enquiry", "property_id": "BZ01",
                 "arrival": date(2027, 2, 14)},
    }),
    # Social sign-in
    ("social", "social/google.json", 0, {
        "source_record_id": "google:110169484474386276334", "email_verified": True,
        "social": {"provider": "google", "subject": "110169484474386276334", "tenant": None},
    }),
    ("social", "social/apple_first.json", 0, {
        "first_name": "Anna", "last_name": "Müller", "email_masked": True,
    }),
    ("social", "social/apple_later.json", 0, {
        "first_name": None, "source_record_id": "apple:001234.5f8e2a1c9b7d4e3f.1203",
    }),
    ("social", "social/microsoft.json", 0, {
        "email_verified": False,
        "social": {"provider": "microsoft", "subject": "00000000-0000-0000-66f3-3332eca7ea81",
                   "tenant": "9188040d-6c67-4c5b-b112-36a304b66dad"},
    }),
    ("social", "social/facebook.json", 0, {
        "source_record_id": "facebook:10158234567890123", "email_verified": None,
    }),
    ("social", "social/linkedin.json", 0, {"email_verified": True, "language": "de"}),
    # Generic
    ("import", "generic/record.json", 0, {
        "source": "pms", "preferences": {"bed": "king", "floor": "high", "smoking": False},
    }),
]  # fmt: skip


def _subset(actual: Any, expected: Any, path: str = "") -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            _subset(actual.get(key), value, f"{path}.{key}")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


@pytest.mark.parametrize(("name", "path", "index", "expected"), CASES)
def test_mapping(name: str, path: str, index: int, expected: dict[str, Any]) -> None:
    records = CONNECTORS[name]().parse(fixture(path))
    _subset(records[index].model_dump(), expected)


@pytest.mark.parametrize(
    ("name", "path", "count"),
    [
        ("mews", "mews/webhook_general.json", 0),
        ("apaleo", "apaleo/webhook_created.json", 0),
        ("apaleo", "apaleo/reservation_checkin.json", 1),  # booker == guest: one person
        ("cloudbeds", "cloudbeds/webhook_reservation_created.json", 0),
        ("opera", "opera/event_checkin.json", 0),
        ("booking", "opentravel/booking_cancel.xml", 1),
    ],
)
def test_record_counts(name: str, path: str, count: int) -> None:
    assert len(CONNECTORS[name]().parse(fixture(path))) == count


def test_every_registered_connector_has_a_source_matching_its_name() -> None:
    for name, factory in CONNECTORS.items():
        assert factory().source == name
