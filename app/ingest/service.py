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
from app.profiles.linking import RecordResult, upsert_record
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
    results = []
    for record in records:
        started = time.perf_counter()
        result = await upsert_record(
            session, tenant_id, sanitise(record, secret_key), matching, decided_by
        )
        RESOLUTION_SECONDS.observe(time.perf_counter() - started)
        results.append(result)
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
