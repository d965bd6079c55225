"""Pull syncs with OAuth2: tokens obtained from the stored credentials, rotations kept encrypted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from app.core.db import transaction
from app.inbound import fetch, sync
from app.inbound.secrets import decrypt_credentials
from app.models import Connection
from app.models.base import utcnow
from connectors.http import iso
from connectors.oauth import TokenCache
from tests.conftest import MakeTenant
from tests.connectors.fakes import apaleo_api, cloudbeds_api
from tests.inbound.helpers import admin, connect
from tests.inbound.test_sync import DAY, Sleeps, counts, synced


class CloudbedsOAuth:
    """Cloudbeds with the refresh-token grant: each refresh hands out a new refresh token."""

    def __init__(self) -> None:
        self.refreshes: list[str] = []
        self.api = cloudbeds_api(3, 2)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access_token"):
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            self.refreshes.append(form["refresh_token"])
            n = len(self.refreshes)
            body = {"access_token": f"at-{n}", "expires_in": 3600, "refresh_token": f"rt-{n}"}
            return httpx.Response(200, json=body)
        if not request.headers.get("authorization", "").startswith("Bearer at-"):
            return httpx.Response(401)
        # The fake API checks x-api-key; the token stands in for it here.
        headers = {**dict(request.headers), "x-api-key": "cbat_test"}
        forwarded = httpx.Request(request.method, request.url, headers=headers)
        return self.api(forwarded)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorder = Sleeps()
    monkeypatch.setattr(sync, "SLEEP", recorder)
    monkeypatch.setattr(fetch, "TOKENS", TokenCache())
    return recorder


async def test_cloudbeds_sync_refreshes_its_token_and_keeps_the_rotated_refresh_token(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    monkeypatch: pytest.MonkeyPatch,
    fresh: Sleeps,
) -> None:
    fake = CloudbedsOAuth()
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(fake))
    monkeypatch.setattr(sync, "PAGE_SIZE", 2)
    tenant = await admin(make_tenant)
    creds = {
        "client_id": "live1_1",
        "client_secret": "cs-secret",
        "refresh_token": "rt-0",
        "base_url": "https://cloudbeds.test/api/v1.2",
        "since": (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "sync_interval_seconds": str(DAY),
    }
    conn_id, _ = await connect(http, tenant, "cloudbeds", credentials=creds)
    answer = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert answer.status_code == 202, answer.text
    await synced(app, tenant.tenant_id)
    assert fake.refreshes == ["rt-0"]  # one token for all four pages
    assert await counts(app, tenant.tenant_id) == (3, 2, 5)
    async with transaction(app.state.sessions) as session:
        row = (await session.exec(select(Connection).where(Connection.id == conn_id))).one()
    stored = decrypt_credentials("t" * 48, row.credentials)
    assert stored["refresh_token"] == "rt-1" and "rt-1" not in row.credentials
    listed = await http.get("/v1/connections", headers=tenant.auth)
    assert "rt-1" not in listed.text and "cs-secret" not in listed.text


async def test_apaleo_sync_with_client_credentials(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    monkeypatch: pytest.MonkeyPatch,
    fresh: Sleeps,
) -> None:
    grants: list[str] = []
    api = apaleo_api(3, token="apaleo-at")

    def vendor(request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.test":
            grants.append(request.headers["authorization"])
            return httpx.Response(200, json={"access_token": "apaleo-at", "expires_in": 3600})
        return api(request)

    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(vendor))
    monkeypatch.setattr(sync, "PAGE_SIZE", 2)
    tenant = await admin(make_tenant)
    creds = {
        "client_id": "AC",
        "client_secret": "s",
        "identity_url": "https://identity.test/connect/token",
        "base_url": "https://apaleo.test",
        "since": iso(utcnow() - timedelta(hours=1)),
        "sync_interval_seconds": str(DAY),
    }
    conn_id, _ = await connect(http, tenant, "apaleo", webhook_secret="u:p", credentials=creds)
    answer = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert answer.status_code == 202, answer.text
    jobs = await synced(app, tenant.tenant_id)
    assert [j.status for j in jobs] == ["done", "done", "queued"]
    assert len(grants) == 1 and grants[0].startswith("Basic ")
    assert await counts(app, tenant.tenant_id) == (3, 3, 3)
