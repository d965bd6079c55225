"""Manual replay: one message again, or everything an endpoint should have had since a time."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import not_found
from app.models import WebhookDelivery, WebhookMessage
from app.models.base import utcnow
from app.webhooks import queue_repository, repository
from app.webhooks.catalogue import EVENT_TYPES, message_id, property_of
from app.webhooks.dispatch import delivery_row, message_row, wants
from app.webhooks.endpoints import get_endpoint
from app.webhooks.schemas import Replayed, ReplaySince

# Per call, so one request stays short; the answer's next_since continues from there.
REPLAY_LIMIT = 1000


async def replay_message(
    session: AsyncSession, tenant_id: str, msg_id: str, endpoint_id: str | None
) -> Replayed:
    """Queue a message again (same webhook-id) to its endpoints, or to the one given."""
    if await repository.get_message(session, tenant_id, msg_id) is None:
        raise not_found(f"webhook message {msg_id}")
    if endpoint_id is not None:
        await get_endpoint(session, tenant_id, endpoint_id)
    deliveries = await repository.deliveries_of(session, tenant_id, [msg_id], endpoint_id)
    if endpoint_id is not None and not deliveries:
        row = delivery_row({"id": msg_id, "tenant_id": tenant_id}, endpoint_id, 0)
        await queue_repository.insert_rows(session, WebhookDelivery, [row])
        return Replayed(replayed=1)
    await repository.requeue(session, [d.id for d in deliveries], utcnow())
    return Replayed(replayed=len(deliveries))


async def replay_since(
    session: AsyncSession, tenant_id: str, endpoint_id: str, body: ReplaySince
) -> Replayed:
    """Queue every message since `since` the endpoint subscribes to (or only its failures).

    Built from the outbox, so it also covers events sent while the endpoint was disabled or
    before it existed."""
    endpoint = await get_endpoint(session, tenant_id, endpoint_id)
    if body.only_failed:
        failed = await repository.failed_deliveries_since(
            session, tenant_id, endpoint_id, body.since, REPLAY_LIMIT + 1
        )
        more = failed[REPLAY_LIMIT][1] if len(failed) > REPLAY_LIMIT else None
        chosen = [d.id for d, _ in failed[:REPLAY_LIMIT]]
        await repository.requeue(session, chosen, utcnow())
        return Replayed(replayed=len(chosen), next_since=more)
    types = endpoint.event_types or list(EVENT_TYPES)
    events = await repository.dispatched_events_since(
        session, tenant_id, body.since, types, REPLAY_LIMIT + 1
    )
    more = events[REPLAY_LIMIT].created_at if len(events) > REPLAY_LIMIT else None
    wanted = [e for e in events[:REPLAY_LIMIT] if wants(endpoint, e.type, property_of(e))]
    ids = [message_id(e.id) for e in wanted]
    existing = await repository.existing_messages(session, ids) if ids else set()
    missing = [message_row(e) for e in wanted if message_id(e.id) not in existing]
    await queue_repository.insert_rows(session, WebhookMessage, missing)
    current = {
        d.message_id: d.id
        for d in await repository.deliveries_of(session, tenant_id, ids, endpoint_id)
    }
    await repository.requeue(session, list(current.values()), utcnow())
    fresh = [
        delivery_row({"id": mid, "tenant_id": tenant_id}, endpoint_id, 0)
        for mid in ids
        if mid not in current
    ]
    await queue_repository.insert_rows(session, WebhookDelivery, fresh)
    return Replayed(replayed=len(ids), next_since=more)
