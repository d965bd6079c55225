"""Queries behind the webhooks API, always filtered by tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, true, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import (
    Event,
    Property,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from app.webhooks.paging import Cursor


def _before(moment: Any, row_id: Any, cursor: Cursor | None) -> Any:
    """Rows strictly after the cursor in newest-first order."""
    if cursor is None:
        return true()
    at, ident = cursor
    return or_(moment < at, and_(moment == at, row_id < ident))


async def get_endpoint(
    session: AsyncSession, tenant_id: str, endpoint_id: str
) -> WebhookEndpoint | None:
    """One endpoint of a tenant."""
    stmt = select(WebhookEndpoint).where(
        WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id
    )
    return (await session.exec(stmt)).first()


async def list_endpoints(session: AsyncSession, tenant_id: str) -> Sequence[WebhookEndpoint]:
    """Every endpoint of a tenant, oldest first."""
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == tenant_id)
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    return (await session.exec(stmt)).all()


async def property_exists(session: AsyncSession, tenant_id: str, code: str) -> bool:
    """True when the tenant has a property with this code."""
    stmt = select(Property.id).where(Property.tenant_id == tenant_id, Property.code == code)
    return (await session.exec(stmt)).first() is not None


async def list_attempts(
    session: AsyncSession, tenant_id: str, endpoint_id: str, cursor: Cursor | None, limit: int
) -> Sequence[WebhookAttempt]:
    """An endpoint's attempts, newest first."""
    stmt = (
        select(WebhookAttempt)
        .where(
            WebhookAttempt.tenant_id == tenant_id,
            WebhookAttempt.endpoint_id == endpoint_id,
            _before(col(WebhookAttempt.started_at), col(WebhookAttempt.id), cursor),
        )
        .order_by(col(WebhookAttempt.started_at).desc(), col(WebhookAttempt.id).desc())
        .limit(limit)
    )
    return (await session.exec(stmt)).all()


async def list_messages(
    session: AsyncSession,
    tenant_id: str,
    cursor: Cursor | None,
    limit: int,
    event_type: str | None = None,
    endpoint_id: str | None = None,
) -> Sequence[WebhookMessage]:
    """A tenant's messages, newest first, optionally of one type or sent to one endpoint."""
    stmt = select(WebhookMessage).where(
        WebhookMessage.tenant_id == tenant_id,
        _before(col(WebhookMessage.created_at), col(WebhookMessage.id), cursor),
    )
    if event_type is not None:
        stmt = stmt.where(WebhookMessage.event_type == event_type)
    if endpoint_id is not None:
        stmt = stmt.where(
            exists().where(
                col(WebhookDelivery.message_id) == col(WebhookMessage.id),
                col(WebhookDelivery.endpoint_id) == endpoint_id,
            )
        )
    stmt = stmt.order_by(col(WebhookMessage.created_at).desc(), col(WebhookMessage.id).desc())
    return (await session.exec(stmt.limit(limit))).all()


async def get_message(
    session: AsyncSession, tenant_id: str, message_id: str
) -> WebhookMessage | None:
    """One message of a tenant."""
    stmt = select(WebhookMessage).where(
        WebhookMessage.tenant_id == tenant_id, WebhookMessage.id == message_id
    )
    return (await session.exec(stmt)).first()


async def existing_messages(session: AsyncSession, message_ids: list[str]) -> set[str]:
    """Which of these message ids exist."""
    stmt = select(WebhookMessage.id).where(col(WebhookMessage.id).in_(message_ids))
    return set((await session.exec(stmt)).all())


async def deliveries_of(
    session: AsyncSession, tenant_id: str, message_ids: list[str], endpoint_id: str | None = None
) -> Sequence[WebhookDelivery]:
    """The deliveries of these messages (to one endpoint, if given)."""
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.tenant_id == tenant_id, col(WebhookDelivery.message_id).in_(message_ids)
    )
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    return (await session.exec(stmt.order_by(col(WebhookDelivery.created_at)))).all()


async def failed_deliveries_since(
    session: AsyncSession, tenant_id: str, endpoint_id: str, since: datetime, limit: int
) -> Sequence[tuple[WebhookDelivery, datetime]]:
    """An endpoint's failed deliveries of messages since `since`, oldest first."""
    stmt = (
        select(WebhookDelivery, WebhookMessage.created_at)
        .join(WebhookMessage, col(WebhookMessage.id) == col(WebhookDelivery.message_id))
        .where(
            WebhookDelivery.tenant_id == tenant_id,
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.status == "failed",
            col(WebhookMessage.created_at) >= since,
        )
        .order_by(col(WebhookMessage.created_at), col(WebhookMessage.id))
        .limit(limit)
    )
    return [(d, at) for d, at in (await session.exec(stmt)).all()]


async def dispatched_events_since(
    session: AsyncSession, tenant_id: str, since: datetime, types: list[str], limit: int
) -> Sequence[Event]:
    """A tenant's events of these types since `since` that the dispatcher already handled."""
    stmt = (
        select(Event)
        .where(
            Event.tenant_id == tenant_id,
            col(Event.created_at) >= since,
            col(Event.dispatched_at).is_not(None),
            col(Event.type).in_(types),
        )
        .order_by(col(Event.created_at), col(Event.id))
        .limit(limit)
    )
    return (await session.exec(stmt)).all()


async def requeue(session: AsyncSession, delivery_ids: list[str], now: datetime) -> None:
    """Make deliveries due now with a fresh retry schedule (breaking any lease held on them)."""
    if not delivery_ids:
        return
    stmt = (
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id).in_(delivery_ids))
        .values(
            status="pending", attempts=0, next_attempt_at=now, lease_token=None, delivered_at=None
        )
        .execution_options(synchronize_session=False)
    )
    await session.exec(stmt)
