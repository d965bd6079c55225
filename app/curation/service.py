"""Human decisions on identity: merge, unmerge (with do-not-merge rules), review, explain.

Each decision locks its tenant first (PostgreSQL): it reads the profiles it changes only once
the ingest batches in flight have committed, and holds new ones until it commits. Otherwise a
record linked meanwhile could be written into a profile the decision just merged away, or a
second approval of one review could merge again.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.curation import repository as repo
from app.curation.schemas import (
    DecisionOut,
    ExplainedRecord,
    Explanation,
    MergeOut,
    RecordId,
    UnmergeResult,
)
from app.models import Profile, ReviewItem, SourceRecord
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import queries
from app.profiles import repository as profiles_repo
from app.profiles.merging import merge_into, oldest_profile, refresh_profile
from app.profiles.service import resolve_profile


def _key(record: SourceRecord) -> str:
    return str(record.normalised.get("key") or f"{record.source}:{record.source_record_id}")


async def _ensure_mergeable(
    session: AsyncSession, tenant_id: str, profile_ids: Sequence[str]
) -> None:
    """Refuse a merge that would put two records of a do-not-merge rule in one profile."""
    records = await profiles_repo.records_of_profiles(session, tenant_id, profile_ids)
    owner = {_key(r): r.profile_id for r in records}
    for rule in await repo.rules_touching(session, tenant_id, owner):
        a, b = owner.get(rule.record_a), owner.get(rule.record_b)
        if a is not None and b is not None and a != b:
            raise Problem(
                409,
                "do-not-merge",
                "A do-not-merge rule forbids this merge",
                f"records {rule.record_a} and {rule.record_b} were separated by {rule.created_by}",
            )


async def _anchor_records(
    session: AsyncSession, tenant_id: str, profile_ids: Sequence[str]
) -> list[str]:
    """One record key per profile (its first record), in the order of `profile_ids`."""
    records = await profiles_repo.records_of_profiles(session, tenant_id, profile_ids)
    first: dict[str, SourceRecord] = {}
    for record in sorted(records, key=lambda r: (r.received_at, r.id)):
        first.setdefault(record.profile_id, record)
    return [_key(first[p]) for p in profile_ids if p in first]


async def merge_profiles(
    session: AsyncSession,
    tenant_id: str,
    survivor_id: str,
    other_ids: Sequence[str],
    decided_by: str,
) -> tuple[str, list[str]]:
    """Merge profiles into the survivor (by hand); forwarded ids are followed first."""
    await profiles_repo.lock_tenant(session, tenant_id)
    survivor = await resolve_profile(session, tenant_id, survivor_id)
    others: list[str] = []
    for other_id in other_ids:
        other = await resolve_profile(session, tenant_id, other_id)
        if other.id != survivor.id and other.id not in others:
            others.append(other.id)
    if not others:
        return survivor.id, []
    await _ensure_mergeable(session, tenant_id, [survivor.id, *others])
    anchors = await _anchor_records(session, tenant_id, [survivor.id, *others])
    for other_key in anchors[1:]:
        await repo.add_must_link(session, tenant_id, anchors[0], other_key, decided_by)
    await merge_into(session, tenant_id, survivor.id, tuple(others), decided_by)
    await refresh_profile(session, tenant_id, survivor.id)
    return survivor.id, others


async def unmerge(
    session: AsyncSession,
    tenant_id: str,
    profile_id: str,
    split: Sequence[RecordId],
    decided_by: str,
) -> UnmergeResult:
    """Split records off into a new profile and forbid them from joining the rest again."""
    await profiles_repo.lock_tenant(session, tenant_id)
    profile = await resolve_profile(session, tenant_id, profile_id)
    records = await profiles_repo.records_of_profiles(session, tenant_id, [profile.id])
    by_id = {(r.source, r.source_record_id): r for r in records}
    wanted = {(s.source, s.source_record_id) for s in split}
    missing = sorted(wanted - by_id.keys())
    if missing:
        raise Problem(
            422,
            "record-not-in-profile",
            "Record not in this profile",
            errors=[
                {
                    "pointer": "/records",
                    "message": f"{s}/{i} is not in the profile",
                    "code": "not_in_profile",
                }
                for s, i in missing
            ],
        )
    moving = [by_id[w] for w in sorted(wanted)]
    staying = [r for r in records if (r.source, r.source_record_id) not in wanted]
    if not staying:
        raise Problem(
            422,
            "nothing-left",
            "Nothing would be left",
            "an unmerge must leave at least one record in the profile",
        )
    new_profile = Profile(tenant_id=tenant_id)
    session.add(new_profile)
    await session.flush()
    await profiles_repo.move_records(session, tenant_id, [r.id for r in moving], new_profile.id)
    await repo.drop_must_links(
        session, tenant_id, [_key(r) for r in moving], [_key(r) for r in staying]
    )
    rules = 0
    for a, b in itertools.product(moving, staying):
        rules += await repo.add_rule(session, tenant_id, _key(a), _key(b), decided_by)
    await refresh_profile(session, tenant_id, profile.id)
    await refresh_profile(session, tenant_id, new_profile.id)
    session.add(
        Event(
            tenant_id=tenant_id,
            type="guest.unmerged",
            profile_id=profile.id,
            payload={
                "profile_id": profile.id,
                "split_profile_id": new_profile.id,
                "records": [_key(r) for r in moving],
                "decided_by": decided_by,
            },
        )
    )
    return UnmergeResult(
        profile_id=profile.id, split_profile_id=new_profile.id, do_not_merge_rules=rules
    )


async def resolve_review(
    session: AsyncSession, tenant_id: str, review_id: str, approve: bool, decided_by: str
) -> ReviewItem:
    """Approve (merge) or reject (separate for good) an open review item."""
    await profiles_repo.lock_tenant(session, tenant_id)
    item = await repo.review(session, tenant_id, review_id)
    if item is None:
        raise not_found(f"review {review_id}")
    if item.status != "open":
        raise Problem(
            409,
            "review-closed",
            "Review already decided",
            f"this review was {item.status} by {item.resolved_by}",
        )
    record = await repo.record_by_id(session, tenant_id, item.record_id)
    if record is None:
        raise not_found("the record of this review")
    # Decided before the merge, which settles the other open reviews it answers.
    item.status = "approved" if approve else "rejected"
    item.resolved_at = utcnow()
    item.resolved_by = decided_by
    session.add(item)
    await session.flush()
    if approve:
        live = [
            (await resolve_profile(session, tenant_id, p)).id
            for p in (record.profile_id, *item.candidate_profile_ids)
        ]
        survivor = await oldest_profile(session, tenant_id, live)
        await merge_profiles(session, tenant_id, survivor, live, decided_by)
    else:
        for candidate_id in item.candidate_profile_ids:
            candidate = await resolve_profile(session, tenant_id, candidate_id)
            if candidate.id == record.profile_id:
                continue
            for other in await profiles_repo.records_of_profiles(
                session, tenant_id, [candidate.id]
            ):
                await repo.add_rule(session, tenant_id, _key(record), _key(other), decided_by)
    return item


async def explain(session: AsyncSession, tenant_id: str, profile_id: str) -> Explanation:
    """Why these records are one guest: each decision with its evidence, and each merge."""
    profile = await resolve_profile(session, tenant_id, profile_id)
    records = await queries.records(session, tenant_id, profile.id)
    decisions = await repo.decisions_for(session, tenant_id, [r.id for r in records])
    merges = await queries.merges(session, tenant_id, profile.id)
    rules = await repo.rules_touching(session, tenant_id, [_key(r) for r in records])
    explained = []
    for record in records:
        mine = [d for d in decisions if d.record_id == record.id]
        explained.append(
            ExplainedRecord(
                source=record.source,
                source_record_id=record.source_record_id,
                decisions=[
                    DecisionOut(
                        action=d.action,
                        reason=d.reason,
                        matcher_version=d.matcher_version,
                        decided_by=d.decided_by,
                        created_at=d.created_at,
                        evidence=d.evidence,
                    )
                    for d in mine
                ],
            )
        )
    return Explanation(
        profile_id=profile.id,
        records=explained,
        merges=[
            MergeOut(merged_id=m.merged_id, decided_by=m.decided_by, created_at=m.created_at)
            for m in merges
        ],
        do_not_merge=[[r.record_a, r.record_b] for r in rules],
    )
