"""Thin webhooks of Apaleo, Cloudbeds and OPERA: the named entity is fetched and ingested."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from connectors.oauth import TokenCache
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture
from tests.inbound.helpers import admin, basic, connect, settled

APALEO_OAUTH = {
    "client_id": "GUESTID-AC",
    "client_secret": "s3cret",
    "identity_url": "https://identity.test/connect/token",
    "base_url": "https://apaleo.test",
}
CLOUDBEDS = {"api_key": "cbat_test", "base_url": "https://cloudbeds.test/api/v1.2"}
OHIP = {"base_url": "https://ohip.test", "token": "t", "app_key": "app", "hotel_id": "BERMI"}


class Vendors:
    """One fake for every vendor API, by host; counts token grants and API calls."""

    def __init__(self) -> None:
        self.grants: list[dict[str, str]] = []
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        if host == "identity.test":
            self.grants.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
            return httpx.Response(200, json={"access_token": "apaleo-at", "expires_in": 3600})
        self.calls.append(f"{host}{path}")
        if host == "apaleo.test":
            if request.headers.get("authorization") != "Bearer apaleo-at":
                return httpx.Response(401)
            return httpx.Response(200, content=fixture("apaleo/reservation_new.json"))
        if host == "cloudbeds.test" and request.headers.get("x-api-key") == "cbat_test":
            if path.endswith("/getReservation"):
                return httpx.Response(200, content=fixture("cloudbeds/reservation_checkin.json"))
            data = json.loads(fixture("cloudbeds/guest_profile.json"))
            del data["data"]["guestID"]  # getGuest does not repeat the id
            return httpx.Response(200, json=data)
        if host == "ohip.test" and request.headers.get("x-app-key") == "app":
            if path.startswith("/crm/"):
                return httpx.Response(200, content=fixture("opera/profile_changed.json"))
            return httpx.Response(200, content=fixture("opera/reservation_detail.json"))
        return httpx.Response(403)


@pytest.fixture
def vendors(monkeypatch: pytest.MonkeyPatch) -> Vendors:
    fake = Vendors()
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(fake))
    monkeypatch.setattr(fetch, "TOKENS", TokenCache())  # no token from an earlier test
    return fake


async def _record(http: httpx.AsyncClient, tenant: TenantClient, path: str) -> dict[str, object]:
    answer = await http.get(f"/v1/records/{path}", headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    data: dict[str, object] = answer.json()
    return data


async def test_apaleo_webhook_fetches_with_a_client_credentials_token(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendors: Vendors
) -> None:
    tenant = await admin(make_tenant)
    conn_id, path = await connect(
        http, tenant, "apaleo", webhook_secret="hook:pw", credentials=APALEO_OAUTH
    )
    ids = []
    for name in ("webhook_created.json", "webhook_checked_in.json"):
        answer = await http.post(path, content=fixture(f"apaleo/{name}"), headers=basic("hook:pw"))
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    done = await settled(app, ids)
    assert {(e.status, e.error, e.entity) for e in done} == {("processed", None, None)}
    assert vendors.calls == ["apaleo.test/booking/v1/reservations/XPGMSXGF-1"] * 2
    assert vendors.grants == [{"grant_type": "client_credentials"}]  # one token, reused
    guest = await _record(http, tenant, "apaleo/XPGMSXGF-1:guest")
    booker = await _record(http, tenant, "apaleo/XPGMSXGF:booker")
    assert guest["profile_id"] != booker["profile_id"]  # two people
    profile = await http.get(f"/v1/profiles/{guest['profile_id']}", headers=tenant.auth)
    assert [s["reservation_id"] for s in profile.json()["stays"]] == ["XPGMSXGF-1"]
    explained = await http.get(f"/v1/profiles/{guest['profile_id']}/explain", headers=tenant.auth)
    decisions = [d for r in explained.json()["records"] for d in r["decisions"]]
    assert {d["decided_by"] for d in decisions} == {f"connection:{conn_id}"}


async def test_cloudbeds_guest_and_reservation_webhooks_are_fetched(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendors: Vendors
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "cloudbeds", credentials=CLOUDBEDS)
    ids = []
    for name in ("webhook_guest_details_changed.json", "webhook_status_changed.json"):
        answer = await http.post(path, content=fixture(f"cloudbeds/{name}"))
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    done = await settled(app, ids)
    assert {e.status for e in done} == {"processed"}, [e.error for e in done]
    assert sorted(vendors.calls) == [
        "cloudbeds.test/api/v1.2/getGuest",
        "cloudbeds.test/api/v1.2/getReservation",
    ]
    record = await _record(http, tenant, "cloudbeds/41028833")
    profile = (await http.get(f"/v1/profiles/{record['profile_id']}", headers=tenant.auth)).json()
    assert [(s["reservation_id"], s["status"]) for s in profile["stays"]] == [
        ("5129837201", "checked_in")
    ]


async def test_opera_business_events_fetch_profile_and_reservation(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, vendors: Vendors
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "opera", webhook_secret="relay-s3", credentials=OHIP)
    bearer = {"Authorization": "Bearer relay-s3"}
    ids = []
    for name in ("event_checkin.json", "event_profile_changed.json"):
        answer = await http.post(path, content=fixture(f"opera/{name}"), headers=bearer)
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    done = await settled(app, ids)
    assert {e.status for e in done} == {"processed"}, [e.error for e in done]
    assert sorted(vendors.calls) == [
        "ohip.test/crm/v1/profiles/908172",
        "ohip.test/rsv/v1/hotels/BERMI/reservations/773401",
    ]
    record = await _record(http, tenant, "opera/908172")
    profile = (await http.get(f"/v1/profiles/{record['profile_id']}", headers=tenant.auth)).json()
    assert [s["reservation_id"] for s in profile["stays"]] == ["773401"]


async def test_an_unknown_entity_fails_the_event_at_once(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(lambda _: httpx.Response(404)))
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "cloudbeds", credentials=CLOUDBEDS)
    answer = await http.post(path, content=fixture("cloudbeds/webhook_reservation_created.json"))
    [event] = await settled(app, [answer.json()["id"]])
    assert (event.status, event.error) == ("failed", "SourceError 404")
