"""API shapes of connections and inbound deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CredentialKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
CredentialValue = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ConnectionCreate(BaseModel):
    """A new connection; secrets go in, and never come out again."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    name: Name
    property_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
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
