"""Bulk-load the existing state of the online bench into PostgreSQL with COPY.

One profile per true guest (the state the engine converges to), every stored record with the
normalised form, content hash and keys the ingest path would write. Match decisions and events
of the past are not written: resolution never reads them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import partial
from multiprocessing import Pool
from typing import Any

import asyncpg
from speed_env import PG

Rows = dict[str, list[tuple[Any, ...]]]
COLUMNS = {
    "profiles": [
        "id",
        "tenant_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "golden",
        "record_count",
        "merged_into",
        "created_at",
        "updated_at",
    ],
    "source_records": [
        "id",
        "tenant_id",
        "source",
        "source_record_id",
        "profile_id",
        "property_code",
        "data",
        "normalised",
        "source_version",
        "content_hash",
        "received_at",
        "updated_at",
    ],
    "record_keys": ["record_id", "key", "tenant_id", "profile_id"],
    "stays": [
        "id",
        "tenant_id",
        "profile_id",
        "record_id",
        "source",
        "reservation_id",
        "property_code",
        "arrival",
        "departure",
        "room_type",
        "rate_amount",
        "currency",
        "channel",
        "status",
        "updated_at",
    ],
}


def existing_by_guest(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The newest version of every record, grouped by true guest."""
    latest = {(r["source"], r["source_record_id"]): r for r in records}
    guests: dict[str, list[dict[str, Any]]] = {}
    for rec in latest.values():
        guests.setdefault(rec["_guest"], []).append(rec)
    return list(guests.values())


def _when(stamp: str | None) -> datetime:
    if not stamp:
        return datetime.now(UTC)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _guest_rows(tenant_id: str, secret: str, recs: list[dict[str, Any]]) -> Rows:
    """What the ingest path would have stored for one guest's records."""
    from app.ingest.sanitise import sanitise
    from app.models.base import new_id
    from app.profiles.codec import to_json
    from app.profiles.golden import RecordView, golden_view
    from app.profiles.linking import content_hash
    from app.profiles.search import search_keys
    from app.resolution import blocking_keys, normalise
    from connectors.base import GuestRecord

    profile_id = new_id()
    out: Rows = {name: [] for name in COLUMNS}
    views = []
    for raw in recs:
        clean = sanitise(
            GuestRecord.model_validate({k: v for k, v in raw.items() if k != "_guest"}), secret
        )
        norm = normalise(clean)
        norm_json, data = to_json(norm), clean.model_dump(mode="json", exclude_none=True)
        at, record_id = _when(clean.updated_at), new_id()
        prop = clean.property_id or (clean.stay.property_id if clean.stay else None)
        out["source_records"].append(
            (
                record_id,
                tenant_id,
                clean.source,
                clean.source_record_id,
                profile_id,
                prop,
                json.dumps(data),
                json.dumps(norm_json),
                clean.updated_at,
                content_hash(data),
                at,
                at,
            )
        )
        for key in dict.fromkeys([*blocking_keys(norm), *search_keys(norm)]):
            out["record_keys"].append((record_id, key, tenant_id, profile_id))
        if stay := data.get("stay"):
            out["stays"].append(
                (
                    new_id(),
                    tenant_id,
                    profile_id,
                    record_id,
                    clean.source,
                    stay["reservation_id"],
                    stay.get("property_id") or prop,
                    date.fromisoformat(stay["arrival"]),
                    date.fromisoformat(stay["departure"]),
                    *tuple(
                        stay.get(k) for k in ("room_type", "rate_amount", "currency", "channel")
                    ),
                    stay.get("status"),
                    at,
                )
            )
        views.append(RecordView(clean.source, data, norm_json, at))
    golden = golden_view(views)
    dob = golden.get("date_of_birth")
    created = min(v.updated_at for v in views)
    out["profiles"].append(
        (
            profile_id,
            tenant_id,
            *tuple(golden.get(k) for k in ("first_name", "last_name", "email", "phone")),
            date.fromisoformat(str(dob)) if dob else None,
            json.dumps(golden, default=str),
            len(recs),
            None,
            created,
            max(v.updated_at for v in views),
        )
    )
    return out


def _chunk_rows(tenant_id: str, secret: str, chunk: list[list[dict[str, Any]]]) -> Rows:
    merged: Rows = {name: [] for name in COLUMNS}
    for recs in chunk:
        for name, rows in _guest_rows(tenant_id, secret, recs).items():
            merged[name].extend(rows)
    return merged


def prepared(
    guests: list[list[dict[str, Any]]], tenant_id: str, secret: str, processes: int
) -> Iterator[Rows]:
    """Rows to COPY, chunk by chunk, normalised on `processes` cores."""
    chunks = [guests[i : i + 2000] for i in range(0, len(guests), 2000)]
    with Pool(processes) as pool:
        yield from pool.imap(partial(_chunk_rows, tenant_id, secret), chunks)


async def _secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """(name, definition) of indexes on the loaded tables that back no constraint."""
    rows = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename = ANY($1::text[]) AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint)",
        list(COLUMNS),
    )
    return [(r["indexname"], r["indexdef"]) for r in rows]


async def load(db: str, chunks: Iterator[Rows]) -> dict[str, float]:
    """COPY every chunk (foreign-key triggers and secondary indexes off), then index, vacuum."""
    conn = await asyncpg.connect(f"{PG}/{db}")
    timings: dict[str, float] = {}
    counts = dict.fromkeys(COLUMNS, 0)
    try:
        await conn.execute("SET session_replication_role = replica")
        indexes = await _secondary_indexes(conn)
        for name, _ in indexes:
            await conn.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        seen_stays: set[tuple[str, str]] = set()
        for rows in chunks:
            stays = [s for s in rows["stays"] if (s[4], s[5]) not in seen_stays]
            seen_stays.update((s[4], s[5]) for s in stays)
            rows["stays"] = stays
            for table in COLUMNS:  # parents first
                await conn.copy_records_to_table(table, records=rows[table], columns=COLUMNS[table])
                counts[table] += len(rows[table])
            print(f"  copied {counts['source_records']} records", flush=True)
        timings["normalise_and_copy_s"] = time.perf_counter() - started
        started = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            await conn.execute(definition)
        timings["index_s"] = time.perf_counter() - started
        started = time.perf_counter()
        for table in COLUMNS:
            await conn.execute(f"VACUUM ANALYZE {table}")
        timings["vacuum_analyze_s"] = time.perf_counter() - started
    finally:
        await conn.close()
    return {**timings, **{f"{k}_rows": float(v) for k, v in counts.items()}}


def bulk_load(
    db: str, tenant_id: str, secret: str, records: list[dict[str, Any]], processes: int = 2
) -> dict[str, float]:
    """Load `records` (generator dicts with `_guest`) as the tenant's existing state."""
    guests = existing_by_guest(records)
    return asyncio.run(load(db, prepared(guests, tenant_id, secret, processes)))
