"""Queries for records, keys, profiles and stays. Every query filters by tenant."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import TextClause, or_, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import is_postgres, member_of
from app.models import DoNotMerge, Profile, RecordKey, SourceRecord, Stay


@dataclass(frozen=True)
class KeyHits:
    """Profiles found through blocking keys, and how many profiles hold each key."""

    profile_ids: frozenset[str]
    profiles_per_key: dict[str, int]
    profiles_by_key: dict[str, list[str]]


async def key_hits(
    session: AsyncSession, tenant_id: str, keys: Collection[str], cap: int
) -> KeyHits:
    """Up to `cap` profiles per key, and per key the number of profiles holding it up to cap+1.

    Each key's scan stops after cap+1 distinct profiles, so a key held by a million records
    costs what a rare one does. Counts beyond cap+1 are never needed: an identifier held by
    more than `max_key_profiles` (at most `cap`) profiles is "shared" whatever its true count.
    """
    if not keys:
        return KeyHits(frozenset(), {}, {})
    if is_postgres(session):
        rows = await _capped_hits_postgres(session, tenant_id, sorted(keys), cap + 1)
    else:
        rows = await _capped_hits_sqlite(session, tenant_id, sorted(keys), cap + 1)
    per_key: dict[str, list[str]] = {}
    for key, profile_id in rows:
        per_key.setdefault(key, []).append(profile_id)
    kept = {key: sorted(profiles)[:cap] for key, profiles in per_key.items()}
    return KeyHits(
        frozenset(p for profiles in kept.values() for p in profiles),
        {key: len(profiles) for key, profiles in per_key.items()},
        kept,
    )


_CAPPED_HITS_PG = text(
    "SELECT k.key, h.profile_id FROM unnest(CAST(:keys AS text[])) AS k(key)"
    " CROSS JOIN LATERAL (SELECT DISTINCT r.profile_id FROM record_keys AS r"
    "  WHERE r.tenant_id = :tenant AND r.key = k.key ORDER BY r.profile_id LIMIT :limit) AS h"
)


async def _capped_hits_postgres(
    session: AsyncSession, tenant_id: str, keys: list[str], limit: int
) -> list[tuple[str, str]]:
    # One statement shape whatever the number of keys: planned once per connection.
    connection = await session.connection()
    result = await connection.execute(
        _CAPPED_HITS_PG, {"keys": keys, "tenant": tenant_id, "limit": limit}
    )
    return [(key, profile_id) for key, profile_id in result.all()]


_SQLITE_TERMS = 300  # below SQLite's limit of 500 terms in one compound SELECT


@lru_cache(maxsize=8)
def _capped_hits_sqlite_statement(terms: int) -> TextClause:
    """One LIMITed lookup per key, as one compound SELECT (SQLite has no LATERAL join).

    Built once per number of keys: compiling hundreds of subqueries per batch costs more than
    running them. Only parameter names are formatted in; every value is bound.
    """
    lookups = [
        f"SELECT * FROM (SELECT DISTINCT :k{i} AS key, profile_id FROM record_keys"  # noqa: S608
        f" WHERE tenant_id = :tenant AND key = :k{i} ORDER BY profile_id LIMIT :limit)"
        for i in range(terms)
    ]
    return text(" UNION ALL ".join(lookups))


async def _capped_hits_sqlite(
    session: AsyncSession, tenant_id: str, keys: list[str], limit: int
) -> list[tuple[str, str]]:
    connection = await session.connection()
    found: list[tuple[str, str]] = []
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


async def separated_pairs(
    session: AsyncSession, tenant_id: str, record_keys: Collection[str]
) -> list[frozenset[str]]:
    """Do-not-merge rules touching any of the given record keys."""
    if not record_keys:
        return []
    keys = list(record_keys)
    stmt = select(DoNotMerge).where(
        DoNotMerge.tenant_id == tenant_id,
        or_(
            member_of(session, DoNotMerge.record_a, keys),
            member_of(session, DoNotMerge.record_b, keys),
        ),
    )
    return [frozenset((r.record_a, r.record_b)) for r in (await session.exec(stmt)).all()]


async def move_profiles(
    session: AsyncSession, tenant_id: str, from_ids: Collection[str], to_id: str
) -> None:
    """Re-point records, keys and stays of `from_ids` to `to_id`."""
    ids = list(from_ids)
    for table in (SourceRecord, RecordKey, Stay):
        await session.exec(
            update(table)
            .where(col(table.tenant_id) == tenant_id, col(table.profile_id).in_(ids))
            .values(profile_id=to_id)
        )
    await session.exec(
        update(Profile)
        .where(col(Profile.tenant_id) == tenant_id, col(Profile.merged_into).in_(ids))
        .values(merged_into=to_id)
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
