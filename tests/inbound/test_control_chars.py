"""Control characters in vendor payloads: removed where the payload becomes records and ids.

PostgreSQL text refuses U+0000. The API answers 422 for one; a vendor's delivery is already
acknowledged when the worker reads it, so the connector boundary strips them instead.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from tests.conftest import MakeTenant
from tests.connectors.conftest import fixture
from tests.inbound.helpers import MEWS_CREDENTIALS, admin, basic, connect, events, settled

CUSTOMER = "c2f1d888-232e-49eb-87ac-5f75363af13b"


def _mews_api_with_controls(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/customers/getAll"):
        data: dict[str, Any] = json.loads(fixture("mews/customer_new.json"))
        customer = data["Customers"][0]
        customer["FirstName"] = "An\u0000na"
        customer["LastName"] = "M\u0000üller\u0007"
        customer["Address"]["City"] = "\u0000Berlin\u001f"
        customer["Notes"] = "\u0000"
        return httpx.Response(200, content=json.dumps(data).encode())
    if "/reservations/getAll" in request.url.path:
        return httpx.Response(200, content=fixture("mews/reservation_new.json"))
    return httpx.Response(404)


async def test_a_nul_in_a_mews_guest_name_is_stripped_and_the_guest_resolved(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(_mews_api_with_controls))
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)

    answer = await http.post(path, content=fixture("mews/webhook_general.json"))
    assert answer.status_code == 202, answer.text
    [event] = await settled(app, [answer.json()["id"]])
    assert (event.status, event.error) == ("processed", None)

    record = await http.get(f"/v1/records/mews/{CUSTOMER}", headers=tenant.auth)
    assert record.status_code == 200, record.text
    data = record.json()["data"]
    assert (data["first_name"], data["last_name"]) == ("Anna", "Müller")
    assert data["address"]["city"] == "Berlin"
    profile_id = record.json()["profile_id"]
    profile = (await http.get(f"/v1/profiles/{profile_id}", headers=tenant.auth)).json()
    assert profile["stays"], profile
    found = await http.get("/v1/profiles", params={"name": "Anna Müller"}, headers=tenant.auth)
    assert [p["id"] for p in found.json()["items"]] == [profile_id]


async def test_a_nul_in_an_apaleo_webhook_id_is_stored_once(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "apaleo", webhook_secret="hook:pw")
    hook = json.loads(fixture("apaleo/webhook_checked_in.json"))
    hook["id"] = "1b7f3a9e\u0000-92c4"
    hook["data"]["entityId"] = "XPGMSXGF\u0000-1"
    body = json.dumps(hook).encode()

    first = await http.post(path, content=body, headers=basic("hook:pw"))
    assert first.status_code == 202, first.text
    again = await http.post(path, content=body, headers=basic("hook:pw"))
    assert again.json() == {"id": first.json()["id"], "duplicate": True}
    [event] = await settled(app, [first.json()["id"]])
    assert event.status == "needs_fetch"  # no API credentials on this connection
    assert event.entity is not None and "\x00" not in event.entity
    assert "XPGMSXGF-1" in event.entity


async def test_a_raw_nul_byte_in_a_delivery_is_stored_without_it(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "mews")
    body = fixture("mews/webhook_general.json").replace(CUSTOMER.encode(), b"c2f1\x00d888")
    answer = await http.post(path, content=body)
    assert answer.status_code == 202, answer.text
    [event] = await settled(app, [answer.json()["id"]])
    assert "\x00" not in event.body
    assert [e.id for e in await events(app, tenant.tenant_id)] == [event.id]
