"""Which ingested reservations call for a hint, decided without the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.hints.triggers import Arrival, candidates, local_today, trigger_of
from app.profiles.linking import RecordResult
from connectors.base import GuestRecord

TODAY = date(2026, 12, 1)


def record(rid: str, arrival: int, nights: int = 2, **stay: Any) -> GuestRecord:
    start = TODAY + timedelta(days=arrival)
    return GuestRecord.model_validate(
        {
            "source": "pms",
            "source_record_id": rid,
            "property_id": "H001",
            "stay": {
                "reservation_id": rid,
                "arrival": start.isoformat(),
                "departure": (start + timedelta(days=nights)).isoformat(),
                **stay,
            },
        }
    )


def result(rid: str, outcome: str = "created") -> RecordResult:
    return RecordResult("pms", rid, outcome, f"rec-{rid}", "p1")  # type: ignore[arg-type]


def test_only_reservations_near_today_that_changed_are_candidates() -> None:
    records = [
        record("SOON", 1),
        record("HISTORY", -400),
        record("FAR", 90),
        record("SAME-AGAIN", 0),
        record("CANCELLED", 0, status="cancelled"),
        record("QUOTE", 0, status="enquiry"),
        record("IN-HOUSE", -2, 5, status="checked_in"),
        record("OLD-CHECKIN", -300, 2, status="checked_in"),
        GuestRecord.model_validate({"source": "pms", "source_record_id": "NO-STAY"}),
    ]
    outcomes = {"SAME-AGAIN": "unchanged"}
    results = [
        result(r.source_record_id, outcomes.get(r.source_record_id, "linked")) for r in records
    ]
    found = candidates(records, results, TODAY)
    assert [a.reservation_id for a in found] == ["SOON", "IN-HOUSE"]


def arrival(days: int, checked_in: bool = False, nights: int = 2) -> Arrival:
    start = TODAY + timedelta(days=days)
    return Arrival("pms", "R", "H001", start, start + timedelta(days=nights), checked_in)


@pytest.mark.parametrize(
    ("item", "lead", "expected"),
    [
        (arrival(0), 0, "arrival"),
        (arrival(1), 0, None),
        (arrival(1), 1, "arrival"),
        (arrival(3), 1, None),
        (arrival(3), 7, "arrival"),
        (arrival(-1), 1, None),
        (arrival(-1, checked_in=True), 1, "check_in"),
        (arrival(0, checked_in=True), 1, "check_in"),
        (arrival(-5, checked_in=True), 1, None),
    ],
)
def test_trigger_by_lead_time_and_check_in(item: Arrival, lead: int, expected: str | None) -> None:
    assert trigger_of(item, TODAY, lead) == expected


def test_today_is_the_propertys_date() -> None:
    late_evening_utc = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert local_today(late_evening_utc, None) == date(2026, 11, 30)
    assert local_today(late_evening_utc, "Pacific/Auckland") == date(2026, 12, 1)
    assert local_today(late_evening_utc, "America/Los_Angeles") == date(2026, 11, 30)
    assert local_today(late_evening_utc, "Not/AZone") == date(2026, 11, 30)
