"""A reservation cancelled after its hint was issued withdraws the hint: stored, read, announced."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import col, select

from app.core.db import transaction
from app.core.redis import tenant_key
from app.models import Event, Hint
from tests.conftest import TenantClient
from tests.hints.records import pms
from tests.hints.test_triggers import ingest

WITHDRAWN = "https://guestid.dev/problems/hint-withdrawn"


def version(record: dict[str, Any], hour: int, status: str = "confirmed") -> dict[str, Any]:
    """The record as the source sent it at `hour`, with this stay status."""
    return {**record, "updated_at": f"2026-01-01T{hour:02d}:00:00Z"} | {
        "stay": {**record["stay"], "status": status}
    }


async def hint_events(app: FastAPI, tenant_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with transaction(app.state.sessions) as session:
        stmt = (
            select(Event)
            .where(Event.tenant_id == tenant_id, col(Event.type).startswith("hint."))
            .order_by(col(Event.created_at))
        )
        return [(e.type, e.payload) for e in (await session.exec(stmt)).all()]


async def stored(app: FastAPI, tenant_id: str, reservation_id: str) -> Hint:
    async with transaction(app.state.sessions) as session:
        stmt = select(Hint).where(
            Hint.tenant_id == tenant_id, Hint.reservation_id == reservation_id
        )
        return (await session.exec(stmt)).one()


async def test_a_cancellation_withdraws_the_hint_and_announces_it(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    arrival = pms("P-1", 0, 2)
    await ingest(http, tenant, version(arrival, 10))
    first = await http.get("/v1/hints/pms/P-1", headers=tenant.auth)  # now cached (Redis mode)
    assert first.status_code == 200 and first.json()["version"] == 1

    await ingest(http, tenant, version(arrival, 11, "cancelled"))

    events = await hint_events(app, tenant.tenant_id)
    assert [t for t, _ in events] == ["hint.created", "hint.withdrawn"]
    withdrawn = events[1][1]
    assert {k: withdrawn[k] for k in ("source", "reservation_id", "property_id", "reason")} == {
        "source": "pms",
        "reservation_id": "P-1",
        "property_id": "H001",
        "reason": "cancelled",
    }
    assert withdrawn["version"] == 2 and withdrawn["withdrawn_at"].endswith("Z")
    assert withdrawn["profile_id"] == first.json()["profile_id"]
    assert (await stored(app, tenant.tenant_id, "P-1")).withdrawn_at is not None

    for _ in range(2):  # the cached copy is never served again
        gone = await http.get("/v1/hints/pms/P-1", headers=tenant.auth)
        assert gone.status_code == 410, gone.text
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["type"] == WITHDRAWN
        assert "cancelled" in gone.json()["detail"]
    if app.state.redis is not None:
        key = tenant_key(tenant.tenant_id, "hint", "pms", "P-1")
        assert await app.state.redis.get(key) is None

    # The same cancellation delivered again announces nothing more.
    await ingest(http, tenant, version(arrival, 11, "cancelled"))
    assert len(await hint_events(app, tenant.tenant_id)) == 2


async def test_an_out_of_date_cancellation_withdraws_nothing(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    arrival = pms("P-1", 0, 2)
    await ingest(http, tenant, version(arrival, 11))
    await ingest(http, tenant, version(arrival, 10, "cancelled"))  # older than what is stored
    assert [t for t, _ in await hint_events(app, tenant.tenant_id)] == ["hint.created"]
    assert (await http.get("/v1/hints/pms/P-1", headers=tenant.auth)).status_code == 200


async def test_a_reinstated_reservation_gets_its_hint_back_under_a_higher_version(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    arrival = pms("P-1", 0, 2)
    await ingest(http, tenant, version(arrival, 10))
    await ingest(http, tenant, version(arrival, 11, "cancelled"))
    await ingest(http, tenant, version(arrival, 12))
    events = await hint_events(app, tenant.tenant_id)
    assert [(t, p["version"]) for t, p in events] == [
        ("hint.created", 1),
        ("hint.withdrawn", 2),
        ("hint.created", 3),
    ]
    back = await http.get("/v1/hints/pms/P-1", headers=tenant.auth)
    assert back.status_code == 200 and back.json()["version"] == 3
    assert (await stored(app, tenant.tenant_id, "P-1")).withdrawn_at is None


async def test_a_hint_request_for_a_cancelled_reservation_is_410_and_keeps_the_cancellation(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    arrival = pms("P-1", 0, 2)
    asked = await http.post("/v1/hints", json=version(arrival, 10), headers=tenant.auth)
    assert asked.status_code == 200, asked.text
    cancelled = await http.post(
        "/v1/hints", json=version(arrival, 11, "cancelled"), headers=tenant.auth
    )
    assert cancelled.status_code == 410, cancelled.text
    assert cancelled.json()["type"] == WITHDRAWN
    record = (await http.get("/v1/records/pms/P-1", headers=tenant.auth)).json()
    assert record["data"]["stay"]["status"] == "cancelled"
    assert [t for t, _ in await hint_events(app, tenant.tenant_id)] == [
        "hint.created",
        "hint.withdrawn",
    ]
    # A reservation cancelled before any hint was issued has none to take back.
    never = await http.post(
        "/v1/hints", json=version(pms("P-2", 0, 2), 10, "cancelled"), headers=tenant.auth
    )
    assert never.status_code == 410 and "gets no hint" in never.json()["detail"]
    assert len(await hint_events(app, tenant.tenant_id)) == 2


async def test_the_catalogue_and_the_openapi_document_the_withdrawal(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    types = (await http.get("/v1/webhook-event-types", headers=tenant.auth)).json()["items"]
    [withdrawn] = [t for t in types if t["type"] == "hint.withdrawn"]
    assert withdrawn["scope"] == "property" and "withdrawn_at" in withdrawn["description"]
    paths = (await http.get("/openapi.json")).json()["paths"]
    gone = paths["/v1/hints/{source}/{reservation_id}"]["get"]["responses"]["410"]
    assert "hint-withdrawn" in gone["description"]
    assert "application/problem+json" in gone["content"]
