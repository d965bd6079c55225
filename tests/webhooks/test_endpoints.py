"""Endpoints API: secrets shown once, filters validated, admins only, per tenant."""

from __future__ import annotations

import base64

import httpx
from fastapi import FastAPI
from sqlmodel import select

from app.core.db import transaction
from app.models import Property, WebhookEndpoint
from tests.conftest import MakeTenant, TenantClient
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver


async def _property(app: FastAPI, tenant: TenantClient, code: str) -> None:
    async with transaction(app.state.sessions) as session:
        session.add(Property(tenant_id=tenant.tenant_id, code=code, name=code))


async def test_create_shows_the_secret_once_and_never_again(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    url = receiver.inbox().url
    created = await register(http, admin, url, description="front desk", event_types=[])
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
    assert created["enabled"] is True and created["event_types"] == []

    listed = await http.get("/v1/webhook-endpoints", headers=admin.auth)
    one = await http.get(f"/v1/webhook-endpoints/{created['id']}", headers=admin.auth)
    assert [e["id"] for e in listed.json()["items"]] == [created["id"]]
    assert one.json()["url"] == url and one.json()["description"] == "front desk"
    for answer in (listed, one):
        assert "secret" not in answer.json().get("items", [answer.json()])[0]
        assert secret not in answer.text and secret[6:] not in answer.text

    async with transaction(app.state.sessions) as session:
        row = (
            await session.exec(select(WebhookEndpoint).where(WebhookEndpoint.id == created["id"]))
        ).one()
    assert secret[6:] not in row.model_dump_json()  # stored encrypted


async def test_rotation_shows_the_new_secret_once_and_keeps_the_old_for_the_grace(
    http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    created = await register(http, admin, receiver.inbox().url)
    path = f"/v1/webhook-endpoints/{created['id']}"
    rotated = await http.post(f"{path}/rotate-secret", json={}, headers=admin.auth)
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    assert rotated.json()["previous_secret_valid_until"] is not None  # 24 h by default
    shown = await http.get(path, headers=admin.auth)
    assert new not in shown.text
    assert (
        shown.json()["previous_secret_valid_until"] == rotated.json()["previous_secret_valid_until"]
    )
    at_once = await http.post(
        f"{path}/rotate-secret", json={"grace_period_seconds": 0}, headers=admin.auth
    )
    assert at_once.json()["previous_secret_valid_until"] is None
    too_long = await http.post(
        f"{path}/rotate-secret", json={"grace_period_seconds": 10**8}, headers=admin.auth
    )
    assert too_long.status_code == 422


async def test_bad_input_is_a_problem_and_changes_nothing(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    url = receiver.inbox().url
    cases = [
        ({"url": url, "event_types": ["guest.created", "guest.exploded"]}, "unknown-event-type"),
        ({"url": url, "property_code": "NOPE"}, "unknown-property"),
        ({"url": url, "surprise": 1}, "validation"),
        ({"url": ""}, "validation"),
        ({"url": "ftp://127.0.0.1/x"}, "webhook-url-refused"),
        ({"url": "http://10.0.0.1/hook"}, "webhook-url-refused"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "webhook-url-refused"),
        ({"url": "http://127.0.0.2:9/x"}, "webhook-url-refused"),
        ({"url": "not a url"}, "webhook-url-refused"),
        ({"url": url + "#frag"}, "webhook-url-refused"),
    ]
    for body, kind in cases:
        answer = await http.post("/v1/webhook-endpoints", json=body, headers=admin.auth)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith("/" + kind), (body, answer.text)
    assert (await http.get("/v1/webhook-endpoints", headers=admin.auth)).json()["items"] == []

    created = await register(http, admin, url, event_types=["guest.merged"])
    path = f"/v1/webhook-endpoints/{created['id']}"
    for body, kind in [
        ({"event_types": ["nope"], "description": "changed"}, "unknown-event-type"),
        ({"url": "http://192.168.1.10/", "description": "changed"}, "webhook-url-refused"),
        ({"property_code": "NOPE"}, "unknown-property"),
        ({"secret": "whsec_mine"}, "validation"),
    ]:
        answer = await http.patch(path, json=body, headers=admin.auth)
        assert answer.status_code == 422 and answer.json()["type"].endswith("/" + kind)
    unchanged = (await http.get(path, headers=admin.auth)).json()
    assert unchanged["url"] == url and unchanged["description"] == ""
    assert unchanged["event_types"] == ["guest.merged"]


async def test_update_filters_disable_enable_and_delete(
    app: FastAPI, http: httpx.AsyncClient, admin: TenantClient, receiver: Receiver
) -> None:
    await _property(app, admin, "H001")
    created = await register(http, admin, receiver.inbox().url, property_code="H001")
    path = f"/v1/webhook-endpoints/{created['id']}"
    assert created["property_code"] == "H001"

    changed = await http.patch(
        path,
        json={"event_types": ["hint.created", "guest.merged", "hint.created"], "enabled": False},
        headers=admin.auth,
    )
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["guest.merged", "hint.created"]
    assert changed.json()["enabled"] is False
    assert changed.json()["disabled_reason"] == "disabled by an admin"

    again = await http.patch(
        path, json={"enabled": True, "property_code": None}, headers=admin.auth
    )
    assert again.json()["enabled"] is True and again.json()["disabled_reason"] is None
    assert again.json()["property_code"] is None

    assert (await http.delete(path, headers=admin.auth)).status_code == 204
    assert (await http.get(path, headers=admin.auth)).status_code == 404
    assert (await http.delete(path, headers=admin.auth)).status_code == 404


async def test_event_type_catalogue(http: httpx.AsyncClient, admin: TenantClient) -> None:
    answer = await http.get("/v1/webhook-event-types", headers=admin.auth)
    assert answer.status_code == 200
    types = {t["type"]: t for t in answer.json()["items"]}
    assert {"hint.created", "guest.merged", "guest.unmerged", "guest.erased"} <= set(types)
    assert types["hint.created"]["scope"] == "property"
    assert types["guest.erased"]["scope"] == "tenant"


async def test_endpoints_need_admin_and_stay_in_their_tenant(
    http: httpx.AsyncClient, admin: TenantClient, make_tenant: MakeTenant, receiver: Receiver
) -> None:
    other = await make_tenant(scopes=("admin",))
    reader = await make_tenant()
    url = receiver.inbox().url
    created = await register(http, admin, url)
    path = f"/v1/webhook-endpoints/{created['id']}"

    assert (await http.get("/v1/webhook-endpoints", headers=reader.auth)).status_code == 403
    denied = await http.post("/v1/webhook-endpoints", json={"url": url}, headers=reader.auth)
    assert denied.status_code == 403
    assert (await http.get("/v1/webhook-messages", headers=reader.auth)).status_code == 403

    assert (await http.get("/v1/webhook-endpoints", headers=other.auth)).json()["items"] == []
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"description": "mine now"}),
        ("POST", "/rotate-secret", {}),
        ("GET", "/attempts", None),
        ("POST", "/replay", {"since": "2020-01-01T00:00:00Z"}),
        ("DELETE", "", None),
    ]:
        answer = await http.request(method, path + suffix, json=body, headers=other.auth)
        assert answer.status_code == 404, (method, suffix, answer.text)
    still = await http.get(path, headers=admin.auth)
    assert still.status_code == 200 and still.json()["description"] == ""
