"""Fixtures of the webhook tests: a real local receiver, fast schedules, admin tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import delete

from app.core.config import Settings
from app.core.db import transaction
from app.models import Event, WebhookEndpoint
from tests.conftest import MakeTenant, TenantClient
from tests.webhooks.receiver import Receiver

FAST = {
    "webhook_allow_hosts": ["127.0.0.1"],
    "webhook_retry_schedule": [0, 0.2, 0.4, 0.6],
    "webhook_retry_jitter": 0.0,
    "webhook_timeout_seconds": 2.0,
    "webhook_lease_seconds": 4.0,
    "webhook_poll_seconds": 0.1,
    "webhook_throttle_seconds": 0.2,
}


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    """One HTTP server on 127.0.0.1 for the whole session; tests take their own inboxes."""
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fast(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Schedules in fractions of a second and the local receiver allowed, for one test."""
    for name, value in FAST.items():
        monkeypatch.setattr(settings, name, value)
    return settings


@pytest.fixture
async def admin(
    app: FastAPI, make_tenant: MakeTenant, fast: Settings
) -> AsyncIterator[TenantClient]:
    """A fresh tenant with an admin client; its endpoints are removed afterwards."""
    tenant = await make_tenant(scopes=("admin",))
    yield tenant
    async with transaction(app.state.sessions) as session:
        await session.exec(
            delete(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant.tenant_id)
        )


async def register(
    http: httpx.AsyncClient, tenant: TenantClient, url: str, **body: Any
) -> dict[str, Any]:
    """Create an endpoint through the API; the answer (with the secret)."""
    answer = await http.post(
        "/v1/webhook-endpoints", json={"url": url, **body}, headers=tenant.auth
    )
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def emit(
    app: FastAPI,
    tenant: TenantClient,
    kind: str = "guest.created",
    payload: dict[str, Any] | None = None,
    profile_id: str | None = None,
) -> str:
    """Commit an outbox event as the service does; its id."""
    async with transaction(app.state.sessions) as session:
        event = Event(
            tenant_id=tenant.tenant_id, type=kind, payload=payload or {}, profile_id=profile_id
        )
        session.add(event)
    wake(app)
    return event.id


def wake(app: FastAPI) -> None:
    """Nudge the embedded webhook runner instead of waiting for its poll."""
    runner = getattr(app.state, "webhooks", None)
    if runner is not None:
        runner.wake()
