"""Merges the sources made themselves (Cloudbeds newGuestID, OPERA merge events, Mews) applied."""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.curation.service import merge_profiles
from app.inbound import repository
from app.profiles.service import resolve_profile
from connectors.base import GuestRecord

log = structlog.get_logger(__name__)
_IDENTITY = {"source", "source_record_id", "merged_into", "property_id", "updated_at"}


def is_pointer(record: GuestRecord) -> bool:
    """A record that only says which record it was merged into (an OPERA merge event)."""
    rest = record.model_dump(exclude_none=True, exclude=_IDENTITY)
    return record.merged_into is not None and not rest


async def apply_source_merges(
    session: AsyncSession, tenant_id: str, records: Sequence[GuestRecord], decided_by: str
) -> int:
    """Join the profiles of records their source merged; the number of merges made.

    A record whose survivor is not here yet is left alone: the survivor's own arrival links
    it by the usual matching. A do-not-merge rule a person set outranks the source."""
    merges = 0
    for record in records:
        target = record.merged_into
        if not target or target == record.source_record_id:
            continue
        loser = await repository.find_record(
            session, tenant_id, record.source, record.source_record_id
        )
        survivor = await repository.find_record(session, tenant_id, record.source, target)
        if loser is None or survivor is None:
            continue
        ours = (await resolve_profile(session, tenant_id, loser.profile_id)).id
        theirs = (await resolve_profile(session, tenant_id, survivor.profile_id)).id
        if ours == theirs:
            continue
        try:
            await merge_profiles(session, tenant_id, theirs, [ours], decided_by)
        except Problem as exc:
            if exc.kind != "do-not-merge":
                raise
            log.info("source_merge_refused", source=record.source, reason=exc.kind)
            continue
        merges += 1
    return merges
