"""Pullers against local fakes of the vendor APIs: paging, 429/5xx, resuming after failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from connectors.apaleo import fetch_reservation
from connectors.base import GuestRecord, Page, Puller
from connectors.cloudbeds import CloudbedsConnector
from connectors.http import SourceError
from connectors.mews import MewsConnector
from connectors.opera import OperaConnector
from tests.connectors.conftest import fixture

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
Handler = Callable[[httpx.Request], httpx.Response]


class Sleeps:
    """An injectable sleep that only records how long we would have waited."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class Faults:
    """Wraps a fake API: fail chosen request numbers with a given response."""

    def __init__(self, api: Handler, faults: dict[int, httpx.Response] | None = None) -> None:
        self.api, self.faults, self.count = api, faults or {}, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        return self.faults.get(self.count) or self.api(request)


def mews_api(customers: list[dict[str, Any]], reservations: list[dict[str, Any]]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["ClientToken"] == "ct" and body["UpdatedUtc"]["EndUtc"]
        key = "Customers" if request.url.path.endswith("customers/getAll") else "Reservations"
        items = customers if key == "Customers" else reservations
        limit = body["Limitation"]
        start = 0
        if limit.get("Cursor"):
            start = [i["Id"] for i in items].index(limit["Cursor"]) + 1
        page = items[start : start + limit["Count"]]
        return httpx.Response(200, json={key: page, "Cursor": page[-1]["Id"] if page else None})

    return handle


def people(n: int) -> list[dict[str, Any]]:
    return [
        {"Id": f"cust-{i}", "LastName": f"Guest{i}", "Classifications": [], "UpdatedUtc": "x"}
        for i in range(n)
    ]


def stays(n: int) -> list[dict[str, Any]]:
    return [
        {"Id": f"res-{i}", "AccountId": f"cust-{i}", "AccountType": "Customer",
         "State": "Confirmed", "ScheduledStartUtc": "2026-12-01T14:00:00Z",
         "ScheduledEndUtc": "2026-12-03T10:00:00Z", "UpdatedUtc": "x"}
        for i in range(n)
    ]  # fmt: skip


async def sync(
    puller: Puller, handler: Handler, creds: dict[str, str], cursor: str | None = None
) -> tuple[list[GuestRecord], str | None]:
    """Run pages until done, like the app's worker: store the cursor after each page."""
    records: list[GuestRecord] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        while True:
            page: Page = await puller.fetch_changes(client, creds, cursor)
            records.extend(page.records)
            cursor = page.next_cursor
            if page.done:
                return records, cursor


def keys(records: list[GuestRecord]) -> list[str]:
    return [r.stay.reservation_id if r.stay else r.source_record_id for r in records]


MEWS_CREDS = {"client_token": "ct", "access_token": "at", "since": "2026-11-01T00:00:00Z"}


async def test_mews_pages_customers_then_reservations() -> None:
    sleeps = Sleeps()
    mews = MewsConnector(sleep=sleeps, clock=lambda: NOW, page_size=3)
    records, cursor = await sync(mews, mews_api(people(7), stays(4)), MEWS_CREDS)
    assert keys(records) == [f"cust-{i}" for i in range(7)] + [f"res-{i}" for i in range(4)]
    assert sleeps.calls == [] and cursor is not None
    # The next sync starts where this window ended and finds nothing new yet.
    again, _ = await sync(mews, mews_api([], []), MEWS_CREDS, cursor)
    assert again == []


async def test_mews_waits_out_429_and_backs_off_on_5xx() -> None:
    sleeps = Sleeps()
    mews = MewsConnector(sleep=sleeps, clock=lambda: NOW, page_size=3)
    faults = {
        1: httpx.Response(429, headers={"Retry-After": "7"}),
        3: httpx.Response(503),
        4: httpx.Response(502),
    }
    records, _ = await sync(mews, Faults(mews_api(people(4), stays(1)), faults), MEWS_CREDS)
    assert keys(records) == ["cust-0", "cust-1", "cust-2", "cust-3", "res-0"]
    assert sleeps.calls == [7.0, 1.0, 2.0]


async def test_mews_resumes_from_cursor_without_gaps_or_duplicates() -> None:
    sleeps = Sleeps()
    mews = MewsConnector(sleep=sleeps, clock=lambda: NOW, page_size=2)
    api = mews_api(people(5), stays(3))
    broken = Faults(api, {n: httpx.Response(500) for n in range(3, 100)})
    done: list[GuestRecord] = []
    cursor: str | None = None
    async with httpx.AsyncClient(transport=httpx.MockTransport(broken)) as client:
        with pytest.raises(SourceError):
            while True:
                page = await mews.fetch_changes(client, MEWS_CREDS, cursor)
                done.extend(page.records)  # committed together with the cursor
                cursor = page.next_cursor
    assert keys(done) == ["cust-0", "cust-1", "cust-2", "cust-3"]
    rest, _ = await sync(mews, api, MEWS_CREDS, cursor)
    got = keys(done + rest)
    assert got == [f"cust-{i}" for i in range(5)] + [f"res-{i}" for i in range(3)]


def cloudbeds_api(guests: int, reservations: int) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-api-key"] == "cbat_test"
        q = request.url.params
        size, number = int(q["pageSize"]), int(q["pageNumber"])
        if request.url.path.endswith("getGuestList"):
            assert q["resultsFrom"] and q["resultsTo"]
            rows = [{"guestID": f"g{i}", "guestFirstName": "A", "guestLastName": f"L{i}"}
                    for i in range(guests)]  # fmt: skip
        else:
            assert q["modifiedFrom"] and q["modifiedTo"]
            rows = [{"reservationID": f"r{i}", "guestID": f"g{i}", "guestName": "A L",
                     "startDate": "2026-12-01", "endDate": "2026-12-02", "status": "confirmed"}
                    for i in range(reservations)]  # fmt: skip
        page = rows[(number - 1) * size : number * size]
        return httpx.Response(
            200, json={"success": True, "data": page, "count": len(page), "total": len(rows)}
        )

    return handle


async def test_cloudbeds_pages_and_resumes() -> None:
    sleeps = Sleeps()
    cb = CloudbedsConnector(sleep=sleeps, clock=lambda: NOW, page_size=2)
    creds = {"api_key": "cbat_test", "since": "2026-11-01 00:00:00"}
    api = cloudbeds_api(5, 3)
    broken = Faults(api, {2: httpx.Response(429, headers={"Retry-After": "2"})})
    records, _ = await sync(cb, broken, creds)
    assert keys(records) == [f"g{i}" for i in range(5)] + [f"r{i}" for i in range(3)]
    assert sleeps.calls == [2.0]


def opera_api(total: int) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-app-key"] == "app" and request.headers["x-hotelid"] == "BERMI"
        q = request.url.params
        assert q["arrivalStartDate"] == "2026-11-30"
        offset, limit = int(q["offset"]), int(q["limit"])
        rows = [
            {"reservationIdList": [{"id": f"R{i}", "type": "Reservation"}],
             "roomStay": {"arrivalDate": "2026-12-01", "departureDate": "2026-12-02"},
             "reservationGuest": {"id": f"P{i}", "surname": "X"}}
            for i in range(offset, min(total, offset + limit))
        ]  # fmt: skip
        more = offset + limit < total
        body = {"reservations": {"reservationInfo": rows, "hasMore": more}}
        return httpx.Response(200, json=body)

    return handle


async def test_opera_offset_paging_with_backoff() -> None:
    sleeps = Sleeps()
    opera = OperaConnector(sleep=sleeps, clock=lambda: NOW, page_size=2)
    creds = {"base_url": "https://ohip.test", "token": "t", "app_key": "app", "hotel_id": "BERMI"}
    faults = {2: httpx.Response(500), 3: httpx.Response(504)}
    records, cursor = await sync(opera, Faults(opera_api(5), faults), creds)
    assert keys(records) == [f"R{i}" for i in range(5)] and cursor is None
    assert sleeps.calls == [1.0, 2.0]


async def test_opera_gives_up_after_repeated_failures() -> None:
    opera = OperaConnector(sleep=Sleeps(), clock=lambda: NOW)
    creds = {"base_url": "https://ohip.test", "token": "t", "app_key": "app", "hotel_id": "BERMI"}
    with pytest.raises(SourceError) as err:
        await sync(opera, lambda _: httpx.Response(503), creds)
    assert err.value.status == 503


async def test_apaleo_fetch_reservation_and_auth_errors() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] != "Bearer tok":
            return httpx.Response(401)
        assert request.url.path == "/booking/v1/reservations/XPGMSXGF-1"
        return httpx.Response(200, content=fixture("apaleo/reservation_new.json"))

    async with httpx.AsyncClient(transport=httpx.MockTransport(api)) as client:
        records = await fetch_reservation(client, "tok", "XPGMSXGF-1", sleep=Sleeps())
        assert [r.source_record_id for r in records] == ["XPGMSXGF-1:guest", "XPGMSXGF:booker"]
        with pytest.raises(SourceError) as err:
            await fetch_reservation(client, "bad", "XPGMSXGF-1", sleep=Sleeps())
        assert err.value.status == 401
