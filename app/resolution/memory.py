"""An in-memory store doing exactly what the database service does, for tests and benchmarks."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.resolution.decide import decide
from app.resolution.keys import blocking_keys
from app.resolution.model import MatchModel, Thresholds, default_model
from app.resolution.neighbours import best_neighbours
from app.resolution.types import Candidate, Decision, NormalisedRecord

CAP_PER_KEY = 50


@dataclass
class MemoryStore:
    """Records, profiles and a key index; `add` runs the full resolve-and-apply step."""

    model: MatchModel = field(default_factory=default_model)
    thresholds: Thresholds = field(default_factory=Thresholds)
    cap_per_key: int = CAP_PER_KEY
    neighbours: int | None = None  # profiles scored per record, best first (None: all found)
    records: dict[str, NormalisedRecord] = field(default_factory=dict)
    profile_of: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    index: dict[str, list[str]] = field(default_factory=dict)
    separated: set[frozenset[str]] = field(default_factory=set)
    reviews: dict[str, Decision] = field(default_factory=dict)  # record key -> review decision
    _next: int = 0

    def _new_profile(self) -> str:
        self._next += 1
        return f"P{self._next}"

    def candidates(self, keys: list[str], exclude: str) -> tuple[list[Candidate], dict[str, int]]:
        """Records of every profile sharing a key (capped per key), and profiles per key."""
        counts: dict[str, int] = {}
        by_key: dict[str, list[str]] = {}
        for key in keys:
            holders = self.index.get(key, ())
            if not holders:
                continue
            counts[key] = len({self.profile_of[r] for r in holders})
            found_profiles = dict.fromkeys(self.profile_of[r] for r in holders[: self.cap_per_key])
            by_key[key] = list(found_profiles)
        if self.neighbours is None:
            profiles = list(dict.fromkeys(p for ps in by_key.values() for p in ps))
        else:
            profiles = best_neighbours(keys, by_key, self.neighbours)
        found = [
            Candidate(record=self.records[r], profile_id=pid)
            for pid in profiles
            for r in self.members[pid]
            if r != exclude
        ]
        return found, counts

    def add(self, record: NormalisedRecord) -> Decision:
        """Resolve one record and apply the decision."""
        keys = blocking_keys(record)
        if record.key in self.records:
            # A re-sent version of a known record (update, cancellation): it keeps its profile.
            self.records[record.key] = record
            for key in keys:
                holders = self.index.setdefault(key, [])
                if record.key not in holders:
                    holders.append(record.key)
            return Decision(
                action="link",
                profile_ids=(self.profile_of[record.key],),
                reason="update of a known record",
            )
        cands, counts = self.candidates(keys, record.key)
        decision = decide(
            record,
            cands,
            model=self.model,
            thresholds=self.thresholds,
            key_profile_counts=counts,
            separated=self.separated,
        )
        self.records[record.key] = record
        if decision.action == "link":
            target, *others = decision.profile_ids
            for other in others:
                for moved in self.members.pop(other):
                    self.profile_of[moved] = target
                    self.members[target].append(moved)
        else:
            target = self._new_profile()
            self.members[target] = []
            if decision.action == "review":
                self.reviews[record.key] = decision.for_review()
        self.profile_of[record.key] = target
        self.members[target].append(record.key)
        for key in keys:
            self.index.setdefault(key, []).append(record.key)
        return decision

    def review_candidates(self, key: str) -> list[str]:
        """One record of each profile `key` was queued for review against, likeliest first."""
        decision = self.reviews[key]
        first_record: dict[str, str] = {}
        for pair in decision.evidence:
            first_record.setdefault(pair.profile_id, pair.other)
        return [first_record[p] for p in decision.review_with if p in first_record]

    def open_reviews(self) -> dict[str, list[str]]:
        """The reviews a person still has to decide, as the service keeps its queue: per record,
        one record of each candidate profile that has not been merged with it since."""
        still: dict[str, list[str]] = {}
        for key in self.reviews:
            own = self.profile_of[key]
            left = [r for r in self.review_candidates(key) if self.profile_of[r] != own]
            if left:
                still[key] = left
        return still

    def add_all(self, records: Iterable[NormalisedRecord]) -> None:
        """Resolve records in arrival order."""
        for record in records:
            self.add(record)

    def clusters(self) -> list[list[str]]:
        """Record keys per profile."""
        return [list(m) for m in self.members.values() if m]


def cluster_pairs(clusters: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    """Every within-cluster pair of record keys."""
    return {frozenset(p) for c in clusters for p in itertools.combinations(sorted(c), 2)}


def pairwise_scores(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    """Pairwise precision, recall and F1."""
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": len(predicted) - tp,
        "fn": len(truth) - tp,
    }
