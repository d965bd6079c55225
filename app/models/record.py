"""Source records as received, the keys they are found by, and the stays they carry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field


class SourceRecord(SQLModel, table=True):
    """One source's record of one guest; card data is stripped, documents hashed."""

    __tablename__ = "source_records"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "source", "source_record_id"),
        sa.Index("ix_source_records_tenant_profile", "tenant_id", "profile_id"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    source: str = Field(max_length=40)
    source_record_id: str = Field(max_length=100)
    profile_id: str = Field(foreign_key="profiles.id", max_length=36)
    property_code: str | None = Field(default=None, max_length=100)
    data: dict[str, Any] = Field(sa_type=sa.JSON)
    normalised: dict[str, Any] = Field(sa_type=sa.JSON)
    source_version: str | None = Field(default=None, max_length=64)
    content_hash: str = Field(max_length=64)
    received_at: datetime = created_field()
    updated_at: datetime = created_field()


class RecordKey(SQLModel, table=True):
    """An identifier or blocking key of a record, with the profile it currently belongs to.

    No foreign keys: checking them on every key row doubled the cost of writing keys. A trigger
    on source_records deletes a record's keys with it (migration 0008).
    """

    __tablename__ = "record_keys"
    __table_args__ = (
        sa.Index("ix_record_keys_lookup", "tenant_id", "key", "profile_id"),
        sa.Index("ix_record_keys_tenant_profile", "tenant_id", "profile_id"),
    )

    record_id: str = Field(primary_key=True, max_length=36)
    key: str = Field(primary_key=True, max_length=300)
    tenant_id: str = Field(max_length=36)
    profile_id: str = Field(max_length=36)


class Stay(SQLModel, table=True):
    """A reservation of a guest, one row per (source, reservation id)."""

    __tablename__ = "stays"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "source", "reservation_id"),
        sa.Index("ix_stays_tenant_profile", "tenant_id", "profile_id"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    profile_id: str = Field(foreign_key="profiles.id", max_length=36)
    record_id: str = Field(foreign_key="source_records.id", max_length=36, ondelete="CASCADE")
    source: str = Field(max_length=40)
    reservation_id: str = Field(max_length=100)
    property_code: str | None = Field(default=None, max_length=100)
    arrival: date
    departure: date
    room_type: str | None = Field(default=None, max_length=200)
    rate_amount: float | None = None
    currency: str | None = Field(default=None, max_length=3)
    channel: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=20)
    # The source's version of the reservation (its modification time): an older one never wins.
    source_version: str | None = Field(default=None, max_length=64)
    updated_at: datetime = created_field()
