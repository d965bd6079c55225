"""Set-at-a-time queries of the ingest batch: few round trips, whatever the batch size."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Table, Text, bindparam, cast, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core import pg_driver
from app.core.db import is_postgres, member_of
from app.models import (
    DoNotMerge,
    Profile,
    RecordKey,
    SourceRecord,
    Stay,
)

_CHUNK = 500  # bound the number of bind parameters per statement


def chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    """Items in runs short enough for SQLite's bound-parameter limit."""
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _groups(session: AsyncSession, items: Collection[Any]) -> list[Sequence[Any]]:
    """PostgreSQL takes any number of values as one array; SQLite gets bounded chunks."""
    values = list(items)
    if is_postgres(session):
        return [values] if values else []
    return chunks(values)


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


_ROW_COLUMNS = (
    *(
        col(column)
        for column in (
            SourceRecord.id,
            SourceRecord.source,
            SourceRecord.source_record_id,
            SourceRecord.profile_id,
            SourceRecord.content_hash,
            SourceRecord.source_version,
            SourceRecord.property_code,
            SourceRecord.received_at,
            SourceRecord.updated_at,
        )
    ),
    # As stored text: the caller parses each distinct text once (records recur across batches),
    # and the data only of the records whose profile changes.
    cast(col(SourceRecord.normalised), Text).label("normalised"),
    cast(col(SourceRecord.data), Text).label("data"),
)


async def neighbourhood_rows(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str], record_keys: set[str]
) -> tuple[list[Any], set[frozenset[str]]]:
    """Every record of the profiles with its profile's creation time (tuples in the order of
    ROW_FIELDS), and the do-not-merge pairs touching those records or `record_keys`."""
    if is_postgres(session):
        args = (tenant_id, list(profile_ids), sorted(record_keys))
        records: list[Any] = []
        ages: dict[str, Any] = {}
        separated: set[frozenset[str]] = set()
        for row in await pg_driver.fetch(session, _NEIGHBOURHOOD_PG, *args):
            if row[0] is not None:
                records.append(row)
            elif row[1] is None:
                ages[row[3]] = row[-1]
            else:
                separated.add(frozenset((row[1], row[2])))
        return [(*r[:-1], ages.get(r[3])) for r in records], separated
    connection = await session.connection()
    created = (
        sa_select(col(Profile.created_at))
        .where(col(Profile.id) == col(SourceRecord.profile_id), col(Profile.tenant_id) == tenant_id)
        .scalar_subquery()
        .label("profile_created_at")
    )
    rows: list[Any] = []
    for chunk in chunks(list(profile_ids)):
        stmt = sa_select(*_ROW_COLUMNS, created).where(
            col(SourceRecord.tenant_id) == tenant_id, col(SourceRecord.profile_id).in_(chunk)
        )
        rows.extend((await connection.execute(stmt)).all())
    keys = record_keys | {f"{r.source}:{r.source_record_id}" for r in rows}
    return rows, await separated_pairs(session, tenant_id, keys)


# The columns of a neighbourhood row, in order.
ROW_FIELDS = (
    "id",
    "source",
    "source_record_id",
    "profile_id",
    "content_hash",
    "source_version",
    "property_code",
    "received_at",
    "updated_at",
    "normalised",
    "data",
    "profile_created_at",
)

# One round trip: the rows in the order of the record scan (the order of candidates is part of
# what decides), then each profile's age as a row without id or source (one lookup per profile,
# not per record), then the do-not-merge pairs as rows without an id (record_a and record_b in
# the source columns). A record's key is "<source>:<source_record_id>".
_NEIGHBOURHOOD_PG = (
    "WITH r AS (SELECT sr.id, sr.source, sr.source_record_id, sr.profile_id, sr.content_hash,"
    " sr.source_version, sr.property_code, sr.received_at, sr.updated_at,"
    " CAST(sr.normalised AS TEXT) AS normalised, CAST(sr.data AS TEXT) AS data,"
    " CAST(NULL AS TIMESTAMPTZ) AS profile_created_at"
    " FROM source_records AS sr"
    " WHERE sr.tenant_id = $1 AND sr.profile_id = ANY(CAST($2 AS VARCHAR[])))"
    " SELECT * FROM r UNION ALL"
    " SELECT NULL, NULL, NULL, p.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, p.created_at"
    " FROM profiles AS p"
    " WHERE p.tenant_id = $1 AND p.id = ANY(CAST($2 AS VARCHAR[])) UNION ALL"
    " SELECT NULL, d.record_a, d.record_b, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM do_not_merge AS d, (SELECT ARRAY(SELECT r.source || ':' || r.source_record_id FROM r)"
    " || CAST($3 AS VARCHAR[]) AS keys) AS k"
    " WHERE d.tenant_id = $1 AND (d.record_a = ANY(k.keys) OR d.record_b = ANY(k.keys))"
)


async def separated_pairs(
    session: AsyncSession, tenant_id: str, record_keys: Collection[str]
) -> set[frozenset[str]]:
    """Do-not-merge rules touching any of the given record keys."""
    connection = await session.connection()
    pairs: set[frozenset[str]] = set()
    table = DoNotMerge.__table__  # type: ignore[attr-defined]
    for chunk in chunks(sorted(record_keys)):
        stmt = sa_select(table.c.record_a, table.c.record_b).where(
            table.c.tenant_id == tenant_id,
            or_(table.c.record_a.in_(chunk), table.c.record_b.in_(chunk)),
        )
        pairs.update(frozenset(pair) for pair in (await connection.execute(stmt)).all())
    return pairs


async def upsert_stays(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert stays, or update the stored one of the same reservation unless it is newer."""
    if not rows:
        return
    connection = await session.connection()
    for chunk in chunks(rows):
        await connection.execute(stay_upsert(session), list(chunk))


def stay_upsert(session: AsyncSession) -> Any:
    """INSERT … ON CONFLICT for stays: an older version of a reservation never wins."""
    table = Stay.__table__  # type: ignore[attr-defined]
    dialect_insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = dialect_insert(table)
    stored, incoming = table.c, stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[stored.tenant_id, stored.source, stored.reservation_id],
        set_={
            **{name: incoming[name] for name in STAY_UPDATED_COLUMNS},
            "source_version": func.coalesce(incoming.source_version, stored.source_version),
        },
        where=or_(
            incoming.source_version.is_(None),
            stored.source_version.is_(None),
            incoming.source_version >= stored.source_version,
        ),
    )


# What a newer delivery of a reservation rewrites (the row keeps its id).
STAY_UPDATED_COLUMNS = (
    "profile_id",
    "record_id",
    "property_code",
    "arrival",
    "departure",
    "room_type",
    "rate_amount",
    "currency",
    "channel",
    "status",
    "updated_at",
)


async def insert_rows(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of one table: COPY on PostgreSQL when rows are many and complete."""
    if not rows:
        return
    connection = await session.connection()
    if len(rows) >= COPY_FROM_ROWS and is_postgres(session):
        driver = (await connection.get_raw_connection()).driver_connection
        names = [c.name for c in table.columns]
        # COPY applies no column defaults, and must run inside the request's transaction.
        if set(rows[0]) == set(names) and driver is not None and driver.is_in_transaction():
            records = _copy_records(table, names, rows, connection.dialect)
            await driver.copy_records_to_table(table.name, records=records, columns=names)
            return
    for chunk in chunks(rows):
        await connection.execute(insert(table), list(chunk))


COPY_FROM_ROWS = 200


def _copy_records(
    table: Table, names: list[str], rows: list[dict[str, Any]], dialect: Any
) -> list[tuple[Any, ...]]:
    """Rows as COPY tuples, converted as SQLAlchemy would convert them (JSON to text)."""
    values_of = itemgetter(*names)
    converted = [
        (i, f)
        for i, column in enumerate(table.columns)
        if (f := _bind_processor(column, dialect)) is not None
    ]
    if not converted:
        return [values_of(row) for row in rows]
    records: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(values_of(row))
        for i, f in converted:
            values[i] = f(values[i])
        records.append(tuple(values))
    return records


def _bind_processor(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The Python-side conversion SQLAlchemy would apply (JSON to text, UTC timestamps)."""
    processor: Callable[[Any], Any] | None = column.type.bind_processor(dialect)
    return processor


async def update_by_id(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE rows of one table by id (`_id`), one executemany per set of columns."""
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
