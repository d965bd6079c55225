"""Merges the sources made (Cloudbeds isMerged/newGuestID, OPERA merge events) join profiles."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from app.tenancy import service as tenancy
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture
from tests.inbound.helpers import connect, settled

ANNA = {"first_name": "Anna", "last_name": "Müller", "email": "anna@example.com"}
HANS = {"first_name": "Hans", "last_name": "Schmidt", "email": "hans@example.org"}
BEARER = {"Authorization": "Bearer relay-s3"}


async def _tenant(make_tenant: MakeTenant) -> TenantClient:
    return await make_tenant(scopes=(*tenancy.DEFAULT_SCOPES, "profiles:write", "admin"))


async def _import(http: httpx.AsyncClient, tenant: TenantClient, *records: dict[str, str]) -> None:
    answer = await http.post("/v1/records", json=list(records), headers=tenant.auth)
    assert answer.status_code == 200, answer.text


async def _profile(http: httpx.AsyncClient, tenant: TenantClient, record: str) -> str:
    answer = await http.get(f"/v1/records/{record}", headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    profile_id: str = answer.json()["profile_id"]
    return profile_id


def _merge_event(n: int) -> bytes:
    event = json.loads(fixture("opera/event_merge.json"))
    event["data"]["newEvent"]["metadata"]["uniqueEventId"] = f"merge-{n}"
    return json.dumps(event).encode()


async def test_an_opera_merge_event_joins_the_two_profiles(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await _tenant(make_tenant)
    conn_id, path = await connect(http, tenant, "opera", webhook_secret="relay-s3")
    await _import(
        http,
        tenant,
        {"source": "opera", "source_record_id": "908172", **ANNA},
        {"source": "opera", "source_record_id": "907001", **HANS},
    )
    survivor = await _profile(http, tenant, "opera/908172")
    assert await _profile(http, tenant, "opera/907001") != survivor  # nothing alike

    answer = await http.post(path, content=_merge_event(1), headers=BEARER)
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed", event.error
    assert await _profile(http, tenant, "opera/907001") == survivor
    explained = (await http.get(f"/v1/profiles/{survivor}/explain", headers=tenant.auth)).json()
    assert [m["decided_by"] for m in explained["merges"]] == [f"connection:{conn_id}"]

    # A person splits them again: their do-not-merge rule outranks a repeated source merge.
    split = await http.post(
        f"/v1/profiles/{survivor}/unmerge",
        json={"records": [{"source": "opera", "source_record_id": "907001"}]},
        headers=tenant.auth,
    )
    assert split.status_code == 200, split.text
    answer = await http.post(path, content=_merge_event(2), headers=BEARER)
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed", event.error
    assert await _profile(http, tenant, "opera/907001") == split.json()["split_profile_id"]


async def test_a_merge_event_for_unknown_profiles_creates_no_empty_record(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await _tenant(make_tenant)
    _, path = await connect(http, tenant, "opera", webhook_secret="relay-s3")
    answer = await http.post(path, content=_merge_event(1), headers=BEARER)
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed", event.error
    for record in ("opera/907001", "opera/908172"):
        assert (await http.get(f"/v1/records/{record}", headers=tenant.auth)).status_code == 404


async def test_a_cloudbeds_guest_merged_into_another_joins_its_profile(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged = json.loads(fixture("cloudbeds/guest_merged.json"))
    # The merged guest looks nothing like the survivor: only the source's merge joins them.
    merged["data"].update(
        firstName="Hans", lastName="Schmidt", email="hans@example.org", phone="+49 40 555",
        cellPhone="", documentNumber="X9", birthDate="1970-01-01", address1="Hafen 1",
        city="Hamburg", zip="20457",
    )  # fmt: skip

    def api(request: httpx.Request) -> httpx.Response:
        assert request.url.params["guestID"] == "41020001"
        return httpx.Response(200, json=merged)

    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(api))
    tenant = await _tenant(make_tenant)
    creds = {"api_key": "cbat_test", "base_url": "https://cloudbeds.test/api/v1.2"}
    _, path = await connect(http, tenant, "cloudbeds", credentials=creds)
    await _import(http, tenant, {"source": "cloudbeds", "source_record_id": "41028833", **ANNA})
    hook = json.loads(fixture("cloudbeds/webhook_guest_details_changed.json"))
    hook["guestID"] = 41020001
    answer = await http.post(path, content=json.dumps(hook).encode())
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "processed", event.error
    survivor = await _profile(http, tenant, "cloudbeds/41028833")
    assert await _profile(http, tenant, "cloudbeds/41020001") == survivor
