"""Shared helpers of the inbound tests: connections, deliveries, waiting for the worker."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from sqlmodel import col, select

from app.core.db import transaction
from app.models import InboundEvent, Job
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture

MEWS_CREDENTIALS = {
    "client_token": "ct-test",
    "access_token": "at-test",
    "base_url": "https://mews.test",
}
OTA_SECRET = "bdc-relay:s3cret-pw"  # the RequestorID of the OpenTravel fixtures
GOOGLE_AUDIENCE = "guestid-widget.apps.googleusercontent.com"


async def admin(make_tenant: MakeTenant) -> TenantClient:
    """A fresh tenant whose client may manage connections."""
    return await make_tenant(scopes=("admin",))


async def connect(
    http: httpx.AsyncClient, tenant: TenantClient, source: str, **body: Any
) -> tuple[str, str]:
    """Create a connection; (connection id, webhook path with its token)."""
    answer = await http.post(
        "/v1/connections", json={"source": source, "name": source, **body}, headers=tenant.auth
    )
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return created["id"], urlsplit(created["webhook_url"]).path


def basic(secret: str) -> dict[str, str]:
    """An HTTP basic-auth header for 'user:password'."""
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def google_sign_in(**claims: Any) -> bytes:
    """The Google fixture with fresh times (verify checks expiry) and overridden claims."""
    data = json.loads(fixture("social/google.json"))
    now = int(time.time())
    data["claims"].update({"iat": now, "exp": now + 3600, **claims})
    return json.dumps(data).encode()


def mews_api(request: httpx.Request) -> httpx.Response:
    """A fake Mews Connector API answering with the customer and reservation fixtures."""
    if request.url.path.endswith("/customers/getAll"):
        return httpx.Response(200, content=fixture("mews/customer_new.json"))
    if "/reservations/getAll" in request.url.path:
        return httpx.Response(200, content=fixture("mews/reservation_new.json"))
    return httpx.Response(404)


async def events(app: FastAPI, tenant_id: str) -> list[InboundEvent]:
    """The tenant's stored inbound events."""
    async with transaction(app.state.sessions) as session:
        stmt = select(InboundEvent).where(InboundEvent.tenant_id == tenant_id)
        return list((await session.exec(stmt)).all())


async def jobs(app: FastAPI, tenant_id: str) -> list[Job]:
    """The tenant's inbound.process jobs."""
    async with transaction(app.state.sessions) as session:
        stmt = select(Job).where(Job.tenant_id == tenant_id, Job.kind == "inbound.process")
        return list((await session.exec(stmt)).all())


async def settled(
    app: FastAPI, event_ids: Sequence[str], seconds: float = 15
) -> list[InboundEvent]:
    """Wait until the worker has handled every given event; the events."""
    for _ in range(int(seconds / 0.05)):
        async with transaction(app.state.sessions) as session:
            stmt = select(InboundEvent).where(col(InboundEvent.id).in_(list(event_ids)))
            found = list((await session.exec(stmt)).all())
        if len(found) == len(event_ids) and all(e.status != "received" for e in found):
            return found
        app.state.worker.wake()
        await asyncio.sleep(0.05)
    raise AssertionError(f"events not processed: {[(e.id, e.status) for e in found]}")
