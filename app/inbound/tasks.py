"""The `inbound.process` job: parse a stored event (fetching thin ones) and ingest it."""

from __future__ import annotations

import json
from collections.abc import Sequence

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings, get_settings
from app.inbound import fetch, repository
from app.inbound.receive import JOB_KIND
from app.inbound.secrets import decrypt_credentials
from app.ingest.service import ingest_records
from app.matching.service import matching_for
from app.models import Connection, InboundEvent, Job
from app.models.base import utcnow
from app.worker.runner import register
from connectors import apaleo
from connectors.base import Connector, GuestRecord
from connectors.mews import MewsConnector
from connectors.registry import CONNECTORS

# Malformed or unexpected payloads: retrying cannot help, so the event is marked failed.
PARSE_ERRORS = (ValueError, SyntaxError, TypeError, AttributeError, LookupError)
log = structlog.get_logger(__name__)
_settings: Settings | None = None


def use_settings(settings: Settings) -> None:
    """The settings jobs run with (the app's); a bare worker process reads the environment."""
    global _settings
    _settings = settings


def current_settings() -> Settings:
    """The settings jobs run with."""
    return _settings or get_settings()


async def _connector(
    session: AsyncSession, event: InboundEvent, conn: Connection | None
) -> Connector:
    if event.source == "mews" and conn is not None and conn.property_code:
        prop = await repository.find_property(session, event.tenant_id, conn.property_code)
        if prop is not None:
            return MewsConnector(prop.timezone)  # local arrival dates need the hotel's zone
    return CONNECTORS[event.source]()


def _entity(connector: Connector, source: str, body: bytes) -> str | None:
    """What a thin webhook points at, as text; None when it carries nothing to fetch."""
    if source == "apaleo":
        found = apaleo.entity_to_fetch(body)
        return f"{found.topic}:{found.entity_id}" if found else None
    if isinstance(connector, MewsConnector):
        ids = connector.entities_to_fetch(body)
        return json.dumps(ids, separators=(",", ":")) if any(ids.values()) else None
    pointer = getattr(connector, "entity_to_fetch", None)
    target = pointer(body) if pointer is not None else None
    return ":".join(str(p) for p in target if p) if target else None


async def _records(
    event: InboundEvent, connector: Connector, credentials: dict[str, str]
) -> tuple[Sequence[GuestRecord], str | None]:
    """The event's records, fetching the named entities where we can; else what to fetch."""
    body = event.body.encode()
    records = connector.parse(body)
    if records:
        return records, None
    entity = _entity(connector, event.source, body)
    if entity is None:
        return [], None
    if isinstance(connector, MewsConnector) and fetch.can_fetch_mews(credentials):
        ids = connector.entities_to_fetch(body)
        payload = await fetch.fetch_mews(credentials, ids["customers"], ids["reservations"])
        return connector.parse(payload), None
    return [], entity


async def ingest_for_connection(
    session: AsyncSession,
    tenant_id: str,
    conn: Connection | None,
    records: Sequence[GuestRecord],
    decided_by: str,
) -> None:
    """Ingest what a connection delivered; records without a property get the connection's."""
    if conn is not None and conn.property_code:
        code = conn.property_code
        records = [
            r if r.property_id else r.model_copy(update={"property_id": code}) for r in records
        ]
    if records:
        await ingest_records(
            session,
            tenant_id,
            records,
            matching=await matching_for(session, tenant_id),
            secret_key=current_settings().secret_key,
            decided_by=decided_by,
        )


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
        records, entity = await _records(event, connector, credentials)
    except PARSE_ERRORS as exc:
        # Only the class: messages of validation errors quote the payload.
        _finish(event, "failed", error=type(exc).__name__)
        log.warning("inbound_event_failed", inbound_event=event.id, error=type(exc).__name__)
        session.add(event)
        return
    if entity is not None:
        _finish(event, "needs_fetch", entity=entity[:300])
        session.add(event)
        return
    decided_by = f"connection:{conn.id}" if conn else f"inbound:{event.source}"
    await ingest_for_connection(session, event.tenant_id, conn, records, decided_by)
    _finish(event, "processed")
    session.add(event)
