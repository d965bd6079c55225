"""API shapes of profiles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class Identifier(BaseModel):
    kind: str
    value: str


class RecordRef(BaseModel):
    source: str
    source_record_id: str
    property_id: str | None
    received_at: datetime
    updated_at: datetime


class StayOut(BaseModel):
    source: str
    reservation_id: str
    property_id: str | None
    arrival: date
    departure: date
    nights: int
    room_type: str | None
    rate_amount: float | None
    currency: str | None
    channel: str | None
    status: str | None


class PreferenceOut(BaseModel):
    name: str
    value: Any
    count: int
    last_seen: datetime
    sources: list[str]


class ProfileOut(BaseModel):
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    date_of_birth: date | None
    golden: dict[str, Any]
    identifiers: list[Identifier]
    records: list[RecordRef]
    stays: list[StayOut]
    preferences: list[PreferenceOut]
    merged_ids: list[str]
    created_at: datetime
    updated_at: datetime


class ProfileSummary(BaseModel):
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    date_of_birth: date | None
    record_count: int


class ProfileList(BaseModel):
    items: list[ProfileSummary]


class RecordOut(BaseModel):
    source: str
    source_record_id: str
    profile_id: str
    data: dict[str, Any]
    received_at: datetime
    updated_at: datetime
