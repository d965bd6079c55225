"""Store a record and resolve it to a profile: the online path of every ingest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from app.matching.service import MatchingConfig
from app.models import MatchDecision, MergeEvent, Profile, ReviewItem, SourceRecord, Stay
from app.models.base import utcnow
from app.models.ops import Event
from app.profiles import repository as repo
from app.profiles.codec import from_json, to_json
from app.profiles.golden import RecordView, golden_view
from app.profiles.search import search_keys
from app.resolution import blocking_keys, decide, normalise
from app.resolution.types import Candidate, Decision
from connectors.base import GuestRecord

# Candidate profiles fetched per key: the same cap as the in-memory store the engine is tuned on.
CANDIDATE_PROFILES_PER_KEY = 50

Outcome = Literal["created", "linked", "review", "updated", "unchanged", "stale"]


@dataclass(frozen=True)
class RecordResult:
    """What happened to one incoming record."""

    source: str
    source_record_id: str
    outcome: Outcome
    record_id: str
    profile_id: str
    merged_profile_ids: tuple[str, ...] = ()


def content_hash(record: GuestRecord) -> str:
    """A digest of what a record says, to recognise unchanged replays."""
    body = record.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _is_older(incoming: str | None, stored: str | None) -> bool:
    # ISO 8601 timestamps and zero-padded versions order correctly as text.
    return incoming is not None and stored is not None and incoming < stored


async def upsert_record(
    session: AsyncSession,
    tenant_id: str,
    record: GuestRecord,
    matching: MatchingConfig,
    decided_by: str,
) -> RecordResult:
    """Store or update one (already sanitised) record and resolve it."""
    digest = content_hash(record)
    existing = await repo.get_record(session, tenant_id, record.source, record.source_record_id)
    if existing is not None:
        if existing.content_hash == digest:
            return _result(record, "unchanged", existing.id, existing.profile_id)
        if _is_older(record.updated_at, existing.source_version):
            return _result(record, "stale", existing.id, existing.profile_id)

    norm = normalise(record)
    keys = blocking_keys(norm)
    stored_keys = [*keys, *search_keys(norm)]
    await repo.lock_keys(session, tenant_id, keys)
    hits = await repo.key_hits(session, tenant_id, keys, CANDIDATE_PROFILES_PER_KEY)
    others = await repo.records_of_profiles(session, tenant_id, hits.profile_ids)
    candidates = [
        Candidate(record=from_json(r.normalised), profile_id=r.profile_id)
        for r in others
        if existing is None or r.id != existing.id
    ]
    separated = await repo.separated_pairs(
        session, tenant_id, [norm.key, *(c.record.key for c in candidates)]
    )
    decision = decide(
        norm,
        candidates,
        model=matching.model,
        thresholds=matching.thresholds,
        key_profile_counts=hits.profiles_per_key,
        separated=separated,
    )

    if existing is None:
        row = SourceRecord(
            tenant_id=tenant_id,
            source=record.source,
            source_record_id=record.source_record_id,
            profile_id="",
            data={},
            normalised={},
            content_hash=digest,
        )
        current_profile: str | None = None
    else:
        row = existing
        current_profile = existing.profile_id
    target, merged, outcome = await _apply(session, tenant_id, decision, current_profile)

    row.profile_id = target
    row.property_code = record.property_id or (record.stay.property_id if record.stay else None)
    row.data = record.model_dump(mode="json", exclude_none=True)
    row.normalised = to_json(norm)
    row.source_version = record.updated_at
    row.content_hash = digest
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await repo.replace_keys(session, tenant_id, row.id, target, stored_keys)
    if record.stay is not None:
        await _upsert_stay(session, tenant_id, row, record)

    await _record_decision(session, tenant_id, row, decision, target, decided_by)
    if outcome == "review":
        session.add(
            ReviewItem(
                tenant_id=tenant_id,
                record_id=row.id,
                profile_id=target,
                candidate_profile_ids=list(decision.review_with),
                evidence=[e.as_json() for e in decision.evidence],
                reason=decision.reason,
            )
        )
    await merge_into(session, tenant_id, target, merged, decided_by)
    await refresh_profile(session, tenant_id, target)
    if existing is not None and outcome != "review":
        outcome = "updated"
    return _result(record, outcome, row.id, target, merged)


async def _apply(
    session: AsyncSession, tenant_id: str, decision: Decision, current: str | None
) -> tuple[str, tuple[str, ...], Outcome]:
    """The profile the record goes to, the profiles merged into it, and the outcome."""
    if decision.action == "link" and decision.profile_ids:
        wanted = list(dict.fromkeys(decision.profile_ids))
        if current is not None and current not in wanted:
            # An updated record stays where it is; only a link that includes its profile merges.
            return current, (), "updated"
        survivor = await oldest_profile(session, tenant_id, wanted)
        return survivor, tuple(p for p in wanted if p != survivor), "linked"
    if current is not None:
        return current, (), "updated"
    profile = Profile(tenant_id=tenant_id)
    session.add(profile)
    session.add(Event(tenant_id=tenant_id, type="guest.created", profile_id=profile.id))
    return profile.id, (), "review" if decision.action == "review" else "created"


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


async def _upsert_stay(
    session: AsyncSession, tenant_id: str, row: SourceRecord, record: GuestRecord
) -> None:
    stay = record.stay
    assert stay is not None
    found = await repo.get_stay(session, tenant_id, record.source, stay.reservation_id)
    target = found or Stay(
        tenant_id=tenant_id,
        profile_id=row.profile_id,
        record_id=row.id,
        source=record.source,
        reservation_id=stay.reservation_id,
        arrival=stay.arrival,
        departure=stay.departure,
    )
    target.profile_id = row.profile_id
    target.record_id = row.id
    target.property_code = stay.property_id or record.property_id
    target.arrival = stay.arrival
    target.departure = stay.departure
    target.room_type = stay.room_type
    target.rate_amount = stay.rate_amount
    target.currency = stay.currency
    target.channel = stay.channel
    target.status = stay.status
    target.updated_at = utcnow()
    session.add(target)


async def _record_decision(
    session: AsyncSession,
    tenant_id: str,
    row: SourceRecord,
    decision: Decision,
    profile_id: str,
    decided_by: str,
) -> None:
    session.add(
        MatchDecision(
            tenant_id=tenant_id,
            record_id=row.id,
            profile_id=profile_id,
            action=decision.action,
            reason=decision.reason[:200],
            evidence=[e.as_json() for e in decision.evidence],
            matcher_version=decision.matcher_version,
            decided_by=decided_by,
        )
    )


def _result(
    record: GuestRecord,
    outcome: Outcome,
    record_id: str,
    profile_id: str,
    merged: tuple[str, ...] = (),
) -> RecordResult:
    return RecordResult(
        record.source, record.source_record_id, outcome, record_id, profile_id, merged
    )
