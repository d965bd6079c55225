"""Queries of connections and inbound events, always filtered by tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Connection, InboundEvent, Job, Property, SourceRecord


async def connection_by_token_hash(session: AsyncSession, hashed: str) -> Connection | None:
    """The connection a webhook URL token belongs to (the only lookup not by tenant)."""
    stmt = select(Connection).where(Connection.token_hash == hashed)
    return (await session.exec(stmt)).first()


async def get_connection(
    session: AsyncSession, tenant_id: str, connection_id: str
) -> Connection | None:
    """One connection of a tenant."""
    stmt = select(Connection).where(
        Connection.tenant_id == tenant_id, Connection.id == connection_id
    )
    return (await session.exec(stmt)).first()


async def list_connections(session: AsyncSession, tenant_id: str) -> Sequence[Connection]:
    """Every connection of a tenant, oldest first."""
    stmt = (
        select(Connection)
        .where(Connection.tenant_id == tenant_id)
        .order_by(col(Connection.created_at), col(Connection.id))
    )
    return (await session.exec(stmt)).all()


async def find_property(session: AsyncSession, tenant_id: str, code: str) -> Property | None:
    """A property of a tenant by code."""
    stmt = select(Property).where(Property.tenant_id == tenant_id, Property.code == code)
    return (await session.exec(stmt)).first()


async def find_event(
    session: AsyncSession, tenant_id: str, source: str, event_id: str
) -> InboundEvent | None:
    """An event already received from this source under this id."""
    stmt = select(InboundEvent).where(
        InboundEvent.tenant_id == tenant_id,
        InboundEvent.source == source,
        InboundEvent.event_id == event_id,
    )
    return (await session.exec(stmt)).first()


async def get_event(
    session: AsyncSession, tenant_id: str, event_id: str, *, lock: bool = False
) -> InboundEvent | None:
    """A stored event by row id, within its tenant (locked until commit when asked)."""
    stmt = select(InboundEvent).where(
        InboundEvent.tenant_id == tenant_id, InboundEvent.id == event_id
    )
    return (await session.exec(stmt.with_for_update() if lock else stmt)).first()


async def pending_jobs(session: AsyncSession, tenant_id: str, kind: str) -> Sequence[Job]:
    """A tenant's queued or running jobs of one kind, soonest first."""
    stmt = (
        select(Job)
        .where(
            Job.tenant_id == tenant_id,
            Job.kind == kind,
            col(Job.status).in_(("queued", "running")),
        )
        .order_by(col(Job.run_at))
    )
    return (await session.exec(stmt)).all()


async def advance_cursor(
    session: AsyncSession, tenant_id: str, connection_id: str, old: str | None, new: str | None
) -> bool:
    """Move a connection's cursor from `old` to `new`; False when it is no longer `old`.

    The compare-and-set also locks the row until commit, so of two runs of the same page only
    one stores it (the other sees the moved cursor and backs off)."""
    same = col(Connection.cursor).is_(None) if old is None else col(Connection.cursor) == old
    stmt = (
        update(Connection)
        .where(col(Connection.tenant_id) == tenant_id, col(Connection.id) == connection_id, same)
        .values(cursor=new)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def find_record(
    session: AsyncSession, tenant_id: str, source: str, source_record_id: str
) -> SourceRecord | None:
    """A stored source record by its source's id."""
    stmt = select(SourceRecord).where(
        SourceRecord.tenant_id == tenant_id,
        SourceRecord.source == source,
        SourceRecord.source_record_id == source_record_id,
    )
    return (await session.exec(stmt)).first()


async def list_events(
    session: AsyncSession,
    tenant_id: str,
    *,
    connection_id: str | None,
    statuses: Sequence[str],
    before: InboundEvent | None,
    limit: int,
) -> Sequence[InboundEvent]:
    """A tenant's events, newest first, optionally of one connection and some statuses."""
    stmt = select(InboundEvent).where(InboundEvent.tenant_id == tenant_id)
    if connection_id is not None:
        stmt = stmt.where(InboundEvent.connection_id == connection_id)
    if statuses:
        stmt = stmt.where(col(InboundEvent.status).in_(list(statuses)))
    if before is not None:
        at = col(InboundEvent.received_at)
        stmt = stmt.where(
            or_(
                at < before.received_at,
                and_(at == before.received_at, col(InboundEvent.id) < before.id),
            )
        )
    order = (col(InboundEvent.received_at).desc(), col(InboundEvent.id).desc())
    return (await session.exec(stmt.order_by(*order).limit(limit))).all()


async def events_to_replay(
    session: AsyncSession,
    tenant_id: str,
    connection_id: str,
    statuses: Sequence[str],
    *,
    event_ids: Sequence[str] | None,
    received_after: datetime | None,
    limit: int,
) -> Sequence[InboundEvent]:
    """A connection's events in the given statuses, oldest first, locked until commit."""
    stmt = select(InboundEvent).where(
        InboundEvent.tenant_id == tenant_id,
        InboundEvent.connection_id == connection_id,
        col(InboundEvent.status).in_(list(statuses)),
    )
    if event_ids is not None:
        stmt = stmt.where(col(InboundEvent.id).in_(list(event_ids)))
    if received_after is not None:
        stmt = stmt.where(col(InboundEvent.received_at) >= received_after)
    order = (col(InboundEvent.received_at), col(InboundEvent.id))
    return (await session.exec(stmt.order_by(*order).limit(limit).with_for_update())).all()
