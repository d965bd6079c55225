"""Failures: retried on schedule, 410 and persistent failure disable, Retry-After, no redirects."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from app.core.db import transaction
from app.models import WebhookAttempt
from app.models.base import utcnow
from tests.conftest import TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Receiver, Reply, always, sequence


async def _attempts(http: httpx.AsyncClient, tenant: TenantClient, endpoint_id: str) -> Any:
    answer = await http.get(f"/v1/webhook-endpoints/{endpoint_id}/attempts", headers=tenant.auth)
    assert answer.status_code == 200
    return list(reversed(answer.json()["items"]))  # oldest first


async def _wait_attempts(
    http: httpx.AsyncClient, tenant: TenantClient, endpoint_id: str, count: int
) -> Any:
    for _ in range(200):
        attempts = await _attempts(http, tenant, endpoint_id)
        if len(attempts) >= count:
            return attempts
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(attempts)} attempts logged, expected {count}")


async def _endpoint(http: httpx.AsyncClient, tenant: TenantClient, endpoint_id: str) -> Any:
    return (await http.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=tenant.auth)).json()


async def test_failures_are_retried_until_a_2xx_and_every_attempt_is_logged(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox(sequence(Reply(500), Reply(503), Reply(200)))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    await inbox.wait_for(1, wake=lambda: wake(app))
    ids = {r.webhook_id for r in inbox.requests}
    assert len(inbox.requests) == 3 and len(ids) == 1  # the same message, three times
    for request in inbox.requests:
        request.verify(endpoint["secret"])
    attempts = await _wait_attempts(http, admin, endpoint["id"], 3)
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in attempts] == [
        (1, 500, "failed"),
        (2, 503, "failed"),
        (3, 200, "succeeded"),
    ]
    assert attempts[0]["error"] == "http_status" and attempts[2]["error"] is None
    gaps = [b.at - a.at for a, b in zip(inbox.requests, inbox.requests[1:], strict=False)]
    assert gaps[0] >= 0.15 and gaps[1] >= 0.35  # the schedule: 0.2 s, then 0.4 s
    assert (await _endpoint(http, admin, endpoint["id"]))["failing_since"] is None


async def test_a_delivery_that_keeps_failing_stops_after_the_last_retry(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox(always(500))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    await _wait_attempts(http, admin, endpoint["id"], 4)  # the test schedule has 4 steps
    await asyncio.sleep(1.0)
    assert len(inbox.requests) == 4
    [message] = (await http.get("/v1/webhook-messages", headers=admin.auth)).json()["items"]
    [delivery] = message["deliveries"]
    assert delivery["status"] == "failed" and delivery["attempts"] == 4
    assert delivery["last_status_code"] == 500 and delivery["next_attempt_at"] is None
    shown = await _endpoint(http, admin, endpoint["id"])
    assert shown["enabled"] is True and shown["failing_since"] is not None


async def test_410_disables_the_endpoint_until_enabled_and_replay_recovers_the_gap(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    inbox = receiver.inbox(sequence(Reply(410), Reply(200)))
    endpoint = await register(http, admin, inbox.url)
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    before = utcnow()
    await emit(app, admin, profile_id="gone")
    await _wait_attempts(http, admin, endpoint["id"], 1)
    for _ in range(50):
        shown = await _endpoint(http, admin, endpoint["id"])
        if not shown["enabled"]:
            break
        await asyncio.sleep(0.05)
    assert shown["enabled"] is False and "410" in shown["disabled_reason"]

    await emit(app, admin, profile_id="while-disabled")
    await asyncio.sleep(0.6)
    assert len(inbox.requests) == 1  # nothing is sent to a disabled endpoint

    enabled = await http.patch(path, json={"enabled": True}, headers=admin.auth)
    assert enabled.json()["enabled"] is True and enabled.json()["disabled_reason"] is None
    replayed = await http.post(
        f"{path}/replay", json={"since": before.isoformat()}, headers=admin.auth
    )
    assert replayed.status_code == 202 and replayed.json()["replayed"] == 2
    got = await inbox.wait_for(2, wake=lambda: wake(app))
    profiles = sorted(r.verify(endpoint["secret"])["data"]["profile_id"] for r in got)
    assert profiles == ["gone", "while-disabled"]


async def test_retry_after_is_honoured(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Retry-After is capped by the longest step of the schedule, so make that longer here.
    monkeypatch.setattr(app.state.settings, "webhook_retry_schedule", [0, 0.2, 5])
    inbox = receiver.inbox(sequence(Reply(429, {"Retry-After": "1"}), Reply(200)))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    await inbox.wait_for(1, seconds=10, wake=lambda: wake(app))
    first, second = inbox.requests
    assert second.at - first.at >= 0.95  # not the 0.2 s the schedule alone would give
    attempts = await _wait_attempts(http, admin, endpoint["id"], 2)
    assert [a["status_code"] for a in attempts] == [429, 200]


async def test_redirects_are_failures_and_never_followed(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    elsewhere = receiver.inbox()
    inbox = receiver.inbox(always(302, headers={"Location": elsewhere.url}))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    attempts = await _wait_attempts(http, admin, endpoint["id"], 2)
    assert {(a["status_code"], a["outcome"], a["error"]) for a in attempts} == {
        (302, "failed", "redirect")
    }
    assert elsewhere.requests == []


async def test_a_hanging_receiver_times_out_and_is_retried(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.state.settings, "webhook_timeout_seconds", 0.5)
    inbox = receiver.inbox(sequence(Reply(200, delay=2.0), Reply(200)))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    attempts = await _wait_attempts(http, admin, endpoint["id"], 2)
    assert attempts[0]["error"] == "timeout" and attempts[0]["status_code"] is None
    assert 400 <= attempts[0]["latency_ms"] < 1500
    assert attempts[1]["outcome"] == "succeeded"


async def test_the_receivers_body_is_never_shown_or_stored(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    leak = b"internal stack trace: password=hunter2"
    inbox = receiver.inbox(sequence(Reply(500, body=leak), Reply(200, body=leak)))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    await _wait_attempts(http, admin, endpoint["id"], 2)
    answers = [
        await http.get(f"/v1/webhook-endpoints/{endpoint['id']}/attempts", headers=admin.auth),
        await http.get("/v1/webhook-messages", headers=admin.auth),
        await http.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=admin.auth),
    ]
    for answer in answers:
        assert "hunter2" not in answer.text
    async with transaction(app.state.sessions) as session:
        rows = (
            await session.exec(
                select(WebhookAttempt).where(WebhookAttempt.tenant_id == admin.tenant_id)
            )
        ).all()
    assert rows and all("hunter2" not in r.model_dump_json() for r in rows)


async def test_an_endpoint_with_nothing_but_failures_for_too_long_is_disabled(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = app.state.settings
    monkeypatch.setattr(settings, "webhook_disable_after_hours", 1 / 3600)  # one second
    monkeypatch.setattr(settings, "webhook_retry_schedule", [0] + [0.3] * 10)
    inbox = receiver.inbox(always(500))
    endpoint = await register(http, admin, inbox.url)
    await emit(app, admin, profile_id="p1")
    for _ in range(100):
        shown = await _endpoint(http, admin, endpoint["id"])
        if not shown["enabled"]:
            break
        await asyncio.sleep(0.05)
    assert shown["enabled"] is False
    assert shown["disabled_reason"].startswith("nothing but failures")
    sent = len(inbox.requests)
    assert sent >= 4  # attempts spanning over a second before giving up on the URL
    await asyncio.sleep(0.8)
    assert len(inbox.requests) == sent
