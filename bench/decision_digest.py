"""The pure core's speed, and a digest of every decision it makes, on generated hotel guests.

    python bench/decision_digest.py [--guests 20000] [--seed 8]

Prepares the records first (not timed), then resolves them in arrival order through the
in-memory store (`MemoryStore`, the same decision code and neighbourhood cap as the service)
and prints microseconds per record and a digest of every decision: action, reason, the profile
the record ended in, and each pair's weight, rule and levels. A change meant only to be faster
must leave the digest as it was; a rule change moves it, and `quality_scale.py` then says
whether for the better. Run the trees in turn on the same machine to compare their speed. It
prints; it writes no doc.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hotel_generator
from quality_scale import HASH_KEY

from app.ingest.service import prepare_record
from app.ingest.validation import validate_record
from app.resolution.memory import MemoryStore
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD
from app.resolution.types import Decision, NormalisedRecord


def _prepared(guests: int, seed: int) -> list[NormalisedRecord]:
    records, _ = hotel_generator.generate(guests, seed)
    prepared = []
    for raw in records:
        record, _errors = validate_record({k: v for k, v in raw.items() if k != "_guest"})
        if record is not None:
            prepared.append(prepare_record(record, HASH_KEY).norm)
    return prepared


def _fingerprint(decision: Decision, profile: str) -> bytes:
    parts = [decision.action, decision.reason, profile]
    for e in decision.evidence:
        levels = ",".join(f"{k}={v}" for k, v in sorted(e.levels.items()))
        parts.append(f"{e.other}:{e.profile_id}:{e.weight:.6f}:{e.rule}:{levels}")
    return "|".join(parts).encode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    norms = _prepared(args.guests, args.seed)
    store = MemoryStore(neighbours=NEIGHBOURS_PER_RECORD)
    digest = hashlib.sha256()
    started = time.perf_counter()
    for norm in norms:
        decision = store.add(norm)
        digest.update(_fingerprint(decision, store.profile_of[norm.key]))
    seconds = time.perf_counter() - started
    print(
        f"{len(norms):,} records resolved in {seconds:.2f} s "
        f"({seconds / len(norms) * 1e6:.0f} µs a record); decisions digest "
        f"{digest.hexdigest()[:16]}"
    )


if __name__ == "__main__":
    main()
