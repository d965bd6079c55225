"""The outbox: only committed events are sent; events nobody wants are marked, not sent."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import col, select

from app.core.db import transaction
from app.models import Event, WebhookAttempt, WebhookDelivery, WebhookMessage
from app.models.base import utcnow
from app.webhooks import queue_repository
from app.webhooks.catalogue import message_id
from tests.conftest import MakeTenant, TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Receiver


async def test_an_event_whose_transaction_rolls_back_is_never_sent(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox()
    await register(http, admin, inbox.url)
    doomed = Event(tenant_id=admin.tenant_id, type="guest.created", profile_id="rolled-back")
    with pytest.raises(RuntimeError):
        async with transaction(app.state.sessions) as session:
            session.add(doomed)
            await session.flush()  # written, visible to nobody else, then undone
            raise RuntimeError("the state change failed")
    await emit(app, admin, profile_id="committed")

    await inbox.wait_for(1, wake=lambda: wake(app))
    await asyncio.sleep(0.5)
    assert [json.loads(r.body)["data"]["profile_id"] for r in inbox.requests] == ["committed"]
    async with transaction(app.state.sessions) as session:
        assert await session.get(WebhookMessage, message_id(doomed.id)) is None


async def test_events_nobody_subscribes_to_are_marked_in_bulk_and_never_become_messages(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    quiet = await make_tenant()
    async with transaction(app.state.sessions) as session:
        session.add_all(
            Event(tenant_id=quiet.tenant_id, type="guest.created", profile_id=f"p{i}")
            for i in range(2000)
        )
    wake(app)
    for _ in range(200):
        async with transaction(app.state.sessions) as session:
            left = (
                await session.exec(
                    select(func.count())
                    .select_from(Event)
                    .where(Event.tenant_id == quiet.tenant_id, col(Event.dispatched_at).is_(None))
                )
            ).one()
        if left == 0:
            break
        await asyncio.sleep(0.05)
    assert left == 0
    async with transaction(app.state.sessions) as session:
        messages = (
            await session.exec(
                select(func.count())
                .select_from(WebhookMessage)
                .where(WebhookMessage.tenant_id == quiet.tenant_id)
            )
        ).one()
    assert messages == 0


async def test_finished_messages_past_retention_are_forgotten_pending_ones_kept(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    endpoint = await register(http, admin, receiver.inbox().url)
    old = utcnow() - timedelta(days=100)
    async with transaction(app.state.sessions) as session:
        for name, status in (("done", "succeeded"), ("waiting", "pending")):
            session.add(
                WebhookMessage(
                    id=f"msg_{name}_{admin.tenant_id[:8]}",
                    tenant_id=admin.tenant_id,
                    event_id=name,
                    event_type="guest.created",
                    body="{}",
                    created_at=old,
                )
            )
            await session.flush()
            delivery = WebhookDelivery(
                tenant_id=admin.tenant_id,
                message_id=f"msg_{name}_{admin.tenant_id[:8]}",
                endpoint_id=endpoint["id"],
                status=status,
                attempts=1,
                next_attempt_at=utcnow() + timedelta(days=1),
            )
            session.add(delivery)
            await session.flush()
            session.add(
                WebhookAttempt(
                    tenant_id=admin.tenant_id,
                    delivery_id=delivery.id,
                    endpoint_id=endpoint["id"],
                    message_id=delivery.message_id,
                    attempt=1,
                    latency_ms=5,
                    outcome="succeeded",
                )
            )
    async with transaction(app.state.sessions) as session:
        assert await queue_repository.purge_finished(session, utcnow() - timedelta(days=90)) >= 1
    kept = await http.get("/v1/webhook-messages", headers=admin.auth)
    assert [m["id"] for m in kept.json()["items"]] == [f"msg_waiting_{admin.tenant_id[:8]}"]
    attempts = await http.get(
        f"/v1/webhook-endpoints/{endpoint['id']}/attempts", headers=admin.auth
    )
    assert [a["message_id"] for a in attempts.json()["items"]] == [
        f"msg_waiting_{admin.tenant_id[:8]}"
    ]
