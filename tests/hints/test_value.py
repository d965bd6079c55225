"""Guest value, RFM segments and the value pyramid, as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.hints.settings import HintSettings, PyramidShares
from app.hints.value import (
    StayFact,
    frequency_of,
    guest_value,
    previous_stays,
    pyramid,
    recency_of,
    tier_of,
)

ARRIVAL = date(2026, 12, 1)
SETTINGS = HintSettings()


def fact(rid: str, arrival: date, nights: int = 2, **kw: object) -> StayFact:
    fields: dict[str, object] = {"property_id": "H001", "rate_amount": 100.0 * nights}
    fields.update(kw)
    return StayFact(
        source=str(fields.pop("source", "pms")),
        reservation_id=rid,
        arrival=arrival,
        departure=arrival + timedelta(days=nights),
        **fields,  # type: ignore[arg-type]
    )


ARRIVING = fact("NOW", ARRIVAL)


def test_only_stays_that_happened_before_the_arrival_are_previous() -> None:
    stays = [
        ARRIVING,
        fact("OLD", date(2025, 6, 1)),
        fact("CXL", date(2025, 7, 1), status="cancelled"),
        fact("NOSHOW", date(2025, 8, 1), status="no_show"),
        fact("QUOTE", date(2025, 9, 1), status="enquiry"),
        fact("OVERLAP", ARRIVAL - timedelta(days=1), nights=3),
        fact("FUTURE", date(2027, 3, 1)),
        fact("BACK2BACK", ARRIVAL - timedelta(days=2), nights=2),
    ]
    assert [s.reservation_id for s in previous_stays(stays, ARRIVING)] == ["BACK2BACK", "OLD"]


def test_a_stay_reported_by_pms_and_ota_counts_once() -> None:
    pms = fact("R-1", date(2025, 6, 1), rate_amount=300.0)
    ota = fact("BK-1", date(2025, 6, 1), source="booking", property_id=None, rate_amount=None)
    other_hotel = fact("R-9", date(2025, 6, 1), property_id="H002")
    kept = previous_stays([pms, ota, other_hotel], ARRIVING)
    assert {s.reservation_id for s in kept} == {"R-1", "R-9"}


def test_value_adds_nights_and_converted_revenue_and_counts_unpriced() -> None:
    settings = HintSettings(currency="EUR", fx_rates={"USD": 0.5})
    stays = [
        fact("A", date(2026, 10, 1), nights=3, rate_amount=300.0, currency="EUR"),
        fact("B", date(2026, 6, 1), nights=2, rate_amount=200.0, currency="USD"),
        fact("C", date(2026, 3, 1), nights=1, rate_amount=50.0, currency="GBP"),
        fact("D", date(2026, 1, 1), nights=1, rate_amount=None),
    ]
    value = guest_value(previous_stays(stays, ARRIVING), ARRIVAL, settings)
    assert (value.stays, value.nights) == (4, 7)
    assert value.revenue == 400.0  # 300 EUR + 200 USD at 0.5; GBP has no rate
    assert value.unpriced_stays == 2
    assert value.last_departure == date(2026, 10, 4)
    assert value.days_since_last_stay == (ARRIVAL - date(2026, 10, 4)).days


@pytest.mark.parametrize(
    ("days", "expected"),
    [(None, None), (0, "active"), (180, "active"), (181, "silent"), (365, "silent"),
     (366, "sleeping"), (730, "sleeping"), (731, "lost")],
)  # fmt: skip
def test_recency(days: int | None, expected: str | None) -> None:
    assert recency_of(days, SETTINGS) == expected


@pytest.mark.parametrize(
    ("previous", "expected"),
    [(0, "new"), (1, "second"), (2, "returning"), (4, "returning"), (5, "fan"), (40, "fan")],
)
def test_frequency(previous: int, expected: str) -> None:
    assert frequency_of(previous, SETTINGS) == expected


def test_thresholds_are_per_tenant() -> None:
    strict = HintSettings.model_validate(
        {"recency_days": {"active": 30, "silent": 60, "sleeping": 90},
         "frequency": {"second": 1, "returning": 3, "fan": 10}}
    )  # fmt: skip
    assert recency_of(45, strict) == "silent"
    assert frequency_of(5, strict) == "returning"


def test_pyramid_cuts_where_the_best_guests_reach_each_revenue_share() -> None:
    # 100 guests: 20 bring 8,000 (400 each), 80 bring 2,000 (25 each) — the 80/20 shape.
    revenues = [400.0] * 20 + [25.0] * 80
    stats = pyramid(revenues, PyramidShares())
    assert stats.guests == 100 and stats.total_revenue == 10_000.0
    assert stats.vip_min == 400.0  # the top 13 reach 50 %
    assert stats.major_min == 400.0  # all 20 reach 80 %
    assert stats.regular_min == 25.0
    assert stats.guest_share == {"vip": 0.2, "major": 0.0, "regular": 0.8, "occasional": 0.0}
    assert tier_of(400.0, stats) == "vip"
    assert tier_of(30.0, stats) == "regular"
    assert tier_of(10.0, stats) == "occasional"
    assert tier_of(0.0, stats) == "occasional"


def test_pyramid_tiers_a_long_tail() -> None:
    revenues = [float(1000 - 10 * i) for i in range(100)]  # 1000, 990, … 10
    stats = pyramid(revenues, PyramidShares())
    tiers = [tier_of(r, stats) for r in revenues]
    assert tiers[0] == "vip" and tiers[-1] == "occasional"
    assert tiers == sorted(tiers, key=["vip", "major", "regular", "occasional"].index)
    assert 0 < stats.guest_share["vip"] < stats.guest_share["vip"] + stats.guest_share["major"]


def test_no_revenue_data_means_no_tier() -> None:
    assert tier_of(500.0, pyramid([], PyramidShares())) is None
    assert tier_of(500.0, pyramid([0.0, 0.0], PyramidShares())) is None
    assert tier_of(500.0, None) is None


def test_settings_refuse_thresholds_out_of_order() -> None:
    with pytest.raises(ValueError, match="active < silent"):
        HintSettings.model_validate({"recency_days": {"active": 400, "silent": 365}})
    with pytest.raises(ValueError, match="vip < major"):
        HintSettings.model_validate({"pyramid": {"vip": 0.9, "major": 0.8}})
