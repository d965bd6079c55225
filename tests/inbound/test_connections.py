"""Connections: created by admins, secrets shown once, never listed, per tenant."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from sqlmodel import select

from app.core.db import transaction
from app.inbound.secrets import decrypt_credentials
from app.models import Connection
from app.tenancy import service as tenancy
from tests.conftest import MakeTenant
from tests.connectors.conftest import fixture
from tests.inbound.helpers import MEWS_CREDENTIALS, admin, basic, connect, settled


async def test_create_shows_the_token_once_and_list_never(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)
    token = path.rsplit("/", 1)[1]
    assert path == f"/v1/webhooks/mews/{token}" and len(token) >= 40

    listed = await http.get("/v1/connections", headers=tenant.auth)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == conn_id and item["authenticated_by"] == "url_token"
    assert "webhook_url" not in item
    for secret in (token, *MEWS_CREDENTIALS.values()):
        assert secret not in listed.text

    async with transaction(app.state.sessions) as session:
        row = (await session.exec(select(Connection).where(Connection.id == conn_id))).one()
    stored = row.model_dump_json()
    for secret in (token, MEWS_CREDENTIALS["client_token"], MEWS_CREDENTIALS["access_token"]):
        assert secret not in stored  # encrypted credentials, hashed token


async def test_bad_input_is_a_problem_and_creates_nothing(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    cases = [
        ({"source": "nosuch", "name": "x"}, "unknown-source"),
        ({"source": "apaleo", "name": "x"}, "missing-webhook-secret"),
        ({"source": "mews", "name": "x", "webhook_secret": "s"}, "unexpected-webhook-secret"),
        ({"source": "mews", "name": "x", "property_code": "NOPE"}, "unknown-property"),
        ({"source": "mews", "name": "x", "surprise": 1}, "validation"),
        ({"source": "mews", "name": ""}, "validation"),
        ({"source": "ota", "name": "x", "webhook_secret": "a", "credentials": {"Bad Key": "v"}},
         "validation"),
    ]  # fmt: skip
    for body, kind in cases:
        answer = await http.post("/v1/connections", json=body, headers=tenant.auth)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/" + kind), answer.text
    assert (await http.get("/v1/connections", headers=tenant.auth)).json()["items"] == []


async def test_connections_need_admin_and_stay_in_their_tenant(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    a, b = await admin(make_tenant), await admin(make_tenant)
    reader = await make_tenant()
    assert (await http.get("/v1/connections", headers=reader.auth)).status_code == 403
    denied = await http.post(
        "/v1/connections", json={"source": "mews", "name": "x"}, headers=reader.auth
    )
    assert denied.status_code == 403

    conn_id, _ = await connect(http, a, "booking", webhook_secret="u:p")
    assert (await http.get("/v1/connections", headers=b.auth)).json()["items"] == []
    assert (await http.delete(f"/v1/connections/{conn_id}", headers=b.auth)).status_code == 404
    assert (await http.delete(f"/v1/connections/{conn_id}", headers=a.auth)).status_code == 204
    assert (await http.delete(f"/v1/connections/{conn_id}", headers=a.auth)).status_code == 404


async def test_a_connection_can_serve_one_property(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    async with transaction(app.state.sessions) as session:
        row = await tenancy.find_tenant(session, tenant.tenant_id)
        await tenancy.create_property(session, row, "H001", "Berlin Mitte", "Europe/Berlin")
    answer = await http.post(
        "/v1/connections",
        json={"source": "mews", "name": "Berlin", "property_code": "H001"},
        headers=tenant.auth,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["property_code"] == "H001"


async def test_update_renames_rescopes_and_rotates_secrets_without_showing_them(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    async with transaction(app.state.sessions) as session:
        row = await tenancy.find_tenant(session, tenant.tenant_id)
        await tenancy.create_property(session, row, "H002", "Munich", "Europe/Berlin")
    conn_id, path = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)
    new_creds = {"client_token": "ct-rotated", "access_token": "at-rotated"}
    answer = await http.patch(
        f"/v1/connections/{conn_id}",
        json={"name": "Munich", "property_code": "H002", "credentials": new_creds},
        headers=tenant.auth,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["name"], body["property_code"], body["webhook_url"]) == ("Munich", "H002", None)
    for secret in (*new_creds.values(), *MEWS_CREDENTIALS.values()):
        assert secret not in answer.text
    async with transaction(app.state.sessions) as session:
        stored = (await session.exec(select(Connection).where(Connection.id == conn_id))).one()
    assert decrypt_credentials("t" * 48, stored.credentials) == new_creds
    assert "ct-rotated" not in stored.model_dump_json()

    # A new webhook URL: the old one is gone at once.
    rotated = await http.patch(
        f"/v1/connections/{conn_id}", json={"rotate_webhook_url": True}, headers=tenant.auth
    )
    new_path = urlsplit(rotated.json()["webhook_url"]).path
    assert new_path != path
    assert (await http.post(path, content=b'{"Events": []}')).status_code == 404
    assert (await http.post(new_path, content=b'{"Events": []}')).status_code == 202
    # Unset the property, disable: deliveries are refused.
    off = await http.patch(
        f"/v1/connections/{conn_id}",
        json={"property_code": None, "enabled": False},
        headers=tenant.auth,
    )
    assert (off.json()["property_code"], off.json()["enabled"]) == (None, False)
    assert (await http.post(new_path, content=b'{"Events": []}')).status_code == 404


async def test_rotating_a_webhook_secret_refuses_the_old_one(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "apaleo", webhook_secret="hook:old")
    hook = fixture("apaleo/webhook_healthcheck.json")
    assert (await http.post(path, content=hook, headers=basic("hook:old"))).status_code == 202
    answer = await http.patch(
        f"/v1/connections/{conn_id}",
        json={"webhook_secret": "hook:new", "credentials": {"property_id": "HFTF-BER"}},
        headers=tenant.auth,
    )
    assert answer.status_code == 200 and "hook:new" not in answer.text
    late = fixture("apaleo/webhook_created.json")
    assert (await http.post(path, content=late, headers=basic("hook:old"))).status_code == 401
    accepted = await http.post(path, content=late, headers=basic("hook:new"))
    assert accepted.status_code == 202
    # No API credentials: the thin event waits for a fetch instead of calling Apaleo.
    [event] = await settled(app, [accepted.json()["id"]])
    assert event.status == "needs_fetch"


async def test_bad_updates_are_problems_and_change_nothing(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant, other = await admin(make_tenant), await admin(make_tenant)
    conn_id, _ = await connect(http, tenant, "mews", name="Berlin")
    cases = [
        (tenant, {"property_code": "NOPE"}, 422, "unknown-property"),
        (tenant, {"webhook_secret": "s"}, 422, "unexpected-webhook-secret"),
        (tenant, {"credentials": {"webhook_secret": "s"}}, 422, "invalid-credentials"),
        (tenant, {"surprise": 1}, 422, "validation"),
        (tenant, {"name": ""}, 422, "validation"),
        (tenant, {"name": "Renamed", "property_code": "NOPE"}, 422, "unknown-property"),
        (other, {"name": "Mine now"}, 404, "not-found"),
    ]
    for who, body, status, kind in cases:
        answer = await http.patch(f"/v1/connections/{conn_id}", json=body, headers=who.auth)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/" + kind)
    [item] = (await http.get("/v1/connections", headers=tenant.auth)).json()["items"]
    assert (item["name"], item["property_code"]) == ("Berlin", None)
    reader = await make_tenant()
    denied = await http.patch(f"/v1/connections/{conn_id}", json={}, headers=reader.auth)
    assert denied.status_code == 403
