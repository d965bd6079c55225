"""API shapes of webhook endpoints, messages, deliveries and attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
PropertyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
EventTypeName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
MAX_GRACE_SECONDS = 7 * 24 * 3600


class EndpointCreate(BaseModel):
    """A new endpoint; its signing secret is generated and shown once in the answer."""

    model_config = ConfigDict(extra="forbid")

    url: Url
    description: Description = ""
    property_code: PropertyCode | None = Field(
        default=None, description="Only this property's events (as in records' property_id)."
    )
    event_types: list[EventTypeName] = Field(
        default_factory=list, max_length=50, description="Types to receive; empty: all."
    )
    enabled: bool = True


class EndpointUpdate(BaseModel):
    """Fields to change; `enabled: true` re-enables an endpoint that was disabled."""

    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    description: Description | None = None
    property_code: PropertyCode | None = None
    event_types: list[EventTypeName] | None = Field(default=None, max_length=50)
    enabled: bool | None = None


class EndpointOut(BaseModel):
    """An endpoint as listed: never its secret."""

    id: str
    url: str
    description: str
    property_code: str | None
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    previous_secret_valid_until: datetime | None = Field(
        description="During a rotation's grace period, deliveries carry both signatures."
    )
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointOut):
    """The answer to a create: the only time the signing secret is shown."""

    secret: str


class EndpointList(BaseModel):
    items: list[EndpointOut]


class RotateSecret(BaseModel):
    """How long the old secret keeps signing beside the new one."""

    model_config = ConfigDict(extra="forbid")

    grace_period_seconds: int = Field(default=24 * 3600, ge=0, le=MAX_GRACE_SECONDS)


class SecretRotated(BaseModel):
    """The new secret, shown only here."""

    endpoint_id: str
    secret: str
    previous_secret_valid_until: datetime | None


class EventTypeOut(BaseModel):
    type: str
    description: str
    scope: Literal["property", "tenant"] = Field(
        description="property: filtered by an endpoint's property; tenant: sent to every "
        "endpoint that takes the type."
    )


class EventTypeList(BaseModel):
    items: list[EventTypeOut]


class AttemptOut(BaseModel):
    """One HTTP attempt; the receiver's body is never kept."""

    id: str
    message_id: str
    endpoint_id: str
    attempt: int
    started_at: datetime
    status_code: int | None
    latency_ms: int
    outcome: Literal["succeeded", "failed"]
    error: str | None = Field(description="Error class: http_status, timeout, redirect, …")


class AttemptPage(BaseModel):
    items: list[AttemptOut]
    next_cursor: str | None


class DeliveryOut(BaseModel):
    """Where a message stands for one endpoint."""

    endpoint_id: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


class MessageOut(BaseModel):
    id: str = Field(description="The webhook-id header receivers de-duplicate on.")
    event_type: str
    timestamp: datetime
    profile_id: str | None
    property_code: str | None
    deliveries: list[DeliveryOut]


class MessageDetail(MessageOut):
    payload: dict[str, Any] = Field(description="The body as sent.")


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None


class ReplayMessage(BaseModel):
    """Send a message again: to every endpoint it went to, or to one endpoint."""

    model_config = ConfigDict(extra="forbid")

    endpoint_id: str | None = None


class ReplaySince(BaseModel):
    """Send an endpoint everything (or everything that failed) since a moment."""

    model_config = ConfigDict(extra="forbid")

    since: AwareDatetime
    only_failed: bool = False


class Replayed(BaseModel):
    replayed: int = Field(description="Deliveries queued now.")
    next_since: datetime | None = Field(
        default=None, description="More to replay: call again with this `since`."
    )
