"""Ingest: single records and batches, replays, ordering, idempotency."""

from __future__ import annotations

import httpx

from tests.api.samples import anna, ota_booking
from tests.conftest import MakeTenant, TenantClient


async def test_single_record_creates_profile_with_everything_it_said(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    response = await http.post("/v1/records", json=anna(), headers=tenant.auth)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["outcome"] == "created"

    found = await http.get("/v1/records/pms/R-1001", headers=tenant.auth)
    assert found.status_code == 200
    assert found.json()["profile_id"] == result["profile_id"]

    profile = (await http.get(f"/v1/profiles/{result['profile_id']}", headers=tenant.auth)).json()
    assert profile["first_name"] == "Anna"
    assert profile["last_name"] == "Müller"
    assert profile["date_of_birth"] == "1985-03-14"
    assert {"kind": "email", "value": "anna@example.com"} in profile["identifiers"]
    assert {"kind": "phone", "value": "+49301234567"} in profile["identifiers"]
    assert {"kind": "loyalty", "value": "LY12345678"} in profile["identifiers"]
    assert profile["stays"][0]["reservation_id"] == "R-1001"
    assert profile["stays"][0]["nights"] == 3
    assert {(p["name"], p["value"]) for p in profile["preferences"]} == {
        ("bed", "king"),
        ("floor", "high"),
    }


async def test_batch_links_records_of_one_guest_by_verified_email(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    widget = {
        "source": "widget",
        "source_record_id": "google-1",
        "first_name": "Anna",
        "last_name": "Mueller",
        "email": "Anna@Example.com",
        "email_verified": True,
        "social": {"provider": "google", "subject": "1093"},
    }
    response = await http.post("/v1/records", json=[anna(), widget], headers=tenant.auth)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "linked"]
    assert results[0]["profile_id"] == results[1]["profile_id"]
    profile = (
        await http.get(f"/v1/profiles/{results[0]['profile_id']}", headers=tenant.auth)
    ).json()
    assert {(r["source"], r["source_record_id"]) for r in profile["records"]} == {
        ("pms", "R-1001"),
        ("widget", "google-1"),
    }


async def test_ota_alias_never_links_two_bookings(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    same_alias = "k2j3h4@guest.booking.com"
    batch = [
        ota_booking("BK-1", same_alias, first_name="John", last_name="Smith"),
        ota_booking("BK-2", same_alias, first_name="Maria", last_name="Garcia"),
    ]
    results = (await http.post("/v1/records", json=batch, headers=tenant.auth)).json()["results"]
    assert results[0]["profile_id"] != results[1]["profile_id"]


async def test_replay_is_unchanged_and_newer_version_updates(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    first = (
        await http.post(
            "/v1/records", json=anna(updated_at="2026-11-01T10:00:00Z"), headers=tenant.auth
        )
    ).json()
    replay = (
        await http.post(
            "/v1/records", json=anna(updated_at="2026-11-01T10:00:00Z"), headers=tenant.auth
        )
    ).json()
    assert replay["outcome"] == "unchanged"
    newer = anna(updated_at="2026-11-02T10:00:00Z", phone="+49 30 7654321")
    updated = (await http.post("/v1/records", json=newer, headers=tenant.auth)).json()
    assert updated["outcome"] == "updated"
    assert updated["profile_id"] == first["profile_id"]
    profile = (await http.get(f"/v1/profiles/{first['profile_id']}", headers=tenant.auth)).json()
    assert profile["phone"] == "+49307654321"  # shown in E.164
    assert len(profile["records"]) == 1


async def test_out_of_order_older_version_is_ignored(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    newer = anna(updated_at="2026-11-02T10:00:00Z", last_name="Schmidt")
    older = anna(updated_at="2026-11-01T10:00:00Z", last_name="Müller")
    await http.post("/v1/records", json=newer, headers=tenant.auth)
    late = (await http.post("/v1/records", json=older, headers=tenant.auth)).json()
    assert late["outcome"] == "stale"
    record = (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).json()
    assert record["data"]["last_name"] == "Schmidt"


async def test_idempotency_key_replays_the_stored_answer(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    headers = {**tenant.auth, "Idempotency-Key": "import-42"}
    first = await http.post("/v1/records", json=[anna()], headers=headers)
    again = await http.post("/v1/records", json=[anna()], headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["results"][0]["outcome"] == "created"


async def test_idempotency_key_with_other_body_is_refused(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    headers = {**tenant.auth, "Idempotency-Key": "k-1"}
    await http.post("/v1/records", json=anna(), headers=headers)
    other = await http.post("/v1/records", json=anna(source_record_id="R-2"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    missing = await http.get("/v1/records/pms/R-2", headers=tenant.auth)
    assert missing.status_code == 404


async def test_idempotency_keys_are_scoped_per_client(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    a, b = await make_tenant(), await make_tenant()
    key = {"Idempotency-Key": "same-key"}
    ra = await http.post("/v1/records", json=anna(), headers={**a.auth, **key})
    rb = await http.post("/v1/records", json=anna(), headers={**b.auth, **key})
    assert ra.json()["outcome"] == rb.json()["outcome"] == "created"
    assert ra.json()["profile_id"] != rb.json()["profile_id"]
