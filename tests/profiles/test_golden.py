"""Survivorship rules of the golden profile, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.profiles.codec import to_json
from app.profiles.golden import RecordView, golden_view
from app.resolution import normalise
from connectors.base import GuestRecord

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def view(source: str, days: int, **fields: Any) -> RecordView:
    record = GuestRecord(source=source, source_record_id=f"{source}-{days}", **fields)
    return RecordView(
        source,
        record.model_dump(mode="json", exclude_none=True),
        to_json(normalise(record)),
        T0 + timedelta(days=days),
    )


@pytest.mark.parametrize(
    ("records", "field", "expected"),
    [
        # A verified email beats a newer unverified one.
        (
            [
                view("mews", 1, email="anna@example.com", email_verified=True),
                view("widget", 9, email="anna.work@corp.example"),
            ],
            "email",
            "anna@example.com",
        ),
        # An OTA relay alias never becomes the profile's email.
        (
            [
                view("booking", 9, email="x1@guest.booking.com"),
                view("mews", 1, email="anna@example.com"),
            ],
            "email",
            "anna@example.com",
        ),
        # A front desk's stand-in for "no address" never becomes the profile's email either,
        # however often it was typed.
        (
            [
                view("opera", 9, email="noemail@grandhotel.com"),
                view("opera", 8, email="noemail@grandhotel.com"),
                view("mews", 1, email="anna@example.com"),
            ],
            "email",
            "anna@example.com",
        ),
        # Spellings of one name are one group; the PMS spelling is shown over the OTA's.
        (
            [
                view("mews", 1, last_name="Müller"),
                view("booking", 5, last_name="Mueller"),
                view("expedia", 6, last_name="Muller"),
            ],
            "last_name",
            "Müller",
        ),
        # Frequent beats rare, whatever the order.
        (
            [
                view("mews", 1, first_name="Katherine"),
                view("opera", 2, first_name="Katherine"),
                view("mews", 3, first_name="Kate"),
            ],
            "first_name",
            "Katherine",
        ),
        # Recent beats old when the evidence is otherwise equal (a move).
        (
            [
                view("mews", 1, address={"city": "Berlin"}),
                view("mews", 30, address={"city": "Wien"}),
            ],
            "address",
            {"city": "Wien"},
        ),
        # Phones are shown in E.164.
        (
            [view("mews", 1, phone="030 1234567", address={"country": "DE"})],
            "phone",
            "+49301234567",
        ),
    ],
)
def test_survivorship(records: list[RecordView], field: str, expected: Any) -> None:
    assert golden_view(records)[field] == expected


def test_flags_are_sticky_across_records() -> None:
    golden = golden_view([view("mews", 1, vip=True), view("booking", 2, do_not_rent=True)])
    assert golden["vip"] is True
    assert golden["do_not_rent"] is True
