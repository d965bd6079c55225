"""Review items as the API shows them: the record's guest beside the guests it may be."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.curation.schemas import RecordId, ReviewOut
from app.models import Profile, ReviewItem
from app.profiles import repository as profiles_repo
from app.profiles.reviews import live_profiles
from app.profiles.schemas import ProfileSummary

# An item with the record it is about: (item, source, source_record_id, the record's profile).
ReviewRow = tuple[ReviewItem, str, str, str]


async def review_views(
    session: AsyncSession, tenant_id: str, rows: Sequence[ReviewRow]
) -> list[ReviewOut]:
    """The items, each with a summary of the record's guest and of every candidate guest as
    they stand now (merged candidates followed to where they went), in two queries."""
    asked = {c for item, *_ in rows for c in item.candidate_profile_ids}
    live = await live_profiles(session, tenant_id, asked)
    wanted = set(live.values()) | {profile for *_, profile in rows}
    found = await profiles_repo.get_profiles(session, tenant_id, wanted)
    profiles = {p.id: p for p in found}
    return [_view(row, live, profiles) for row in rows]


def _view(row: ReviewRow, live: dict[str, str], profiles: dict[str, Profile]) -> ReviewOut:
    item, source, ident, profile_id = row
    candidates = dict.fromkeys(live[c] for c in item.candidate_profile_ids)
    candidates.pop(profile_id, None)
    return ReviewOut(
        id=item.id,
        status=item.status,
        record=RecordId(source=source, source_record_id=ident),
        profile_id=profile_id,
        candidate_profile_ids=item.candidate_profile_ids,
        guest=_summary(profiles.get(profile_id)),
        candidates=[s for c in candidates if (s := _summary(profiles.get(c))) is not None],
        reason=item.reason,
        probability=item.probability,
        arrival=item.arrival,
        evidence=item.evidence,
        created_at=item.created_at,
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by,
    )


def _summary(profile: Profile | None) -> ProfileSummary | None:
    return ProfileSummary.model_validate(profile, from_attributes=True) if profile else None
