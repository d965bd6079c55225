"""OAuth2 client credentials and scopes, checked with authlib's own client."""

from __future__ import annotations

import time

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import FastAPI

from app.core.security import issue_access_token
from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient


async def test_authlib_client_gets_a_token_and_calls_the_api(
    app: FastAPI, tenant: TenantClient
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with AsyncOAuth2Client(
        client_id=tenant.client_id,
        client_secret=tenant.client_secret,
        token_endpoint_auth_method="client_secret_post",
        transport=transport,
        base_url="http://guestid.test",
    ) as client:
        token = await client.fetch_token(
            "http://guestid.test/oauth/token", grant_type="client_credentials"
        )
        assert token["token_type"] == "Bearer"
        assert 0 < token["expires_in"] <= 3600
        response = await client.post("/v1/records", json=anna())
        assert response.status_code == 200


async def test_wrong_secret_is_invalid_client(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(tenant.client_id, "gsk_wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    unknown = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("gid_unknown", "gsk_wrong")
    )
    assert unknown.status_code == 401


async def test_unsupported_grant(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "password"},
        auth=(tenant.client_id, tenant.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_scope_cannot_exceed_the_clients(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    reader = await make_tenant(scopes=("profiles:read",))
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "admin"},
        auth=(reader.client_id, reader.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    forbidden = await http.post("/v1/records", json=anna(), headers=reader.auth)
    assert forbidden.status_code == 403
    assert forbidden.json()["type"].endswith("/insufficient-scope")


async def test_missing_forged_and_expired_tokens_are_refused(
    http: httpx.AsyncClient, tenant: TenantClient, app: FastAPI
) -> None:
    assert (await http.get("/v1/profiles?name=x")).status_code == 401
    forged, _ = issue_access_token(
        "x" * 48, tenant.client_id, tenant.tenant_id, frozenset({"admin"}), 600
    )
    response = await http.get("/v1/profiles?name=x", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    secret = app.state.settings.secret_key
    expired, _ = issue_access_token(
        secret, tenant.client_id, tenant.tenant_id, frozenset({"admin"}), -int(time.time()) + 1
    )
    response = await http.get("/v1/profiles?name=x", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/invalid-token")
