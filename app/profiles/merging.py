"""Profile-level operations used by people's decisions: merge, refresh golden fields."""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import MergeEvent
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import repository as repo
from app.profiles.golden import RecordView, golden_view


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
    """Fold `merged` profiles into `survivor`, leaving a forwarding pointer and an event each."""
    if not merged:
        return
    await repo.move_profiles(session, tenant_id, merged, survivor)
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


async def refresh_profile(session: AsyncSession, tenant_id: str, profile_id: str) -> None:
    """Recompute the golden fields of a profile from its records."""
    await session.flush()
    records = await repo.records_of_profiles(session, tenant_id, [profile_id])
    (profile,) = await repo.get_profiles(session, tenant_id, [profile_id])
    golden = golden_view(
        [RecordView(r.source, r.data, r.normalised, r.updated_at) for r in records]
    )
    profile.golden = golden
    profile.first_name = golden.get("first_name")
    profile.last_name = golden.get("last_name")
    profile.email = golden.get("email")
    profile.phone = golden.get("phone")
    dob = golden.get("date_of_birth")
    profile.date_of_birth = None if dob is None else _as_date(dob)
    profile.record_count = len(records)
    profile.updated_at = utcnow()
    session.add(profile)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
