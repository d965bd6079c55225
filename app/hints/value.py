"""Guest value (pure): stays, nights, revenue, recency, RFM segment and the value pyramid."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.hints.settings import Frequency, HintSettings, PyramidShares, Recency, Tier

# A stay that did not happen earns nothing and says nothing about loyalty.
NOT_STAYED = frozenset({"cancelled", "no_show", "enquiry"})


@dataclass(frozen=True)
class StayFact:
    """One reservation of a guest; rate_amount is the total of the stay."""

    source: str
    reservation_id: str
    property_id: str | None
    arrival: date
    departure: date
    room_type: str | None = None
    rate_amount: float | None = None
    currency: str | None = None
    channel: str | None = None
    status: str | None = None
    complaint: str | None = None

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days

    @property
    def stayed(self) -> bool:
        return self.status not in NOT_STAYED

    @property
    def ident(self) -> tuple[str, str]:
        return (self.source, self.reservation_id)


def previous_stays(stays: Iterable[StayFact], arriving: StayFact) -> list[StayFact]:
    """Stays that took place before this arrival, newest first, one per real stay.

    A stay reported by both the PMS and the OTA (same dates, same or unknown property) counts
    once; the arriving reservation and anything overlapping it are not "previous".
    """
    earlier = [
        s
        for s in stays
        if s.stayed and s.ident != arriving.ident and s.departure <= arriving.arrival
    ]
    earlier.sort(key=lambda s: (s.arrival, s.rate_amount is not None, s.ident), reverse=True)
    kept: list[StayFact] = []
    for stay in earlier:
        if not any(_same_stay(stay, k) for k in kept):
            kept.append(stay)
    return kept


def _same_stay(a: StayFact, b: StayFact) -> bool:
    same_dates = a.arrival == b.arrival and a.departure == b.departure
    return same_dates and (a.property_id == b.property_id or None in (a.property_id, b.property_id))


def in_base_currency(
    amount: float | None, currency: str | None, base: str | None, fx: Mapping[str, float]
) -> float | None:
    """An amount in the tenant's currency; None when it is missing or cannot be converted."""
    if amount is None:
        return None
    if base is None or currency is None or currency == base:
        return amount
    rate = fx.get(currency)
    return amount * rate if rate is not None else None


@dataclass(frozen=True)
class GuestValue:
    """What a guest's past stays add up to, as of an arrival date."""

    stays: int
    nights: int
    revenue: float
    currency: str | None
    unpriced_stays: int
    last_departure: date | None
    days_since_last_stay: int | None


def guest_value(previous: Sequence[StayFact], as_of: date, settings: HintSettings) -> GuestValue:
    """Stays, nights, revenue and recency of the given previous stays."""
    revenue, unpriced = 0.0, 0
    for stay in previous:
        amount = in_base_currency(
            stay.rate_amount, stay.currency, settings.currency, settings.fx_rates
        )
        if amount is None:
            unpriced += 1
        else:
            revenue += amount
    last = max((s.departure for s in previous), default=None)
    seen = Counter(s.currency for s in previous if s.currency)
    currency = settings.currency or (seen.most_common(1)[0][0] if seen else None)
    return GuestValue(
        stays=len(previous),
        nights=sum(s.nights for s in previous),
        revenue=round(revenue, 2),
        currency=currency,
        unpriced_stays=unpriced,
        last_departure=last,
        days_since_last_stay=(as_of - last).days if last is not None else None,
    )


def recency_of(days: int | None, settings: HintSettings) -> Recency | None:
    """active / silent / sleeping / lost by days since the last stay; None for a first stay."""
    if days is None:
        return None
    limits = settings.recency_days
    if days <= limits.active:
        return "active"
    if days <= limits.silent:
        return "silent"
    return "sleeping" if days <= limits.sleeping else "lost"


def frequency_of(previous: int, settings: HintSettings) -> Frequency:
    """new / second / returning / fan by the number of previous stays."""
    limits = settings.frequency
    if previous >= limits.fan:
        return "fan"
    if previous >= limits.returning:
        return "returning"
    return "second" if previous >= limits.second else "new"


def segment_label(recency: Recency | None, frequency: Frequency) -> str:
    """A label a person reads: "first stay", "active fan", "lost returning"."""
    return "first stay" if recency is None else f"{recency} {frequency}"


@dataclass(frozen=True)
class ValueStats:
    """The tenant's revenue distribution: minimum revenue of each tier, and its make-up."""

    guests: int
    total_revenue: float
    vip_min: float | None
    major_min: float | None
    regular_min: float | None
    guest_share: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        return {
            "guests": self.guests,
            "total_revenue": self.total_revenue,
            "vip_min": self.vip_min,
            "major_min": self.major_min,
            "regular_min": self.regular_min,
            "guest_share": self.guest_share,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ValueStats:
        return cls(
            guests=int(data["guests"]),
            total_revenue=float(data["total_revenue"]),
            vip_min=data.get("vip_min"),
            major_min=data.get("major_min"),
            regular_min=data.get("regular_min"),
            guest_share=dict(data.get("guest_share") or {}),
        )


def pyramid(revenues: Iterable[float], shares: PyramidShares) -> ValueStats:
    """Tier cut-offs where the best guests' cumulative revenue reaches each share."""
    ranked = sorted(revenues, reverse=True)
    total = sum(ranked)
    if total <= 0:
        return ValueStats(len(ranked), 0.0, None, None, None, {})
    cutoffs: dict[str, float] = {}
    wanted = [("vip", shares.vip), ("major", shares.major), ("regular", shares.regular)]
    running = 0.0
    for revenue in ranked:
        running += revenue
        while wanted and running >= wanted[0][1] * total - 1e-9:
            cutoffs[wanted.pop(0)[0]] = revenue
        if not wanted:
            break
    stats = ValueStats(
        len(ranked),
        round(total, 2),
        cutoffs.get("vip"),
        cutoffs.get("major"),
        cutoffs.get("regular"),
        {},
    )
    counts = Counter(tier_of(r, stats) for r in ranked)
    share = {
        t: round(counts[t] / len(ranked), 4) for t in ("vip", "major", "regular", "occasional")
    }
    return ValueStats(
        stats.guests, stats.total_revenue, stats.vip_min, stats.major_min, stats.regular_min, share
    )


def tier_of(revenue: float, stats: ValueStats | None) -> Tier | None:
    """The value tier of a guest's revenue; None while the tenant has no revenue data."""
    if stats is None or stats.vip_min is None:
        return None
    if revenue <= 0:
        return "occasional"
    if revenue >= stats.vip_min:
        return "vip"
    if stats.major_min is not None and revenue >= stats.major_min:
        return "major"
    if stats.regular_min is not None and revenue >= stats.regular_min:
        return "regular"
    return "occasional"
