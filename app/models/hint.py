"""Check-in hints, per-property upgrade rules and a tenant's hint settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field, timestamp_field


class Hint(SQLModel, table=True):
    """The latest hint of one reservation; `digest` spots an unchanged recomputation."""

    __tablename__ = "hints"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "source", "reservation_id"),
        sa.Index("ix_hints_tenant_arrival", "tenant_id", "arrival"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    source: str = Field(max_length=40)
    reservation_id: str = Field(max_length=100)
    profile_id: str = Field(max_length=36)
    property_code: str | None = Field(default=None, max_length=100)
    arrival: date
    version: int = 1
    digest: str = Field(max_length=64)
    # Identity and configuration the hint was computed from: a read whose fingerprint differs
    # recomputes, so a merge or unmerge never leaves a cached hint naming the wrong guest.
    fingerprint: str = Field(max_length=200)
    payload: dict[str, Any] = Field(sa_type=sa.JSON)
    # Set when the reservation was cancelled after the hint was issued; cleared if it returns.
    withdrawn_at: datetime | None = timestamp_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class UpgradeRule(SQLModel, table=True):
    """An upgrade offer and when it applies; property_code None: every property."""

    __tablename__ = "upgrade_rules"
    __table_args__ = (sa.Index("ix_upgrade_rules_tenant_property", "tenant_id", "property_code"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    property_code: str | None = Field(default=None, max_length=100)
    name: str = Field(max_length=100)
    priority: int = 100
    enabled: bool = True
    conditions: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    offer: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class HintSettingsRow(SQLModel, table=True):
    """A tenant's hint and guest-value settings, and its cached revenue distribution."""

    __tablename__ = "hint_settings"

    tenant_id: str = Field(
        foreign_key="tenants.id", primary_key=True, max_length=36, ondelete="CASCADE"
    )
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # Bumped by every change of settings or upgrade rules: part of each hint's fingerprint.
    version: int = 0
    value_stats: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    stats_computed_at: datetime | None = timestamp_field()
    stats_requested_at: datetime | None = timestamp_field()
    updated_at: datetime = created_field()
