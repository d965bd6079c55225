"""Profile reads: search, merges followed, record lookup."""

from __future__ import annotations

import httpx

from tests.api.samples import anna
from tests.conftest import TenantClient


async def test_search_needs_a_criterion(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.get("/v1/profiles", headers=tenant.auth)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/search-criteria-missing")


async def test_search_by_email_phone_and_name(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    pid = (await http.post("/v1/records", json=anna(), headers=tenant.auth)).json()["profile_id"]
    other = anna(
        source_record_id="R-9",
        first_name="Bernd",
        last_name="Schulz",
        email="bernd@example.org",
        phone="+49 40 555000",
        loyalty_number=None,
        date_of_birth="1970-01-01",
        stay=None,
    )
    await http.post("/v1/records", json=other, headers=tenant.auth)
    for query in (
        "email=ANNA@example.com",
        "phone=%2B49%2030%201234567",
        "name=m%C3%BCller",
        "name=Anna%20M%C3%BCller",
    ):
        items = (await http.get(f"/v1/profiles?{query}", headers=tenant.auth)).json()["items"]
        assert [p["id"] for p in items] == [pid], query
    none = (await http.get("/v1/profiles?email=nobody@example.com", headers=tenant.auth)).json()
    assert none["items"] == []


async def test_unknown_profile_and_record_are_404(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    assert (await http.get("/v1/profiles/nope", headers=tenant.auth)).status_code == 404
    assert (await http.get("/v1/records/pms/nope", headers=tenant.auth)).status_code == 404


async def test_bridging_record_merges_profiles_and_old_id_still_answers(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    by_loyalty = {
        "source": "opera",
        "source_record_id": "P-1",
        "first_name": "Anna",
        "last_name": "Müller",
        "loyalty_number": "LY12345678",
    }
    by_social = {
        "source": "widget",
        "source_record_id": "g-1",
        "first_name": "Anna",
        "last_name": "Müller",
        "social": {"provider": "google", "subject": "42"},
    }
    first = (await http.post("/v1/records", json=by_loyalty, headers=tenant.auth)).json()
    second = (await http.post("/v1/records", json=by_social, headers=tenant.auth)).json()
    assert first["profile_id"] != second["profile_id"]
    bridge = {
        "source": "widget",
        "source_record_id": "g-1-rebook",
        "first_name": "Anna",
        "last_name": "Müller",
        "loyalty_number": "LY12345678",
        "social": {"provider": "google", "subject": "42"},
    }
    merged = (await http.post("/v1/records", json=bridge, headers=tenant.auth)).json()
    assert merged["outcome"] == "linked"
    assert merged["profile_id"] == first["profile_id"]  # the older profile survives
    assert merged["merged_profile_ids"] == [second["profile_id"]]
    via_old = (await http.get(f"/v1/profiles/{second['profile_id']}", headers=tenant.auth)).json()
    assert via_old["id"] == first["profile_id"]
    assert len(via_old["records"]) == 3
    assert via_old["merged_ids"] == [second["profile_id"]]
