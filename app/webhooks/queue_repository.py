"""Queries of the delivery pipeline: outbox claims, delivery leases, outcomes, retention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage
from app.models.base import new_id

Claimed = tuple[WebhookDelivery, WebhookMessage, WebhookEndpoint]


async def has_undispatched(session: AsyncSession) -> bool:
    """True when the outbox holds events not yet dispatched (a read on the partial index)."""
    stmt = select(Event.id).where(col(Event.dispatched_at).is_(None)).limit(1)
    return (await session.exec(stmt)).first() is not None


async def mark_unsubscribed(session: AsyncSession, limit: int, now: datetime) -> int:
    """Mark, in one statement, pending events of tenants that have no enabled endpoint."""
    has_endpoint = exists().where(
        col(WebhookEndpoint.tenant_id) == col(Event.tenant_id), col(WebhookEndpoint.enabled)
    )
    pending = (
        select(Event.id)
        .where(col(Event.dispatched_at).is_(None), ~has_endpoint)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Event)
        .where(col(Event.id).in_(_evaluated_once(pending, "unsubscribed")))
        .values(dispatched_at=now)
        .execution_options(synchronize_session=False)
    )
    return int((await session.exec(stmt)).rowcount)


def _evaluated_once(stmt: Any, name: str) -> Any:
    """The ids a locking, limited select picks, computed once for the statement using them.

    Inlined, PostgreSQL may rescan the subquery per row, and each rescan skips the rows the
    statement already changed: the LIMIT would then not hold and every row would be taken."""
    picked = stmt.cte(name).prefix_with("MATERIALIZED")
    return sa_select(picked.c.id)


async def claim_events(session: AsyncSession, limit: int) -> Sequence[Event]:
    """The oldest undispatched events, locked until commit (others skip them)."""
    stmt = (
        select(Event)
        .where(col(Event.dispatched_at).is_(None))
        .order_by(col(Event.created_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(stmt)).all()


async def enabled_endpoints(
    session: AsyncSession, tenant_ids: set[str]
) -> Sequence[WebhookEndpoint]:
    """Every enabled endpoint of these tenants."""
    stmt = select(WebhookEndpoint).where(
        col(WebhookEndpoint.tenant_id).in_(tenant_ids), col(WebhookEndpoint.enabled)
    )
    return (await session.exec(stmt)).all()


async def mark_dispatched(session: AsyncSession, event_ids: list[str], now: datetime) -> None:
    """Mark events as turned into messages."""
    stmt = (
        update(Event)
        .where(col(Event.id).in_(event_ids))
        .values(dispatched_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.exec(stmt)


async def insert_rows(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows in one statement."""
    if rows:
        connection = await session.connection()
        await connection.execute(insert(model.__table__), rows)


async def claim_deliveries(
    session: AsyncSession, limit: int, lease_seconds: float, now: datetime
) -> list[Claimed]:
    """Lease due deliveries of enabled, unthrottled endpoints by pushing their due time forward.

    A holder that dies simply lets the new due time arrive, and the delivery is taken again."""
    due = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(
            col(WebhookDelivery.status) == "pending",
            col(WebhookDelivery.next_attempt_at) <= now,
            col(WebhookEndpoint.enabled),
            or_(
                col(WebhookEndpoint.throttled_until).is_(None),
                col(WebhookEndpoint.throttled_until) <= now,
            ),
        )
        .order_by(col(WebhookDelivery.next_attempt_at))
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )
    token = new_id()
    # One statement: SQLite takes its write lock before reading, PostgreSQL skips the rows
    # other claimers hold.
    leased = await session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id).in_(_evaluated_once(due, "due")),
            col(WebhookDelivery.status) == "pending",
            col(WebhookDelivery.next_attempt_at) <= now,
        )
        .values(
            lease_token=token,
            next_attempt_at=now + timedelta(seconds=lease_seconds),
            attempts=col(WebhookDelivery.attempts) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not leased.rowcount:
        return []
    stmt = (
        select(WebhookDelivery, WebhookMessage, WebhookEndpoint)
        .join(WebhookMessage, col(WebhookMessage.id) == col(WebhookDelivery.message_id))
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(col(WebhookDelivery.lease_token) == token)
        .execution_options(populate_existing=True)
    )
    return [tuple(row) for row in (await session.exec(stmt)).all()]  # type: ignore[misc]


async def settle_delivery(
    session: AsyncSession, delivery_id: str, lease_token: str, values: dict[str, Any]
) -> bool:
    """Record a delivery's outcome if the lease is still ours; False when it was taken over."""
    stmt = (
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.lease_token) == lease_token,
        )
        .values(lease_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool((await session.exec(stmt)).rowcount)


async def delivery_exists(session: AsyncSession, delivery_id: str) -> bool:
    """False once the delivery was deleted (with its endpoint)."""
    stmt = select(WebhookDelivery.id).where(col(WebhookDelivery.id) == delivery_id)
    return (await session.exec(stmt)).first() is not None


async def update_endpoint(
    session: AsyncSession, endpoint_id: str, only_if: Any, values: dict[str, Any]
) -> bool:
    """Change an endpoint when `only_if` holds (so a hot endpoint's row is rarely written)."""
    stmt = (
        update(WebhookEndpoint)
        .where(col(WebhookEndpoint.id) == endpoint_id, only_if)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool((await session.exec(stmt)).rowcount)


async def purge_finished(session: AsyncSession, before: datetime, limit: int = 5000) -> int:
    """Delete messages older than `before` none of whose deliveries is still pending."""
    pending = exists().where(
        and_(
            col(WebhookDelivery.message_id) == col(WebhookMessage.id),
            col(WebhookDelivery.status) == "pending",
        )
    )
    old = (
        select(WebhookMessage.id)
        .where(col(WebhookMessage.created_at) < before, ~pending)
        .limit(limit)
    )
    ids = list((await session.exec(old)).all())
    if not ids:
        return 0
    # Attempts and deliveries go first: no reliance on the database cascading.
    deliveries = select(WebhookDelivery.id).where(col(WebhookDelivery.message_id).in_(ids))
    await session.exec(
        delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries))
    )
    await session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.message_id).in_(ids)))
    await session.exec(delete(WebhookMessage).where(col(WebhookMessage.id).in_(ids)))
    return len(ids)
