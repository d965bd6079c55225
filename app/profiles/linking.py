"""Store records and resolve them to profiles: the one path of online and bulk ingest.

A batch (one record online, hundreds in an import) loads the neighbourhood of its records in a
few queries, resolves every record in memory in order, then writes all changes set-at-a-time.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from app.matching.service import MatchingConfig
from app.models.base import new_id, utcnow
from app.profiles.codec import to_json
from app.profiles.mirror import TenantMirror
from app.profiles.reviews import settle_reviews
from app.profiles.search import search_keys
from app.profiles.workset import Row, WorkingSet
from app.profiles.workset_io import load_working_set, write_changes
from app.resolution import blocking_keys, decide, normalise
from app.resolution.types import Decision, NormalisedRecord
from connectors.base import GuestRecord

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


@dataclass(frozen=True)
class Incoming:
    """A sanitised record with what resolution derives from it."""

    record: GuestRecord
    digest: str
    norm: NormalisedRecord
    blocking: list[str]
    # Derived here rather than while the batch holds its locks: an import prepares them in
    # another process.
    data: dict[str, Any]  # the stored form of the record
    norm_json: dict[str, Any]  # the stored form of `norm`
    keys: list[str]  # every key stored for the record: blocking, then search keys


def content_hash(body: dict[str, Any]) -> str:
    """A digest of what a record says (its stored form), to recognise unchanged replays."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _is_older(incoming: str | None, stored: str | None) -> bool:
    # ISO 8601 timestamps and zero-padded versions order correctly as text.
    return incoming is not None and stored is not None and incoming < stored


def prepare(record: GuestRecord) -> Incoming:
    """Normalise a record and derive its keys (pure CPU work, before any query)."""
    norm = normalise(record)
    data = record.model_dump(mode="json", exclude_none=True)
    blocking = blocking_keys(norm)
    return Incoming(
        record,
        content_hash(data),
        norm,
        blocking,
        data,
        to_json(norm),
        [*blocking, *search_keys(norm)],
    )


@dataclass(frozen=True)
class Resolved:
    """A batch resolved in memory whose changes are not written yet."""

    ws: WorkingSet
    results: list[RecordResult]
    seconds: float  # spent resolving (the other batch's writing in between included)


# Records resolved between two turns of the event loop while the batch before is written.
_RECORDS_PER_TURN = 16


async def resolve_in_memory(
    mirror: TenantMirror, batch: Sequence[Incoming], matching: MatchingConfig, decided_by: str
) -> Resolved:
    """Resolve a batch against an import's mirror (`tenant_hold.py`), which takes in its
    changes at once. The event loop gets a turn every few records: the import writes the
    previous batch meanwhile, and the database works while this process resolves."""
    started = time.perf_counter()
    ws = mirror.working_set(batch)
    results = []
    for count, item in enumerate(batch, 1):
        results.append(_resolve(ws, item, matching, decided_by))
        if count % _RECORDS_PER_TURN == 0:
            await asyncio.sleep(0)
    mirror.take_in(ws)
    return Resolved(ws, results, time.perf_counter() - started)


async def ingest_batch(
    session: AsyncSession,
    tenant_id: str,
    batch: Sequence[Incoming],
    matching: MatchingConfig,
    decided_by: str,
    resolved: Resolved | None = None,
) -> list[RecordResult]:
    """Store and resolve prepared records in order, within the caller's transaction; or only
    store them, `resolved` already (`resolve_in_memory`)."""
    if resolved is None:
        ws = await load_working_set(session, tenant_id, batch)
        resolved = Resolved(ws, [_resolve(ws, item, matching, decided_by) for item in batch], 0.0)
    ws, results = resolved.ws, resolved.results
    await write_changes(session, ws)
    final = ws.final_profile
    if ws.merged_into:
        await settle_reviews(session, tenant_id, {final(p) for p in ws.merged_into}, decided_by)
    return [
        RecordResult(
            r.source,
            r.source_record_id,
            r.outcome,
            r.record_id,
            final(r.profile_id),
            r.merged_profile_ids,
        )
        if r.outcome not in ("unchanged", "stale")
        else r
        for r in results
    ]


def _resolve(
    ws: WorkingSet, item: Incoming, matching: MatchingConfig, decided_by: str
) -> RecordResult:
    record, norm = item.record, item.norm
    existing = ws.rows.get(norm.key)
    if existing is not None:
        if existing.content_hash == item.digest:
            return _result(record, "unchanged", existing.id, existing.profile_id)
        if _is_older(record.updated_at, existing.source_version):
            if record.stay is not None:
                # The record is older, yet its reservation may be news (or newer than stored).
                stay = record.stay.model_dump(mode="json", exclude_none=True)
                ws.upsert_stay(existing, stay, record.updated_at)
            return _result(record, "stale", existing.id, existing.profile_id)
    candidates, counts = ws.candidates(item.blocking, exclude=norm.key)
    decision = decide(
        norm,
        candidates,
        model=matching.model,
        thresholds=matching.thresholds,
        key_profile_counts=counts,
        separated=ws.separated,
    )
    current = existing.profile_id if existing is not None else None
    target, merged, outcome = _placement(ws, decision, current)
    data, norm_json, keys = item.data, item.norm_json, item.keys
    property_code = record.property_id or (record.stay.property_id if record.stay else None)
    now = utcnow()
    if existing is None:
        row = Row(
            id=new_id(),
            source=record.source,
            source_record_id=record.source_record_id,
            profile_id=target,
            data=data,
            norm=norm,
            norm_json=norm_json,
            keys=keys,
            content_hash=item.digest,
            source_version=record.updated_at,
            property_code=property_code,
            received_at=now,
            updated_at=now,
            is_new=True,
        )
        ws.add_row(row)
    else:
        row = existing
        row.data, row.norm, row.norm_json = data, norm, norm_json
        row.content_hash, row.source_version = item.digest, record.updated_at
        row.property_code, row.updated_at, row.changed = property_code, now, True
        ws.reindex(row, keys)
        outcome = "review" if outcome == "review" else "updated"
    ws.merge(target, merged, decided_by)
    ws.touched.add(target)
    if data.get("stay"):
        ws.upsert_stay(row, data["stay"], record.updated_at)
    evidence = decision_evidence(decision)
    ws.decisions.append(
        {
            "id": new_id(),
            "tenant_id": ws.tenant_id,
            "record_id": row.id,
            "profile_id": target,
            "action": decision.action,
            "reason": decision.reason[:200],
            "evidence": evidence,
            "matcher_version": decision.matcher_version,
            "decided_by": decided_by,
            "created_at": now,
        }
    )
    if outcome == "review":
        ws.reviews.append(
            {
                "id": new_id(),
                "tenant_id": ws.tenant_id,
                "record_id": row.id,
                "profile_id": target,
                "candidate_profile_ids": list(decision.review_with),
                "evidence": evidence,
                "reason": decision.reason[:200],
                "probability": review_probability(decision),
                "arrival": record.stay.arrival if record.stay else None,
                "status": "open",
                "created_at": now,
                "resolved_at": None,
                "resolved_by": None,
            }
        )
    return _result(record, outcome, row.id, target, merged)


def decision_evidence(decision: Decision) -> list[dict[str, Any]]:
    """The evidence stored with a decision, as JSON."""
    return [e.as_json() for e in decision.strongest_evidence()]


def review_probability(decision: Decision) -> float | None:
    """How likely the record is one of the guests it is reviewed against."""
    wanted = set(decision.review_with)
    chances = [e.probability for e in decision.evidence if e.profile_id in wanted]
    return max(chances, default=None)


def _placement(
    ws: WorkingSet, decision: Decision, current: str | None
) -> tuple[str, tuple[str, ...], Outcome]:
    """The profile the record goes to, the profiles merged into it, and the outcome."""
    if decision.action == "link" and decision.profile_ids:
        wanted = list(dict.fromkeys(decision.profile_ids))
        if current is not None and current not in wanted:
            # An updated record stays where it is; only a link that includes its profile merges.
            return current, (), "updated"
        survivor = ws.oldest(wanted)
        return survivor, tuple(p for p in wanted if p != survivor), "linked"
    if current is not None:
        return current, (), "updated"
    return ws.new_profile(), (), "review" if decision.action == "review" else "created"


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
