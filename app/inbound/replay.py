"""Inbound events as admins see them, and sending stuck ones through processing again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.inbound import repository
from app.inbound.receive import JOB_KIND
from app.inbound.schemas import InboundEventList, InboundEventOut, ReplayQueued, ReplayRequest
from app.models import InboundEvent
from app.worker.queue import enqueue

REPLAYABLE = frozenset({"needs_fetch", "failed"})
MAX_REPLAY = 500  # events per call: one transaction stays short; `more` asks for another call


def event_out(event: InboundEvent) -> InboundEventOut:
    """The public view of an event: outcome and error, never the body."""
    return InboundEventOut(
        id=event.id,
        connection_id=event.connection_id,
        source=event.source,
        event_id=event.event_id,
        status=event.status,
        entity=event.entity,
        error=event.error,
        replays=event.replays,
        received_at=event.received_at,
        processed_at=event.processed_at,
    )


async def list_events(
    session: AsyncSession,
    tenant_id: str,
    *,
    connection_id: str | None,
    statuses: Sequence[str],
    before: str | None,
    limit: int,
) -> InboundEventList:
    """A page of the tenant's events, newest first."""
    anchor = None
    if before is not None:
        anchor = await repository.get_event(session, tenant_id, before)
        if anchor is None:
            raise Problem(422, "invalid-cursor", "Unknown cursor", "`before` names no event")
    rows = await repository.list_events(
        session,
        tenant_id,
        connection_id=connection_id,
        statuses=statuses,
        before=anchor,
        limit=limit + 1,
    )
    page = list(rows[:limit])
    more = len(rows) > limit
    return InboundEventList(
        items=[event_out(e) for e in page], next_before=page[-1].id if more and page else None
    )


def _requeue(session: AsyncSession, event: InboundEvent) -> None:
    event.status = "received"
    event.error = None
    event.processed_at = None
    event.replays += 1
    session.add(event)
    enqueue(session, event.tenant_id, JOB_KIND, {"inbound_event_id": event.id})


async def replay_connection(
    session: AsyncSession, tenant_id: str, connection_id: str, body: ReplayRequest
) -> ReplayQueued:
    """Queue a connection's stuck events again, oldest first, up to MAX_REPLAY per call."""
    if await repository.get_connection(session, tenant_id, connection_id) is None:
        raise not_found(f"connection {connection_id}")
    rows = await repository.events_to_replay(
        session,
        tenant_id,
        connection_id,
        sorted(set(body.statuses)),
        event_ids=body.event_ids,
        received_after=body.received_after,
        limit=MAX_REPLAY + 1,
    )
    chosen = list(rows[:MAX_REPLAY])
    for event in chosen:
        _requeue(session, event)
    await session.flush()
    return ReplayQueued(replayed=[e.id for e in chosen], more=len(rows) > MAX_REPLAY)


async def replay_event(session: AsyncSession, tenant_id: str, event_id: str) -> InboundEventOut:
    """Queue one stuck event again."""
    event = await repository.get_event(session, tenant_id, event_id, lock=True)
    if event is None:
        raise not_found(f"inbound event {event_id}")
    if event.status not in REPLAYABLE:
        raise Problem(
            409,
            "not-replayable",
            "Event is not stuck",
            f"only needs_fetch and failed events are replayed; this one is {event.status}",
        )
    _requeue(session, event)
    await session.flush()
    return event_out(event)
