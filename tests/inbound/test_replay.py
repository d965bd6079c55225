"""Stuck inbound events: listed for admins (never their bodies), replayed, failed when exhausted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from app.inbound import fetch, receive
from app.models import Job
from connectors.oauth import TokenCache
from tests.conftest import MakeTenant
from tests.connectors.conftest import fixture
from tests.inbound.helpers import admin, connect, settled

CLOUDBEDS = {"api_key": "cbat_test", "base_url": "https://cloudbeds.test/api/v1.2"}
HOOK = "cloudbeds/webhook_reservation_created.json"


def cloudbeds(request: httpx.Request) -> httpx.Response:
    if request.headers.get("x-api-key") != "cbat_test":
        return httpx.Response(401)
    return httpx.Response(200, content=fixture("cloudbeds/reservation_new.json"))


class Switch:
    """A vendor that is down until switched on."""

    def __init__(self) -> None:
        self.up = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return cloudbeds(request) if self.up else httpx.Response(503)


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Switch:
    switch = Switch()

    async def no_pause(seconds: float) -> None:
        return None

    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(switch))
    monkeypatch.setattr(fetch, "SLEEP", no_pause)
    monkeypatch.setattr(fetch, "TOKENS", TokenCache())
    return switch


async def test_needs_fetch_is_replayed_once_credentials_are_added(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendor: Switch
) -> None:
    vendor.up = True
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "cloudbeds")  # no API credentials yet
    answer = await http.post(path, content=fixture(HOOK))
    [event] = await settled(app, [answer.json()["id"]])
    assert (event.status, event.entity) == ("needs_fetch", "reservation:5129837201")

    listed = await http.get(
        "/v1/inbound-events", params={"status": "needs_fetch"}, headers=tenant.auth
    )
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["id"] == event.id and item["connection_id"] == conn_id
    assert "body" not in item and "5129837201" not in str(item.get("error"))

    patched = await http.patch(
        f"/v1/connections/{conn_id}", json={"credentials": CLOUDBEDS}, headers=tenant.auth
    )
    assert patched.status_code == 200, patched.text
    replay = await http.post(f"/v1/connections/{conn_id}/replay", json={}, headers=tenant.auth)
    assert replay.status_code == 202, replay.text
    assert replay.json() == {"replayed": [event.id], "more": False}
    [event] = await settled(app, [event.id])
    assert (event.status, event.entity, event.replays) == ("processed", None, 1)
    record = await http.get("/v1/records/cloudbeds/41028833", headers=tenant.auth)
    assert record.status_code == 200, record.text
    # Nothing left to replay.
    again = await http.post(f"/v1/connections/{conn_id}/replay", json={}, headers=tenant.auth)
    assert again.json() == {"replayed": [], "more": False}


async def test_an_event_whose_job_runs_out_of_attempts_ends_failed_then_replays(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    vendor: Switch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = receive.enqueue

    def one_attempt(session: AsyncSession, tenant_id: str, kind: str, payload: Any) -> Job:
        return real(session, tenant_id, kind, payload, max_attempts=1)

    monkeypatch.setattr(receive, "enqueue", one_attempt)
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "cloudbeds", credentials=CLOUDBEDS)
    answer = await http.post(path, content=fixture(HOOK))
    [event] = await settled(app, [answer.json()["id"]])
    assert (event.status, event.error) == ("failed", "SourceError 503")

    vendor.up = True
    replay = await http.post(f"/v1/inbound-events/{event.id}/replay", headers=tenant.auth)
    assert replay.status_code == 202, replay.text
    assert (replay.json()["status"], replay.json()["error"]) == ("received", None)
    [event] = await settled(app, [event.id])
    assert (event.status, event.error, event.replays) == ("processed", None, 1)


async def test_replay_refuses_what_is_not_stuck_and_what_is_not_yours(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendor: Switch
) -> None:
    vendor.up = True
    a, b = await admin(make_tenant), await admin(make_tenant)
    conn_a, path = await connect(http, a, "cloudbeds", credentials=CLOUDBEDS)
    answer = await http.post(path, content=fixture(HOOK))
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed"
    cases = [
        (a, f"/v1/inbound-events/{event.id}/replay", None, 409, "not-replayable"),
        (b, f"/v1/inbound-events/{event.id}/replay", None, 404, "not-found"),
        (b, f"/v1/connections/{conn_a}/replay", {}, 404, "not-found"),
        (a, f"/v1/connections/{conn_a}/replay", {"statuses": ["processed"]}, 422, "validation"),
        (a, f"/v1/connections/{conn_a}/replay", {"surprise": 1}, 422, "validation"),
    ]
    for who, url, body, status, kind in cases:
        got = await http.post(url, json=body, headers=who.auth)
        assert got.status_code == status, (url, got.text)
        assert got.headers["content-type"] == "application/problem+json"
        assert got.json()["type"].endswith("/" + kind)
    assert (await http.get("/v1/inbound-events", headers=b.auth)).json()["items"] == []
    bad = await http.get("/v1/inbound-events", params={"before": "nosuch"}, headers=a.auth)
    assert bad.status_code == 422 and bad.json()["type"].endswith("/invalid-cursor")
    reader = await make_tenant()
    assert (await http.get("/v1/inbound-events", headers=reader.auth)).status_code == 403
    [event] = await settled(app, [event.id])
    assert (event.status, event.replays) == ("processed", 0)  # refused replays changed nothing


async def test_events_are_listed_newest_first_in_pages(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "cloudbeds")
    ids = []
    for n in range(3):
        body = fixture(HOOK).replace(b"1764597000.512", f"1764597000.{n}".encode())
        ids.append((await http.post(path, content=body)).json()["id"])
    await settled(app, ids)
    seen: list[str] = []
    before = None
    for _ in range(4):
        params: dict[str, Any] = {"limit": 2, "connection_id": conn_id}
        if before:
            params["before"] = before
        page = (await http.get("/v1/inbound-events", params=params, headers=tenant.auth)).json()
        seen += [e["id"] for e in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 3
