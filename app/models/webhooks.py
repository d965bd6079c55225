"""Outbound webhooks: endpoints tenants register, messages, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UtcDateTime, created_field, id_field, tenant_field, timestamp_field


class WebhookEndpoint(SQLModel, table=True):
    """A URL of a tenant (optionally one property's) that receives signed events."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (sa.Index("ix_webhook_endpoints_tenant_enabled", "tenant_id", "enabled"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=500)
    property_code: str | None = Field(default=None, max_length=100)
    # Empty: every type of the catalogue.
    event_types: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Fernet tokens of the whsec_ secrets; shown once, never returned.
    secret: str = Field(sa_type=sa.Text)
    previous_secret: str | None = Field(default=None, sa_type=sa.Text)
    previous_secret_expires_at: datetime | None = timestamp_field()
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=200)
    disabled_at: datetime | None = timestamp_field()
    failing_since: datetime | None = timestamp_field()
    throttled_until: datetime | None = timestamp_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class WebhookMessage(SQLModel, table=True):
    """One outbox event as sent: the exact body that is signed, its id the `webhook-id`."""

    __tablename__ = "webhook_messages"
    __table_args__ = (sa.Index("ix_webhook_messages_tenant_created", "tenant_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    tenant_id: str = tenant_field()
    event_id: str = Field(max_length=36)
    event_type: str = Field(max_length=60)
    # Kept beside the body so erasure and filters need not parse it.
    profile_id: str | None = Field(default=None, max_length=36)
    property_code: str | None = Field(default=None, max_length=100)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = created_field()


class WebhookDelivery(SQLModel, table=True):
    """A message owed to one endpoint: due at `next_attempt_at`, leased by pushing it forward."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("message_id", "endpoint_id"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint_status", "endpoint_id", "status"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    message_id: str = Field(foreign_key="webhook_messages.id", max_length=40, ondelete="CASCADE")
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", max_length=36, ondelete="CASCADE")
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    # Set per claim: only the holder of the current lease may record the outcome.
    lease_token: str | None = Field(default=None, max_length=36)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=60)
    created_at: datetime = created_field()
    delivered_at: datetime | None = timestamp_field()


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt: status, latency and error class, never the receiver's body."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        sa.Index("ix_webhook_attempts_endpoint_started", "endpoint_id", "started_at"),
        sa.Index("ix_webhook_attempts_delivery", "delivery_id"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    delivery_id: str = Field(foreign_key="webhook_deliveries.id", max_length=36, ondelete="CASCADE")
    endpoint_id: str = Field(max_length=36)
    message_id: str = Field(max_length=40)
    attempt: int
    started_at: datetime = created_field()
    status_code: int | None = None
    latency_ms: int
    outcome: str = Field(max_length=20)
    error: str | None = Field(default=None, max_length=60)
