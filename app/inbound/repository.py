"""Queries of connections and inbound events, always filtered by tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Connection, InboundEvent, Job, Property


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


async def get_event(session: AsyncSession, tenant_id: str, event_id: str) -> InboundEvent | None:
    """A stored event by row id, within its tenant."""
    stmt = select(InboundEvent).where(
        InboundEvent.tenant_id == tenant_id, InboundEvent.id == event_id
    )
    return (await session.exec(stmt)).first()


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
