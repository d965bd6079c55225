"""Re-resolve every record of a tenant after a model or rule change, keeping profile ids."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.matching.service import MatchingConfig
from app.models import DoNotMerge, MatchDecision, MustLink, Profile, SourceRecord
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import repository as repo
from app.profiles.codec import from_json
from app.profiles.merging import refresh_profile
from app.resolution.memory import MemoryStore
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild changed."""

    records: int
    profiles_before: int
    profiles_after: int
    records_moved: int
    profiles_created: int
    profiles_retired: int


async def rebuild(
    session: AsyncSession, tenant_id: str, matching: MatchingConfig, decided_by: str
) -> RebuildReport:
    """Resolve all records again in arrival order and apply the new clustering."""
    rows = (
        await session.exec(
            select(SourceRecord)
            .where(SourceRecord.tenant_id == tenant_id)
            .order_by(col(SourceRecord.received_at), col(SourceRecord.id))
        )
    ).all()
    rules = (await session.exec(select(DoNotMerge).where(DoNotMerge.tenant_id == tenant_id))).all()
    store = MemoryStore(
        model=matching.model, thresholds=matching.thresholds, neighbours=NEIGHBOURS_PER_RECORD
    )
    store.separated = {frozenset((r.record_a, r.record_b)) for r in rules}
    by_key = {}
    for row in rows:
        record = from_json(row.normalised)
        by_key[record.key] = row
        store.add(record)

    links = (await session.exec(select(MustLink).where(MustLink.tenant_id == tenant_id))).all()
    clusters = _join_must_links(store, [(m.record_a, m.record_b) for m in links])
    old_profile_of = {row.id: row.profile_id for row in rows}
    old_profiles = set(old_profile_of.values())
    taken: set[str] = set()
    moved = created = 0
    touched: set[str] = set()
    # Largest clusters choose first, each keeping the old id most of its records had.
    for cluster in sorted(clusters, key=len, reverse=True):
        members = [by_key[k] for k in cluster]
        votes = Counter(r.profile_id for r in members if r.profile_id not in taken)
        if votes:
            target = votes.most_common(1)[0][0]
        else:
            profile = Profile(tenant_id=tenant_id)
            session.add(profile)
            await session.flush()
            target, created = profile.id, created + 1
        taken.add(target)
        changed = [r for r in members if r.profile_id != target]
        if changed:
            await repo.move_records(session, tenant_id, [r.id for r in changed], target)
            for row in changed:
                session.add(
                    MatchDecision(
                        tenant_id=tenant_id,
                        record_id=row.id,
                        profile_id=target,
                        action="link",
                        reason=f"rebuild: moved from {row.profile_id}",
                        evidence=[],
                        matcher_version=matching.model.version,
                        decided_by=decided_by,
                    )
                )
                touched.add(row.profile_id)
                row.profile_id = target
            moved += len(changed)
            touched.add(target)
    retired = old_profiles - taken
    for profile in await repo.get_profiles(session, tenant_id, retired):
        # Forward a retired id to where most of its records went, so clients' ids still answer.
        destinations = Counter(r.profile_id for r in rows if old_profile_of[r.id] == profile.id)
        profile.merged_into = destinations.most_common(1)[0][0]
        profile.record_count = 0
        profile.updated_at = utcnow()
        session.add(profile)
    for profile_id in touched - retired:
        await refresh_profile(session, tenant_id, profile_id)
    session.add(
        Event(
            tenant_id=tenant_id,
            type="guests.rebuilt",
            payload={"records_moved": moved, "matcher_version": matching.model.version},
        )
    )
    return RebuildReport(
        records=len(rows),
        profiles_before=len(old_profiles),
        profiles_after=len(taken),
        records_moved=moved,
        profiles_created=created,
        profiles_retired=len(retired),
    )


def _join_must_links(store: MemoryStore, links: list[tuple[str, str]]) -> list[list[str]]:
    """The engine's clusters, with clusters joined wherever a person declared a must-link."""
    parent = {p: p for p in store.members}

    def root(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for a, b in links:
        if a in store.profile_of and b in store.profile_of:
            parent[root(store.profile_of[a])] = root(store.profile_of[b])
    joined: dict[str, list[str]] = {}
    for profile, members in store.members.items():
        joined.setdefault(root(profile), []).extend(members)
    return [m for m in joined.values() if m]
