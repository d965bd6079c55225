"""Tenants never meet: hints, caches, rules, settings and statistics are each tenant's own."""

from __future__ import annotations

import httpx

from tests.conftest import MakeTenant
from tests.hints.records import pms

FULL = ("records:write", "records:read", "profiles:read", "admin")


async def test_hints_rules_and_settings_never_cross_tenants(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    alpine, coastal = await make_tenant(scopes=FULL), await make_tenant(scopes=FULL)
    # Same guest data, same reservation ids in both tenants.
    await http.post("/v1/records", json=pms("P-1", -90, 4), headers=alpine.auth)
    rule = await http.post(
        "/v1/upgrade-rules",
        json={"name": "Alpine only", "offer": {"room_type": "STE"}},
        headers=alpine.auth,
    )
    await http.put("/v1/hints/settings", json={"lead_days": 9}, headers=alpine.auth)
    mine = (await http.post("/v1/hints", json=pms("P-2", 0, 2), headers=alpine.auth)).json()
    assert mine["repeat_guest"] is True and mine["upgrade_offer"] is not None

    # Coastal cannot read Alpine's hint, not even through a warm cache.
    assert (await http.get("/v1/hints/pms/P-2", headers=alpine.auth)).status_code == 200
    foreign = await http.get("/v1/hints/pms/P-2", headers=coastal.auth)
    assert foreign.status_code == 404

    theirs = (await http.post("/v1/hints", json=pms("P-2", 0, 2), headers=coastal.auth)).json()
    assert theirs["repeat_guest"] is False and theirs["profile_id"] != mine["profile_id"]
    assert theirs["upgrade_offer"] is None
    assert (await http.get("/v1/hints/pms/P-2", headers=coastal.auth)).json() == theirs
    assert (await http.get("/v1/hints/pms/P-2", headers=alpine.auth)).json() == mine

    rule_id = rule.json()["id"]
    assert (await http.get(f"/v1/upgrade-rules/{rule_id}", headers=coastal.auth)).status_code == 404
    spec = {"name": "hijack", "offer": {"room_type": "STD"}}
    hijack = await http.put(f"/v1/upgrade-rules/{rule_id}", json=spec, headers=coastal.auth)
    assert hijack.status_code == 404
    assert (
        await http.delete(f"/v1/upgrade-rules/{rule_id}", headers=coastal.auth)
    ).status_code == 404
    assert (await http.get("/v1/upgrade-rules", headers=coastal.auth)).json() == {"items": []}
    assert (await http.get("/v1/hints/settings", headers=coastal.auth)).json()["lead_days"] == 1
    stats = (await http.get("/v1/hints/value-stats", headers=coastal.auth)).json()
    assert stats["guests"] == 0
