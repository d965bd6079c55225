"""Re-resolve every record of a tenant after a model or rule change, keeping profile ids.

Each record is normalised again from its stored data and its blocking keys are rewritten where
they changed, so a new normalisation rule or key kind reaches the records stored before it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import member_of
from app.matching.rebuild_reviews import reconcile_reviews
from app.matching.service import MatchingConfig
from app.models import DoNotMerge, MatchDecision, MustLink, Profile, RecordKey, SourceRecord
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import batch_repository as batch_repo
from app.profiles import repository as repo
from app.profiles.codec import from_json, to_json
from app.profiles.merging import refresh_profile
from app.profiles.search import search_keys
from app.resolution import blocking_keys, normalise
from app.resolution.memory import MemoryStore
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD
from app.resolution.types import NormalisedRecord
from connectors.base import GuestRecord


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild changed."""

    records: int
    profiles_before: int
    profiles_after: int
    records_moved: int
    profiles_created: int
    profiles_retired: int
    records_rekeyed: int = 0  # records whose normal form or blocking keys changed
    reviews_opened: int = 0
    reviews_withdrawn: int = 0  # answered by the new clustering, or no longer raised
    reviews_kept: int = 0


async def rebuild(
    session: AsyncSession, tenant_id: str, matching: MatchingConfig, decided_by: str
) -> RebuildReport:
    """Resolve all records again in arrival order and apply the new clustering.

    Resolving reads a snapshot and holds nothing up. Applying locks the tenant (its ingest
    batches wait until the rebuild commits); records that arrived or changed since the snapshot
    are resolved on top first, so none is left on a profile the rebuild retires.
    """
    rules = await _rules(session, tenant_id)
    snapshot = _resolve_all(await _records(session, tenant_id), rules, matching)
    await repo.lock_tenant(session, tenant_id)
    resolved = await _catch_up(session, tenant_id, snapshot, rules, matching)
    rows, store, norm_of = resolved.rows, resolved.store, resolved.norm_of
    by_key = {norm_of[row.id].key: row for row in rows}

    clusters = _join_must_links(store, sorted(resolved.rules.must_link))
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
    rekeyed = await _rewrite_keys(session, tenant_id, rows, norm_of)
    reviews = await reconcile_reviews(session, tenant_id, store, by_key, decided_by)
    for profile_id in touched - retired:
        await refresh_profile(session, tenant_id, profile_id)
    session.add(
        Event(
            tenant_id=tenant_id,
            type="guests.rebuilt",
            payload={
                "records_moved": moved,
                "reviews_opened": reviews.opened,
                "reviews_withdrawn": reviews.withdrawn,
                "reviews_kept": reviews.kept,
                "matcher_version": matching.model.version,
            },
        )
    )
    return RebuildReport(
        records=len(rows),
        profiles_before=len(old_profiles),
        profiles_after=len(taken),
        records_moved=moved,
        profiles_created=created,
        profiles_retired=len(retired),
        records_rekeyed=rekeyed,
        reviews_opened=reviews.opened,
        reviews_withdrawn=reviews.withdrawn,
        reviews_kept=reviews.kept,
    )


@dataclass(frozen=True)
class _Rules:
    """What people decided: pairs of records kept apart, and pairs kept together."""

    separated: frozenset[frozenset[str]]
    must_link: frozenset[tuple[str, str]]


@dataclass
class _Resolved:
    """Records resolved into clusters under the rules, with the normal form of each record."""

    rows: list[SourceRecord]
    rules: _Rules
    store: MemoryStore
    norm_of: dict[str, NormalisedRecord]


async def _rules(session: AsyncSession, tenant_id: str) -> _Rules:
    apart = await session.exec(select(DoNotMerge).where(DoNotMerge.tenant_id == tenant_id))
    together = await session.exec(select(MustLink).where(MustLink.tenant_id == tenant_id))
    return _Rules(
        frozenset(frozenset((r.record_a, r.record_b)) for r in apart.all()),
        frozenset((r.record_a, r.record_b) for r in together.all()),
    )


async def _records(
    session: AsyncSession, tenant_id: str, ids: Sequence[str] | None = None
) -> list[SourceRecord]:
    """The tenant's records (or those of `ids`) in arrival order, as stored now."""
    query = select(SourceRecord).where(SourceRecord.tenant_id == tenant_id)
    if ids is not None:
        query = query.where(member_of(session, SourceRecord.id, ids))
    ordered = query.order_by(col(SourceRecord.received_at), col(SourceRecord.id))
    return list((await session.exec(ordered.execution_options(populate_existing=True))).all())


def _resolve_all(rows: list[SourceRecord], rules: _Rules, matching: MatchingConfig) -> _Resolved:
    store = MemoryStore(
        model=matching.model, thresholds=matching.thresholds, neighbours=NEIGHBOURS_PER_RECORD
    )
    store.separated = set(rules.separated)
    resolved = _Resolved(rows, rules, store, {})
    for row in rows:
        _add(resolved, row)
    return resolved


def _add(resolved: _Resolved, row: SourceRecord) -> None:
    record = _normalised_again(row)
    resolved.norm_of[row.id] = record
    resolved.store.add(record)


async def _catch_up(
    session: AsyncSession,
    tenant_id: str,
    snapshot: _Resolved,
    rules: _Rules,
    matching: MatchingConfig,
) -> _Resolved:
    """The snapshot's clustering brought up to what is stored now (the tenant is locked).

    New and updated records are resolved on top, in arrival order; every record's profile is
    read again (online merges moved some). If a person merged or split guests meanwhile, or a
    record went away, everything is resolved again: the snapshot's decisions may not hold.
    """
    stored = await session.exec(
        select(SourceRecord.id, SourceRecord.profile_id, SourceRecord.updated_at).where(
            SourceRecord.tenant_id == tenant_id
        )
    )
    now = {ident: (profile_id, updated) for ident, profile_id, updated in stored.all()}
    known = {row.id: row for row in snapshot.rows}
    current_rules = await _rules(session, tenant_id)
    if current_rules != rules or any(ident not in now for ident in known):
        return _resolve_all(await _records(session, tenant_id), current_rules, matching)
    fresh = [
        i for i, (_, updated) in now.items() if i not in known or known[i].updated_at != updated
    ]
    for row in snapshot.rows:
        set_committed_value(row, "profile_id", now[row.id][0])
    arrived = await _records(session, tenant_id, fresh) if fresh else []
    for row in arrived:
        if row.id not in known:
            snapshot.rows.append(row)
        _add(snapshot, row)
    return snapshot


def _normalised_again(row: SourceRecord) -> NormalisedRecord:
    """The record as today's normalisation reads its stored (sanitised) data."""
    try:
        return normalise(GuestRecord.model_validate(row.data))
    except ValidationError:  # stored under rules since tightened: keep the form it had
        return from_json(row.normalised)


# Records whose stored keys are compared at a time: a tenant's keys (ten per record) do not fit
# in memory at a million guests.
_REKEY_CHUNK = 2000


async def _rewrite_keys(
    session: AsyncSession,
    tenant_id: str,
    rows: Sequence[SourceRecord],
    norm_of: dict[str, NormalisedRecord],
) -> int:
    """Store the normal form and keys today's code derives, where they differ; how many did."""
    rekeyed = 0
    for start in range(0, len(rows), _REKEY_CHUNK):
        chunk = rows[start : start + _REKEY_CHUNK]
        stored: dict[str, set[str]] = defaultdict(set)
        found = await session.exec(
            select(RecordKey.record_id, RecordKey.key).where(
                member_of(session, RecordKey.record_id, [row.id for row in chunk])
            )
        )
        for record_id, key in found.all():
            stored[record_id].add(key)
        changed: list[tuple[SourceRecord, list[str]]] = []
        for row in chunk:
            norm = norm_of[row.id]
            keys = list(dict.fromkeys([*blocking_keys(norm), *search_keys(norm)]))
            form = to_json(norm)
            if set(keys) != stored.get(row.id, set()) or form != row.normalised:
                row.normalised = form
                session.add(row)
                changed.append((row, keys))
        await batch_repo.delete_keys(session, [row.id for row, _ in changed])
        table = RecordKey.__table__  # type: ignore[attr-defined]
        values = [
            {"record_id": row.id, "key": key, "tenant_id": tenant_id, "profile_id": row.profile_id}
            for row, keys in changed
            for key in keys
        ]
        await batch_repo.insert_rows(session, table, values)
        rekeyed += len(changed)
    return rekeyed


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
