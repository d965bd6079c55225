"""The generic guest record every connector produces, the Connector protocol and its options."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal, Protocol, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from connectors.http import Sleep
from connectors.oauth import ApiAuth, TokenCache

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(_Strict):
    line1: ShortText | None = None
    line2: ShortText | None = None
    city: ShortText | None = None
    postcode: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    region: ShortText | None = None
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None


class Document(_Strict):
    type: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None


class Social(_Strict):
    provider: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=40)]
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    tenant: ShortText | None = None  # Microsoft: the directory (tid) that scopes `oid`


class Stay(_Strict):
    reservation_id: Code
    arrival: date
    departure: date
    room_type: ShortText | None = None
    rate_amount: float | None = Field(default=None, ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    channel: ShortText | None = None
    status: (
        Literal["enquiry", "confirmed", "checked_in", "checked_out", "cancelled", "no_show"] | None
    ) = None
    property_id: Code | None = None
    channel_reservation_id: Code | None = Field(
        default=None,
        description="The booking number at the channel (Booking.com, Expedia…): links PMS and OTA.",
    )
    complaint: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = (
        Field(default=None, description="A complaint the guest made about this stay.")
    )

    @model_validator(mode="after")
    def _departure_not_before_arrival(self) -> Stay:
        if self.departure < self.arrival:
            raise ValueError("departure is before arrival")
        return self


PreferenceValue = str | bool | int | float


class GuestRecord(_Strict):
    """One source's view of one guest: the generic record of DESIGN.md."""

    source: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")
    ]
    source_record_id: Code
    property_id: Code | None = None
    updated_at: str | None = Field(
        default=None,
        description="Source's own version or modification time (ISO 8601); newer wins on replay.",
    )
    title: ShortText | None = None
    first_name: ShortText | None = None
    middle_name: ShortText | None = None
    last_name: ShortText | None = None
    full_name: ShortText | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    email_verified: bool | None = None
    email_masked: bool | None = Field(
        default=None, description="The email is a relay alias (OTA or private relay)."
    )
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    date_of_birth: date | None = None
    gender: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    nationality: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = (
        None
    )
    language: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    address: Address | None = None
    loyalty_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None
    ) = None
    loyalty_tier: ShortText | None = Field(
        default=None, description="Level in the hotel group's loyalty programme (e.g. gold)."
    )
    anniversary: date | None = Field(
        default=None, description="Wedding or other anniversary the guest told the hotel."
    )
    document: Document | None = None
    social: Social | None = None
    vip: bool | None = None
    do_not_rent: bool | None = None
    preferences: dict[Annotated[str, StringConstraints(max_length=60)], PreferenceValue] | None = (
        None
    )
    special_requests: Annotated[str, StringConstraints(max_length=2000)] | None = None
    stay: Stay | None = None
    merged_into: Code | None = Field(
        default=None,
        description="The source itself merged this record into another of its records (id).",
    )


class Delivery(BaseModel):
    """An inbound HTTP delivery, as a connector sees it."""

    model_config = ConfigDict(frozen=True)

    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = {}


class Connector(Protocol):
    """One source system: verify what it sends and turn it into generic records."""

    source: str

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """True when the delivery really comes from the configured source."""
        ...

    def event_id(self, delivery: Delivery) -> str:
        """The source's own id for this delivery, used to de-duplicate."""
        ...

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """Turn a payload into generic records, with card data removed."""
        ...


class Factory(Protocol):
    """How the registry builds a connector: keyword options, each ignored where unused."""

    def __call__(
        self,
        *,
        timezone: str = "UTC",
        sleep: Sleep = asyncio.sleep,
        tokens: TokenCache | None = None,
        page_size: int | None = None,
    ) -> Connector:
        """A connector: hotel zone, pause on 429/5xx, shared tokens, page size (None: its own)."""
        ...


# Alternatives, each a set of credential keys that must all be there. A connector that calls its
# source's API declares `needs: tuple[Need, ...]`, so a pull or fetch waits for its credentials.
Need = tuple[tuple[str, ...], ...]


def lacking(connector: object, credentials: Mapping[str, str]) -> list[str]:
    """The connector's `needs` that `credentials` lack, e.g. ['token or client_id+secret']."""
    needs: Sequence[Need] = getattr(connector, "needs", ())
    return [
        " or ".join("+".join(keys) for keys in need)
        for need in needs
        if not any(all(credentials.get(k) for k in keys) for keys in need)
    ]


@dataclass(frozen=True)
class Page:
    """One page of a pull: the records, the cursor to store after committing them, and whether
    this sync has caught up (the cursor then starts the next sync)."""

    records: Sequence[GuestRecord]
    next_cursor: str | None
    done: bool


@runtime_checkable
class Puller(Protocol):
    """A source we pull from: one call fetches one page after `cursor` (None = first sync)."""

    source: str

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        """The next page of changed records; raise when the source keeps failing."""
        ...


@runtime_checkable
class Fetcher(Protocol):
    """A source whose webhooks only name entities: they are read from its API before parsing."""

    source: str

    def named(self, payload: bytes) -> str | None:
        """What a webhook names, as text to show while it waits for a fetch; None: nothing."""
        ...

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        """A payload for `parse` with what the webhook `body` names; None when it names nothing."""
        ...


@runtime_checkable
class Completer(Protocol):
    """A puller whose pages name some guests only by id: it reads them before a page is kept."""

    source: str

    async def complete(
        self,
        http: httpx.AsyncClient,
        auth: ApiAuth,
        credentials: Mapping[str, str],
        records: Sequence[GuestRecord],
    ) -> list[GuestRecord]:
        """The page's records with what they name only by id filled in from the source."""
        ...
