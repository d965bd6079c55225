"""The synthetic hotel data set (bench/hotel_generator.py) through the in-memory store.

Run: .venv/bin/python -m tests.resolution.hotel [--guests 3000] [--seed 3] [--train]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from app.resolution import MatchModel, canonical_document, default_model, normalise, train
from app.resolution.memory import MemoryStore, cluster_pairs, pairwise_scores
from app.resolution.types import NormalisedRecord
from connectors.base import GuestRecord

BENCH = Path(__file__).resolve().parents[2] / "bench"


def hashed(record: GuestRecord) -> GuestRecord:
    """What the caller does before normalise(): replace the document number by a keyed hash."""
    doc = record.document
    if doc is None:
        return record
    canon = canonical_document(doc.type, doc.country, doc.number)
    digest = hashlib.sha256(b"tenant-key:" + canon.encode()).hexdigest()[:32]
    return record.model_copy(update={"document": doc.model_copy(update={"number": digest})})


def generate(guests: int, seed: int) -> tuple[list[NormalisedRecord], dict[str, str], Any]:
    """Normalised records in arrival order, record key -> guest id, and the people."""
    sys.path.insert(0, str(BENCH))
    from hotel_generator import generate as gen  # type: ignore[import-not-found]

    raw, people = gen(guests, seed)
    records, truth = [], {}
    for rec in raw:
        body = {k: v for k, v in rec.items() if k != "_guest"}
        n = normalise(hashed(GuestRecord.model_validate(body)))
        records.append(n)
        truth[n.key] = rec["_guest"]
    return records, truth, people


def truth_pairs(truth: dict[str, str]) -> set[frozenset[str]]:
    """Pairs of record keys belonging to the same guest."""
    by_guest: dict[str, list[str]] = collections.defaultdict(list)
    for key, guest in truth.items():
        by_guest[guest].append(key)
    return cluster_pairs(by_guest.values())


def run(
    guests: int = 3000, seed: int = 3, *, model: MatchModel | None = None, trained: bool = False
) -> tuple[dict[str, float], MemoryStore, dict[str, str]]:
    """Resolve the generated data set and score it pairwise."""
    records, truth, _ = generate(guests, seed)
    if trained:
        model = train(records)
    store = MemoryStore(model=model or default_model())
    start = time.perf_counter()
    store.add_all(records)
    scores = pairwise_scores(cluster_pairs(store.clusters()), truth_pairs(truth))
    scores["seconds"] = time.perf_counter() - start
    scores["reviews"] = len(store.reviews)
    return scores, store, truth


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--guests", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    result, _, _ = run(args.guests, args.seed, trained=args.train)
    print({k: round(v, 4) for k, v in result.items()})
