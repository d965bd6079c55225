"""Pairwise precision, recall and F1 of a links CSV against a truth CSV."""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

Key = tuple[str, str]


@dataclass(frozen=True)
class Score:
    """Pairwise quality of one clustering against the truth."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    records: int
    missing_records: int  # in the truth but absent from the links (counted as singletons)


def read_clusters(path: Path, column: str) -> dict[Key, str]:
    """{(source, source_record_id): cluster id} from a CSV with the given cluster column."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {(row["source"], row["source_record_id"]): row[column] for row in csv.DictReader(fh)}


def _pairs(sizes: Counter[str]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def score_clusters(predicted: dict[Key, str], truth: dict[Key, str]) -> Score:
    """Score a clustering; only records in the truth count, missing ones are singletons."""
    # Pairs are counted from cluster sizes, so large clusters cost nothing to score.
    missing = [k for k in truth if k not in predicted]
    pred = {k: predicted.get(k, f"\0missing:{k[0]}:{k[1]}") for k in truth}
    true_pairs = _pairs(Counter(truth.values()))
    predicted_pairs = _pairs(Counter(pred.values()))
    correct = _pairs(Counter((pred[k], truth[k]) for k in truth))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        precision, recall, f1, true_pairs, predicted_pairs, correct, len(truth), len(missing)
    )


def score_files(links: Path, truth: Path) -> Score:
    """Score a links CSV (`profile_id`) against a truth CSV (`guest_id`)."""
    return score_clusters(read_clusters(links, "profile_id"), read_clusters(truth, "guest_id"))


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/score.py LINKS.csv TRUTH.csv [--json]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("links", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    s = score_files(args.links, args.truth)
    if args.json:
        print(json.dumps(asdict(s)))
    else:
        print(
            f"precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
            f"(pairs: true {s.true_pairs}, predicted {s.predicted_pairs}, correct "
            f"{s.correct_pairs}; records {s.records}, missing {s.missing_records})"
        )


if __name__ == "__main__":
    main()
