"""A stored or cached hint never shows a stale identity after a merge or an unmerge."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from app.core.redis import tenant_key
from tests.conftest import TenantClient
from tests.hints.records import pms

MARIA = {
    "first_name": "Maria",
    "last_name": "Rossi",
    "email": "maria.rossi@example.it",
    "phone": "+39 333 1234567",
    "preferences": {"pillow": "feather"},
}
GIULIA = {
    "first_name": "Giulia",
    "last_name": "Bianchi",
    "email": "giulia@example.it",
    "phone": "+39 347 7654321",
}


async def hint_of(http: httpx.AsyncClient, tenant: TenantClient, rid: str) -> Any:
    response = await http.get(f"/v1/hints/pms/{rid}", headers=tenant.auth)
    assert response.status_code == 200, response.text
    return response.json()


async def test_get_after_merge_and_unmerge_follows_the_identity(
    app: FastAPI, backend: str, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    past = await http.post("/v1/records", json=pms("M-1", -120, 3, **MARIA), headers=tenant.auth)
    maria_profile = past.json()["profile_id"]
    posted = await http.post("/v1/hints", json=pms("G-1", 0, 2, **GIULIA), headers=tenant.auth)
    giulia_profile = posted.json()["profile_id"]
    assert posted.json()["repeat_guest"] is False
    first = await hint_of(http, tenant, "G-1")  # now cached (Redis) or stored (table)
    if backend == "postgres":
        cached = await app.state.redis.get(tenant_key(tenant.tenant_id, "hint", "pms", "G-1"))
        assert cached is not None

    # Someone wrongly decides these are one guest: the hint now carries Maria's history.
    merged = await http.post(
        f"/v1/profiles/{giulia_profile}/merge",
        json={"profile_ids": [maria_profile]},
        headers=tenant.auth,
    )
    assert merged.status_code == 200, merged.text
    wrong = await hint_of(http, tenant, "G-1")
    assert wrong["repeat_guest"] is True and wrong["version"] == first["version"] + 1
    assert [s["reservation_id"] for s in wrong["recent_stays"]] == ["M-1"]

    # The merge is undone: the very next read shows Giulia alone again.
    undone = await http.post(
        f"/v1/profiles/{giulia_profile}/unmerge",
        json={"records": [{"source": "pms", "source_record_id": "M-1"}]},
        headers=tenant.auth,
    )
    assert undone.status_code == 200, undone.text
    right = await hint_of(http, tenant, "G-1")
    assert right["repeat_guest"] is False and right["recent_stays"] == []
    assert right["previous_stays"] == 0 and right["preferences"] == []
    assert "Maria" not in right["summary"] and right["profile_id"] == giulia_profile
    assert await hint_of(http, tenant, "G-1") == right


async def test_a_hint_follows_its_guest_when_the_profile_is_merged_away(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await http.post("/v1/records", json=pms("M-1", -120, 3, **MARIA), headers=tenant.auth)
    arriving = {**MARIA, "email": "other.maria@example.it", "phone": None}
    posted = (
        await http.post("/v1/hints", json=pms("M-2", 1, 1, **arriving), headers=tenant.auth)
    ).json()
    survivor = (await http.get("/v1/records/pms/M-1", headers=tenant.auth)).json()["profile_id"]
    if posted["profile_id"] != survivor:  # not linked on arrival: merge by hand
        merged = await http.post(
            f"/v1/profiles/{survivor}/merge",
            json={"profile_ids": [posted["profile_id"]]},
            headers=tenant.auth,
        )
        assert merged.status_code == 200
    hint = await hint_of(http, tenant, "M-2")
    assert hint["profile_id"] == survivor and hint["repeat_guest"] is True
