"""API shapes of hints, upgrade rules and value statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.hints.settings import (
    Frequency,
    HintSettings,
    OccasionKind,
    Recency,
    Tier,
    UpgradeRuleSpec,
)

Trigger = Literal["arrival", "check_in", "request"]


class StayRef(BaseModel):
    source: str
    reservation_id: str
    property_id: str | None
    arrival: date
    departure: date
    nights: int
    room_type: str | None
    channel: str | None


class LastStay(BaseModel):
    arrival: date
    departure: date
    property_id: str | None
    room_type: str | None


class PreferenceValueOut(BaseModel):
    value: str | bool | int | float
    count: int
    last_seen: datetime
    sources: list[str]
    kind: Literal["explicit", "request"]


class PreferenceHint(BaseModel):
    """The value to act on, how often and where it was seen, and any disagreeing values."""

    name: str
    value: str | bool | int | float
    count: int
    last_seen: datetime
    sources: list[str]
    kind: Literal["explicit", "request"]
    conflict: bool
    alternatives: list[PreferenceValueOut]


class ValueOut(BaseModel):
    stays: int
    nights: int
    revenue: float
    currency: str | None
    unpriced_stays: int
    last_departure: date | None
    days_since_last_stay: int | None


class SegmentOut(BaseModel):
    recency: Recency | None
    frequency: Frequency
    label: str


class UpgradeOfferOut(BaseModel):
    rule_id: str
    rule_name: str
    from_room_type: str | None
    to_room_type: str
    note: str | None


class OccasionOut(BaseModel):
    kind: OccasionKind
    date: date
    years: int


class AlertOut(BaseModel):
    code: str
    severity: Literal["critical", "warning", "info"]
    message: str


class ConfidenceOut(BaseModel):
    """How sure guestid is that the history shown belongs to this arriving guest."""

    level: Literal["high", "medium", "low", "new"]
    probability: float | None
    basis: str
    reason: str
    decided_by: str | None


class HintOut(BaseModel):
    """What the front desk learns about an arriving reservation."""

    source: str
    reservation_id: str
    property_id: str | None
    arrival: date
    departure: date
    nights: int
    room_type: str | None
    channel: str | None
    status: str | None
    special_requests: str | None
    profile_id: str
    guest_name: str | None
    repeat_guest: bool
    previous_stays: int
    previous_stays_here: int
    last_stay: LastStay | None
    recent_stays: list[StayRef]
    value: ValueOut
    tier: Tier | None
    loyalty_tier: str | None
    segment: SegmentOut
    preferences: list[PreferenceHint]
    occasions: list[OccasionOut]
    alerts: list[AlertOut]
    upgrade_offer: UpgradeOfferOut | None
    upgrade_reason: str | None
    confidence: ConfidenceOut
    summary: str
    trigger: Trigger
    version: int = Field(description="Grows by one each time the hint's content changes.")
    computed_at: datetime


class UpgradeRuleOut(UpgradeRuleSpec):
    model_config = ConfigDict(extra="ignore")

    id: str
    created_at: datetime
    updated_at: datetime


class UpgradeRuleList(BaseModel):
    items: list[UpgradeRuleOut]


class HintSettingsOut(HintSettings):
    model_config = ConfigDict(extra="ignore")

    version: int


class ValueStatsOut(BaseModel):
    """The tenant's revenue distribution the value tiers are cut from."""

    guests: int
    total_revenue: float
    currency: str | None
    vip_min: float | None
    major_min: float | None
    regular_min: float | None
    guest_share: dict[str, float]
    computed_at: datetime | None
