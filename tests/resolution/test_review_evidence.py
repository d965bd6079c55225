"""A review decision held for later keeps what its review item shows and ranks by."""

from __future__ import annotations

from app.resolution.types import EVIDENCE_PAIRS, Decision, PairEvidence


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
