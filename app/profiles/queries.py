"""Read queries of the profile API. Every query filters by tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import MergeEvent, Profile, RecordKey, SourceRecord, Stay


async def profile(session: AsyncSession, tenant_id: str, profile_id: str) -> Profile | None:
    """One profile of the tenant."""
    stmt = select(Profile).where(Profile.tenant_id == tenant_id, Profile.id == profile_id)
    return (await session.exec(stmt)).first()


async def records(session: AsyncSession, tenant_id: str, profile_id: str) -> Sequence[SourceRecord]:
    """The records of a profile, oldest first."""
    stmt = (
        select(SourceRecord)
        .where(SourceRecord.tenant_id == tenant_id, SourceRecord.profile_id == profile_id)
        .order_by(col(SourceRecord.received_at), col(SourceRecord.id))
    )
    return (await session.exec(stmt)).all()


async def stays(session: AsyncSession, tenant_id: str, profile_id: str) -> Sequence[Stay]:
    """The stays of a profile, latest arrival first."""
    stmt = (
        select(Stay)
        .where(Stay.tenant_id == tenant_id, Stay.profile_id == profile_id)
        .order_by(col(Stay.arrival).desc())
    )
    return (await session.exec(stmt)).all()


async def keys(session: AsyncSession, tenant_id: str, profile_id: str) -> list[str]:
    """Distinct keys of a profile's records."""
    stmt = (
        select(RecordKey.key)
        .where(RecordKey.tenant_id == tenant_id, RecordKey.profile_id == profile_id)
        .distinct()
    )
    return list((await session.exec(stmt)).all())


async def merged_ids(session: AsyncSession, tenant_id: str, profile_id: str) -> list[str]:
    """Profiles that were merged into this one."""
    stmt = select(Profile.id).where(
        Profile.tenant_id == tenant_id, Profile.merged_into == profile_id
    )
    return sorted((await session.exec(stmt)).all())


async def merges(session: AsyncSession, tenant_id: str, profile_id: str) -> Sequence[MergeEvent]:
    """Merge events whose survivor is this profile."""
    stmt = select(MergeEvent).where(
        MergeEvent.tenant_id == tenant_id, MergeEvent.survivor_id == profile_id
    )
    return (await session.exec(stmt)).all()


async def record(
    session: AsyncSession, tenant_id: str, source: str, source_record_id: str
) -> SourceRecord | None:
    """A record by its source id."""
    stmt = select(SourceRecord).where(
        SourceRecord.tenant_id == tenant_id,
        SourceRecord.source == source,
        SourceRecord.source_record_id == source_record_id,
    )
    return (await session.exec(stmt)).first()


async def search(
    session: AsyncSession, tenant_id: str, keys: list[str], limit: int
) -> Sequence[Profile]:
    """Live profiles holding every one of `keys`."""
    stmt = select(Profile).where(Profile.tenant_id == tenant_id, col(Profile.merged_into).is_(None))
    for key in keys:
        holders = select(RecordKey.profile_id).where(
            RecordKey.tenant_id == tenant_id, RecordKey.key == key
        )
        stmt = stmt.where(col(Profile.id).in_(holders))
    stmt = stmt.order_by(col(Profile.updated_at).desc()).limit(limit)
    return (await session.exec(stmt)).all()
