"""Queries for records, keys, profiles and stays. Every query filters by tenant."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import DoNotMerge, Profile, RecordKey, SourceRecord, Stay


@dataclass(frozen=True)
class KeyHits:
    """Profiles found through blocking keys, and how many profiles hold each key."""

    profile_ids: frozenset[str]
    profiles_per_key: dict[str, int]


async def key_hits(
    session: AsyncSession, tenant_id: str, keys: Collection[str], cap: int
) -> KeyHits:
    """Profiles holding any of `keys`, at most `cap` per key, with true counts per key."""
    if not keys:
        return KeyHits(frozenset(), {})
    pairs = (
        select(RecordKey.key, RecordKey.profile_id)
        .where(RecordKey.tenant_id == tenant_id, col(RecordKey.key).in_(list(keys)))
        .distinct()
        .subquery()
    )
    ranked = select(
        pairs.c.key,
        pairs.c.profile_id,
        func.count().over(partition_by=pairs.c.key).label("n"),
        func.row_number().over(partition_by=pairs.c.key, order_by=pairs.c.profile_id).label("rn"),
    ).subquery()
    rows = (
        await session.exec(
            select(ranked.c.key, ranked.c.profile_id, ranked.c.n).where(ranked.c.rn <= cap)
        )
    ).all()
    return KeyHits(frozenset(pid for _, pid, _ in rows), {key: int(n) for key, _, n in rows})


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
        or_(col(DoNotMerge.record_a).in_(keys), col(DoNotMerge.record_b).in_(keys)),
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
