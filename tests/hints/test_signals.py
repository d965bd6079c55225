"""Occasions and alerts, as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.hints.settings import HintSettings
from app.hints.signals import AlertFacts, alerts, is_ota, occasions_within
from app.hints.value import StayFact

SETTINGS = HintSettings()


@pytest.mark.parametrize(
    ("arrival", "departure", "birthday", "anniversary", "expected"),
    [
        ("2026-12-01", "2026-12-04", "1985-12-03", None, [("birthday", "2026-12-03", 41)]),
        ("2026-12-01", "2026-12-04", "1985-12-04", None, [("birthday", "2026-12-04", 41)]),
        ("2026-12-01", "2026-12-04", "1985-12-05", None, []),
        ("2026-12-30", "2027-01-02", "1990-01-01", None, [("birthday", "2027-01-01", 37)]),
        ("2027-02-27", "2027-03-01", "1988-02-29", None, [("birthday", "2027-02-28", 39)]),
        ("2028-02-28", "2028-03-01", "1988-02-29", None, [("birthday", "2028-02-29", 40)]),
        ("2026-06-10", "2026-06-12", None, "2016-06-11", [("anniversary", "2026-06-11", 10)]),
        ("2026-06-10", "2026-06-12", None, "2026-06-11", []),
    ],
)
def test_occasions_falling_within_the_stay(
    arrival: str,
    departure: str,
    birthday: str | None,
    anniversary: str | None,
    expected: list[tuple[str, str, int]],
) -> None:
    found = occasions_within(
        date.fromisoformat(arrival),
        date.fromisoformat(departure),
        date.fromisoformat(birthday) if birthday else None,
        date.fromisoformat(anniversary) if anniversary else None,
    )
    assert [(o.kind, o.date.isoformat(), o.years) for o in found] == expected


@pytest.mark.parametrize(
    ("channel", "source", "expected"),
    [
        ("Booking.com", "pms", True),
        ("Expedia Affiliate", "mews", True),
        (None, "booking", True),
        ("direct", "pms", False),
        ("website", "widget", False),
        ("Kotakbooker", "pms", False),
    ],
)
def test_ota_channels(channel: str | None, source: str, expected: bool) -> None:
    assert is_ota(channel, source, SETTINGS) is expected


ARRIVAL = date(2026, 12, 1)


def stay(rid: str, days_before: int, **kw: object) -> StayFact:
    arrival = ARRIVAL - timedelta(days=days_before)
    return StayFact("pms", rid, "H001", arrival, arrival + timedelta(days=2), **kw)  # type: ignore[arg-type]


def facts(**kw: object) -> AlertFacts:
    base: dict[str, object] = {
        "arriving": StayFact("pms", "NOW", "H001", ARRIVAL, ARRIVAL + timedelta(days=2)),
        "previous": [],
        "do_not_rent": False,
        "vip_flag": False,
        "tier": None,
        "recency": None,
        "days_since_last_stay": None,
        "identity_action": "new",
        "possible_matches": 0,
    }
    base.update(kw)
    return AlertFacts(**base)  # type: ignore[arg-type]


def codes(f: AlertFacts) -> list[str]:
    return [a.code for a in alerts(f, SETTINGS)]


def test_do_not_rent_comes_first() -> None:
    found = alerts(facts(do_not_rent=True, vip_flag=True), SETTINGS)
    assert [(a.code, a.severity) for a in found] == [("do_not_rent", "critical"), ("vip", "info")]


def test_recent_complaint_to_recover_from_but_not_an_ancient_one() -> None:
    previous = [
        stay("R-1", 100, complaint="AC broken, room too hot"),
        stay("R-0", 1000, complaint="noisy"),
    ]
    found = alerts(facts(previous=previous), SETTINGS)
    assert [a.code for a in found] == ["past_complaint"]
    assert "AC broken" in found[0].message and "H001" in found[0].message


def test_ota_guest_worth_inviting_to_book_direct() -> None:
    ota = StayFact(
        "booking", "BK", "H001", ARRIVAL, ARRIVAL + timedelta(days=1), channel="booking.com"
    )
    assert "book_direct" in codes(facts(arriving=ota, previous=[stay("R-1", 50)]))
    assert "book_direct" in codes(facts(arriving=ota, tier="major"))
    assert "book_direct" not in codes(facts(arriving=ota))  # a first-time, unknown guest
    assert "book_direct" not in codes(facts(previous=[stay("R-1", 50)]))  # booked direct


def test_vip_by_flag_or_by_value_win_back_and_identity_review() -> None:
    assert codes(facts(tier="vip")) == ["vip"]
    assert codes(facts(recency="lost", days_since_last_stay=900)) == ["win_back"]
    assert codes(facts(identity_action="review", possible_matches=1)) == ["identity_review"]
    assert codes(facts(tier="major", recency="active", days_since_last_stay=20)) == []
