"""Local fakes of the vendor APIs the pullers and fetchers talk to, and helpers to drive them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from connectors.base import GuestRecord, Page, Puller

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


def mews_api(customers: list[dict[str, Any]], reservations: list[dict[str, Any]]) -> Handler:
    """customers/getAll and reservations/getAll paging by Limitation {Count, Cursor}."""

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


def apaleo_api(total: int, token: str = "tok") -> Handler:  # noqa: S107
    """GET /booking/v1/reservations paged by pageNumber/pageSize, `count` = all matches."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {token}":
            return httpx.Response(401)
        assert request.url.path == "/booking/v1/reservations"
        q = request.url.params
        assert q["dateFilter"] == "Modification" and q["from"] and q["to"]
        size, number = int(q["pageSize"]), int(q["pageNumber"])
        rows = [
            {"id": f"AP-{i}", "status": "Confirmed", "arrival": "2026-12-01T15:00:00+01:00",
             "departure": "2026-12-02T11:00:00+01:00", "modified": "2026-11-20T10:00:00+01:00",
             "primaryGuest": {"firstName": "Ana", "lastName": f"Guest{i}"}}
            for i in range(total)
        ][(number - 1) * size : number * size]  # fmt: skip
        if not rows:
            return httpx.Response(204)
        return httpx.Response(200, json={"reservations": rows, "count": total})

    return handle


def cloudbeds_api(guests: int, reservations: int, key: str = "cbat_test") -> Handler:
    """getGuestList then getReservations, pageNumber/pageSize with `total`."""

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-api-key"] == key
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


def opera_api(total: int, token: str = "t") -> Handler:  # noqa: S107
    """GET /rsv/v1/hotels/{hotel}/reservations with offset/limit and hasMore."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {token}":
            return httpx.Response(401)
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


async def run_sync(
    puller: Puller, handler: Handler, creds: dict[str, str], cursor: str | None = None
) -> tuple[list[GuestRecord], str | None]:
    """Run pages until done, like the app's worker: store the cursor after each page."""
    records: list[GuestRecord] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        for _ in range(1000):
            page: Page = await puller.fetch_changes(client, creds, cursor)
            records.extend(page.records)
            cursor = page.next_cursor
            if page.done:
                return records, cursor
    raise AssertionError("the sync never finished")


def keys(records: list[GuestRecord]) -> list[str]:
    """Reservation ids of records with a stay, record ids of the rest, in order."""
    return [r.stay.reservation_id if r.stay else r.source_record_id for r in records]
