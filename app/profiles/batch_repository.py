"""Set-at-a-time queries of the ingest batch: few round trips, whatever the batch size."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, tuple_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import (
    Profile,
    RecordKey,
    SourceRecord,
    Stay,
)

_CHUNK = 500  # bound the number of bind parameters per statement


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


async def records_by_source_ids(
    session: AsyncSession, tenant_id: str, idents: Collection[tuple[str, str]]
) -> Sequence[SourceRecord]:
    """Stored records for (source, source_record_id) pairs."""
    found: list[SourceRecord] = []
    for chunk in _chunks(list(idents)):
        stmt = select(SourceRecord).where(
            SourceRecord.tenant_id == tenant_id,
            tuple_(col(SourceRecord.source), col(SourceRecord.source_record_id)).in_(chunk),
        )
        found.extend((await session.exec(stmt)).all())
    return found


_ROW_COLUMNS = tuple(
    col(column)
    for column in (
        SourceRecord.id,
        SourceRecord.source,
        SourceRecord.source_record_id,
        SourceRecord.profile_id,
        SourceRecord.normalised,
        SourceRecord.content_hash,
        SourceRecord.source_version,
        SourceRecord.property_code,
        SourceRecord.received_at,
        SourceRecord.updated_at,
    )
)


async def record_rows_of_profiles(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> list[Any]:
    """Every record of the profiles, without the raw data (plain rows, no ORM objects)."""
    rows: list[Any] = []
    connection = await session.connection()
    for chunk in _chunks(list(profile_ids)):
        stmt = sa_select(*_ROW_COLUMNS).where(
            col(SourceRecord.tenant_id) == tenant_id, col(SourceRecord.profile_id).in_(chunk)
        )
        rows.extend((await connection.execute(stmt)).all())
    return rows


async def keys_among(
    session: AsyncSession, tenant_id: str, keys: Collection[str], record_ids: Collection[str]
) -> list[tuple[str, str]]:
    """(record id, key) of the given records for the given keys (primary-key lookups).

    Bounded by the loaded records, so a key held by thousands of records costs nothing extra.
    """
    found: list[tuple[str, str]] = []
    wanted = sorted(keys)
    for chunk in _chunks(list(record_ids)):
        stmt = select(RecordKey.record_id, RecordKey.key).where(
            RecordKey.tenant_id == tenant_id,
            col(RecordKey.record_id).in_(chunk),
            col(RecordKey.key).in_(wanted),
        )
        found.extend((rid, key) for rid, key in (await session.exec(stmt)).all())
    return found


async def record_data(
    session: AsyncSession, tenant_id: str, record_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    """The raw data of records, by id."""
    data: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(record_ids)):
        stmt = select(SourceRecord.id, SourceRecord.data).where(
            SourceRecord.tenant_id == tenant_id, col(SourceRecord.id).in_(chunk)
        )
        data.update({rid: dict(value) for rid, value in (await session.exec(stmt)).all()})
    return data


async def profile_ages(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> dict[str, Any]:
    """Creation time of each profile."""
    ages: dict[str, Any] = {}
    for chunk in _chunks(list(profile_ids)):
        stmt = select(Profile.id, Profile.created_at).where(
            Profile.tenant_id == tenant_id, col(Profile.id).in_(chunk)
        )
        ages.update({pid: created for pid, created in (await session.exec(stmt)).all()})
    return ages


async def stays_by_reservation(
    session: AsyncSession, tenant_id: str, idents: Collection[tuple[str, str]]
) -> Sequence[Stay]:
    """Stored stays for (source, reservation_id) pairs."""
    found: list[Stay] = []
    for chunk in _chunks(list(idents)):
        stmt = select(Stay).where(
            Stay.tenant_id == tenant_id,
            tuple_(col(Stay.source), col(Stay.reservation_id)).in_(chunk),
        )
        found.extend((await session.exec(stmt)).all())
    return found


async def insert_rows(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of one table in one statement per chunk."""
    if not rows:
        return
    connection = await session.connection()
    for chunk in _chunks(rows):
        await connection.execute(insert(model.__table__), list(chunk))


async def update_by_id(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """UPDATE rows of one table by id (`_id`), one executemany per set of columns."""
    table = model.__table__
    connection = await session.connection()
    for shape in {tuple(sorted(r)) for r in rows}:
        same = [r for r in rows if tuple(sorted(r)) == shape]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({k: bindparam(k) for k in shape if k != "_id"})
        )
        await connection.execute(stmt, same)


async def delete_keys(session: AsyncSession, record_ids: list[str]) -> None:
    """Drop the keys of records whose keys are rewritten."""
    for chunk in _chunks(record_ids):
        await session.exec(delete(RecordKey).where(col(RecordKey.record_id).in_(chunk)))
