"""Tenants never meet: no endpoint reads or writes another tenant's data."""

from __future__ import annotations

import httpx

from tests.api.samples import anna
from tests.conftest import MakeTenant


async def test_every_endpoint_is_scoped_to_the_callers_tenant(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    a, b = await make_tenant(), await make_tenant()
    created = (await http.post("/v1/records", json=anna(), headers=a.auth)).json()
    profile_id = created["profile_id"]

    assert (await http.get(f"/v1/profiles/{profile_id}", headers=b.auth)).status_code == 404
    assert (await http.get("/v1/records/pms/R-1001", headers=b.auth)).status_code == 404
    for query in ("email=anna@example.com", "phone=%2B49301234567", "name=Anna+M%C3%BCller"):
        found = (await http.get(f"/v1/profiles?{query}", headers=b.auth)).json()
        assert found["items"] == [], query
        own = (await http.get(f"/v1/profiles?{query}", headers=a.auth)).json()
        assert [p["id"] for p in own["items"]] == [profile_id], query

    # The same source record id in tenant B is B's own record, and links nothing of A's.
    theirs = (await http.post("/v1/records", json=anna(), headers=b.auth)).json()
    assert theirs["outcome"] == "created"
    assert theirs["profile_id"] != profile_id
    mine = (await http.get(f"/v1/profiles/{profile_id}", headers=a.auth)).json()
    assert len(mine["records"]) == 1

    # Idempotency keys do not leak across tenants either.
    key = {"Idempotency-Key": "shared"}
    ra = await http.post("/v1/records", json=anna(source_record_id="X"), headers={**a.auth, **key})
    rb = await http.post("/v1/records", json=anna(source_record_id="X"), headers={**b.auth, **key})
    assert ra.json()["profile_id"] != rb.json()["profile_id"]
