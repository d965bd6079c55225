"""Set-at-a-time queries of the ingest batch: few round trips, whatever the batch size."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import is_postgres, member_of
from app.models import (
    Profile,
    RecordKey,
    SourceRecord,
    Stay,
)

_CHUNK = 500  # bound the number of bind parameters per statement


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _groups(session: AsyncSession, items: Collection[Any]) -> list[Sequence[Any]]:
    """PostgreSQL takes any number of values as one array; SQLite gets bounded chunks."""
    values = list(items)
    if is_postgres(session):
        return [values] if values else []
    return _chunks(values)


async def profiles_of_source_ids(
    session: AsyncSession, tenant_id: str, idents: Collection[tuple[str, str]]
) -> set[str]:
    """Profiles of the stored records with these (source, source_record_id) pairs."""
    wanted = set(idents)
    found: set[str] = set()
    for chunk in _groups(session, sorted(wanted)):
        stmt = sa_select(
            col(SourceRecord.source),
            col(SourceRecord.source_record_id),
            col(SourceRecord.profile_id),
        ).where(*_pair_filter(session, tenant_id, SourceRecord, "source_record_id", chunk))
        rows = (await (await session.connection()).execute(stmt)).all()
        found.update(profile for src, rid, profile in rows if (src, rid) in wanted)
    return found


def _pair_filter(
    session: AsyncSession,
    tenant_id: str,
    model: type[Any],
    id_column: str,
    pairs: Sequence[tuple[str, str]],
) -> list[ColumnElement[bool]]:
    """A filter for (source, id) pairs; the caller drops cross-pairs (few sources per batch)."""
    return [
        col(model.tenant_id) == tenant_id,
        col(model.source).in_(sorted({source for source, _ in pairs})),
        member_of(session, getattr(model, id_column), [ident for _, ident in pairs]),
    ]


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
    for chunk in _groups(session, profile_ids):
        stmt = sa_select(*_ROW_COLUMNS).where(
            col(SourceRecord.tenant_id) == tenant_id,
            member_of(session, SourceRecord.profile_id, chunk),
        )
        rows.extend((await connection.execute(stmt)).all())
    return rows


async def record_data(
    session: AsyncSession, tenant_id: str, record_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    """The raw data of records, by id."""
    data: dict[str, dict[str, Any]] = {}
    for chunk in _groups(session, record_ids):
        stmt = select(SourceRecord.id, SourceRecord.data).where(
            SourceRecord.tenant_id == tenant_id, member_of(session, SourceRecord.id, chunk)
        )
        data.update({rid: dict(value) for rid, value in (await session.exec(stmt)).all()})
    return data


async def profile_ages(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> dict[str, Any]:
    """Creation time of each profile."""
    ages: dict[str, Any] = {}
    for chunk in _groups(session, profile_ids):
        stmt = select(Profile.id, Profile.created_at).where(
            Profile.tenant_id == tenant_id, member_of(session, Profile.id, chunk)
        )
        ages.update({pid: created for pid, created in (await session.exec(stmt)).all()})
    return ages


async def stays_by_reservation(
    session: AsyncSession, tenant_id: str, idents: Collection[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Stored stays (column values) for (source, reservation_id) pairs."""
    wanted = set(idents)
    found: list[dict[str, Any]] = []
    connection = await session.connection()
    for chunk in _groups(session, sorted(wanted)):
        stmt = sa_select(Stay.__table__).where(  # type: ignore[attr-defined]
            *_pair_filter(session, tenant_id, Stay, "reservation_id", chunk)
        )
        for row in (await connection.execute(stmt)).mappings():
            if (row["source"], row["reservation_id"]) in wanted:
                found.append(dict(row))
    return found


async def insert_rows(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of one table: COPY on PostgreSQL when rows are many and complete."""
    if not rows:
        return
    connection = await session.connection()
    table = model.__table__
    if len(rows) >= _COPY_FROM_ROWS and is_postgres(session):
        driver = (await connection.get_raw_connection()).driver_connection
        names = [c.name for c in table.columns]
        # COPY applies no column defaults, and must run inside the request's transaction.
        if set(rows[0]) == set(names) and driver is not None and driver.is_in_transaction():
            convert = [_bind_processor(c, connection.dialect) for c in table.columns]
            records = [
                tuple(f(row[n]) if f else row[n] for n, f in zip(names, convert, strict=True))
                for row in rows
            ]
            await driver.copy_records_to_table(table.name, records=records, columns=names)
            return
    for chunk in _chunks(rows):
        await connection.execute(insert(table), list(chunk))


_COPY_FROM_ROWS = 200


def _bind_processor(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The Python-side conversion SQLAlchemy would apply (JSON to text, UTC timestamps)."""
    processor: Callable[[Any], Any] | None = column.type.bind_processor(dialect)
    return processor


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
    for chunk in _groups(session, record_ids):
        await session.exec(delete(RecordKey).where(member_of(session, RecordKey.record_id, chunk)))
