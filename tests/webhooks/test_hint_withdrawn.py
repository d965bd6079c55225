"""A front desk subscribed to its property's hints hears when one is withdrawn."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI

from app.core.db import transaction
from app.models import Property
from tests.conftest import TenantClient
from tests.hints.records import pms
from tests.webhooks.conftest import register, wake
from tests.webhooks.receiver import Receiver


async def test_a_cancelled_arrival_sends_hint_withdrawn_to_the_property_endpoint(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    async with transaction(app.state.sessions) as session:
        session.add(Property(tenant_id=admin.tenant_id, code="H001", name="Berlin"))
    inbox = receiver.inbox()
    endpoint = await register(
        http, admin, inbox.url, event_types=["hint.withdrawn"], property_code="H001"
    )
    arrival = pms("P-1", 0, 2, updated_at="2026-01-01T10:00:00Z")
    cancelled = {**arrival, "updated_at": "2026-01-01T11:00:00Z"}
    cancelled["stay"] = {**arrival["stay"], "status": "cancelled"}
    for record in (arrival, cancelled):
        answer = await http.post("/v1/records", json=record, headers=admin.auth)
        assert answer.status_code == 200, answer.text

    [got] = await inbox.wait_for(1, wake=lambda: wake(app))
    body = got.verify(endpoint["secret"])
    assert body["type"] == "hint.withdrawn"
    data = body["data"]
    assert (data["source"], data["reservation_id"], data["property_id"]) == ("pms", "P-1", "H001")
    assert (data["version"], data["reason"]) == (2, "cancelled")
    assert json.loads(got.body)["data"]["profile_id"] == answer.json()["profile_id"]
