"""The `inbound.process` job: parse a stored event (fetching thin ones) and ingest it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings, get_settings
from app.inbound import fetch, repository
from app.inbound.connections import store_rotated
from app.inbound.merges import apply_source_merges, is_pointer
from app.inbound.receive import JOB_KIND
from app.inbound.secrets import decrypt_credentials
from app.ingest.service import ingest_records
from app.matching.service import matching_for
from app.models import Connection, InboundEvent, Job
from app.models.base import utcnow
from app.worker.runner import on_give_up, register
from connectors.base import Connector, Fetcher, GuestRecord
from connectors.http import SourceError
from connectors.registry import CONNECTORS
from connectors.text import strip_controls

# Malformed or unexpected payloads: retrying cannot help, so the event is marked failed.
PARSE_ERRORS = (ValueError, SyntaxError, TypeError, AttributeError, LookupError)
# The source's answer will not change by asking again (unknown entity, refused credentials).
FINAL_STATUSES = frozenset({400, 401, 403, 404, 410, 422})
log = structlog.get_logger(__name__)
_settings: Settings | None = None


def use_settings(settings: Settings) -> None:
    """The settings jobs run with (the app's); a bare worker process reads the environment."""
    global _settings
    _settings = settings


def current_settings() -> Settings:
    """The settings jobs run with."""
    return _settings or get_settings()


def describe(exc: BaseException) -> str:
    """An error as stored on an event: its class and HTTP status, never a message (data)."""
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__} {status}" if status else type(exc).__name__


async def _connector(
    session: AsyncSession, event: InboundEvent, conn: Connection | None
) -> Connector:
    timezone = "UTC"
    if conn is not None and conn.property_code:
        prop = await repository.find_property(session, event.tenant_id, conn.property_code)
        if prop is not None:
            timezone = prop.timezone  # local arrival dates need the hotel's zone
    return CONNECTORS[event.source](timezone=timezone)


@dataclass
class Outcome:
    """What an event yields: records, or the entity still to fetch, and replaced credentials."""

    records: Sequence[GuestRecord] = ()
    entity: str | None = None
    rotated: dict[str, str] = field(default_factory=dict)


async def _outcome(
    event: InboundEvent, connector: Connector, credentials: dict[str, str]
) -> Outcome:
    """The event's records, fetching the named entities where we can; else what to fetch."""
    body = event.body.encode()
    records = connector.parse(body)
    entity = connector.named(body) if not records and isinstance(connector, Fetcher) else None
    if entity is None:
        return Outcome(records)
    if not fetch.can_fetch(connector, credentials):
        return Outcome(entity=entity)
    fetched = await fetch.fetch_named(event.source, connector, body, credentials)
    if fetched is None:
        return Outcome(entity=entity)
    return Outcome(connector.parse(fetched.payload), rotated=fetched.rotated)


async def ingest_for_connection(
    session: AsyncSession,
    tenant_id: str,
    conn: Connection | None,
    records: Sequence[GuestRecord],
    decided_by: str,
) -> None:
    """Ingest what a connection delivered, then apply the merges its source made itself."""
    if conn is not None and conn.property_code:
        code = conn.property_code
        records = [
            r if r.property_id else r.model_copy(update={"property_id": code}) for r in records
        ]
    # A bare "merged into" pointer is no guest of its own: it only joins two records.
    stored = [r for r in records if not is_pointer(r)]
    if stored:
        await ingest_records(
            session,
            tenant_id,
            stored,
            matching=await matching_for(session, tenant_id),
            secret_key=current_settings().secret_key,
            decided_by=decided_by,
        )
    await apply_source_merges(session, tenant_id, records, decided_by)


def _finish(event: InboundEvent, status: str, **fields: str | None) -> None:
    event.status = status
    event.processed_at = utcnow()
    for name, value in fields.items():
        setattr(event, name, value)


@register(JOB_KIND)
async def process_inbound(session: AsyncSession, job: Job) -> None:
    """Turn one stored delivery into ingested records (or a note of what is missing)."""
    event_key = str(job.payload.get("inbound_event_id", ""))
    event = await repository.get_event(session, job.tenant_id, event_key)
    if event is None or event.status != "received":
        return  # already handled by an earlier run of this job
    settings = current_settings()
    conn = None
    if event.connection_id is not None:
        conn = await repository.get_connection(session, event.tenant_id, event.connection_id)
    credentials = decrypt_credentials(settings.secret_key, conn.credentials) if conn else {}
    connector = await _connector(session, event, conn)
    try:
        outcome = await _outcome(event, connector, credentials)
    except (*PARSE_ERRORS, SourceError) as exc:
        if isinstance(exc, SourceError) and exc.status not in FINAL_STATUSES:
            raise  # the source may answer next time: the queue retries with backoff
        _finish(event, "failed", error=describe(exc))
        log.warning("inbound_event_failed", inbound_event=event.id, error=describe(exc))
        session.add(event)
        return
    if conn is not None:
        store_rotated(conn, settings.secret_key, outcome.rotated)
    if outcome.entity is not None:
        _finish(event, "needs_fetch", entity=strip_controls(outcome.entity)[:300])
        session.add(event)
        return
    decided_by = f"connection:{conn.id}" if conn else f"inbound:{event.source}"
    await ingest_for_connection(session, event.tenant_id, conn, outcome.records, decided_by)
    _finish(event, "processed", entity=None, error=None)
    session.add(event)


@on_give_up(JOB_KIND)
async def inbound_gave_up(session: AsyncSession, job: Job, exc: Exception) -> None:
    """The last attempt failed: the event ends `failed` with the error, ready for a replay."""
    event = await repository.get_event(
        session, job.tenant_id, str(job.payload.get("inbound_event_id", ""))
    )
    if event is None or event.status != "received":
        return
    _finish(event, "failed", error=describe(exc))
    session.add(event)
    log.warning("inbound_event_gave_up", inbound_event=event.id, error=describe(exc))
