"""Duplicated and out-of-order deliveries end where in-order delivery ends: newer versions win."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture
from tests.inbound.helpers import MEWS_CREDENTIALS, OTA_SECRET, admin, basic, connect, settled


class Lagging:
    """A vendor API whose next answers the test chooses (a replica may answer with old data)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[bytes]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        for suffix, queue in self.answers.items():
            if request.url.path.endswith(suffix) and queue:
                return httpx.Response(200, content=queue.pop(0))
        return httpx.Response(200, json={"Customers": [], "Reservations": []})


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Lagging:
    fake = Lagging()
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(fake))
    return fake


async def _deliver(
    app: FastAPI, http: httpx.AsyncClient, path: str, body: bytes, **headers: str
) -> None:
    answer = await http.post(path, content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed", event.error


async def _state(http: httpx.AsyncClient, tenant: TenantClient, record: str) -> dict[str, Any]:
    """What a tenant ends up with for one record: its data and its profile's stays."""
    got = await http.get(f"/v1/records/{record}", headers=tenant.auth)
    assert got.status_code == 200, got.text
    profile = await http.get(f"/v1/profiles/{got.json()['profile_id']}", headers=tenant.auth)
    return {"data": got.json()["data"], "stays": profile.json()["stays"]}


async def test_booking_com_messages_in_any_order_and_twice(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    messages = {n: fixture(f"opentravel/booking_{n}.xml") for n in ("new", "modify", "cancel")}
    states = []
    for order in (["new", "modify", "cancel"], ["cancel", "modify", "new", "modify", "cancel"]):
        tenant = await admin(make_tenant)
        _, path = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
        for name in order:
            answer = await http.post(path, content=messages[name], headers=basic(OTA_SECRET))
            assert answer.status_code == 202, answer.text
            await settled(app, [answer.json()["id"]])
        states.append(await _state(http, tenant, "booking/4012345678:1"))
    in_order, shuffled = states
    assert shuffled == in_order
    [stay] = in_order["stays"]
    assert stay["status"] == "cancelled"


async def test_apaleo_fetches_answered_with_older_versions_do_not_win(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendor: Lagging
) -> None:
    versions = {
        n: fixture(f"apaleo/reservation_{n}.json") for n in ("new", "modified", "cancelled")
    }
    hook = json.loads(fixture("apaleo/webhook_created.json"))
    states = []
    for order in (["new", "modified", "cancelled"], ["cancelled", "new", "modified"]):
        tenant = await admin(make_tenant)
        creds = {"token": "tok", "base_url": "https://apaleo.test"}
        _, path = await connect(http, tenant, "apaleo", webhook_secret="hook:pw", credentials=creds)
        for n, name in enumerate(order):
            vendor.answers["/reservations/XPGMSXGF-1"] = [versions[name]]
            body = json.dumps({**hook, "id": f"{hook['id']}-{n}"}).encode()
            await _deliver(app, http, path, body, **basic("hook:pw"))
        states.append(await _state(http, tenant, "apaleo/XPGMSXGF-1:guest"))
    in_order, shuffled = states
    assert shuffled == in_order
    assert [s["status"] for s in in_order["stays"]] == ["cancelled"]


async def test_mews_reservation_older_than_its_customer_still_brings_its_stay(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendor: Lagging
) -> None:
    # The customer was edited (20 Nov) after the reservation was made (1 Oct): a stay is a
    # version of the reservation, not of the customer, so the older-dated stay still counts.
    customer = fixture("mews/customer_profile_change.json")
    reservation = fixture("mews/reservation_new.json")
    hooks = {
        "customer": b'{"Events": [{"Discriminator": "CustomerUpdated", '
        b'"Value": {"Id": "c2f1d888-232e-49eb-87ac-5f75363af13b"}}]}',
        "reservation": b'{"Events": [{"Discriminator": "ServiceOrderUpdated", '
        b'"Value": {"Id": "bfee2c44-1f84-4326-a862-5289598f6e2d"}}]}',
    }
    states = []
    for order in (["reservation", "customer"], ["customer", "reservation"]):
        tenant = await admin(make_tenant)
        _, path = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)
        for name in order:
            vendor.answers = {"/customers/getAll": [customer]}
            if name == "reservation":
                vendor.answers["/reservations/getAll/2023-06-06"] = [reservation]
            await _deliver(app, http, path, hooks[name])
        states.append(await _state(http, tenant, "mews/c2f1d888-232e-49eb-87ac-5f75363af13b"))
    in_order, shuffled = states
    assert [s["reservation_id"] for s in shuffled["stays"]] == [
        "bfee2c44-1f84-4326-a862-5289598f6e2d"
    ]
    assert shuffled == in_order
