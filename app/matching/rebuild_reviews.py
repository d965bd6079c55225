"""The review queue brought in line with what a rebuild decided.

An open item whose record now sits with its candidates, or that today's rules no longer raise,
is withdrawn; one the rules still raise is kept, with its candidates and evidence brought up to
date; a record the rules newly find uncertain gets an item. Decided items are history and stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.curation import repository as curation_repo
from app.models import MatchDecision, ReviewItem, SourceRecord
from app.models.base import utcnow
from app.profiles.linking import decision_evidence, review_probability
from app.resolution.memory import MemoryStore
from app.resolution.types import Decision


@dataclass(frozen=True)
class ReviewChanges:
    """How the open review queue changed."""

    opened: int
    withdrawn: int
    kept: int


@dataclass(frozen=True)
class _Wanted:
    row: SourceRecord
    candidates: list[str]  # profile ids, likeliest first
    decision: Decision


async def reconcile_reviews(
    session: AsyncSession,
    tenant_id: str,
    store: MemoryStore,
    by_key: Mapping[str, SourceRecord],
    decided_by: str,
) -> ReviewChanges:
    """Open, update and withdraw review items so the queue holds what the rebuild raised.

    `by_key` maps each record key to its row, already placed in the profile the rebuild chose.
    """
    wanted = _wanted(store, by_key)
    now = utcnow()
    kept = withdrawn = 0
    for item in await curation_repo.open_reviews(session, tenant_id):
        still = wanted.pop(item.record_id, None)
        if still is None:  # answered by the rebuild's clustering, or no longer raised
            item.status, item.resolved_at, item.resolved_by = "withdrawn", now, decided_by
            withdrawn += 1
        else:
            _describe(item, still, by_key)
            kept += 1
        session.add(item)
    for still in wanted.values():
        item = ReviewItem(tenant_id=tenant_id, record_id=still.row.id, profile_id="")
        _describe(item, still, by_key)
        session.add(item)
        session.add(
            MatchDecision(
                tenant_id=tenant_id,
                record_id=still.row.id,
                profile_id=still.row.profile_id,
                action="review",
                reason="rebuild: queued for review",
                evidence=item.evidence,
                matcher_version=still.decision.matcher_version,
                decided_by=decided_by,
            )
        )
    return ReviewChanges(opened=len(wanted), withdrawn=withdrawn, kept=kept)


def _wanted(store: MemoryStore, by_key: Mapping[str, SourceRecord]) -> dict[str, _Wanted]:
    """Review items the rebuild raises, by record id: candidates not already the record's own."""
    wanted: dict[str, _Wanted] = {}
    for key, candidates in store.open_reviews().items():
        row = by_key[key]
        profiles = dict.fromkeys(by_key[k].profile_id for k in candidates)
        profiles.pop(row.profile_id, None)  # joined by a person's must-link
        if profiles:
            wanted[row.id] = _Wanted(row, list(profiles), store.reviews[key])
    return wanted


def _describe(item: ReviewItem, wanted: _Wanted, by_key: Mapping[str, SourceRecord]) -> None:
    """Fill the item with the rebuild's candidates and evidence, in today's profile ids."""
    evidence: list[dict[str, Any]] = [
        {**pair, "profile_id": by_key[pair["other"]].profile_id}
        for pair in decision_evidence(wanted.decision)
    ]
    stay = wanted.row.data.get("stay") or {}
    item.profile_id = wanted.row.profile_id
    item.candidate_profile_ids = wanted.candidates
    item.evidence = evidence
    item.reason = wanted.decision.reason[:200]
    item.probability = review_probability(wanted.decision)
    item.arrival = date.fromisoformat(stay["arrival"]) if stay.get("arrival") else None
