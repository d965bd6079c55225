"""Upgrade rules, hint settings and value statistics through the admin API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import select

from app.core.db import transaction
from app.hints.stats import JOB_KIND
from app.models import HintSettingsRow, Job
from tests.conftest import MakeTenant, TenantClient
from tests.hints.records import pms

LADDER = {"ladder": ["STD", "DLX", "STE", "PRES"]}
FULL = ("records:write", "records:read", "profiles:read", "admin")
PEOPLE = [
    ("Aiko", "Tanaka"), ("Bruno", "Costa"), ("Chloé", "Martin"), ("Dawit", "Bekele"),
    ("Emma", "Johansson"), ("Farid", "Haddad"), ("Greta", "Novak"), ("Hugo", "Lefebvre"),
    ("Ines", "Moreau"), ("Jamal", "Okafor"),
]  # fmt: skip


async def admin_tenant(make_tenant: MakeTenant) -> TenantClient:
    return await make_tenant(scopes=FULL)


async def add_rule(http: httpx.AsyncClient, tenant: TenantClient, **spec: Any) -> Any:
    response = await http.post("/v1/upgrade-rules", json=spec, headers=tenant.auth)
    assert response.status_code == 201, response.text
    return response.json()


async def test_upgrade_rule_fires_for_a_returning_guest_and_not_for_a_newcomer(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    rule = await add_rule(
        http,
        tenant,
        name="Returning guests",
        property_id="H001",
        priority=10,
        conditions={"frequency": ["second", "returning", "fan"], "min_nights": 2},
        offer={**LADDER, "note": "complimentary"},
    )
    await add_rule(http, tenant, name="Elsewhere", property_id="H002", offer=LADDER)
    await http.post("/v1/records", json=pms("P-1", -80, 2), headers=tenant.auth)
    hint = (await http.post("/v1/hints", json=pms("P-2", 0, 2), headers=tenant.auth)).json()
    assert hint["upgrade_offer"] == {
        "rule_id": rule["id"],
        "rule_name": "Returning guests",
        "from_room_type": "DLX",
        "to_room_type": "STE",
        "note": "complimentary",
    }
    assert hint["upgrade_reason"] is None and "offer DLX→STE" in hint["summary"]

    newcomer = pms("N-1", 0, 2, first_name="Ola", last_name="Nordmann", email="ola@example.no")
    newcomer["phone"] = "+47 412 34 567"
    fresh = (await http.post("/v1/hints", json=newcomer, headers=tenant.auth)).json()
    assert fresh["upgrade_offer"] is None
    assert fresh["upgrade_reason"] == (
        "no rule matched — Returning guests: needs frequency second/returning/fan (guest: new)"
    )


async def test_changing_a_rule_changes_the_stored_hint_on_its_next_read(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    hint = (await http.post("/v1/hints", json=pms("P-1", 0, 3), headers=tenant.auth)).json()
    assert hint["upgrade_reason"] == "no upgrade rules for property H001"
    rule = await add_rule(
        http, tenant, name="Long stays", conditions={"min_nights": 3}, offer=LADDER
    )
    got = (await http.get("/v1/hints/pms/P-1", headers=tenant.auth)).json()
    assert got["upgrade_offer"]["rule_id"] == rule["id"] and got["version"] == 2
    changed = {**rule, "conditions": {"min_nights": 5}}
    for field in ("id", "created_at", "updated_at"):
        changed.pop(field)
    put = await http.put(f"/v1/upgrade-rules/{rule['id']}", json=changed, headers=tenant.auth)
    assert put.status_code == 200 and put.json()["conditions"]["min_nights"] == 5
    got = (await http.get("/v1/hints/pms/P-1", headers=tenant.auth)).json()
    assert got["upgrade_offer"] is None and "needs 5+ nights" in got["upgrade_reason"]
    assert (
        await http.delete(f"/v1/upgrade-rules/{rule['id']}", headers=tenant.auth)
    ).status_code == 204
    listed = await http.get("/v1/upgrade-rules", headers=tenant.auth)
    assert listed.json() == {"items": []}


async def test_rules_are_listed_per_property_with_the_group_wide_ones(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    await add_rule(http, tenant, name="Group", offer=LADDER)
    await add_rule(http, tenant, name="Berlin", property_id="H001", offer=LADDER)
    await add_rule(http, tenant, name="Munich", property_id="H002", offer=LADDER)
    here = await http.get("/v1/upgrade-rules", params={"property_id": "H001"}, headers=tenant.auth)
    assert [r["name"] for r in here.json()["items"]] == ["Berlin", "Group"]
    every = await http.get("/v1/upgrade-rules", headers=tenant.auth)
    assert len(every.json()["items"]) == 3


async def test_bad_rules_and_settings_are_refused_with_problem_details(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    bad = [
        ("/v1/upgrade-rules", "post", {"name": "x", "offer": {"ladder": ["A"], "room_type": "B"}}),
        ("/v1/upgrade-rules", "post", {"name": "x", "offer": LADDER, "conditions": {"vip": 1}}),
        ("/v1/upgrade-rules", "post", {"name": "x", "offer": LADDER, "priority": -1}),
        ("/v1/hints/settings", "put", {"recency_days": {"active": 400, "silent": 300}}),
        ("/v1/hints/settings", "put", {"lead_days": 99}),
        ("/v1/hints/settings", "put", {"currency": "euro"}),
        ("/v1/hints/settings", "put", {"unknown": True}),
    ]
    for path, method, body in bad:
        response = await http.request(method.upper(), path, json=body, headers=tenant.auth)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await http.get("/v1/upgrade-rules", headers=tenant.auth)).json() == {"items": []}
    settings = (await http.get("/v1/hints/settings", headers=tenant.auth)).json()
    assert settings["lead_days"] == 1 and settings["version"] == 0
    missing = await http.get("/v1/upgrade-rules/nope", headers=tenant.auth)
    assert missing.status_code == 404


async def test_value_tiers_come_from_the_tenants_revenue_distribution(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    guests = []
    for n, (given, family) in enumerate(PEOPLE):
        nights = 20 if n == 0 else 1  # guest 0 brings 4,000 of 5,800
        guests.append(
            pms(
                f"G-{n}",
                -60,
                nights,
                first_name=given,
                last_name=family,
                email=f"{given.lower()}.{n}@example.com",
                phone=f"+49 151 {n + 2}{n + 3}58{n}7{n}{n + 1}",
            )
        )
    await http.post("/v1/records", json=guests, headers=tenant.auth)
    stats = (await http.post("/v1/hints/value-stats", headers=tenant.auth)).json()
    assert stats["guests"] == 10 and stats["total_revenue"] == 5800.0
    assert stats["vip_min"] == 4000.0 and stats["guest_share"]["vip"] == 0.1
    big = {k: guests[0][k] for k in ("first_name", "last_name", "email", "phone")}
    small = {k: guests[5][k] for k in ("first_name", "last_name", "email", "phone")}
    vip = (await http.post("/v1/hints", json=pms("V-1", 0, 1, **big), headers=tenant.auth)).json()
    assert vip["tier"] == "vip" and "VIP guest" in vip["summary"]
    regular = (
        await http.post("/v1/hints", json=pms("R-1", 0, 1, **small), headers=tenant.auth)
    ).json()
    # Equal revenues share a tier: the nine 200s together reach the 80 % line.
    assert regular["tier"] == "major" and stats["guest_share"]["major"] == 0.9

    put = await http.put(
        "/v1/hints/settings",
        json={"currency": "USD", "fx_rates": {"EUR": 1.1}},
        headers=tenant.auth,
    )
    assert put.status_code == 200 and put.json()["version"] == 1
    stats = (await http.get("/v1/hints/value-stats", headers=tenant.auth)).json()
    assert stats["currency"] == "USD" and stats["total_revenue"] == 6380.0


async def test_stale_value_statistics_are_refreshed_in_background_once(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin_tenant(make_tenant)
    await http.post("/v1/hints", json=pms("P-1", 0, 1), headers=tenant.auth)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    async with transaction(app.state.sessions) as session:
        row = await session.get(HintSettingsRow, tenant.tenant_id)
        assert row is not None and row.stats_computed_at is not None
        row.stats_computed_at = long_ago
        session.add(row)
    for rid in ("P-2", "P-3"):  # two hints on stale statistics: one refresh asked for
        await http.post("/v1/hints", json=pms(rid, 0, 1), headers=tenant.auth)
    async with transaction(app.state.sessions) as session:
        jobs = (
            await session.exec(
                select(Job).where(Job.tenant_id == tenant.tenant_id, Job.kind == JOB_KIND)
            )
        ).all()
    assert len(jobs) == 1
    for _ in range(100):  # the embedded worker picks the job up
        stats = (await http.get("/v1/hints/value-stats", headers=tenant.auth)).json()
        if datetime.fromisoformat(stats["computed_at"]) > long_ago + timedelta(days=1):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("value statistics were not refreshed")
