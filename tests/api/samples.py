"""Generic guest records used across the API tests."""

from __future__ import annotations

from typing import Any


def anna(**overrides: Any) -> dict[str, Any]:
    """A direct PMS booking of Anna Müller."""
    record: dict[str, Any] = {
        "source": "pms",
        "source_record_id": "R-1001",
        "property_id": "H001",
        "first_name": "Anna",
        "last_name": "Müller",
        "email": "anna@example.com",
        "email_verified": True,
        "phone": "+49 30 1234567",
        "date_of_birth": "1985-03-14",
        "address": {"city": "Berlin", "postcode": "10115", "country": "DE"},
        "loyalty_number": "LY12345678",
        "preferences": {"bed": "king", "floor": "high"},
        "stay": {
            "reservation_id": "R-1001",
            "arrival": "2026-12-01",
            "departure": "2026-12-04",
            "room_type": "DLX-KING",
            "rate_amount": 540.0,
            "currency": "EUR",
            "channel": "direct",
            "status": "confirmed",
        },
    }
    record.update(overrides)
    return record


def ota_booking(reservation: str, alias: str, **overrides: Any) -> dict[str, Any]:
    """A Booking.com reservation whose email is a per-booking relay alias."""
    record: dict[str, Any] = {
        "source": "booking",
        "source_record_id": reservation,
        "first_name": "John",
        "last_name": "Smith",
        "email": alias,
        "stay": {
            "reservation_id": reservation,
            "arrival": "2026-12-10",
            "departure": "2026-12-12",
            "channel": "booking.com",
        },
    }
    record.update(overrides)
    return record
