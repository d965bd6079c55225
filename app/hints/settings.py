"""A tenant's hint settings and the shape of upgrade rules (plain pydantic, no storage)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Tier = Literal["vip", "major", "regular", "occasional"]
Recency = Literal["active", "silent", "sleeping", "lost"]
Frequency = Literal["new", "second", "returning", "fan"]
OccasionKind = Literal["birthday", "anniversary"]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

MAX_LEAD_DAYS = 30
DEFAULT_OTA_CHANNELS = (
    "booking",
    "expedia",
    "hotels.com",
    "agoda",
    "airbnb",
    "trip.com",
    "hrs",
    "ota",
)


class _Strict(BaseModel):
    # strict: `false` or `"5"` is not a number of days, nor `1` a yes.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class RecencyDays(_Strict):
    """Days since the last stay up to which a guest is active, silent, sleeping (then lost)."""

    active: int = Field(default=180, ge=1)
    silent: int = Field(default=365, ge=1)
    sleeping: int = Field(default=730, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> RecencyDays:
        if not self.active < self.silent < self.sleeping:
            raise ValueError("active < silent < sleeping is required")
        return self


class FrequencyStays(_Strict):
    """Previous stays from which a guest is on a second stay, returning, a fan."""

    second: int = Field(default=1, ge=1)
    returning: int = Field(default=2, ge=2)
    fan: int = Field(default=5, ge=3)

    @model_validator(mode="after")
    def _ordered(self) -> FrequencyStays:
        if not self.second < self.returning < self.fan:
            raise ValueError("second < returning < fan is required")
        return self


class PyramidShares(_Strict):
    """Cumulative revenue shares of the value tiers: the best guests bringing the first 50 %
    of revenue are VIP, up to 80 % major, up to 95 % regular, the rest occasional."""

    vip: float = Field(default=0.5, gt=0, lt=1)
    major: float = Field(default=0.8, gt=0, lt=1)
    regular: float = Field(default=0.95, gt=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> PyramidShares:
        if not self.vip < self.major < self.regular:
            raise ValueError("vip < major < regular is required")
        return self


class HintSettings(_Strict):
    """What a tenant tunes: trigger lead time, value segments, currency, OTA channels."""

    lead_days: int = Field(
        default=1, ge=0, le=MAX_LEAD_DAYS, description="0: arrivals today; 1: today or tomorrow."
    )
    recency_days: RecencyDays = RecencyDays()
    frequency: FrequencyStays = FrequencyStays()
    pyramid: PyramidShares = PyramidShares()
    currency: Currency | None = Field(
        default=None, description="Revenue currency; None: amounts are summed as they come."
    )
    fx_rates: dict[Currency, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="Value of one unit of a currency in `currency`."
    )
    ota_channels: list[Label] = Field(
        default_factory=lambda: list(DEFAULT_OTA_CHANNELS), max_length=50
    )
    complaint_lookback_days: int = Field(default=730, ge=1, le=3650)
    value_stats_max_age_hours: int = Field(default=24, ge=1, le=24 * 31)


class RuleConditions(_Strict):
    """Every condition given must hold; a missing one does not restrict."""

    tiers: list[Tier] | None = None
    recency: list[Recency] | None = None
    frequency: list[Frequency] | None = None
    loyalty_tiers: list[Label] | None = None
    min_previous_stays: int | None = Field(default=None, ge=0)
    min_nights: int | None = Field(default=None, ge=1)
    max_nights: int | None = Field(default=None, ge=1)
    room_types: list[Label] | None = None
    occasions: list[OccasionKind] | None = Field(
        default=None, description="Fires only when one of these falls within the stay."
    )
    channels: list[Label] | None = Field(
        default=None, description="Booked channel contains one of these (case-insensitive)."
    )


class RuleOffer(_Strict):
    """Up the room-type ladder by `steps`, or to one fixed room type."""

    ladder: list[Label] | None = Field(
        default=None, min_length=2, max_length=30, description="Room types, lowest first."
    )
    steps: int = Field(default=1, ge=1, le=10)
    room_type: Label | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RuleOffer:
        if (self.ladder is None) == (self.room_type is None):
            raise ValueError("give either a ladder or a room_type")
        return self


class UpgradeRuleSpec(_Strict):
    """An upgrade rule as an admin writes it."""

    name: Label
    property_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description="The property it applies to; null: every property."
    )
    priority: int = Field(default=100, ge=0, le=10_000, description="Lower is tried first.")
    enabled: bool = True
    conditions: RuleConditions = RuleConditions()
    offer: RuleOffer
