"""Outbox to deliveries: each event becomes one message and one delivery per subscribed endpoint."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Event, WebhookDelivery, WebhookEndpoint, WebhookMessage
from app.models.base import new_id, utcnow
from app.webhooks import queue_repository as repo
from app.webhooks.catalogue import EVENT_TYPES, message_body, message_id, property_of

# Tenants without endpoints (a bulk import's guest.created rows) are marked this many at once.
UNSUBSCRIBED_BATCH = 5000


@dataclass(frozen=True)
class DispatchReport:
    """What one dispatch step did."""

    events: int
    messages: int
    deliveries: int


def wants(endpoint: WebhookEndpoint, event_type: str, property_code: str | None) -> bool:
    """True when the endpoint subscribes to this type, and to this property if it has one.

    Events of no property (guest.merged, guest.erased…) reach property endpoints too: a
    front desk that received a guest's hint must also hear of the merge or the erasure."""
    if event_type not in EVENT_TYPES:
        return False
    if endpoint.event_types and event_type not in endpoint.event_types:
        return False
    return (
        endpoint.property_code is None
        or property_code is None
        or property_code == endpoint.property_code
    )


def message_row(event: Event) -> dict[str, Any]:
    """The message row of an event (its id derived from the event's)."""
    return {
        "id": message_id(event.id),
        "tenant_id": event.tenant_id,
        "event_id": event.id,
        "event_type": event.type,
        "profile_id": event.profile_id,
        "property_code": property_of(event),
        "body": message_body(event),
        "created_at": event.created_at,
    }


def delivery_row(message: dict[str, Any], endpoint_id: str, first_delay: float) -> dict[str, Any]:
    """A pending delivery of a message to an endpoint, due after the first scheduled delay."""
    now = utcnow()
    return {
        "id": new_id(),
        "tenant_id": message["tenant_id"],
        "message_id": message["id"],
        "endpoint_id": endpoint_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now + timedelta(seconds=first_delay),
        "created_at": now,
    }


async def dispatch_batch(session: AsyncSession, limit: int, first_delay: float) -> DispatchReport:
    """Turn up to `limit` outbox events into messages and deliveries (caller commits)."""
    if not await repo.has_undispatched(session):  # the idle poll stays a read: no write lock
        return DispatchReport(0, 0, 0)
    now = utcnow()
    skipped = await repo.mark_unsubscribed(session, UNSUBSCRIBED_BATCH, now)
    events = await repo.claim_events(session, limit)
    if not events:
        return DispatchReport(skipped, 0, 0)
    endpoints: dict[str, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in await repo.enabled_endpoints(session, {e.tenant_id for e in events}):
        endpoints[endpoint.tenant_id].append(endpoint)
    messages: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    for event in events:
        prop = property_of(event)
        targets = [ep for ep in endpoints[event.tenant_id] if wants(ep, event.type, prop)]
        if not targets:
            continue
        message = message_row(event)
        messages.append(message)
        deliveries.extend(delivery_row(message, ep.id, first_delay) for ep in targets)
    await repo.insert_rows(session, WebhookMessage, messages)
    await repo.insert_rows(session, WebhookDelivery, deliveries)
    await repo.mark_dispatched(session, [e.id for e in events], now)
    return DispatchReport(skipped + len(events), len(messages), len(deliveries))
