"""Guest records for the hint tests: dates relative to today, so arrivals are always arriving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any


def today() -> date:
    """The date the service calls today (UTC, properties without a time zone)."""
    return datetime.now(UTC).date()


def day(offset: int) -> str:
    """Today plus `offset` days, ISO formatted."""
    return (today() + timedelta(days=offset)).isoformat()


def stay(reservation: str, arrival: int, nights: int, **fields: Any) -> dict[str, Any]:
    """A stay arriving `arrival` days from today."""
    return {
        "reservation_id": reservation,
        "arrival": day(arrival),
        "departure": day(arrival + nights),
        **fields,
    }


def pms(record_id: str, arrival: int, nights: int = 2, **fields: Any) -> dict[str, Any]:
    """A PMS reservation of Anna Müller (real email, mobile phone) at H001."""
    stay_fields = fields.pop("stay_fields", {})
    record: dict[str, Any] = {
        "source": "pms",
        "source_record_id": record_id,
        "property_id": "H001",
        "first_name": "Anna",
        "last_name": "Müller",
        "email": "anna.mueller@example.com",
        "email_verified": True,
        "phone": "+49 151 23456789",
        "stay": stay(
            record_id,
            arrival,
            nights,
            **{
                "property_id": fields.pop("property", "H001"),
                "room_type": "DLX",
                "rate_amount": 200.0 * nights,
                "currency": "EUR",
                "channel": "direct",
                "status": "checked_out" if arrival < 0 else "confirmed",
                **stay_fields,
            },
        ),
    }
    record.update(fields)
    return record


def booking(record_id: str, arrival: int, nights: int = 2, **fields: Any) -> dict[str, Any]:
    """A Booking.com reservation: relay alias email, name and phone only."""
    stay_fields = fields.pop("stay_fields", {})
    record: dict[str, Any] = {
        "source": "booking",
        "source_record_id": record_id,
        "property_id": "H001",
        "first_name": "Anna",
        "last_name": "Müller",
        "email": f"{record_id.lower()}@guest.booking.com",
        "email_masked": True,
        "phone": "+49 151 23456789",
        "stay": stay(
            record_id,
            arrival,
            nights,
            **{
                "property_id": "H001",
                "room_type": "DLX",
                "rate_amount": 180.0 * nights,
                "currency": "EUR",
                "channel": "booking.com",
                "status": "confirmed",
                **stay_fields,
            },
        ),
    }
    record.update(fields)
    return record
