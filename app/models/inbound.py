"""Source-system connections of a tenant and the raw events they deliver."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field, timestamp_field


class Connection(SQLModel, table=True):
    """One source system feeding a tenant (optionally one property); secrets encrypted."""

    __tablename__ = "connections"
    __table_args__ = (sa.Index("ix_connections_tenant_source", "tenant_id", "source"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    source: str = Field(max_length=40)
    name: str = Field(max_length=200)
    property_code: str | None = Field(default=None, max_length=100)
    # Fernet token of a JSON object (webhook secret, API credentials); never returned.
    credentials: str = Field(sa_type=sa.Text)
    # Keyed hash of the URL token: the token itself is shown once and never stored.
    token_hash: str = Field(max_length=64, unique=True)
    cursor: str | None = Field(default=None, sa_type=sa.Text)
    enabled: bool = True
    created_at: datetime = created_field()


class InboundEvent(SQLModel, table=True):
    """A delivery as received (card data stripped), stored before it is acknowledged."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "source", "event_id"),
        sa.Index("ix_inbound_events_tenant_status", "tenant_id", "status"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    # Kept when the connection is deleted: the event and its outcome stay on record.
    connection_id: str | None = Field(
        default=None, foreign_key="connections.id", max_length=36, ondelete="SET NULL"
    )
    source: str = Field(max_length=40)
    event_id: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    status: str = Field(default="received", max_length=20)
    entity: str | None = Field(default=None, max_length=300)
    error: str | None = Field(default=None, max_length=200)
    replays: int = 0  # how often an admin sent it through processing again
    received_at: datetime = created_field()
    processed_at: datetime | None = timestamp_field()
