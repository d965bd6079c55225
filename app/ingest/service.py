"""Ingest generic records: sanitise, store, resolve — all in the caller's transaction."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.metrics import RECORDS_INGESTED, RESOLUTION_SECONDS
from app.hints.triggers import after_ingest
from app.ingest.sanitise import sanitise
from app.matching.service import MatchingConfig
from app.profiles.linking import Incoming, RecordResult, Resolved, ingest_batch, prepare
from connectors.base import GuestRecord


async def ingest_records(
    session: AsyncSession,
    tenant_id: str,
    records: Sequence[GuestRecord],
    *,
    matching: MatchingConfig,
    secret_key: str,
    decided_by: str,
) -> list[RecordResult]:
    """Store and resolve each record in order, then trigger hints; the caller commits once."""
    started = time.perf_counter()
    batch = [prepare_record(record, secret_key) for record in records]
    return await ingest_prepared(
        session, tenant_id, batch, matching=matching, decided_by=decided_by, started=started
    )


def prepare_record(record: GuestRecord, secret_key: str) -> Incoming:
    """Sanitise, normalise and key one record: CPU work only, safe to run in another process."""
    return prepare(sanitise(record, secret_key))


async def ingest_prepared(
    session: AsyncSession,
    tenant_id: str,
    batch: Sequence[Incoming],
    *,
    matching: MatchingConfig,
    decided_by: str,
    started: float | None = None,
    resolved: Resolved | None = None,
) -> list[RecordResult]:
    """Store and resolve records already prepared by `prepare_record` (or store them, resolved
    already), then trigger hints."""
    started = time.perf_counter() if started is None else started
    results = await ingest_batch(session, tenant_id, batch, matching, decided_by, resolved)
    if results:
        seconds = time.perf_counter() - started + (resolved.seconds if resolved else 0.0)
        RESOLUTION_SECONDS.observe(seconds / len(results))
    for result in results:
        RECORDS_INGESTED.labels(result.outcome).inc()
    # Arrivals and check-ins get their hint (and its outbox event) in this same transaction.
    await after_ingest(session, tenant_id, [item.record for item in batch], results)
    return results


def result_json(result: RecordResult) -> dict[str, Any]:
    """The API form of one result."""
    body: dict[str, Any] = {
        "source": result.source,
        "source_record_id": result.source_record_id,
        "outcome": result.outcome,
        "profile_id": result.profile_id,
    }
    if result.merged_profile_ids:
        body["merged_profile_ids"] = list(result.merged_profile_ids)
    return body


def summary(results: Sequence[RecordResult]) -> dict[str, int]:
    """Counts per outcome."""
    return dict(Counter(r.outcome for r in results))
