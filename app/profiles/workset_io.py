"""Load the working set of a batch from the database, and write its changes back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import is_postgres
from app.core.outbox import note_events
from app.models import (
    Event,
    MatchDecision,
    MergeEvent,
    Profile,
    RecordKey,
    ReviewItem,
    SourceRecord,
    Stay,
)
from app.models.base import utcnow
from app.profiles import batch_repository as batch_repo
from app.profiles import repository as repo
from app.profiles.codec import from_json
from app.profiles.golden import profile_columns
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY, Row, StayRow, WorkingSet
from app.resolution import blocking_keys, is_strong_key

if TYPE_CHECKING:
    from app.profiles.linking import Incoming


async def _lock_keys(session: AsyncSession, tenant_id: str, keys: set[str]) -> None:
    """Serialise batches that share a key (PostgreSQL; SQLite has a single writer)."""
    if not is_postgres(session) or not keys:
        return
    # One statement, locks taken in hash order so two batches cannot deadlock.
    connection = await session.connection()
    await connection.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(h)) FROM ("
            " SELECT DISTINCT hashtextextended(:tenant || '|' || k, 0) AS h"
            " FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ordered"
        ),
        {"tenant": tenant_id, "keys": sorted(keys)},
    )


# Stored profiles loaded per incoming record: those sharing the most (and the strongest) keys.
# A common name alone can name fifty profiles; the guest is among those that share more.
NEIGHBOURS_PER_RECORD = 30
_IDENTIFIER_KEY_WEIGHT = 8.0
_SHARED_IDENTIFIER_HOLDERS = 8  # the default `max_key_profiles`


def _neighbourhood(batch: Sequence[Incoming], hits: repo.KeyHits) -> set[str]:
    """The profiles worth loading for the batch: per record, the best by shared keys."""
    chosen: set[str] = set()
    for item in batch:
        shared: dict[str, float] = defaultdict(float)
        for key in item.blocking:
            holders = hits.profiles_by_key.get(key, ())
            # An identifier many profiles hold (an agency phone) says no more than a name does.
            identifies = is_strong_key(key) and len(holders) <= _SHARED_IDENTIFIER_HOLDERS
            weight = _IDENTIFIER_KEY_WEIGHT if identifies else 1.0
            for profile_id in holders:
                shared[profile_id] += weight
        best = sorted(shared, key=lambda p: (-shared[p], p))[:NEIGHBOURS_PER_RECORD]
        chosen.update(best)
    return chosen


def _row_of(record: Any, batch_keys: set[str]) -> Row:
    norm = from_json(record.normalised)
    # The record's keys are derived again rather than read back: microseconds per record
    # against a query per batch. Only the batch's keys matter for finding candidates.
    keys = [k for k in blocking_keys(norm) if k in batch_keys]
    return Row(
        id=record.id,
        source=record.source,
        source_record_id=record.source_record_id,
        profile_id=record.profile_id,
        data=None,
        norm=norm,
        norm_json=record.normalised,
        keys=keys,
        content_hash=record.content_hash,
        source_version=record.source_version,
        property_code=record.property_code,
        received_at=record.received_at,
        updated_at=record.updated_at,
    )


async def load_working_set(
    session: AsyncSession, tenant_id: str, batch: Sequence[Incoming]
) -> WorkingSet:
    """Every stored record of every profile that shares a key with the batch.

    Stored records are indexed only under the batch's keys: no other key is ever looked up.
    """
    ws = WorkingSet(tenant_id)
    keys = {k for item in batch for k in item.blocking}
    await _lock_keys(session, tenant_id, keys)
    idents = {(i.record.source, i.record.source_record_id) for i in batch}
    known = await batch_repo.profiles_of_source_ids(session, tenant_id, idents)
    hits = await repo.key_hits(session, tenant_id, keys, CANDIDATE_PROFILES_PER_KEY)
    ws.db_counts = dict(hits.profiles_per_key)
    profile_ids = _neighbourhood(batch, hits) | known
    for record in await batch_repo.record_rows_of_profiles(session, tenant_id, profile_ids):
        ws.add_row(_row_of(record, keys))
    ws.profile_created.update(await batch_repo.profile_ages(session, tenant_id, profile_ids))
    record_keys = set(ws.rows) | {i.norm.key for i in batch}
    ws.separated = set(await repo.separated_pairs(session, tenant_id, record_keys))
    reservations = {(i.record.source, i.record.stay.reservation_id) for i in batch if i.record.stay}
    for values in await batch_repo.stays_by_reservation(session, tenant_id, reservations):
        ws.stays[(values["source"], values["reservation_id"])] = StayRow(values, is_new=False)
    return ws


def _record_values(row: Row) -> dict[str, Any]:
    return {
        "profile_id": row.profile_id,
        "property_code": row.property_code,
        "data": row.data,
        "normalised": row.norm_json,
        "source_version": row.source_version,
        "content_hash": row.content_hash,
        "updated_at": row.updated_at,
    }


async def write_changes(session: AsyncSession, ws: WorkingSet) -> None:
    """Write what the batch changed, set-at-a-time, in dependency order."""
    final = ws.final_profile
    now = utcnow()
    await batch_repo.insert_rows(
        session,
        Profile,
        [
            {
                "id": p,
                "tenant_id": ws.tenant_id,
                "golden": {},
                "record_count": 0,
                "merged_into": None if final(p) == p else final(p),
                "created_at": ws.profile_created[p],
                "updated_at": now,
            }
            for p in ws.new_profiles
        ],
    )
    # Profiles already stored that this batch merged away: their rows follow the survivor.
    moves: dict[str, list[str]] = defaultdict(list)
    for loser in ws.merged_into:
        if loser not in ws.new_profiles:
            moves[final(loser)].append(loser)
    for survivor, losers in moves.items():
        await repo.move_profiles(session, ws.tenant_id, losers, survivor)

    new_rows = [r for r in ws.rows.values() if r.is_new]
    changed = [r for r in ws.rows.values() if r.changed and not r.is_new]
    await batch_repo.insert_rows(
        session,
        SourceRecord,
        [
            {
                "id": r.id,
                "tenant_id": ws.tenant_id,
                "source": r.source,
                "source_record_id": r.source_record_id,
                "received_at": r.received_at,
                **_record_values(r),
            }
            for r in new_rows
        ],
    )
    await batch_repo.update_by_id(
        session, SourceRecord, [{"_id": r.id, **_record_values(r)} for r in changed]
    )
    await batch_repo.delete_keys(session, [r.id for r in changed])
    await batch_repo.insert_rows(
        session,
        RecordKey,
        [
            {"record_id": r.id, "key": k, "tenant_id": ws.tenant_id, "profile_id": r.profile_id}
            for r in (*new_rows, *changed)
            for k in dict.fromkeys(r.keys)
        ],
    )

    rows_by_id = {r.id: r for r in ws.rows.values()}
    for stay in ws.stays.values():
        owner = rows_by_id.get(stay.values["record_id"])
        stay.values["profile_id"] = owner.profile_id if owner else final(stay.values["profile_id"])
    await batch_repo.insert_rows(session, Stay, [s.values for s in ws.stays.values() if s.is_new])
    await batch_repo.update_by_id(
        session,
        Stay,
        [
            {
                "_id": s.values["id"],
                **{k: v for k, v in s.values.items() if k not in ("id", "tenant_id")},
            }
            for s in ws.stays.values()
            if not s.is_new
        ],
    )
    for model, items in (
        (MatchDecision, ws.decisions),
        (ReviewItem, ws.reviews),
        (MergeEvent, ws.merge_events),
        (Event, ws.events),
    ):
        await batch_repo.insert_rows(session, model, items)
    if ws.events:
        note_events(session)
    await _load_missing_data(session, ws)
    await batch_repo.update_by_id(session, Profile, _profile_updates(ws, now))


async def _load_missing_data(session: AsyncSession, ws: WorkingSet) -> None:
    """Fetch the raw data of the records whose profiles need new golden fields."""
    missing = [
        ws.rows[k].id
        for profile_id in ws.touched
        for k in ws.members.get(profile_id, ())
        if ws.rows[k].data is None
    ]
    if not missing:
        return
    data = await batch_repo.record_data(session, ws.tenant_id, missing)
    for row in ws.rows.values():
        if row.data is None and row.id in data:
            row.data = data[row.id]


def _profile_updates(ws: WorkingSet, now: Any) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = []
    for profile_id in ws.touched:
        members = [ws.rows[k] for k in ws.members.get(profile_id, ())]
        if ws.final_profile(profile_id) != profile_id or not members:
            continue
        updates.append(
            {"_id": profile_id, **profile_columns([m.view() for m in members]), "updated_at": now}
        )
    for loser in ws.merged_into:
        if loser not in ws.new_profiles:
            updates.append(
                {
                    "_id": loser,
                    "merged_into": ws.final_profile(loser),
                    "record_count": 0,
                    "updated_at": now,
                }
            )
    return updates
