"""The inbound endpoint: verify, store once, queue, process — and refuse what is not ours."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from tests.conftest import MakeTenant
from tests.connectors.conftest import fixture
from tests.inbound.helpers import (
    MEWS_CREDENTIALS,
    OTA_SECRET,
    admin,
    basic,
    connect,
    events,
    jobs,
    mews_api,
    settled,
)

CUSTOMER = "c2f1d888-232e-49eb-87ac-5f75363af13b"


async def test_mews_webhook_is_fetched_and_ingested(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(mews_api))
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)

    answer = await http.post(path, content=fixture("mews/webhook_general.json"))
    assert answer.status_code == 202, answer.text
    assert answer.json()["duplicate"] is False
    [event] = await settled(app, [answer.json()["id"]])
    assert (event.status, event.error) == ("processed", None)

    record = await http.get(f"/v1/records/mews/{CUSTOMER}", headers=tenant.auth)
    assert record.status_code == 200, record.text
    profile_id = record.json()["profile_id"]
    profile = await http.get(f"/v1/profiles/{profile_id}", headers=tenant.auth)
    assert profile.json()["stays"], profile.text
    explained = await http.get(f"/v1/profiles/{profile_id}/explain", headers=tenant.auth)
    decisions = [d for r in explained.json()["records"] for d in r["decisions"]]
    assert {d["decided_by"] for d in decisions} == {f"connection:{conn_id}"}


async def test_mews_webhook_without_api_credentials_waits_for_a_fetch(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "mews")
    answer = await http.post(path, content=fixture("mews/webhook_general.json"))
    [event] = await settled(app, [answer.json()["id"]])
    assert event.status == "needs_fetch"
    assert CUSTOMER in (event.entity or "")


async def test_unknown_token_is_404_and_stores_nothing(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "mews")
    body = fixture("mews/webhook_general.json")
    for wrong in (path[:-4] + "AAAA", "/v1/webhooks/mews/x", "/v1/webhooks/nosuch/x"):
        answer = await http.post(wrong, content=body)
        assert answer.status_code == 404, wrong
        assert answer.headers["content-type"] == "application/problem+json"
    # A real token under another source's name is just as unknown: no oracle.
    assert (await http.post(path.replace("/mews/", "/cloudbeds/"), content=body)).status_code == 404
    assert await events(app, tenant.tenant_id) == []


async def test_bad_signature_is_401_and_stores_nothing(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, apaleo = await connect(http, tenant, "apaleo", webhook_secret="hook:pw")
    _, booking = await connect(http, tenant, "booking", webhook_secret="relay:other")
    hook = fixture("apaleo/webhook_created.json")
    assert (await http.post(apaleo, content=hook)).status_code == 401
    assert (await http.post(apaleo, content=hook, headers=basic("hook:nope"))).status_code == 401
    # The fixture's RequestorID password is not this connection's secret.
    answer = await http.post(booking, content=fixture("opentravel/booking_new.xml"))
    assert answer.status_code == 401
    assert answer.json()["type"].endswith("/invalid-signature")
    assert await events(app, tenant.tenant_id) == []
    assert await jobs(app, tenant.tenant_id) == []


async def test_duplicate_delivery_is_one_event_and_one_job(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
    body = fixture("opentravel/booking_new.xml")
    first = await http.post(path, content=body)
    again = await http.post(path, content=body)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == {"id": first.json()["id"], "duplicate": True}
    await settled(app, [first.json()["id"]])
    late = await http.post(path, content=body)
    assert late.json()["duplicate"] is True
    assert len(await events(app, tenant.tenant_id)) == 1
    assert len(await jobs(app, tenant.tenant_id)) == 1


async def test_a_token_of_tenant_a_never_writes_into_tenant_b(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    a, b = await admin(make_tenant), await admin(make_tenant)
    _, path_a = await connect(http, a, "booking", webhook_secret=OTA_SECRET)
    await connect(http, b, "booking", webhook_secret=OTA_SECRET)
    answer = await http.post(path_a, content=fixture("opentravel/booking_new.xml"))
    await settled(app, [answer.json()["id"]])
    assert await events(app, b.tenant_id) == []
    assert (await http.get("/v1/records/booking/4012345678:1", headers=b.auth)).status_code == 404
    assert (await http.get("/v1/records/booking/4012345678:1", headers=a.auth)).status_code == 200
    # B receiving the same message later is B's own event, not a duplicate of A's.
    _, path_b = await connect(http, b, "booking", webhook_secret=OTA_SECRET)
    theirs = await http.post(path_b, content=fixture("opentravel/booking_new.xml"))
    assert theirs.json()["duplicate"] is False


async def test_thin_and_broken_payloads_are_kept_with_their_outcome(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, apaleo = await connect(http, tenant, "apaleo", webhook_secret="hook:pw")
    _, booking = await connect(http, tenant, "booking", webhook_secret="u:p")
    thin = await http.post(
        apaleo, content=fixture("apaleo/webhook_created.json"), headers=basic("hook:pw")
    )
    broken_xml = b"<OTA_HotelResNotifRQ><HotelReservations><HotelReservation>"
    broken = await http.post(booking, content=broken_xml, headers=basic("u:p"))
    assert (thin.status_code, broken.status_code) == (202, 202)
    done = {e.id: e for e in await settled(app, [thin.json()["id"], broken.json()["id"]])}
    assert done[thin.json()["id"]].status == "needs_fetch"
    assert (done[thin.json()["id"]].entity or "").startswith("reservation:")
    failed = done[broken.json()["id"]]
    assert (failed.status, failed.error) == ("failed", "ParseError")


async def test_deleted_connection_stops_receiving_and_keeps_its_events(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    conn_id, path = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
    answer = await http.post(path, content=fixture("opentravel/booking_new.xml"))
    await settled(app, [answer.json()["id"]])
    deleted = await http.delete(f"/v1/connections/{conn_id}", headers=tenant.auth)
    assert deleted.status_code == 204
    again = await http.post(path, content=fixture("opentravel/booking_modify.xml"))
    assert again.status_code == 404
    [kept] = await events(app, tenant.tenant_id)
    assert (kept.status, kept.connection_id) == ("processed", None)


async def test_webhook_token_never_reaches_the_logs(
    http: httpx.AsyncClient, make_tenant: MakeTenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tenant = await admin(make_tenant)
    _, path = await connect(http, tenant, "mews")
    token = path.rsplit("/", 1)[1]
    await http.post(path, content=b'{"Events": []}', headers={"Content-Type": "application/json"})
    # The test's own HTTP client logs the URL it calls; the service must not.
    service_logs = "\n".join(str(r.msg) for r in caplog.records if not r.name.startswith("httpx"))
    assert "/v1/webhooks/{source}/{connection_token}" in service_logs
    assert token not in service_logs
