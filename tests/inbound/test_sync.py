"""Pull sync: one page per job against a fake Mews API — paging, 429, crashes, tenants."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import col, select

from app.core.db import transaction
from app.inbound import fetch, sync, tasks
from app.ingest.service import ingest_records
from app.models import Connection, Job, MatchDecision, SourceRecord, Stay
from app.models.base import utcnow
from app.worker.runner import notify
from connectors.http import iso
from tests.conftest import MakeTenant, TenantClient
from tests.inbound.helpers import OTA_SECRET, admin, connect

DAY = 86400  # the tests' sync interval: the next scheduled sync never runs during the suite


def credentials(client: str = "ct-a") -> dict[str, str]:
    """Mews API credentials of a test connection, pulling from an hour ago."""
    return {
        "client_token": client,
        "access_token": "at",
        "base_url": "https://mews.test",
        "since": iso(utcnow() - timedelta(hours=1)),
        "sync_interval_seconds": str(DAY),
    }


NAMES = [("Anna", "Berg"), ("Jonas", "Okafor"), ("Carla", "Ruiz"), ("Mei", "Tanaka")]


def customers(n: int, prefix: str = "cust") -> list[dict[str, Any]]:
    return [
        {"Id": f"{prefix}-{i}", "FirstName": NAMES[i][0], "LastName": NAMES[i][1],
         "Email": f"{prefix}{i}@example.com", "Classifications": [], "UpdatedUtc": "x"}
        for i in range(n)
    ]  # fmt: skip


def reservations(n: int, prefix: str = "cust") -> list[dict[str, Any]]:
    return [
        {"Id": f"res-{prefix}-{i}", "AccountId": f"{prefix}-{i}", "AccountType": "Customer",
         "State": "Confirmed", "ScheduledStartUtc": "2026-12-01T14:00:00Z",
         "ScheduledEndUtc": "2026-12-03T10:00:00Z", "UpdatedUtc": "y"}
        for i in range(n)
    ]  # fmt: skip


class FakeMews:
    """customers/getAll and reservations/getAll with cursor paging; chosen requests fail."""

    def __init__(
        self,
        people: list[dict[str, Any]],
        stays: list[dict[str, Any]],
        faults: dict[int, httpx.Response] | None = None,
        gate: asyncio.Event | None = None,
    ) -> None:
        self.people, self.stays, self.faults, self.gate = people, stays, faults or {}, gate
        self.count = 0
        self.tokens: set[str] = set()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.gate is not None:
            await self.gate.wait()
        if fault := self.faults.get(self.count):
            return fault
        body = json.loads(request.content)
        self.tokens.add(body["ClientToken"])
        key = "Customers" if request.url.path.endswith("customers/getAll") else "Reservations"
        items = self.people if key == "Customers" else self.stays
        if "CustomerIds" in body:  # the owners of a reservations page
            found = [c for c in self.people if c["Id"] in body["CustomerIds"]]
            return httpx.Response(200, json={"Customers": found, "Cursor": None})
        limit = body["Limitation"]
        start = 0
        if limit.get("Cursor"):
            start = [i["Id"] for i in items].index(limit["Cursor"]) + 1
        page = items[start : start + limit["Count"]]
        return httpx.Response(200, json={key: page, "Cursor": page[-1]["Id"] if page else None})


class Sleeps:
    """The pullers' sleep, recorded instead of waited."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorder = Sleeps()
    monkeypatch.setattr(sync, "SLEEP", recorder)
    return recorder


Fake = Callable[[FakeMews], None]


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Fake:
    def use(fake: FakeMews) -> None:
        monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(fake))

    return use


async def sync_jobs(app: FastAPI, tenant_id: str) -> list[Job]:
    async with transaction(app.state.sessions) as session:
        stmt = select(Job).where(Job.tenant_id == tenant_id, Job.kind == sync.SYNC_JOB)
        return list((await session.exec(stmt.order_by(col(Job.created_at)))).all())


async def synced(app: FastAPI, tenant_id: str, seconds: float = 20) -> list[Job]:
    """Wait until the tenant's sync chain has caught up (only the next scheduled run waits)."""
    found: list[Job] = []
    for _ in range(int(seconds / 0.05)):
        found = await sync_jobs(app, tenant_id)
        pending = [j for j in found if j.status in ("queued", "running")]
        later = utcnow() + timedelta(hours=1)
        if len(pending) == 1 and pending[0].status == "queued" and pending[0].run_at > later:
            return found
        app.state.worker.wake()
        await notify(app.state.redis)
        await asyncio.sleep(0.05)
    raise AssertionError(f"sync not settled: {[(j.status, j.last_error) for j in found]}")


async def counts(app: FastAPI, tenant_id: str) -> tuple[int, int, int]:
    """(source records, stays, match decisions) of a tenant."""
    out = []
    async with transaction(app.state.sessions) as session:
        for model in (SourceRecord, Stay, MatchDecision):
            stmt = select(func.count()).select_from(model).where(model.tenant_id == tenant_id)
            out.append(int((await session.exec(stmt)).one()))
    return out[0], out[1], out[2]


async def cursor_of(app: FastAPI, connection_id: str) -> str | None:
    async with transaction(app.state.sessions) as session:
        conn = await session.get(Connection, connection_id)
        assert conn is not None
        return conn.cursor


async def start(
    http: httpx.AsyncClient, tenant: TenantClient, creds: dict[str, str] | None = None
) -> str:
    """Connect Mews with API credentials and ask for a sync; the connection id."""
    conn_id, _ = await connect(http, tenant, "mews", credentials=creds or credentials())
    answer = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert answer.status_code == 202, answer.text
    assert answer.json()["already_queued"] is False
    return conn_id


async def test_pages_are_ingested_and_the_cursor_stored(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, sleeps: Sleeps, vendor: Fake
) -> None:
    fake = FakeMews(customers(2), reservations(2))
    vendor(fake)
    tenant = await admin(make_tenant)
    conn_id = await start(http, tenant)

    jobs = await synced(app, tenant.tenant_id)
    # Customers page, reservations page (done), then the next sync waits a day.
    assert [j.status for j in jobs] == ["done", "done", "queued"]
    assert jobs[-1].run_at > utcnow() + timedelta(seconds=DAY - 60)
    # customers page, reservations page, and the owners of those reservations
    assert fake.count == 3 and sleeps.calls == []
    cursor = await cursor_of(app, conn_id)
    assert cursor is not None and jobs[-1].payload["cursor"] == cursor
    # Two records, two stays, and a decision per record version (customer, then its stay).
    assert await counts(app, tenant.tenant_id) == (2, 2, 4)

    record = await http.get("/v1/records/mews/cust-0", headers=tenant.auth)
    assert record.status_code == 200, record.text
    print(record.json())
    profile = await http.get(f"/v1/profiles/{record.json()['profile_id']}", headers=tenant.auth)
    assert [s["reservation_id"] for s in profile.json()["stays"]] == ["res-cust-0"]
    explained = await http.get(
        f"/v1/profiles/{record.json()['profile_id']}/explain", headers=tenant.auth
    )
    decisions = [d for r in explained.json()["records"] for d in r["decisions"]]
    assert {d["decided_by"] for d in decisions} == {f"connection:{conn_id}"}


async def test_a_second_request_while_syncing_queues_nothing_more(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, sleeps: Sleeps, vendor: Fake
) -> None:
    gate = asyncio.Event()
    vendor(FakeMews(customers(1), [], gate=gate))
    tenant = await admin(make_tenant)
    conn_id = await start(http, tenant)
    again = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert again.status_code == 202 and again.json()["already_queued"] is True
    gate.set()
    jobs = await synced(app, tenant.tenant_id)
    assert [j.status for j in jobs] == ["done", "done", "queued"]

    # Asking again after the sync brings the scheduled run forward instead of adding one.
    scheduled = jobs[-1].id
    now = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert now.json()["already_queued"] is True and now.json()["job_id"] == scheduled
    jobs = await synced(app, tenant.tenant_id)
    assert [j.status for j in jobs].count("queued") == 1
    assert await counts(app, tenant.tenant_id) == (1, 0, 1)


async def test_429_is_waited_out_then_the_page_succeeds(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, sleeps: Sleeps, vendor: Fake
) -> None:
    limited = {1: httpx.Response(429, headers={"Retry-After": "7"})}
    vendor(FakeMews(customers(2), reservations(1), faults=limited))
    tenant = await admin(make_tenant)
    await start(http, tenant)
    jobs = await synced(app, tenant.tenant_id)
    assert sleeps.calls == [7.0]
    assert [j.attempts for j in jobs if j.status == "done"] == [1, 1]
    assert await counts(app, tenant.tenant_id) == (2, 1, 3)


async def test_a_failed_page_is_retried_and_every_record_lands_once(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    sleeps: Sleeps,
    vendor: Fake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync, "PAGE_SIZE", 2)
    # Page 2 fails all five tries of the puller's own retries: the job fails, the queue retries.
    down = {n: httpx.Response(503) for n in range(2, 7)}
    fake = FakeMews(customers(3), reservations(2), faults=down)
    vendor(fake)
    tenant = await admin(make_tenant)
    conn_id = await start(http, tenant)

    jobs = await synced(app, tenant.tenant_id)
    failed_once = [j for j in jobs if j.attempts == 2]
    assert len(failed_once) == 1 and "SourceError" in (failed_once[0].last_error or "")
    assert sleeps.calls == [1.0, 2.0, 4.0, 8.0]
    # cust[0:2], cust[2:], res[0:2], res[2:] (empty, done), and the next scheduled run.
    assert [j.status for j in jobs] == ["done"] * 4 + ["queued"]
    assert await counts(app, tenant.tenant_id) == (3, 2, 5)
    for i in range(3):
        got = await http.get(f"/v1/records/mews/cust-{i}", headers=tenant.auth)
        assert got.status_code == 200, got.text
    assert await cursor_of(app, conn_id) == jobs[-1].payload["cursor"]


async def test_a_crash_after_ingesting_rolls_the_page_back(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    sleeps: Sleeps,
    vendor: Fake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ingest_records
    calls: list[int] = []

    async def crash_once_on_page_two(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        results = await real(*args, **kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker died after ingesting page 2")
        return results

    monkeypatch.setattr(tasks, "ingest_records", crash_once_on_page_two)
    vendor(FakeMews(customers(2), reservations(2)))
    tenant = await admin(make_tenant)
    conn_id = await start(http, tenant)
    jobs = await synced(app, tenant.tenant_id)
    assert len(calls) == 3
    assert [j.attempts for j in jobs if j.status == "done"] == [1, 2]
    # The first run's records, stays and decisions of page 2 were rolled back with its cursor.
    assert await counts(app, tenant.tenant_id) == (2, 2, 4)
    assert await cursor_of(app, conn_id) == jobs[-1].payload["cursor"]


async def test_a_sync_of_tenant_a_never_writes_into_tenant_b(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, sleeps: Sleeps, vendor: Fake
) -> None:
    fake = FakeMews(customers(2), reservations(1))
    vendor(fake)
    a, b = await admin(make_tenant), await admin(make_tenant)
    conn_b, _ = await connect(http, b, "mews", credentials=credentials("ct-b"))
    conn_a = await start(http, a)
    # B cannot see or trigger A's connection.
    other = await http.post(f"/v1/connections/{conn_a}/sync", headers=b.auth)
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"

    await synced(app, a.tenant_id)
    assert fake.tokens == {"ct-a"}
    assert await counts(app, a.tenant_id) == (2, 1, 3)
    assert await counts(app, b.tenant_id) == (0, 0, 0)
    assert await sync_jobs(app, b.tenant_id) == []
    assert await cursor_of(app, conn_b) is None
    assert (await http.get("/v1/records/mews/cust-0", headers=b.auth)).status_code == 404


async def test_sources_that_are_not_pulled_and_unknown_connections_are_refused(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    booking, _ = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
    no_creds, _ = await connect(http, tenant, "mews")
    cases = {
        f"/v1/connections/{booking}/sync": (422, "/not-pullable"),
        f"/v1/connections/{no_creds}/sync": (422, "/missing-credentials"),
        "/v1/connections/nosuch/sync": (404, "/not-found"),
    }
    for url, (status, kind) in cases.items():
        answer = await http.post(url, headers=tenant.auth)
        assert answer.status_code == status, (url, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"].endswith(kind)
    reader = await make_tenant()  # default scopes: no admin
    forbidden = await http.post(f"/v1/connections/{booking}/sync", headers=reader.auth)
    assert forbidden.status_code == 403
    assert await sync_jobs(app, tenant.tenant_id) == []
