"""Queries for records, keys, profiles and stays. Every query filters by tenant."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from sqlalchemy import TextClause, case, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core import pg_driver
from app.core.db import is_postgres
from app.models import Profile, RecordKey, SourceRecord, Stay
from app.profiles import batch_repository as batch_repo


@dataclass(frozen=True)
class KeyHits:
    """Profiles found through blocking keys, and how many profiles hold each key."""

    profile_ids: frozenset[str]
    profiles_per_key: dict[str, int]
    profiles_by_key: dict[str, list[str]]
    known: frozenset[str] = frozenset()  # profiles of the stored records asked for by source id


# What a batch locks before its keys are looked up (PostgreSQL): "keys" its keys, each
# exclusively, and the tenant's lock shared; "tenant" the tenant's lock exclusively; "none"
# nothing. SQLite has a single writer: it locks nothing.
Lock = Literal["keys", "tenant", "none"]


async def key_hits(
    session: AsyncSession,
    tenant_id: str,
    keys: Collection[str],
    cap: int,
    idents: Collection[tuple[str, str]] = (),
    lock: Lock = "none",
) -> KeyHits:
    """Up to `cap` profiles per key, and per key the number of profiles holding it up to cap+1;
    with `idents`, also the profiles of the stored records with those (source, id) pairs.

    Each key's scan stops after cap+1 distinct profiles, so a key held by a million records
    costs what a rare one does. Counts beyond cap+1 are never needed: an identifier held by
    more than `max_key_profiles` (at most `cap`) profiles is "shared" whatever its true count.

    On PostgreSQL the locks and the lookup are one round trip (the `ingest_key_hits` function
    of migration 0009), and the lookup sees what every batch it waited for committed.
    """
    if is_postgres(session):
        pairs = sorted(set(idents))
        sources, ids = [source for source, _ in pairs], [ident for _, ident in pairs]
        args = (tenant_id, sorted(keys), cap + 1, sources, ids, lock)
        rows = await pg_driver.fetch(session, _KEY_HITS_PG, *args)
        return _key_hits_of([(key, profile_id) for key, profile_id in rows], cap, set())
    if not keys and not idents:
        return KeyHits(frozenset(), {}, {})
    found = await _capped_hits_sqlite(session, tenant_id, sorted(keys), cap + 1)
    known = await batch_repo.profiles_of_source_ids(session, tenant_id, idents)
    return _key_hits_of(found, cap, known)


# One statement shape whatever the number of keys: the function's plans are kept per connection.
_KEY_HITS_PG = (
    "SELECT key, profile_id FROM ingest_key_hits($1, CAST($2 AS text[]), $3,"
    " CAST($4 AS text[]), CAST($5 AS text[]), $6)"
)


def _key_hits_of(rows: list[tuple[str | None, str]], cap: int, known: set[str]) -> KeyHits:
    """KeyHits from (key, profile) rows, up to cap + 1 per key; a NULL key marks a profile of
    a stored record asked for by source id."""
    per_key: dict[str, list[str]] = {}
    for key, profile_id in rows:
        if key is None:
            known.add(profile_id)
        else:
            per_key.setdefault(key, []).append(profile_id)
    kept = {key: sorted(profiles)[:cap] for key, profiles in per_key.items()}
    return KeyHits(
        frozenset(p for profiles in kept.values() for p in profiles),
        {key: len(profiles) for key, profiles in per_key.items()},
        kept,
        frozenset(known),
    )


_SQLITE_TERMS = 300  # below SQLite's limit of 500 terms in one compound SELECT


@lru_cache(maxsize=8)
def _capped_hits_sqlite_statement(terms: int) -> TextClause:
    """One LIMITed lookup per key, as one compound SELECT (SQLite has no LATERAL join).

    Built once per number of keys: compiling hundreds of subqueries per batch costs more than
    running them. Only parameter names are formatted in; every value is bound.
    """
    # The key is added outside the DISTINCT: inside, it costs a temporary B-tree per lookup
    # where the index already yields distinct profiles in order.
    lookups = [
        f"SELECT :k{i} AS key, profile_id FROM (SELECT DISTINCT profile_id"  # noqa: S608
        f" FROM record_keys WHERE tenant_id = :tenant AND key = :k{i}"
        " ORDER BY profile_id LIMIT :limit)"
        for i in range(terms)
    ]
    return text(" UNION ALL ".join(lookups))


async def _capped_hits_sqlite(
    session: AsyncSession, tenant_id: str, keys: list[str], limit: int
) -> list[tuple[str | None, str]]:
    connection = await session.connection()
    found: list[tuple[str | None, str]] = []
    for start in range(0, len(keys), _SQLITE_TERMS):
        chunk = keys[start : start + _SQLITE_TERMS]
        params: dict[str, str | int] = {f"k{i}": key for i, key in enumerate(chunk)}
        params.update(tenant=tenant_id, limit=limit)
        result = await connection.execute(_capped_hits_sqlite_statement(len(chunk)), params)
        found.extend((key, profile_id) for key, profile_id in result.all())
    return found


async def records_of_profiles(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> Sequence[SourceRecord]:
    """Every record of the given profiles."""
    if not profile_ids:
        return []
    stmt = select(SourceRecord).where(
        SourceRecord.tenant_id == tenant_id, col(SourceRecord.profile_id).in_(list(profile_ids))
    )
    return (await session.exec(stmt)).all()


async def move_profiles(session: AsyncSession, tenant_id: str, moves: Mapping[str, str]) -> None:
    """Re-point the records, keys and stays of each profile (key) to its survivor (value), and
    forward what pointed to it: one statement per table, however many profiles a batch merged."""
    if not moves:
        return
    if is_postgres(session):
        params = {"tenant": tenant_id, "losers": list(moves), "survivors": list(moves.values())}
        for statement in _PG_MOVES:
            await session.exec(statement, params=params)  # type: ignore[call-overload]
        return
    for chunk in batch_repo.chunks(list(moves)):
        mapping = {loser: moves[loser] for loser in chunk}
        for table in (SourceRecord, RecordKey, Stay):
            column = col(table.profile_id)
            await session.exec(
                update(table)
                .where(col(table.tenant_id) == tenant_id, column.in_(chunk))
                .values(profile_id=case(mapping, value=column))
            )
        forward = col(Profile.merged_into)
        await session.exec(
            update(Profile)
            .where(col(Profile.tenant_id) == tenant_id, forward.in_(chunk))
            .values(merged_into=case(mapping, value=forward))
        )


def _pg_move(table: str, column: str) -> TextClause:
    return text(
        f"UPDATE {table} AS t SET {column} = m.survivor"  # noqa: S608 (names are constants)
        " FROM unnest(CAST(:losers AS varchar[]), CAST(:survivors AS varchar[]))"
        " AS m(loser, survivor)"
        f" WHERE t.tenant_id = :tenant AND t.{column} = m.loser"
    )


_PG_MOVES = (
    _pg_move("source_records", "profile_id"),
    _pg_move("record_keys", "profile_id"),
    _pg_move("stays", "profile_id"),
    _pg_move("profiles", "merged_into"),
)


async def get_profiles(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> Sequence[Profile]:
    """Profiles by id, within the tenant."""
    stmt = select(Profile).where(
        Profile.tenant_id == tenant_id, col(Profile.id).in_(list(profile_ids))
    )
    return (await session.exec(stmt)).all()


async def move_records(
    session: AsyncSession, tenant_id: str, record_ids: Collection[str], to_id: str
) -> None:
    """Re-point the given records, their keys and their stays to `to_id`."""
    ids = list(record_ids)
    await session.exec(
        update(SourceRecord)
        .where(col(SourceRecord.tenant_id) == tenant_id, col(SourceRecord.id).in_(ids))
        .values(profile_id=to_id)
    )
    for table in (RecordKey, Stay):
        await session.exec(
            update(table)
            .where(col(table.tenant_id) == tenant_id, col(table.record_id).in_(ids))
            .values(profile_id=to_id)
        )


_LOCK_TENANT = text("SELECT pg_advisory_xact_lock(hashtextextended(:tenant, 0))")


async def lock_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Hold every ingest batch of the tenant until this transaction ends (PostgreSQL; SQLite
    has a single writer). Batches take the same advisory lock, shared or exclusive."""
    if is_postgres(session):
        connection = await session.connection()
        await connection.execute(_LOCK_TENANT, {"tenant": tenant_id})
