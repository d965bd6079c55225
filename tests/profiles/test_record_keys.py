"""A record's keys go with it: record_keys has no foreign keys, a trigger deletes them."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import delete, func
from sqlmodel import col, select

from app.core.db import transaction
from app.ingest.service import ingest_records
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
