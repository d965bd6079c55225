"""A record's keys go with it: record_keys has no foreign keys, a trigger deletes them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, text
from sqlmodel import col, select

from app.core.db import transaction
from app.ingest.service import ingest_records, prepare_record
from app.matching.service import matching_for
from app.models import RecordKey, SourceRecord
from connectors.base import GuestRecord
from tests.conftest import TenantClient

SECRET = "k" * 48


async def _key_count(app: FastAPI, tenant_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        found = await session.exec(
            select(func.count()).select_from(RecordKey).where(RecordKey.tenant_id == tenant_id)
        )
        return int(found.one())


async def test_deleting_a_record_deletes_its_keys(app: FastAPI, tenant: TenantClient) -> None:
    records = [
        GuestRecord.model_validate(
            {"source": "pms", "source_record_id": f"R-{n}", "first_name": name,
             "last_name": "Keller", "email": f"{name.lower()}@example.org",
             "date_of_birth": "1980-02-0" + str(n + 1)}
        )
        for n, name in enumerate(("Anna", "Boris"))
    ]  # fmt: skip
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
        await ingest_records(
            session, tenant.tenant_id, records, matching=matching, secret_key=SECRET,
            decided_by="test",
        )  # fmt: skip
    before = await _key_count(app, tenant.tenant_id)
    assert before > 4

    async with transaction(app.state.sessions) as session:
        await session.exec(
            delete(SourceRecord).where(
                col(SourceRecord.tenant_id) == tenant.tenant_id,
                col(SourceRecord.source_record_id) == "R-0",
            )
        )
    after = await _key_count(app, tenant.tenant_id)
    assert 0 < after < before
    async with transaction(app.state.sessions) as session:
        orphans = await session.exec(
            select(func.count())
            .select_from(RecordKey)
            .where(col(RecordKey.record_id).not_in(select(SourceRecord.id)))
        )
        assert orphans.one() == 0


def _guest(record_id: str, **fields: str) -> GuestRecord:
    return GuestRecord.model_validate({"source": "pms", "source_record_id": record_id, **fields})


async def _ingest(app: FastAPI, tenant_id: str, records: list[GuestRecord]) -> None:
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant_id)
        await ingest_records(
            session, tenant_id, records, matching=matching, secret_key=SECRET, decided_by="test"
        )


async def _stored_keys(app: FastAPI, tenant_id: str, source_record_id: str) -> set[str]:
    async with transaction(app.state.sessions) as session:
        found = await session.exec(
            select(RecordKey.key)
            .join(SourceRecord, col(SourceRecord.id) == col(RecordKey.record_id))
            .where(
                col(RecordKey.tenant_id) == tenant_id,
                col(SourceRecord.source_record_id) == source_record_id,
            )
        )
        return set(found.all())


def _derived_keys(record: GuestRecord) -> set[str]:
    return set(prepare_record(record, SECRET).keys)


FIRST = {"first_name": "Ilse", "last_name": "Brandt", "date_of_birth": "1971-05-02",
         "email": "ilse.brandt@example.org", "phone": "+49 30 1234567"}  # fmt: skip
# The guest's new inbox and mobile: her name and birth date keys stay, the rest move.
UPDATE = {**FIRST, "email": "ibrandt@example.net", "phone": "+49 171 7654321"}


async def test_an_updated_record_holds_exactly_the_keys_of_its_new_version(
    app: FastAPI, tenant: TenantClient
) -> None:
    await _ingest(app, tenant.tenant_id, [_guest("B-1", **FIRST), _guest("B-2", **UPDATE)])
    first_keys = _derived_keys(_guest("B-1", **FIRST))
    assert await _stored_keys(app, tenant.tenant_id, "B-1") == first_keys

    updated = _guest("B-1", **UPDATE, updated_at="2030-01-01T00:00:00Z")
    await _ingest(app, tenant.tenant_id, [updated])

    keys = await _stored_keys(app, tenant.tenant_id, "B-1")
    assert keys == _derived_keys(updated)
    assert "email:ilse.brandt@example.org" not in keys and "email:ibrandt@example.net" in keys
    # The other record holding the same keys keeps them.
    other = _derived_keys(_guest("B-2", **UPDATE))
    assert await _stored_keys(app, tenant.tenant_id, "B-2") == other


async def test_updates_in_a_bulk_batch_replace_their_keys(
    app: FastAPI, tenant: TenantClient
) -> None:
    """A batch large enough to COPY its new rows still replaces the keys of its updates."""
    names = ("Ilse", "Greta", "Hanna")
    old = [_guest(f"U-{n}", **{**FIRST, "first_name": name}) for n, name in enumerate(names)]
    await _ingest(app, tenant.tenant_id, old)
    updates = [
        _guest(f"U-{n}", **{**UPDATE, "first_name": name}, updated_at="2030-01-01T00:00:00Z")
        for n, name in enumerate(names)
    ]
    fresh = [
        _guest(f"N-{n}", first_name="Karl", last_name=f"Neu{n}", email=f"karl{n}@example.org")
        for n in range(60)
    ]
    await _ingest(app, tenant.tenant_id, [*updates[:2], *fresh, updates[2]])

    for update in updates:
        stored = await _stored_keys(app, tenant.tenant_id, update.source_record_id)
        assert stored == _derived_keys(update)
    assert await _key_count(app, tenant.tenant_id) == sum(
        len(_derived_keys(r)) for r in (*updates, *fresh)
    )


async def test_keys_an_update_keeps_are_not_rewritten(
    app: FastAPI, tenant: TenantClient, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("row versions (xmin) are PostgreSQL's")
    await _ingest(app, tenant.tenant_id, [_guest("X-1", **FIRST)])
    before = await _key_versions(app, tenant.tenant_id)
    await _ingest(app, tenant.tenant_id, [_guest("X-1", **UPDATE, updated_at="2030-01-01T00:00Z")])
    after = await _key_versions(app, tenant.tenant_id)

    kept = before.keys() & after.keys()
    assert "names:" in "".join(kept)  # her name and birth date keys are kept
    assert {k: before[k] for k in kept} == {k: after[k] for k in kept}
    assert before.keys() - after.keys() and after.keys() - before.keys()


async def _key_versions(app: FastAPI, tenant_id: str) -> dict[str, str]:
    async with transaction(app.state.sessions) as session:
        connection = await session.connection()
        found = await connection.execute(
            text("SELECT key, CAST(xmin AS text) FROM record_keys WHERE tenant_id = :t"),
            {"t": tenant_id},
        )
        return {key: version for key, version in found.all()}


async def test_an_update_that_merges_its_profile_leaves_every_key_with_the_survivor(
    app: FastAPI, tenant: TenantClient
) -> None:
    """Her older profile (by email) and a newer one (by phone) meet in her updated record."""
    by_email = {**FIRST, "phone": None}
    by_phone = {**FIRST, "email": None, "date_of_birth": None, "phone": "+49 171 7654321"}
    await _ingest(app, tenant.tenant_id, [_guest("M-1", **by_email)])
    await _ingest(app, tenant.tenant_id, [_guest("M-2", **by_phone), _guest("M-3", **by_phone)])
    before = await _profiles(app, tenant.tenant_id)
    assert before["M-1"] != before["M-2"] == before["M-3"]

    bridge = {**by_phone, "email": FIRST["email"], "date_of_birth": FIRST["date_of_birth"]}
    await _ingest(app, tenant.tenant_id, [_guest("M-2", **bridge, updated_at="2030-01-01T00:00Z")])

    after = await _profiles(app, tenant.tenant_id)
    assert after["M-1"] == after["M-2"] == after["M-3"] == before["M-1"]
    async with transaction(app.state.sessions) as session:
        found = await session.exec(
            select(RecordKey.profile_id, SourceRecord.profile_id)
            .join(SourceRecord, col(SourceRecord.id) == col(RecordKey.record_id))
            .where(col(RecordKey.tenant_id) == tenant.tenant_id)
        )
        pairs = found.all()
    assert pairs and all(key_profile == record_profile for key_profile, record_profile in pairs)


async def _profiles(app: FastAPI, tenant_id: str) -> dict[str, str]:
    async with transaction(app.state.sessions) as session:
        found = await session.exec(
            select(SourceRecord.source_record_id, SourceRecord.profile_id).where(
                col(SourceRecord.tenant_id) == tenant_id
            )
        )
        return dict(found.all())
