"""Concurrent batches of one tenant: those that share a key wait for each other, others do not,
and a batch larger than PostgreSQL's lock table is stored like any other."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.curation import service as curation
from app.curation.schemas import RecordId
from app.ingest.service import ingest_records, prepare_record
from app.matching.service import matching_for
from app.models import SourceRecord
from app.profiles.workset_io import KEY_LOCKS_PER_TRANSACTION
from connectors.base import GuestRecord
from tests.conftest import MakeTenant, TenantClient

SECRET = "t" * 48
_SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vo", "ne", "di", "pe", "zu", "ho")


def _name(n: int, parts: int) -> str:
    word = ""
    for _ in range(parts):
        n, digit = divmod(n, len(_SYLLABLES))
        word += _SYLLABLES[digit]
    return word.capitalize()


def _guest(n: int) -> dict[str, Any]:
    """Distinct guests: no two share a name, email, phone, birth date or street."""
    given, family = _name(n, 3), _name(n * 7 + 3, 4)
    return {
        "source": "pms",
        "source_record_id": f"L-{n}",
        "first_name": given,
        "last_name": family,
        "email": f"{given.lower()}.{n}@example.org",
        "phone": f"+49 151 {3_000_000 + n * 37}",
        "date_of_birth": f"{1940 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "address": {"line1": f"{family}weg {n}", "city": "Berlin", "postcode": "10115"},
    }


def _keys(raws: list[dict[str, Any]]) -> set[str]:
    return {
        k for raw in raws for k in prepare_record(GuestRecord.model_validate(raw), SECRET).blocking
    }


async def _lock_table_size(session: AsyncSession) -> int:
    connection = await session.connection()
    per_transaction = (await connection.execute(text("SHOW max_locks_per_transaction"))).scalar()
    connections = (await connection.execute(text("SHOW max_connections"))).scalar()
    return int(str(per_transaction)) * int(str(connections))


async def _stored(app: FastAPI, tenant_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        count = select(func.count()).where(SourceRecord.tenant_id == tenant_id)
        return int((await session.exec(count)).one())


async def test_a_full_batch_is_stored_whatever_the_size_of_the_lock_table(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, backend: str
) -> None:
    tenant = await make_tenant()
    records = [_guest(n) for n in range(app.state.settings.max_batch_size)]
    if backend == "postgres":
        keys = _keys(records)
        async with transaction(app.state.sessions) as session:
            # One lock per key would not fit: the batch must still go through in one piece.
            assert len(keys) > await _lock_table_size(session)
    response = await http.post("/v1/records", json=records, headers=tenant.auth)
    assert response.status_code == 200, response.text[:500]
    assert await _stored(app, tenant.tenant_id) == len(records)


async def _ingest(session: AsyncSession, tenant_id: str, raws: list[dict[str, Any]]) -> None:
    matching = await matching_for(session, tenant_id)
    records = [GuestRecord.model_validate(raw) for raw in raws]
    await ingest_records(
        session, tenant_id, records, matching=matching, secret_key=SECRET, decided_by="test"
    )


async def _waits(app: FastAPI, tenant_id: str, raw: dict[str, Any]) -> bool:
    """Whether ingesting `raw` has to wait for a lock another transaction holds."""
    async with app.state.sessions() as session:
        connection = await session.connection()
        await connection.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            await _ingest(session, tenant_id, [raw])
        except DBAPIError as exc:
            assert "lock timeout" in str(exc)
            await session.rollback()
            return True
        await session.rollback()
        return False


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has a single writer: nothing waits on a key")


@pytest.mark.usefixtures("postgres_only")
async def test_an_online_record_waits_only_for_a_batch_that_shares_a_key(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant()
    async with transaction(app.state.sessions) as holding:
        await _ingest(holding, tenant.tenant_id, [_guest(1)])  # keeps its keys locked
        same_phone = {**_guest(2), "phone": _guest(1)["phone"], "source_record_id": "L-x"}
        assert await _waits(app, tenant.tenant_id, same_phone)
        assert not await _waits(app, tenant.tenant_id, _guest(3))
    assert not await _waits(app, tenant.tenant_id, same_phone)


@pytest.mark.usefixtures("postgres_only")
async def test_a_record_that_waited_for_a_key_sees_what_the_holder_stored(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant()
    again = {**_guest(1), "source_record_id": "L-1b"}  # the same guest from another booking
    async with app.state.sessions() as holding:
        await _ingest(holding, tenant.tenant_id, [_guest(1)])
        waiting = asyncio.create_task(_store(app, tenant.tenant_id, [again]))
        await asyncio.sleep(0.5)
        assert not waiting.done()  # queued on the keys the first booking holds
        await holding.commit()
    await asyncio.wait_for(waiting, 10)
    # Its lookup ran after the wait: it found the first booking's guest instead of starting a
    # second profile for the same person.
    assert await _profile_of(http, tenant.auth, "L-1b") == await _profile_of(
        http, tenant.auth, "L-1"
    )


@pytest.mark.usefixtures("postgres_only")
async def test_a_large_batch_holds_up_its_own_tenant_only(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    tenant, other = await make_tenant(), await make_tenant()
    large = [_guest(n) for n in range(100, 100 + KEY_LOCKS_PER_TRANSACTION // 4)]
    assert len(_keys(large)) > KEY_LOCKS_PER_TRANSACTION
    async with transaction(app.state.sessions) as holding:
        await _ingest(holding, tenant.tenant_id, large)
        # No key in common, yet the tenant is locked while the large batch is in flight.
        assert await _waits(app, tenant.tenant_id, _guest(1))
        assert not await _waits(app, other.tenant_id, _guest(1))
    assert not await _waits(app, tenant.tenant_id, _guest(1))


@pytest.mark.usefixtures("postgres_only")
async def test_a_large_batch_waits_for_the_online_records_in_flight(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant()
    large = [_guest(n) for n in range(200, 200 + KEY_LOCKS_PER_TRANSACTION // 4)]
    assert len(_keys(large)) > KEY_LOCKS_PER_TRANSACTION
    async with app.state.sessions() as holding:
        await _ingest(holding, tenant.tenant_id, [_guest(1)])
        waiting = asyncio.create_task(_store(app, tenant.tenant_id, large))
        await asyncio.sleep(0.5)
        assert not waiting.done()  # queued behind the online record's transaction
        await holding.commit()
    await asyncio.wait_for(waiting, 10)
    assert await _stored(app, tenant.tenant_id) == 1 + len(large)


async def _store(app: FastAPI, tenant_id: str, raws: list[dict[str, Any]]) -> None:
    async with transaction(app.state.sessions) as session:
        await _ingest(session, tenant_id, raws)


async def _profile_of(http: httpx.AsyncClient, auth: dict[str, str], rid: str) -> str:
    response = await http.get(f"/v1/records/pms/{rid}", headers=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["profile_id"])


async def _owners(app: FastAPI, tenant_id: str) -> dict[str, str]:
    """The profile each stored record of the tenant is written in (not forwarded)."""
    async with transaction(app.state.sessions) as session:
        rows = await session.exec(
            select(SourceRecord.source_record_id, SourceRecord.profile_id).where(
                SourceRecord.tenant_id == tenant_id
            )
        )
        return dict(rows.all())


@pytest.mark.usefixtures("postgres_only")
async def test_a_merge_by_hand_takes_in_the_record_linked_while_it_waited(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant()
    await _store(app, tenant.tenant_id, [_guest(1), _guest(2)])
    survivor = await _profile_of(http, tenant.auth, "L-1")
    merged = await _profile_of(http, tenant.auth, "L-2")
    assert survivor != merged
    async with app.state.sessions() as holding:
        # The second guest again, from another booking: it links to `merged`, uncommitted.
        await _ingest(holding, tenant.tenant_id, [{**_guest(2), "source_record_id": "L-2b"}])
        merging = asyncio.create_task(
            http.post(
                f"/v1/profiles/{survivor}/merge",
                json={"profile_ids": [merged]},
                headers=tenant.auth,
            )
        )
        await asyncio.sleep(0.5)
        assert not merging.done()
        await holding.commit()
    response = await asyncio.wait_for(merging, 10)
    assert response.status_code == 200, response.text
    # No record is left behind in the profile merged away, where no one would look for it.
    assert await _owners(app, tenant.tenant_id) == {
        "L-1": survivor,
        "L-2": survivor,
        "L-2b": survivor,
    }


@pytest.mark.usefixtures("postgres_only")
async def test_an_unmerge_waits_for_the_records_in_flight_of_its_own_tenant_only(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant, other = await make_tenant(), await make_tenant()
    for owner in (tenant, other):
        await _store(app, owner.tenant_id, [_guest(1), {**_guest(1), "source_record_id": "L-1b"}])

    async def unmerge_waits(owner: TenantClient) -> bool:
        profile_id = await _profile_of(http, owner.auth, "L-1")
        async with app.state.sessions() as session:
            connection = await session.connection()
            await connection.execute(text("SET LOCAL lock_timeout = '300ms'"))
            split = [RecordId(source="pms", source_record_id="L-1b")]
            try:
                await curation.unmerge(session, owner.tenant_id, profile_id, split, "test")
            except DBAPIError as exc:
                assert "lock timeout" in str(exc)
                return True
            finally:
                await session.rollback()
            return False

    async with transaction(app.state.sessions) as holding:
        await _ingest(holding, tenant.tenant_id, [_guest(5)])  # another guest altogether
        assert await unmerge_waits(tenant)
        assert not await unmerge_waits(other)
    assert not await unmerge_waits(tenant)
