"""Column helpers shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import uuid_utils
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations are the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A time-ordered UUID (version 7) as text, the id of every row.

    Ids made later sort later. Each table's primary key then grows at its right edge instead of
    at a random leaf of a large index, and wherever ties or caps go to the lower id (the profiles
    a common blocking key names), the choice follows creation order: the same on every run of
    the same records, and the order the in-memory store keeps.
    """
    return str(uuid_utils.uuid7())


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def timestamp_field() -> Any:
    """An optional timezone-aware timestamp."""
    return Field(default=None, sa_type=UtcDateTime)


def id_field() -> Any:
    """A text UUID primary key."""
    return Field(default_factory=new_id, primary_key=True, max_length=36)


def tenant_field() -> Any:
    """The tenant every row belongs to (indexed through each table's tenant-first indexes)."""
    return Field(foreign_key="tenants.id", max_length=36, ondelete="CASCADE")


def created_field() -> Any:
    """A creation timestamp."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime)
