"""API shapes of connections and inbound deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PropertyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
CredentialKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
CredentialValue = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ConnectionCreate(BaseModel):
    """A new connection; secrets go in, and never come out again."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    name: Name
    property_code: PropertyCode | None = None
    webhook_secret: CredentialValue | None = Field(
        default=None,
        description="What the source authenticates deliveries with (basic-auth 'user:password',"
        " bearer secret, whsec_ key, OIDC client id); not used by URL-token sources.",
    )
    credentials: dict[CredentialKey, CredentialValue] = Field(
        default_factory=dict, max_length=20, description="API credentials for pulls and fetches."
    )


class ConnectionOut(BaseModel):
    """A connection as listed: no credentials, no token."""

    id: str
    source: str
    name: str
    property_code: str | None
    enabled: bool
    authenticated_by: Literal["url_token", "webhook_secret"]
    created_at: datetime


class ConnectionCreated(ConnectionOut):
    """The answer to a create: the only time the webhook URL (with its token) is shown."""

    webhook_url: str


class ConnectionList(BaseModel):
    items: list[ConnectionOut]


class DeliveryAccepted(BaseModel):
    """A delivery stored (or recognised as a resend) and queued."""

    id: str
    duplicate: bool


class SyncQueued(BaseModel):
    """A pull sync queued (or found already pending) for a connection."""

    connection_id: str
    job_id: str
    run_at: datetime
    already_queued: bool = Field(
        description="A sync of this connection was already pending; it runs now, once."
    )


class ConnectionUpdate(BaseModel):
    """Changes to a connection; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    property_code: PropertyCode | None = Field(
        default=None, description="A property code, or null to serve the whole tenant."
    )
    enabled: bool | None = Field(
        default=None, description="false: deliveries are refused (404) and pulls stop."
    )
    credentials: dict[CredentialKey, CredentialValue] | None = Field(
        default=None, max_length=20, description="Replaces every API credential (rotation)."
    )
    webhook_secret: CredentialValue | None = Field(
        default=None, description="A new webhook secret (not for URL-token sources)."
    )
    rotate_webhook_url: bool = Field(
        default=False, description="Issue a new webhook URL; the old one stops working."
    )


class ConnectionUpdated(ConnectionOut):
    """The answer to an update: the new webhook URL only when it was rotated."""

    webhook_url: str | None = None


EventStatus = Literal["received", "processed", "needs_fetch", "failed"]
ReplayableStatus = Literal["needs_fetch", "failed"]


class InboundEventOut(BaseModel):
    """A stored delivery and its outcome; its body is never shown."""

    id: str
    connection_id: str | None
    source: str
    event_id: str
    status: str
    entity: str | None = Field(description="What a thin delivery names, when it waits for it.")
    error: str | None = Field(description="Why processing failed (an error class, no data).")
    replays: int
    received_at: datetime
    processed_at: datetime | None


class InboundEventList(BaseModel):
    items: list[InboundEventOut]
    next_before: str | None = Field(description="Pass as `before` for the next (older) page.")


def _replayable() -> list[ReplayableStatus]:
    return ["needs_fetch", "failed"]


class ReplayRequest(BaseModel):
    """Which of a connection's events to send through processing again."""

    model_config = ConfigDict(extra="forbid")

    statuses: list[ReplayableStatus] = Field(default_factory=_replayable, min_length=1)
    event_ids: list[Annotated[str, StringConstraints(max_length=36)]] | None = Field(
        default=None, max_length=500, description="Only these events (ids as listed)."
    )
    received_after: datetime | None = None


class ReplayQueued(BaseModel):
    """Events queued for processing again."""

    replayed: list[str]
    more: bool = Field(description="More events matched than one call replays; call again.")
