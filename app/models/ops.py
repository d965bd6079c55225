"""Idempotency keys, the outbox of events and the durable job queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field, timestamp_field


class IdempotencyKey(SQLModel, table=True):
    """A request already answered, kept so a retry gets the same answer."""

    __tablename__ = "idempotency_keys"

    tenant_id: str = Field(
        foreign_key="tenants.id", primary_key=True, max_length=36, ondelete="CASCADE"
    )
    client_id: str = Field(primary_key=True, max_length=64)
    route: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: Any = Field(sa_type=sa.JSON)
    created_at: datetime = created_field()


class Event(SQLModel, table=True):
    """Something that happened to a guest, committed with the change that caused it."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_tenant_created", "tenant_id", "created_at"),
        # Only the webhook dispatcher's backlog: stays small however long the table grows.
        sa.Index(
            "ix_events_undispatched",
            "created_at",
            postgresql_where=sa.text("dispatched_at IS NULL"),
            sqlite_where=sa.text("dispatched_at IS NULL"),
        ),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    type: str = Field(max_length=60)
    profile_id: str | None = Field(default=None, max_length=36)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = created_field()
    # Set when the webhook dispatcher turned the event into messages (or found no subscriber).
    dispatched_at: datetime | None = timestamp_field()


class Job(SQLModel, table=True):
    """Work that must survive a crash: claimed with a lease, retried with backoff."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_ready", "status", "run_at"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: str = Field(default="queued", max_length=20)
    run_at: datetime = created_field()
    attempts: int = 0
    max_attempts: int = 10
    lease_until: datetime | None = timestamp_field()
    locked_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_field()
    finished_at: datetime | None = timestamp_field()
