"""Manual replay of one message, to one endpoint, or of everything since a time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from fastapi import FastAPI

from app.models.base import utcnow
from tests.conftest import MakeTenant, TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Receiver, Reply, always, sequence


async def test_replaying_a_message_sends_it_again_with_the_same_webhook_id(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox()
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    [first] = await inbox.wait_for(1, wake=lambda: wake(app))

    replayed = await http.post(
        f"/v1/webhook-messages/{first.webhook_id}/replay", headers=admin.auth
    )
    assert replayed.status_code == 202 and replayed.json()["replayed"] == 1
    again = (await inbox.wait_for(2, wake=lambda: wake(app)))[1]
    assert again.webhook_id == first.webhook_id and again.body == first.body
    again.verify(endpoint["secret"])


async def test_a_message_can_be_replayed_to_an_endpoint_that_never_had_it(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    merges_only, everything = receiver.inbox(), receiver.inbox()
    newcomer = await register(http, admin, merges_only.url, event_types=["guest.merged"])
    await register(http, admin, everything.url)
    await emit(app, admin, profile_id="p1")
    [got] = await everything.wait_for(1, wake=lambda: wake(app))
    answer = await http.post(
        f"/v1/webhook-messages/{got.webhook_id}/replay",
        json={"endpoint_id": newcomer["id"]},
        headers=admin.auth,
    )
    assert answer.status_code == 202
    [sent] = await merges_only.wait_for(1, wake=lambda: wake(app))
    assert sent.webhook_id == got.webhook_id
    assert len(everything.requests) == 1  # the other endpoint is left alone


async def test_replay_since_only_failed_resends_just_the_failures(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox(always(500))
    endpoint = await register(http, admin, inbox.url)
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    since = utcnow() - timedelta(seconds=1)
    await emit(app, admin, profile_id="fails")
    await inbox.wait_requests(4)  # the whole test schedule
    inbox.behaviour = sequence(Reply(200))
    await emit(app, admin, profile_id="succeeds")
    await inbox.wait_for(1, wake=lambda: wake(app))

    answer = await http.post(
        f"{path}/replay", json={"since": since.isoformat(), "only_failed": True}, headers=admin.auth
    )
    assert answer.json() == {"replayed": 1, "next_since": None}
    got = await inbox.wait_for(2, wake=lambda: wake(app))
    assert got[1].verify(endpoint["secret"])["data"]["profile_id"] == "fails"
    await asyncio.sleep(0.5)
    assert len(inbox.accepted()) == 2


async def test_replay_needs_a_known_message_and_endpoint_of_the_tenant(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    make_tenant: MakeTenant,
    receiver: Receiver,
) -> None:
    inbox = receiver.inbox()
    await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    [got] = await inbox.wait_for(1, wake=lambda: wake(app))
    other = await make_tenant(scopes=("admin",))
    path = f"/v1/webhook-messages/{got.webhook_id}"
    assert (await http.post(f"{path}/replay", headers=other.auth)).status_code == 404
    assert (await http.get(path, headers=other.auth)).status_code == 404
    assert (
        await http.post("/v1/webhook-messages/msg_nope/replay", headers=admin.auth)
    ).status_code == 404
    unknown_endpoint = await http.post(
        f"{path}/replay", json={"endpoint_id": "nope"}, headers=admin.auth
    )
    assert unknown_endpoint.status_code == 404
    bad_since = await http.post(
        "/v1/webhook-endpoints/x/replay", json={"since": "yesterday"}, headers=admin.auth
    )
    assert bad_since.status_code == 422
    naive = await http.post(
        "/v1/webhook-endpoints/x/replay", json={"since": "2026-01-01T00:00:00"}, headers=admin.auth
    )
    assert naive.status_code == 422
