"""Hints made by ingest itself: arrivals within the lead time and check-ins, each announced once."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import col, select

from app.core.db import transaction
from app.models import Event, Hint
from tests.conftest import TenantClient
from tests.hints.records import booking, pms


async def hint_events(app: FastAPI, tenant_id: str) -> list[dict[str, Any]]:
    async with transaction(app.state.sessions) as session:
        stmt = (
            select(Event)
            .where(Event.tenant_id == tenant_id, Event.type == "hint.created")
            .order_by(col(Event.created_at))
        )
        return [e.payload for e in (await session.exec(stmt)).all()]


async def stored_hints(app: FastAPI, tenant_id: str) -> list[str]:
    async with transaction(app.state.sessions) as session:
        stmt = select(Hint.reservation_id).where(Hint.tenant_id == tenant_id)
        return sorted((await session.exec(stmt)).all())


async def ingest(http: httpx.AsyncClient, tenant: TenantClient, *records: dict[str, Any]) -> None:
    response = await http.post("/v1/records", json=list(records), headers=tenant.auth)
    assert response.status_code == 200, response.text


async def test_an_arrival_ingested_produces_exactly_one_hint_created_event(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await ingest(http, tenant, pms("P-1", -200, 2), pms("P-2", 1, 3))
    events = await hint_events(app, tenant.tenant_id)
    assert len(events) == 1
    event = events[0]
    assert (event["source"], event["reservation_id"], event["property_id"]) == (
        "pms",
        "P-2",
        "H001",
    )
    assert event["trigger"] == "arrival" and event["repeat_guest"] is True
    assert event["version"] == 1
    # The same delivery again, and a GET, announce nothing new.
    await ingest(http, tenant, pms("P-2", 1, 3))
    assert (await http.get("/v1/hints/pms/P-2", headers=tenant.auth)).status_code == 200
    assert len(await hint_events(app, tenant.tenant_id)) == 1
    stored = await http.get("/v1/hints/pms/P-2", headers=tenant.auth)
    assert stored.json()["trigger"] == "arrival"


async def test_a_changed_reservation_announces_the_next_version(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await ingest(http, tenant, pms("P-1", 0, 2, updated_at="2026-01-01T10:00:00Z"))
    changed = pms("P-1", 0, 2, updated_at="2026-01-01T11:00:00Z")
    changed["stay"]["room_type"] = "STE"
    await ingest(http, tenant, changed)
    events = await hint_events(app, tenant.tenant_id)
    assert [(e["version"], e["room_type"]) for e in events] == [(1, "DLX"), (2, "STE")]


async def test_check_in_triggers_a_hint_and_history_does_not(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # A bulk import of history: past stays, far-future bookings, a cancelled arrival.
    await ingest(
        http,
        tenant,
        *[pms(f"H-{n}", -30 * (n + 1), 2) for n in range(20)],
        pms("F-1", 20, 2),
        pms("C-1", 0, 2, stay_fields={"status": "cancelled"}),
    )
    assert await hint_events(app, tenant.tenant_id) == []
    in_house = booking("BK-1", -1, 3, stay_fields={"status": "checked_in"})
    await ingest(http, tenant, in_house)
    events = await hint_events(app, tenant.tenant_id)
    assert [(e["reservation_id"], e["trigger"]) for e in events] == [("BK-1", "check_in")]
    assert events[0]["previous_stays"] == 20
    assert await stored_hints(app, tenant.tenant_id) == ["BK-1"]


async def test_lead_time_is_a_tenant_setting(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: Any
) -> None:
    admin = await make_tenant(scopes=("admin",))
    await ingest(http, admin, pms("P-5", 5, 2))
    assert await hint_events(app, admin.tenant_id) == []
    put = await http.put("/v1/hints/settings", json={"lead_days": 7}, headers=admin.auth)
    assert put.status_code == 200 and put.json()["lead_days"] == 7
    await ingest(http, admin, pms("P-6", 6, 2))
    await ingest(http, admin, pms("P-0", 0, 2))
    put = await http.put("/v1/hints/settings", json={"lead_days": 0}, headers=admin.auth)
    await ingest(http, admin, pms("P-1", 1, 2))
    assert await stored_hints(app, admin.tenant_id) == ["P-0", "P-6"]
