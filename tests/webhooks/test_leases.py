"""Leases: a claim takes what it asked for, others skip it, a dead holder's lease runs out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.models import Event, WebhookDelivery
from app.models.base import utcnow
from app.webhooks import queue_repository
from app.webhooks.runner import WebhookRunner
from tests.conftest import TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Receiver


@pytest.fixture
async def held_runner(app: FastAPI) -> AsyncIterator[None]:
    """The embedded runner stopped, so the test claims by hand; restarted afterwards."""
    app.state.webhooks.stop()
    await app.state.webhooks_task
    yield
    runner = WebhookRunner(app.state.sessions, app.state.settings, app.state.redis)
    app.state.webhooks = runner
    app.state.webhooks_task = asyncio.create_task(runner.run())


async def _claim_mine(session: AsyncSession, tenant: TenantClient, limit: int) -> set[str]:
    claimed = await queue_repository.claim_deliveries(session, limit, 30.0, utcnow())
    assert len(claimed) <= limit
    return {d.id for d, _m, _e in claimed if d.tenant_id == tenant.tenant_id}


async def test_claims_take_no_more_than_asked_and_never_the_same_delivery(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    backend: str,
    held_runner: None,
) -> None:
    await register(http, admin, receiver.inbox().url)
    async with transaction(app.state.sessions) as session:
        session.add_all(
            Event(tenant_id=admin.tenant_id, type="guest.created", profile_id=f"p{i}")
            for i in range(300)
        )
    await app.state.webhooks.dispatch_once()
    if backend == "postgres":  # two claimers at once: the second skips the first's rows
        async with app.state.sessions() as first, app.state.sessions() as second:
            a = await _claim_mine(first, admin, 25)
            b = await _claim_mine(second, admin, 25)
            await first.commit()
            await second.commit()
    else:  # SQLite has one writer: the second claim sees the first's leases
        async with transaction(app.state.sessions) as session:
            a = await _claim_mine(session, admin, 25)
        async with transaction(app.state.sessions) as session:
            b = await _claim_mine(session, admin, 25)
    assert len(a) == 25 and len(b) == 25 and not a & b


async def test_a_dead_workers_lease_runs_out_and_the_delivery_is_made_by_another(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    app.state.webhooks.stop()  # hold the embedded runner so this test can claim first
    await app.state.webhooks_task
    try:
        inbox = receiver.inbox()
        endpoint = await register(http, admin, inbox.url)
        await emit(app, admin, profile_id="p1")
        await app.state.webhooks.dispatch_once()
        async with transaction(app.state.sessions) as session:
            claimed = await queue_repository.claim_deliveries(session, 1000, 1.0, utcnow())
        [delivery] = [d for d, _m, _e in claimed if d.tenant_id == admin.tenant_id]
        # ...and this "worker" dies here, holding a lease of one second.
    finally:
        runner = WebhookRunner(app.state.sessions, app.state.settings, app.state.redis)
        app.state.webhooks = runner
        app.state.webhooks_task = asyncio.create_task(runner.run())
    await asyncio.sleep(0.5)
    assert inbox.requests == []  # still leased
    [got] = await inbox.wait_for(1, wake=lambda: wake(app))
    assert got.verify(endpoint["secret"])["data"]["profile_id"] == "p1"
    # The runner records the outcome once the receiver has answered, a moment after it got it.
    assert (await _settled(app, delivery.id)).status == "succeeded"
    async with transaction(app.state.sessions) as session:
        # The dead holder's late outcome no longer counts.
        assert not await queue_repository.settle_delivery(
            session, delivery.id, delivery.lease_token or "", {"status": "failed"}
        )
    row = await _settled(app, delivery.id)
    assert row.status == "succeeded" and row.attempts == 2


async def _settled(app: FastAPI, delivery_id: str, seconds: float = 15.0) -> WebhookDelivery:
    """The delivery once it is no longer pending."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        async with transaction(app.state.sessions) as session:
            row = await session.get(WebhookDelivery, delivery_id)
        assert row is not None
        if row.status != "pending":
            return row
        assert asyncio.get_running_loop().time() < deadline, "the delivery is still pending"
        await asyncio.sleep(0.05)
