"""Profile-level operations used by people's decisions: merge, refresh golden fields."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import MergeEvent
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import repository as repo
from app.profiles.golden import RecordView, profile_columns
from app.profiles.reviews import settle_reviews


async def oldest_profile(session: AsyncSession, tenant_id: str, profile_ids: list[str]) -> str:
    """The longest-standing profile keeps its id, so ids that clients hold stay valid."""
    profiles = await repo.get_profiles(session, tenant_id, profile_ids)
    return min(profiles, key=lambda p: (p.created_at, p.id)).id


async def merge_into(
    session: AsyncSession,
    tenant_id: str,
    survivor: str,
    merged: tuple[str, ...],
    decided_by: str,
    decision_id: str | None = None,
) -> None:
    """Fold `merged` profiles into `survivor`, leaving a forwarding pointer and an event each;
    the open reviews the merge answered are settled."""
    if not merged:
        return
    await repo.move_profiles(session, tenant_id, dict.fromkeys(merged, survivor))
    for profile in await repo.get_profiles(session, tenant_id, merged):
        profile.merged_into = survivor
        profile.record_count = 0
        profile.updated_at = utcnow()
        session.add(profile)
        session.add(
            MergeEvent(
                tenant_id=tenant_id,
                survivor_id=survivor,
                merged_id=profile.id,
                decision_id=decision_id,
                decided_by=decided_by,
            )
        )
        session.add(
            Event(
                tenant_id=tenant_id,
                type="guest.merged",
                profile_id=survivor,
                payload={"survivor_id": survivor, "merged_id": profile.id},
            )
        )
    await settle_reviews(session, tenant_id, [survivor], decided_by)


async def refresh_profile(session: AsyncSession, tenant_id: str, profile_id: str) -> None:
    """Recompute the golden fields of a profile from its records."""
    await session.flush()
    records = await repo.records_of_profiles(session, tenant_id, [profile_id])
    (profile,) = await repo.get_profiles(session, tenant_id, [profile_id])
    views = [RecordView(r.source, r.data, r.normalised, r.updated_at) for r in records]
    for column, value in profile_columns(views).items():
        setattr(profile, column, value)
    profile.updated_at = utcnow()
    session.add(profile)
