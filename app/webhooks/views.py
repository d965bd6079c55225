"""Read models of the webhooks API: attempts and messages with their deliveries."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import not_found
from app.models import WebhookDelivery, WebhookMessage
from app.webhooks import paging, repository
from app.webhooks.schemas import (
    AttemptOut,
    AttemptPage,
    DeliveryOut,
    MessageDetail,
    MessageOut,
    MessagePage,
)


async def attempt_page(
    session: AsyncSession, tenant_id: str, endpoint_id: str, cursor: str | None, limit: int
) -> AttemptPage:
    """One page of an endpoint's attempts, newest first."""
    rows = await repository.list_attempts(
        session, tenant_id, endpoint_id, paging.decode(cursor), limit + 1
    )
    items = [AttemptOut.model_validate(r, from_attributes=True) for r in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return AttemptPage(
        items=items, next_cursor=paging.encode(last.started_at, last.id) if last else None
    )


async def message_page(
    session: AsyncSession,
    tenant_id: str,
    cursor: str | None,
    limit: int,
    event_type: str | None,
    endpoint_id: str | None,
) -> MessagePage:
    """One page of a tenant's messages with where each stands per endpoint."""
    rows = await repository.list_messages(
        session, tenant_id, paging.decode(cursor), limit + 1, event_type, endpoint_id
    )
    shown = rows[:limit]
    deliveries: dict[str, list[WebhookDelivery]] = defaultdict(list)
    if shown:
        for d in await repository.deliveries_of(session, tenant_id, [m.id for m in shown]):
            deliveries[d.message_id].append(d)
    last = rows[limit - 1] if len(rows) > limit else None
    return MessagePage(
        items=[_message(m, deliveries[m.id]) for m in shown],
        next_cursor=paging.encode(last.created_at, last.id) if last else None,
    )


async def message_detail(session: AsyncSession, tenant_id: str, msg_id: str) -> MessageDetail:
    """A message with its body and deliveries."""
    message = await repository.get_message(session, tenant_id, msg_id)
    if message is None:
        raise not_found(f"webhook message {msg_id}")
    deliveries = await repository.deliveries_of(session, tenant_id, [msg_id])
    view = _message(message, list(deliveries))
    return MessageDetail(**view.model_dump(), payload=json.loads(message.body))


def _message(message: WebhookMessage, deliveries: list[WebhookDelivery]) -> MessageOut:
    return MessageOut(
        id=message.id,
        event_type=message.event_type,
        timestamp=message.created_at,
        profile_id=message.profile_id,
        property_code=message.property_code,
        deliveries=[
            DeliveryOut(
                endpoint_id=d.endpoint_id,
                status=d.status,
                attempts=d.attempts,
                next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
                last_status_code=d.last_status_code,
                last_error=d.last_error,
                delivered_at=d.delivered_at,
            )
            for d in deliveries
        ],
    )
