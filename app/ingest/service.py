"""Ingest generic records: sanitise, store, resolve — all in the caller's transaction."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.metrics import RECORDS_INGESTED, RESOLUTION_SECONDS
from app.ingest.sanitise import sanitise
from app.matching.service import MatchingConfig
from app.profiles.linking import RecordResult, ingest_batch
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
    """Store and resolve each record in order; the caller commits once."""
    started = time.perf_counter()
    clean = [sanitise(record, secret_key) for record in records]
    results = await ingest_batch(session, tenant_id, clean, matching, decided_by)
    if results:
        RESOLUTION_SECONDS.observe((time.perf_counter() - started) / len(results))
    for result in results:
        RECORDS_INGESTED.labels(result.outcome).inc()
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
