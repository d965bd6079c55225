"""Every puller against a local fake of its vendor: paging, 429/5xx, resuming after a crash."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.apaleo import ApaleoConnector
from connectors.base import GuestRecord, Puller
from connectors.cloudbeds import CloudbedsConnector
from connectors.http import SourceError, iso
from connectors.mews import MewsConnector
from connectors.opera import OperaConnector
from tests.connectors.fakes import (
    Faults,
    Handler,
    Sleeps,
    apaleo_api,
    cloudbeds_api,
    keys,
    mews_api,
    opera_api,
    people,
    run_sync,
    stays,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MEWS_CREDS = {"client_token": "ct", "access_token": "at", "since": "2026-11-01T00:00:00Z"}
OPERA_CREDS = {"base_url": "https://ohip.test", "token": "t", "app_key": "app", "hotel_id": "BERMI"}


def _clock() -> datetime:
    return NOW


# name: (puller with page size 2, fake API, credentials, every key one sync must yield, in order)
Case = tuple[Callable[[Sleeps], Puller], Callable[[], Handler], dict[str, str], list[str]]
CASES: dict[str, Case] = {
    "mews": (
        lambda s: MewsConnector(sleep=s, clock=_clock, page_size=2),
        lambda: mews_api(people(5), stays(3)),
        MEWS_CREDS,
        [f"cust-{i}" for i in range(5)] + [f"res-{i}" for i in range(3)],
    ),
    "apaleo": (
        lambda s: ApaleoConnector(sleep=s, clock=_clock, page_size=2),
        lambda: apaleo_api(5),
        {"token": "tok", "since": "2026-11-01T00:00:00Z"},
        [f"AP-{i}" for i in range(5)],
    ),
    "cloudbeds": (
        lambda s: CloudbedsConnector(sleep=s, clock=_clock, page_size=2),
        lambda: cloudbeds_api(3, 3),
        {"api_key": "cbat_test", "since": "2026-11-01 00:00:00"},
        ["g0", "g1", "g2", "r0", "r1", "r2"],
    ),
    "opera": (
        lambda s: OperaConnector(sleep=s, clock=_clock, page_size=2),
        lambda: opera_api(5),
        OPERA_CREDS,
        [f"R{i}" for i in range(5)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_sync_pages_to_the_end(name: str) -> None:
    make, api, creds, expected = CASES[name]
    sleeps = Sleeps()
    counted = Faults(api())
    records, cursor = await run_sync(make(sleeps), counted, creds)
    assert keys(records) == expected
    assert counted.count >= 3 and sleeps.calls == []  # several pages, none waited for
    assert cursor is not None or name == "opera"  # OPERA re-reads its window every sync


@pytest.mark.parametrize("name", sorted(CASES))
async def test_429_and_5xx_are_waited_out(name: str) -> None:
    make, api, creds, expected = CASES[name]
    sleeps = Sleeps()
    faults = {
        1: httpx.Response(429, headers={"Retry-After": "7"}),
        2: httpx.Response(503),
        4: httpx.Response(502),
    }
    records, _ = await run_sync(make(sleeps), Faults(api(), faults), creds)
    assert keys(records) == expected
    # Retry-After wins over backoff; then 1 s doubling per attempt of the same request.
    assert sleeps.calls == [7.0, 2.0, 1.0]


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_crash_mid_sync_resumes_without_gaps_or_duplicates(name: str) -> None:
    make, api, creds, expected = CASES[name]
    puller = make(Sleeps())
    broken = Faults(api(), {n: httpx.Response(500) for n in range(3, 100)})
    committed: list[GuestRecord] = []
    cursor: str | None = None
    async with httpx.AsyncClient(transport=httpx.MockTransport(broken)) as client:
        with pytest.raises(SourceError):
            while True:
                page = await puller.fetch_changes(client, creds, cursor)
                committed.extend(page.records)  # committed together with the cursor
                cursor = page.next_cursor
    assert 0 < len(committed) < len(expected)
    rest, _ = await run_sync(puller, api(), creds, cursor)
    assert keys(committed + rest) == expected


async def test_mews_sync_finishes_although_the_clock_moves_on() -> None:
    # Every call sees a later "now", as in production; a sync must still report done.
    minutes = itertools.count()

    def moving() -> datetime:
        return NOW + timedelta(minutes=next(minutes))

    mews = MewsConnector(sleep=Sleeps(), clock=moving, page_size=2)
    creds = {**MEWS_CREDS, "since": iso(NOW - timedelta(days=200))}  # three 90-day windows
    records, cursor = await run_sync(mews, mews_api(people(3), stays(1)), creds)
    # Each window reads customers then reservations; the fake answers every window alike.
    assert keys(records)[:4] == ["cust-0", "cust-1", "cust-2", "res-0"]
    assert len(records) == 3 * 4
    # The next sync starts where this one ended and finds nothing new.
    again, _ = await run_sync(mews, mews_api([], []), creds, cursor)
    assert again == []


async def test_mews_pages_end_on_a_short_page_even_with_a_cursor() -> None:
    # Mews returns a Cursor on every page; fewer than Count items means the last one.
    mews = MewsConnector(sleep=Sleeps(), clock=_clock, page_size=3)
    counted = Faults(mews_api(people(4), []))
    records, _ = await run_sync(mews, counted, MEWS_CREDS)
    assert keys(records) == [f"cust-{i}" for i in range(4)]
    assert counted.count == 3  # customers: 3 + 1 (short page), reservations: 0 (empty page)


async def test_opera_gives_up_after_repeated_failures() -> None:
    opera = OperaConnector(sleep=Sleeps(), clock=_clock)
    with pytest.raises(SourceError) as err:
        await run_sync(opera, lambda _: httpx.Response(503), OPERA_CREDS)
    assert err.value.status == 503


async def test_a_refused_static_token_is_not_retried() -> None:
    apaleo = ApaleoConnector(sleep=Sleeps(), clock=_clock)
    calls = Faults(apaleo_api(3, token="other"))
    with pytest.raises(SourceError) as err:
        await run_sync(apaleo, calls, {"token": "tok", "since": "2026-11-01T00:00:00Z"})
    assert err.value.status == 401 and calls.count == 1
