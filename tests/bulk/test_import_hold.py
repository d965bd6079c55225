"""An import into an empty tenant holds the tenant and resolves against what it wrote, kept in
memory: it must store exactly what an import reading the database stores, and give way to
anyone else who asks for the tenant."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.bulk import importer
from app.bulk.importer import ImportReport, import_file
from app.bulk.tenant_hold import hold_if_empty
from app.core.db import transaction
from app.ingest.service import ingest_prepared, ingest_records, prepare_record
from app.matching.service import matching_for
from app.profiles import batch_repository as batch_repo
from app.profiles import repository as repo
from app.profiles.codec import from_text
from app.profiles.linking import Resolved, resolve_in_memory
from app.profiles.mirror import TenantMirror
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY
from connectors.base import GuestRecord
from tests.conftest import MakeTenant, TenantClient

SECRET = "t" * 48
BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("terminates a PostgreSQL backend")


def _hotel_file(path: Path, guests: int, seed: int) -> list[dict[str, Any]]:
    """Generated hotel guests (repeat stays, updates, couples, namesakes) as JSON Lines."""
    sys.path.insert(0, str(BENCH))
    from hotel_generator import generate  # type: ignore[import-not-found]

    records = [{k: v for k, v in r.items() if k != "_guest"} for r in generate(guests, seed)[0]]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


@pytest.fixture
async def runners_paused(app: FastAPI) -> AsyncIterator[None]:
    """The service's own background runners, paused for the test: on SQLite their commits
    (events marked dispatched) end an import's hold like any other connection's, as when
    `guestid import` runs beside `guestid serve`. Started again afterwards for later tests."""
    runners = [(app.state.worker, "worker_task"), (app.state.webhooks, "webhooks_task")]
    for runner, task in runners:
        if runner is not None:
            runner.stop()
            await getattr(app.state, task)
    yield
    for runner, task in runners:
        if runner is not None:
            runner._stopping.clear()
            setattr(app.state, task, asyncio.create_task(runner.run()))


async def _import(
    app: FastAPI, tenant: TenantClient, path: Path, *, hold: bool = True
) -> ImportReport:
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
    return await import_file(
        path,
        tenant_id=tenant.tenant_id,
        tenant_slug=tenant.slug,
        sessions=app.state.sessions,
        matching=matching,
        secret_key=SECRET,
        batch_size=20,
        parallel=False,
        hold_tenant=hold,
    )


async def _rows(app: FastAPI, sql: str, tenant_id: str) -> list[Any]:
    async with transaction(app.state.sessions) as session:
        result = await session.exec(text(sql), params={"t": tenant_id})  # type: ignore[call-overload]
        return list(result.all())


async def _stored(app: FastAPI, tenant_id: str) -> dict[str, Any]:
    """What the tenant holds, by record (source ids, not row ids): the guests as groups of
    records, each record's keys and decisions, each guest's golden fields, the reviews."""
    records = await _rows(
        app,
        "SELECT id, source || ':' || source_record_id, profile_id FROM source_records"
        " WHERE tenant_id = :t",
        tenant_id,
    )
    name = {row_id: key for row_id, key, _ in records}
    groups: dict[str, set[str]] = defaultdict(set)
    for _, key, profile_id in records:
        groups[profile_id].add(key)
    guest = {profile_id: frozenset(keys) for profile_id, keys in groups.items()}
    keys = await _rows(
        app, "SELECT record_id, key, profile_id FROM record_keys WHERE tenant_id = :t", tenant_id
    )
    owner = {row_id: profile_id for row_id, _, profile_id in records}
    assert all(owner[r] == p for r, _, p in keys), "a key must follow its record's profile"
    decisions = await _rows(
        app, "SELECT record_id, action, reason FROM match_decisions WHERE tenant_id = :t", tenant_id
    )
    golden = await _rows(
        app,
        "SELECT id, first_name, last_name, email, phone, date_of_birth, record_count"
        " FROM profiles WHERE tenant_id = :t AND merged_into IS NULL",
        tenant_id,
    )
    forwarded = dict(
        await _rows(app, "SELECT id, merged_into FROM profiles WHERE tenant_id = :t", tenant_id)
    )

    def live(profile_id: str) -> str:
        while forwarded.get(profile_id):
            profile_id = forwarded[profile_id]
        return profile_id

    reviews = await _rows(
        app,
        "SELECT record_id, candidate_profile_ids FROM review_items WHERE tenant_id = :t",
        tenant_id,
    )
    return {
        "guests": set(guest.values()),
        "keys": sorted((name[r], k) for r, k, _ in keys),
        "decisions": sorted((name[r], action, reason) for r, action, reason in decisions),
        "golden": {guest[p]: tuple(fields) for p, *fields in golden if p in guest},
        "reviews": sorted(
            (name[r], sorted(sorted(guest[live(p)]) for p in _ids(candidates)))
            for r, candidates in reviews
        ),
    }


async def _assert_same_state(app: FastAPI, held: TenantClient, read: TenantClient) -> None:
    """The two tenants hold the same guests, keys, decisions, golden fields and reviews."""
    held_state, read_state = await _stored(app, held.tenant_id), await _stored(app, read.tenant_id)
    for part in ("guests", "keys", "decisions", "golden", "reviews"):
        assert held_state[part] == read_state[part], part


def _ids(stored: Any) -> list[str]:
    return list(json.loads(stored) if isinstance(stored, str) else stored)


async def _until_a_hundred_stored(app: FastAPI, tenant_id: str) -> None:
    for _ in range(3000):
        sql = "SELECT 1 FROM source_records WHERE tenant_id = :t LIMIT 1 OFFSET 100"
        if await _rows(app, sql, tenant_id):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the import did not store 100 records")


@pytest.mark.usefixtures("runners_paused")
async def test_an_import_holding_its_tenant_stores_what_one_reading_the_database_stores(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path
) -> None:
    path = tmp_path / "guests.jsonl"
    _hotel_file(path, guests=250, seed=5)
    held, read = await make_tenant(), await make_tenant()
    held_report = await _import(app, held, path)
    read_report = await _import(app, read, path, hold=False)
    assert held_report.batches_from_memory == held_report.batches > 1
    assert read_report.batches_from_memory == 0
    assert held_report.outcomes == read_report.outcomes
    assert {"linked", "updated", "review"} <= set(held_report.outcomes)  # merges, updates, doubt
    await _assert_same_state(app, held, read)


@pytest.mark.usefixtures("runners_paused")
async def test_a_batch_the_database_refuses_undoes_the_next_batch_resolved_while_it_was_written(
    app: FastAPI, make_tenant: MakeTenant, refusing: Any, tmp_path: Path
) -> None:
    path = tmp_path / "guests.jsonl"
    hotel = _hotel_file(path, guests=150, seed=4)
    # Then guests unlike any other, one of them refused: the batch after the refused one is
    # resolved from memory while the refused one is written, and would store as resolved.
    strangers = [
        {"source": "pms", "source_record_id": f"S-{n:02d}", "first_name": "Stranger"}
        | {"last_name": f"Number{n:02d}", "email": f"stranger{n:02d}@example.org"}
        for n in range(60)
    ]
    with path.open("a") as lines:
        lines.writelines(json.dumps(record) + "\n" for record in strangers)
    refused_line = len(hotel) + 21
    held, read = await make_tenant(), await make_tenant()
    await refusing("NEW.source_record_id = 'S-20'")
    held_report = await _import(app, held, path)
    read_report = await _import(app, read, path, hold=False)
    # Every batch before the refused one came from memory; the next was resolved again from
    # the database, as every later one.
    assert held_report.batches_from_memory == (refused_line - 1) // 20
    assert [(f["line"], f["reason"]) for f in held_report.failures] == [
        (refused_line, "storage-error")
    ]
    assert held_report.failures == read_report.failures
    assert held_report.outcomes == read_report.outcomes
    await _assert_same_state(app, held, read)


@pytest.mark.usefixtures("runners_paused")
async def test_an_import_that_fails_to_resolve_a_batch_in_memory_reads_the_database_from_then(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "guests.jsonl"
    _hotel_file(path, guests=150, seed=3)
    calls = 0

    async def third_batch_fails(*args: Any) -> Resolved:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise MemoryError("a fault of the in-memory path alone")
        return await resolve_in_memory(*args)

    monkeypatch.setattr(importer, "resolve_in_memory", third_batch_fails)
    held, read = await make_tenant(), await make_tenant()
    held_report = await _import(app, held, path)
    monkeypatch.undo()
    read_report = await _import(app, read, path, hold=False)
    # The third batch went to the database, and so did every later one: the mirror missed it.
    assert held_report.batches_from_memory == 2 and calls == 3
    assert held_report.outcomes == read_report.outcomes and not held_report.outcomes["failed"]
    await _assert_same_state(app, held, read)


@pytest.mark.usefixtures("runners_paused")
async def test_an_online_record_does_not_wait_for_an_import_holding_its_tenant(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path
) -> None:
    path = tmp_path / "guests.jsonl"
    records = _hotel_file(path, guests=500, seed=6)
    tenant = await make_tenant()
    importing = asyncio.create_task(_import(app, tenant, path))
    await _until_a_hundred_stored(app, tenant.tenant_id)
    # A later booking of the first guest, while the import is far from done.
    first = records[0]
    repeat = GuestRecord.model_validate({**first, "source_record_id": "online-1"})
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
        (online,) = await ingest_records(
            session,
            tenant.tenant_id,
            [repeat],
            matching=matching,
            secret_key=SECRET,
            decided_by="test",
        )
    assert not importing.done()
    report = await importing
    assert not report.outcomes["failed"]
    assert 0 < report.batches_from_memory < report.batches
    assert online.outcome == "linked"
    stored = await _stored(app, tenant.tenant_id)
    first_key = f"{first['source']}:{first['source_record_id']}"
    (guest,) = [g for g in stored["guests"] if first_key in g]
    assert f"{first['source']}:online-1" in guest
    assert (
        sum(len(g) for g in stored["guests"])
        == len({(r["source"], r["source_record_id"]) for r in records}) + 1
    )


async def _assert_mirror_holds_what_is_stored(
    app: FastAPI, tenant_id: str, mirror: TenantMirror
) -> None:
    """Key hits at several caps, and every record of every guest, from memory and from the
    database."""
    keys = {
        k
        for (k,) in await _rows(app, "SELECT key FROM record_keys WHERE tenant_id = :t", tenant_id)
    }
    idents = {
        (source, rid)
        for source, rid in await _rows(
            app,
            "SELECT source, source_record_id FROM source_records WHERE tenant_id = :t",
            tenant_id,
        )
    }
    profiles = {
        p
        for (p,) in await _rows(
            app, "SELECT id FROM profiles WHERE tenant_id = :t AND merged_into IS NULL", tenant_id
        )
    }
    async with transaction(app.state.sessions) as session:
        for cap in (1, 3, CANDIDATE_PROFILES_PER_KEY):
            stored = await repo.key_hits(session, tenant_id, keys, cap, idents)
            assert mirror.key_hits(keys, cap, idents) == stored, cap
        rows, _ = await batch_repo.neighbourhood_rows(session, tenant_id, profiles, set())

    def comparable(row: Any) -> tuple[Any, ...]:
        *fields, normalised, data, created = row
        return (*fields, from_text(normalised), json.loads(data), created)

    def held_comparable(row: Any) -> tuple[Any, ...]:
        *fields, norm, data, created = row  # the mirror holds the parsed normalised form
        return (*fields, norm, json.loads(data), created)

    held = sorted(map(held_comparable, mirror.rows_of(profiles)), key=lambda row: row[0])
    assert held == sorted(map(comparable, rows), key=lambda row: row[0])


@pytest.mark.usefixtures("runners_paused")
async def test_what_an_import_keeps_in_memory_is_what_the_database_holds(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path
) -> None:
    records = _hotel_file(tmp_path / "guests.jsonl", guests=200, seed=7)
    # Later versions of some records with a new email and phone: their keys change.
    records += [
        {
            **record,
            "email": f"moved.{n}@example.org",
            "phone": f"+4420794600{n:02d}",
            "updated_at": "2030-01-01T00:00:00Z",
        }
        for n, record in enumerate(records[:30:2])
    ]
    tenant = await make_tenant()
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
    outcomes: set[str] = set()
    async with hold_if_empty(app.state.sessions, tenant.tenant_id) as hold:
        assert hold is not None
        for start in range(0, len(records), 40):
            batch = [
                prepare_record(GuestRecord.model_validate(record), SECRET)
                for record in records[start : start + 40]
            ]
            # As the importer does: resolved in memory first, stored once the tenant is sure.
            assert hold.mirror is not None, start
            resolved = await resolve_in_memory(hold.mirror, batch, matching, "import")
            async with transaction(hold.sessions) as session:
                mirror = await hold.mirror_for_batch(session)
                assert mirror is not None, start
                results = await ingest_prepared(
                    session,
                    tenant.tenant_id,
                    batch,
                    matching=matching,
                    decided_by="import",
                    resolved=resolved,
                )
            outcomes.update(r.outcome for r in results)
            await _assert_mirror_holds_what_is_stored(app, tenant.tenant_id, mirror)
    assert {"linked", "updated"} <= outcomes  # profiles merged, records moved and rewritten


async def _kill_the_holding_connection(app: FastAPI, tenant_id: str) -> None:
    killed = await _rows(
        app,
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND objid = CAST(hashtextextended(:t, 0) & 4294967295 AS oid) AND objsubid = 1",
        tenant_id,
    )
    assert killed == [(True,)]


@pytest.mark.usefixtures("postgres_only")
async def test_an_import_whose_holding_connection_dies_goes_on_from_the_database(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path
) -> None:
    path = tmp_path / "guests.jsonl"
    records = _hotel_file(path, guests=400, seed=9)
    tenant = await make_tenant()
    importing = asyncio.create_task(_import(app, tenant, path))
    await _until_a_hundred_stored(app, tenant.tenant_id)
    await _kill_the_holding_connection(app, tenant.tenant_id)
    report = await importing
    assert not report.outcomes["failed"]
    assert 0 < report.batches_from_memory < report.batches
    # The same guests as an import that read the database throughout.
    read = await make_tenant()
    await _import(app, read, path, hold=False)
    stored = await _stored(app, tenant.tenant_id)
    assert stored["guests"] == (await _stored(app, read.tenant_id))["guests"]
    assert sum(map(len, stored["guests"])) == len(
        {(r["source"], r["source_record_id"]) for r in records}
    )


@pytest.mark.usefixtures("postgres_only")
async def test_letting_go_of_a_tenant_whose_holding_connection_died_does_not_fail(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    # A failed batch makes the import let go; if the holding connection is gone by then, the
    # lock went with it and the import goes on from the database instead of failing.
    tenant = await make_tenant()
    async with hold_if_empty(app.state.sessions, tenant.tenant_id) as hold:
        assert hold is not None and hold.mirror is not None
        await _kill_the_holding_connection(app, tenant.tenant_id)
        await hold.release()
        assert hold.mirror is None
    assert (
        await _rows(
            app,
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            " AND objid = CAST(hashtextextended(:t, 0) & 4294967295 AS oid) AND objsubid = 1",
            tenant.tenant_id,
        )
        == []
    )
