"""Open review items that a merge answered: the record now shares a profile with a candidate.

A merge by the engine (a later record that bridges two profiles), by a person, or by an
approved review can put a record in the same profile as a guest it waits to be compared with.
That candidate is no longer a question; an item left with none is withdrawn, so the queue holds
only what a person still has to decide.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import member_of
from app.models import Profile, ReviewItem, SourceRecord
from app.models.base import utcnow


async def settle_reviews(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str], decided_by: str
) -> int:
    """Take answered candidates off the open items of records in `profile_ids` (the profiles a
    merge kept), withdrawing the items left with none; how many were withdrawn."""
    if not profile_ids:
        return 0
    stmt = (
        select(ReviewItem, SourceRecord.profile_id)
        .join(SourceRecord, col(SourceRecord.id) == col(ReviewItem.record_id))
        .where(
            ReviewItem.tenant_id == tenant_id,
            ReviewItem.status == "open",
            SourceRecord.tenant_id == tenant_id,
            member_of(session, SourceRecord.profile_id, list(profile_ids)),
        )
    )
    found = (await session.exec(stmt)).all()
    if not found:
        return 0
    asked = {c for item, _ in found for c in item.candidate_profile_ids}
    live = await live_profiles(session, tenant_id, asked)
    now = utcnow()
    withdrawn = 0
    for item, own in found:
        left = [c for c in item.candidate_profile_ids if live[c] != own]
        if len(left) == len(item.candidate_profile_ids):
            continue
        if left:
            item.candidate_profile_ids = left
        else:
            item.status, item.resolved_at, item.resolved_by = "withdrawn", now, decided_by
            withdrawn += 1
        session.add(item)
    return withdrawn


async def live_profiles(
    session: AsyncSession, tenant_id: str, profile_ids: Collection[str]
) -> dict[str, str]:
    """Where each profile id lives now, following the forwarding that merges leave."""
    where = {p: p for p in profile_ids}
    pending, seen = set(where), set(where)
    while pending:
        stmt = select(Profile.id, Profile.merged_into).where(
            Profile.tenant_id == tenant_id,
            member_of(session, Profile.id, list(pending)),
            col(Profile.merged_into).is_not(None),
        )
        hops = {ident: target for ident, target in (await session.exec(stmt)).all() if target}
        for start, now in where.items():
            if now in hops:
                where[start] = hops[now]
        pending = set(hops.values()) - seen
        seen |= pending
    return where
