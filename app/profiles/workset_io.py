"""Load the working set of a batch from the database, and write its changes back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
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
from app.profiles import pg_writes
from app.profiles import repository as repo
from app.profiles.codec import from_text
from app.profiles.golden import profile_columns
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY, Row, WorkingSet
from app.resolution import blocking_keys
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD as DEFAULT_NEIGHBOURS
from app.resolution.neighbours import best_neighbours
from app.resolution.types import NormalisedRecord

if TYPE_CHECKING:
    from app.profiles.linking import Incoming


# Keys a transaction locks one by one; a batch with more takes the tenant's lock instead.
# PostgreSQL keeps every lock in one shared table (max_locks_per_transaction x connections:
# 6,400 by default), and a batch of 500 records has some 5,500 keys: two such batches at once,
# or one API batch of 1,000 records, would fill it and fail with "out of shared memory".
KEY_LOCKS_PER_TRANSACTION = 128


async def _locked_key_hits(
    session: AsyncSession, tenant_id: str, keys: set[str], idents: set[tuple[str, str]]
) -> repo.KeyHits:
    """The key hits of a batch, looked up once the batch may write: batches that share a key
    are serialised (PostgreSQL; SQLite has a single writer).

    A small batch (an online record) waits only for batches that share one of its keys; a large
    one (an import's) locks the whole tenant with a single lock, and waits for, and holds up,
    every other batch of the tenant while it runs.
    """
    lock: repo.Lock = "keys" if len(keys) <= KEY_LOCKS_PER_TRANSACTION else "tenant"
    cap = CANDIDATE_PROFILES_PER_KEY
    return await repo.key_hits(session, tenant_id, keys, cap, idents, lock if keys else "none")


# Stored profiles loaded per incoming record (a module attribute so a bench can vary it).
NEIGHBOURS_PER_RECORD = DEFAULT_NEIGHBOURS


def neighbourhood(batch: Sequence[Incoming], hits: repo.KeyHits) -> set[str]:
    """The profiles worth loading for the batch: per record, the best by shared keys, and the
    profiles of its records already stored."""
    chosen: set[str] = set(hits.known)
    for item in batch:
        chosen.update(best_neighbours(item.blocking, hits.profiles_by_key, NEIGHBOURS_PER_RECORD))
    return chosen


# Stored normalised forms parsed, by their text: neighbours recur from batch to batch. Only the
# record and its keys are kept (a handful of objects per entry): every full collection of the
# garbage collector walks the whole cache.
_PARSED_TEXTS = 20_000


@lru_cache(maxsize=_PARSED_TEXTS)
def _parsed(text: str) -> NormalisedRecord:
    return from_text(text)


def _keys_by_profile(hits: repo.KeyHits) -> dict[str, list[str]]:
    """Per stored profile, the batch's keys the key lookup found it under."""
    found: dict[str, list[str]] = defaultdict(list)
    for key, profile_ids in hits.profiles_by_key.items():
        for profile_id in profile_ids:
            found[profile_id].append(key)
    return found


def _row_of(record: Any, batch_keys: set[str], profile_keys: dict[str, list[str]]) -> Row:
    # Unpacked by position (batch_repository.ROW_FIELDS): a result row's attributes, looked up
    # by name a dozen times per stored record, cost more than building the Row.
    (
        ident,
        source,
        source_record_id,
        profile_id,
        content_hash,
        source_version,
        property_code,
        received_at,
        updated_at,
        normalised,
        data_text,
        _profile_created_at,
    ) = record
    # Stored text from the database; a parsed form from an import's mirror.
    norm = normalised if isinstance(normalised, NormalisedRecord) else _parsed(normalised)
    if profile_id in profile_keys:
        # Indexed under the keys its profile was found by: candidates are chosen per profile,
        # so this finds what the record's own keys would, without deriving them per neighbour.
        keys = profile_keys[profile_id]
    else:  # a profile of the batch's own records, found by source id: its records' own keys
        keys = [k for k in blocking_keys(norm) if k in batch_keys]
    return Row(
        id=ident,
        source=source,
        source_record_id=source_record_id,
        profile_id=profile_id,
        data=None,
        data_text=data_text,
        norm=norm,
        norm_json=None,
        keys=keys,
        content_hash=content_hash,
        source_version=source_version,
        property_code=property_code,
        received_at=received_at,
        updated_at=updated_at,
    )


async def load_working_set(
    session: AsyncSession, tenant_id: str, batch: Sequence[Incoming]
) -> WorkingSet:
    """Every stored record of every profile that shares a key with the batch.

    Stored records are indexed only under the batch's keys: no other key is ever looked up.
    Stored stays are not read: the write keeps the newer version of a reservation.
    """
    keys = batch_keys(batch)
    hits = await _locked_key_hits(session, tenant_id, keys, batch_idents(batch))
    rows, separated = await batch_repo.neighbourhood_rows(
        session, tenant_id, neighbourhood(batch, hits), {i.norm.key for i in batch}
    )
    return assemble(tenant_id, keys, hits, rows, separated)


def batch_keys(batch: Sequence[Incoming]) -> set[str]:
    return {k for item in batch for k in item.blocking}


def batch_idents(batch: Sequence[Incoming]) -> set[tuple[str, str]]:
    return {(i.record.source, i.record.source_record_id) for i in batch}


def assemble(
    tenant_id: str,
    keys: set[str],
    hits: repo.KeyHits,
    rows: Sequence[Any],
    separated: set[frozenset[str]],
) -> WorkingSet:
    """The working set of a batch from its key hits and the stored rows of its neighbourhood
    (tuples in the order of `batch_repository.ROW_FIELDS`)."""
    ws = WorkingSet(tenant_id, separated=separated, neighbours=NEIGHBOURS_PER_RECORD)
    ws.db_counts = dict(hits.profiles_per_key)
    profile_keys = _keys_by_profile(hits)
    for profile_id in hits.known:
        profile_keys.pop(profile_id, None)
    for record in rows:
        row = _row_of(record, keys, profile_keys)
        ws.add_row(row)
        ws.profile_created[row.profile_id] = record[-1]  # the profile's creation time
    return ws


def _record_values(row: Row) -> dict[str, Any]:
    return {
        "profile_id": row.profile_id,
        "property_code": row.property_code,
        "data": row.data,
        "normalised": row.normalised_json(),
        "source_version": row.source_version,
        "content_hash": row.content_hash,
        "updated_at": row.updated_at,
    }


async def write_changes(session: AsyncSession, ws: WorkingSet) -> None:
    """Write what the batch changed, set-at-a-time: on PostgreSQL every insert and update of the
    batch in one statement (an updated record's keys included: the ones it keeps stay as they
    are), then the merges of stored profiles."""
    final = ws.final_profile
    now = utcnow()
    changed = [r for r in ws.rows.values() if r.changed and not r.is_new]
    postgres = is_postgres(session)
    if not postgres:
        await batch_repo.delete_keys(session, [r.id for r in changed])

    new_rows = [r for r in ws.rows.values() if r.is_new]
    rows_by_id = {r.id: r for r in ws.rows.values()}
    for stay in ws.stays.values():
        owner = rows_by_id.get(stay.values["record_id"])
        stay.values["profile_id"] = owner.profile_id if owner else final(stay.values["profile_id"])
    writes = pg_writes.Writes(ws.tenant_id)
    writes.add("insert", _table(Profile), _new_profiles(ws, now))
    writes.add("insert", _table(SourceRecord), [_new_record(ws, r) for r in new_rows])
    updated = [{"_id": r.id, **_record_values(r)} for r in changed]
    writes.add("update", _table(SourceRecord), updated)
    writes.add("insert", _table(RecordKey), _key_rows(ws, new_rows))
    writes.replace_keys(_table(RecordKey), [r.id for r in changed], _key_rows(ws, changed))
    writes.add("upsert_stay", _table(Stay), [s.values for s in ws.stays.values()])
    for model, items in (
        (MatchDecision, ws.decisions),
        (ReviewItem, ws.reviews),
        (MergeEvent, ws.merge_events),
        (Event, ws.events),
    ):
        writes.add("insert", _table(model), items)
    writes.add("update", _table(Profile), _profile_updates(ws, now))
    if ws.events:
        note_events(session)
    if postgres:
        await pg_writes.execute(session, writes)
    else:
        for kind, table, rows in writes.parts:
            if kind in ("insert", "upsert_key"):  # the stored keys of upserted records are gone
                await batch_repo.insert_rows(session, table, rows)
            elif kind == "update":
                await batch_repo.update_by_id(session, table, rows)
            else:
                await batch_repo.upsert_stays(session, rows)
    # Profiles already stored that this batch merged away: their rows follow the survivor
    # (after the inserts: the survivor may be a profile this batch started).
    moves = {loser: final(loser) for loser in ws.merged_into if loser not in ws.new_profiles}
    await repo.move_profiles(session, ws.tenant_id, moves)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _key_rows(ws: WorkingSet, rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {"record_id": r.id, "key": k, "tenant_id": ws.tenant_id, "profile_id": r.profile_id}
        for r in rows
        for k in dict.fromkeys(r.keys)
    ]


def _new_record(ws: WorkingSet, row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": ws.tenant_id,
        "source": row.source,
        "source_record_id": row.source_record_id,
        "received_at": row.received_at,
        **_record_values(row),
    }


_EMPTY_PROFILE: dict[str, Any] = {
    "golden": {},
    "first_name": None,
    "last_name": None,
    "email": None,
    "phone": None,
    "date_of_birth": None,
    "record_count": 0,
}


def _new_profiles(ws: WorkingSet, now: Any) -> list[dict[str, Any]]:
    """Profiles started by the batch, complete: their golden view is known before insert."""
    rows: list[dict[str, Any]] = []
    for p in ws.new_profiles:
        members = [ws.rows[k] for k in ws.members.get(p, ())]
        survives = ws.final_profile(p) == p
        columns = profile_columns([m.view() for m in members]) if survives and members else {}
        rows.append(
            {
                "id": p,
                "tenant_id": ws.tenant_id,
                **_EMPTY_PROFILE,
                **columns,
                "merged_into": None if survives else ws.final_profile(p),
                "created_at": ws.profile_created[p],
                "updated_at": now,
            }
        )
    return rows


def _profile_updates(ws: WorkingSet, now: Any) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = []
    for profile_id in ws.touched:
        members = [ws.rows[k] for k in ws.members.get(profile_id, ())]
        if profile_id in ws.new_profiles or ws.final_profile(profile_id) != profile_id:
            continue
        if not members:
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
