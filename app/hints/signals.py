"""Occasions within a stay and alerts for the front desk (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from app.hints.settings import HintSettings, OccasionKind, Recency, Tier
from app.hints.value import StayFact

Severity = Literal["critical", "warning", "info"]
MAX_COMPLAINTS_SHOWN = 3


@dataclass(frozen=True)
class Occasion:
    """A birthday or anniversary that falls within the stay."""

    kind: OccasionKind
    date: date
    years: int


def _in_year(day: date, year: int) -> date:
    # 29 February is celebrated on the 28th in other years.
    if day.month == 2 and day.day == 29:
        try:
            return day.replace(year=year)
        except ValueError:
            return date(year, 2, 28)
    return day.replace(year=year)


def occasions_within(
    arrival: date, departure: date, birthday: date | None, anniversary: date | None
) -> list[Occasion]:
    """Each occasion whose date falls between arrival and departure day (both included)."""
    found: list[Occasion] = []
    dates: tuple[tuple[OccasionKind, date | None], ...] = (
        ("birthday", birthday),
        ("anniversary", anniversary),
    )
    for kind, origin in dates:
        if origin is None:
            continue
        for year in range(arrival.year, departure.year + 1):
            day = _in_year(origin, year)
            if arrival <= day <= departure and year > origin.year:
                found.append(Occasion(kind, day, year - origin.year))
    return sorted(found, key=lambda o: o.date)


def is_ota(channel: str | None, source: str, settings: HintSettings) -> bool:
    """True when the booking came through an OTA named in the tenant's settings."""
    texts = [t.lower() for t in (channel, source) if t]
    for token in settings.ota_channels:
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(token.lower())}(?![a-z0-9])")
        if any(pattern.search(t) for t in texts):
            return True
    return False


@dataclass(frozen=True)
class Alert:
    """Something the front desk must know or act on."""

    code: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class AlertFacts:
    """What alerts are decided from."""

    arriving: StayFact
    previous: Sequence[StayFact]
    do_not_rent: bool
    vip_flag: bool
    tier: Tier | None
    recency: Recency | None
    days_since_last_stay: int | None
    identity_action: str | None
    possible_matches: int


def alerts(facts: AlertFacts, settings: HintSettings) -> list[Alert]:
    """Alerts, the most serious first."""
    found: list[Alert] = []
    if facts.do_not_rent:
        found.append(
            Alert(
                "do_not_rent",
                "critical",
                "Do-not-rent flag on this guest: speak to the duty manager before check-in.",
            )
        )
    if facts.identity_action == "review" and facts.possible_matches:
        found.append(
            Alert(
                "identity_review",
                "warning",
                "Possibly a known guest: a suggested match awaits review; confirm identity.",
            )
        )
    found.extend(_complaints(facts.previous, facts.arriving.arrival, settings))
    if facts.vip_flag:
        found.append(Alert("vip", "info", "VIP flagged by the property system."))
    elif facts.tier == "vip":
        found.append(Alert("vip", "info", "VIP by value: among the guests bringing most revenue."))
    repeat = bool(facts.previous)
    if is_ota(facts.arriving.channel, facts.arriving.source, settings) and (
        repeat or facts.tier in ("vip", "major")
    ):
        channel = facts.arriving.channel or facts.arriving.source
        found.append(
            Alert(
                "book_direct",
                "info",
                f"Returning guest booked through {channel}: invite them to book direct.",
            )
        )
    if facts.recency in ("sleeping", "lost") and facts.days_since_last_stay is not None:
        months = facts.days_since_last_stay // 30
        found.append(
            Alert("win_back", "info", f"Welcome back: first stay in about {months} months.")
        )
    order = {"critical": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda a: order[a.severity])


def _complaints(previous: Iterable[StayFact], as_of: date, settings: HintSettings) -> list[Alert]:
    recent = [
        s
        for s in previous
        if s.complaint and (as_of - s.departure).days <= settings.complaint_lookback_days
    ]
    out = []
    for stay in sorted(recent, key=lambda s: s.departure, reverse=True)[:MAX_COMPLAINTS_SHOWN]:
        where = f" at {stay.property_id}" if stay.property_id else ""
        text = (stay.complaint or "")[:120]
        out.append(
            Alert(
                "past_complaint",
                "warning",
                f"Complaint on the stay of {stay.arrival.isoformat()}{where}: “{text}”. "
                "Make it right this time.",
            )
        )
    return out
