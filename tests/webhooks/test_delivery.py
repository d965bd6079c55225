"""Deliveries to a real local receiver: signed per Standard Webhooks, filtered, rotated."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.core.db import transaction
from app.models import Property
from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Inbox, Receiver


async def test_a_new_guest_arrives_signed_per_standard_webhooks(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox()
    endpoint = await register(http, admin, inbox.url, event_types=["guest.created"])
    stored = await http.post("/v1/records", json=anna(), headers=admin.auth)
    assert stored.status_code in (200, 201), stored.text
    profile_id = stored.json()["profile_id"]

    [got] = await inbox.wait_for(1, wake=lambda: wake(app))
    payload = got.verify(endpoint["secret"])  # the reference verifier, not ours
    assert payload["type"] == "guest.created"
    assert payload["data"]["profile_id"] == profile_id
    assert payload["timestamp"].endswith("Z")
    assert got.webhook_id.startswith("msg_")
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(got.body, got.headers)

    messages = await _settled(http, admin)
    [message] = messages
    assert message["id"] == got.webhook_id and message["profile_id"] == profile_id
    [delivery] = message["deliveries"]
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 1
    detail = await http.get(f"/v1/webhook-messages/{message['id']}", headers=admin.auth)
    assert detail.json()["payload"] == json.loads(got.body)
    attempts = await http.get(
        f"/v1/webhook-endpoints/{endpoint['id']}/attempts", headers=admin.auth
    )
    [attempt] = attempts.json()["items"]
    assert attempt["status_code"] == 200 and attempt["outcome"] == "succeeded"
    assert attempt["message_id"] == got.webhook_id and attempt["error"] is None


async def test_endpoints_get_only_the_types_and_property_they_asked_for(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    async with transaction(app.state.sessions) as session:
        for code in ("H1", "H2"):
            session.add(Property(tenant_id=admin.tenant_id, code=code, name=code))
    hints_h1, all_h2, merges = receiver.inbox(), receiver.inbox(), receiver.inbox()
    await register(http, admin, hints_h1.url, event_types=["hint.created"], property_code="H1")
    await register(http, admin, all_h2.url, property_code="H2")
    await register(http, admin, merges.url, event_types=["guest.merged"])

    await emit(app, admin, "hint.created", {"property_id": "H1", "reservation_id": "R1"})
    await emit(app, admin, "hint.created", {"property_id": "H2", "reservation_id": "R2"})
    await emit(app, admin, "guest.merged", {"survivor_id": "p1", "merged_id": "p2"}, "p1")
    await emit(app, admin, "guest.created", profile_id="p3")
    await emit(app, admin, "internal.only", {"property_id": "H2"})  # not in the catalogue

    await merges.wait_for(1, wake=lambda: wake(app))
    await all_h2.wait_for(3, wake=lambda: wake(app))
    await hints_h1.wait_for(1, wake=lambda: wake(app))
    await asyncio.sleep(0.5)  # anything wrongly sent would have arrived by now

    def seen(box: Inbox) -> list[tuple[str, object]]:
        out = []
        for r in box.accepted():
            body = json.loads(r.body)
            out.append((body["type"], body["data"].get("property_id")))
        return sorted(out, key=str)

    assert seen(hints_h1) == [("hint.created", "H1")]
    # Events of no property (merges, new guests) also reach property endpoints.
    assert seen(all_h2) == [("guest.created", None), ("guest.merged", None), ("hint.created", "H2")]
    assert seen(merges) == [("guest.merged", None)]


async def test_rotation_sends_both_signatures_during_the_grace_then_only_the_new(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox()
    endpoint = await register(http, admin, inbox.url)
    old = endpoint["secret"]
    rotated = await http.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
        json={"grace_period_seconds": 2},
        headers=admin.auth,
    )
    new = rotated.json()["secret"]

    await emit(app, admin, "guest.created", profile_id="p-during")
    [during] = await inbox.wait_for(1, wake=lambda: wake(app))
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    during.verify(old)
    during.verify(new)

    await asyncio.sleep(2.2)
    await emit(app, admin, "guest.created", profile_id="p-after")
    after = (await inbox.wait_for(2, wake=lambda: wake(app)))[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verify(new)["data"]["profile_id"] == "p-after"
    with pytest.raises(WebhookVerificationError):
        after.verify(old)


async def test_events_of_a_tenant_never_reach_another_tenants_endpoint(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    make_tenant: MakeTenant,
    receiver: Receiver,
) -> None:
    other = await make_tenant(scopes=("admin",))
    mine, theirs = receiver.inbox(), receiver.inbox()
    await register(http, admin, mine.url)
    theirs_endpoint = await register(http, other, theirs.url)
    await emit(app, admin, "guest.created", profile_id="only-mine")
    await mine.wait_for(1, wake=lambda: wake(app))
    await asyncio.sleep(0.5)
    assert theirs.requests == []
    assert (await http.get("/v1/webhook-messages", headers=other.auth)).json()["items"] == []
    listed = await http.get(
        "/v1/webhook-messages", params={"endpoint_id": theirs_endpoint["id"]}, headers=admin.auth
    )
    assert listed.json()["items"] == []
    await http.delete(f"/v1/webhook-endpoints/{theirs_endpoint['id']}", headers=other.auth)


async def _settled(http: httpx.AsyncClient, tenant: TenantClient) -> list[dict[str, Any]]:
    """The tenant's messages once none is pending any more."""
    for _ in range(100):
        answer = await http.get("/v1/webhook-messages", headers=tenant.auth)
        items: list[dict[str, Any]] = answer.json()["items"]
        pending = [d for m in items for d in m["deliveries"] if d["status"] == "pending"]
        if items and not pending:
            return items
        await asyncio.sleep(0.05)
    raise AssertionError("messages still pending")


async def test_a_committed_event_is_sent_at_once_not_at_the_next_poll(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = receiver.inbox()
    await register(http, admin, inbox.url, event_types=["guest.created"])
    monkeypatch.setattr(app.state.settings, "webhook_poll_seconds", 60.0)
    await asyncio.sleep(0.3)  # the loops finish their short waits and settle into long ones
    stored = await http.post("/v1/records", json=anna(), headers=admin.auth)
    assert stored.status_code in (200, 201), stored.text
    [got] = await inbox.wait_for(1, seconds=5.0)  # no nudge: the commit itself wakes them
    assert got.webhook_id.startswith("msg_")
