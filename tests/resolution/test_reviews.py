"""Reviews the in-memory store holds: what a held decision keeps, and which stay open."""

from __future__ import annotations

from typing import Any

from app.resolution import normalise
from app.resolution.memory import MemoryStore
from app.resolution.types import EVIDENCE_PAIRS, Decision, PairEvidence
from connectors.base import GuestRecord


def _pair(other: str, profile: str, weight: float, probability: float) -> PairEvidence:
    return PairEvidence(other, profile, weight, probability, fields={}, levels={})


def test_a_held_review_keeps_the_strongest_pairs_and_the_likeliest_of_each_candidate() -> None:
    # Twelve strong namesakes outrank both profiles under review.
    namesakes = [_pair(f"pms:N{n}", f"N{n}", 10.0 + n, 0.5) for n in range(12)]
    reviewed = [
        _pair("pms:A1", "A", 2.0, 0.85),
        _pair("pms:A2", "A", 3.0, 0.90),
        _pair("pms:B1", "B", 1.0, 0.82),
    ]
    decision = Decision(action="review", review_with=("A", "B"), evidence=(*reviewed, *namesakes))
    held = decision.for_review()
    assert held.strongest_evidence() == decision.strongest_evidence()
    assert len(held.strongest_evidence()) == EVIDENCE_PAIRS
    under_review = {(e.profile_id, e.other) for e in held.evidence if e.profile_id in ("A", "B")}
    assert under_review == {("A", "pms:A2"), ("B", "pms:B1")}
    assert len(held.evidence) == EVIDENCE_PAIRS + 2


def _visit(ident: str, **fields: Any) -> GuestRecord:
    town = {"first_name": "Jonas", "last_name": "Berglund", "address": {"city": "Uppsala"}}
    return GuestRecord.model_validate(
        {"source": "walkin", "source_record_id": ident, **town, **fields}
    )


def test_a_merge_answers_the_reviews_between_the_profiles_it_joins() -> None:
    email, born = {"email": "jonas.berglund@example.se"}, {"date_of_birth": "1981-04-09"}
    store = MemoryStore()
    for record in (
        _visit("J-1", **email),
        _visit("J-2", phone="+46 70 123 4567"),
        _visit("J-3", **born),
    ):
        store.add(normalise(record))
    assert store.open_reviews() == {
        "walkin:J-2": ["walkin:J-1"],
        "walkin:J-3": ["walkin:J-2", "walkin:J-1"],
    }
    # J-4 joins J-1 and J-3: J-3 no longer asks about J-1; J-2 still does.
    assert store.add(normalise(_visit("J-4", **email, **born))).reason == "cluster"
    assert store.open_reviews() == {"walkin:J-2": ["walkin:J-1"], "walkin:J-3": ["walkin:J-2"]}
