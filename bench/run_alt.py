"""Resolve `guests_alt` data through MemoryStore and say where the engine goes wrong.

Pairwise precision, recall and F1 against the truth, then every wrong merge (counted by how
the two guests are related) and the missed pairs of one guest (counted by what the two
records share), with examples: both records and the levels of the pair.

    python bench/run_alt.py --guests 8000 --seed 11 --show 8
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import guests_alt
from false_links import wrongly_joined

from app.ingest.service import prepare_record
from app.ingest.validation import validate_record
from app.resolution.compare import compare
from app.resolution.memory import MemoryStore, cluster_pairs, pairwise_scores
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD
from app.resolution.types import NormalisedRecord

HASH_KEY = "bench-secret-key-of-32-characters"


def describe(n: NormalisedRecord) -> str:
    parts = [
        n.key,
        f"{n.given or '-'}|{n.middle or ''}|{n.family or '-'}"
        + (f" {n.suffix}" if n.suffix else ""),
        f"dob={n.date_of_birth}" if n.date_of_birth else "",
        f"email={n.email}({n.email_kind})" if n.email else "",
        f"phone={n.phone or n.phone_nsn}" if n.phone or n.phone_nsn else "",
        f"addr={n.house or ''} {n.street or ''}/{n.postcode or ''}/{n.city or ''}"
        f"/{n.country or ''}",
        f"loy={n.loyalty}" if n.loyalty else "",
        "doc" if n.document else "",
        f"soc={n.social}" if n.social else "",
        f"bk={','.join(n.bookings)}" if n.bookings else "",
    ]
    return "  ".join(p for p in parts if p)


def relation(traps_a: list[str], traps_b: list[str], same_family: bool) -> str:
    shared = set(traps_a) & set(traps_b)
    for kind in ("twin", "couple"):
        if kind in shared:
            return kind
    if {"parent", "child"} <= set(traps_a) | set(traps_b):
        return "parent/child"
    return "namesake" if same_family else "unrelated"


def shared_fields(levels: dict[str, str], a: NormalisedRecord, b: NormalisedRecord) -> str:
    """What a missed pair agrees on, strongest identifiers first."""
    booking = ["booking"] if set(a.bookings) & set(b.bookings) else []
    place = ["address"] if levels.get("street") not in ("null", "else") else []
    strong = booking + [
        f
        for f in ("loyalty", "document", "social", "email", "phone", "dob")
        if levels.get(f, "null") not in ("null", "else")
    ]
    names = f"g:{levels['given']} f:{levels['family']}"
    return (",".join(strong + place) or "names-only") + " | " + names


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=6, help="examples per category")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    records, people = guests_alt.generate(args.guests, args.seed)
    traps = {p.gid: p.traps for p in people}
    store = MemoryStore(neighbours=NEIGHBOURS_PER_RECORD)
    truth: dict[str, str] = {}
    invalid = 0
    wrong: dict[str, list[str]] = collections.defaultdict(list)
    for raw in records:
        body = {k: v for k, v in raw.items() if not k.startswith("_")}
        record, errors = validate_record(body)
        if record is None:
            invalid += 1
            if invalid <= 3:
                print("invalid:", errors, body.get("phone"))
            continue
        norm = prepare_record(record, HASH_KEY).norm
        truth[norm.key] = raw["_guest"]
        decision = store.add(norm)
        others = wrongly_joined(store, truth, norm.key, decision)
        if not others:
            continue
        other = store.records[others[0]]
        kind = relation(
            traps[truth[norm.key]], traps[truth[others[0]]], norm.family_key == other.family_key
        )
        lines = [f"--- {kind}: {decision.reason}", f"  new {describe(norm)}"]
        for e in sorted(decision.evidence, key=lambda e: -e.weight)[:3]:
            mark = "=" if truth[e.other] == truth[norm.key] else "x"
            lines.append(
                f"  {mark} {e.weight:6.1f} {e.rule or ''} {describe(store.records[e.other])}"
            )
            lines.append(f"        {e.levels}")
        wrong[kind].append("\n".join(lines))

    by_guest: dict[str, list[str]] = collections.defaultdict(list)
    for key in store.records:
        by_guest[truth[key]].append(key)
    scores = pairwise_scores(cluster_pairs(store.clusters()), cluster_pairs(by_guest.values()))
    print(
        f"{args.guests} guests, {len(store.records)} records ({invalid} invalid): "
        f"P {scores['precision']:.4f} R {scores['recall']:.4f} F1 {scores['f1']:.4f} "
        f"(tp {scores['tp']} fp {scores['fp']} fn {scores['fn']})"
    )
    print("wrong links by relation:", {k: len(v) for k, v in wrong.items()})
    if args.quiet:
        return scores
    for items in wrong.values():
        for text in items[: args.show]:
            print(text)

    # Missed pairs: records of one guest in different profiles. One pair per two profiles.
    missed: dict[str, list[str]] = collections.defaultdict(list)
    for keys in by_guest.values():
        seen: set[frozenset[str]] = set()
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                pa, pb = store.profile_of[a], store.profile_of[b]
                if pa == pb or frozenset((pa, pb)) in seen:
                    continue
                seen.add(frozenset((pa, pb)))
                ra, rb = store.records[a], store.records[b]
                levels = compare(ra, rb).levels
                cat = shared_fields(levels, ra, rb)
                missed[cat].append(f"  {describe(ra)}\n  {describe(rb)}\n    {levels}")
    print("missed profile pairs by what they share (top 40):")
    ranked = sorted(missed.items(), key=lambda kv: -len(kv[1]))
    for cat, items in ranked[:40]:
        print(f"  {len(items):5d}  {cat}")
    for cat, items in ranked:
        if cat.startswith("names-only"):
            continue
        print(f"=== {cat} ({len(items)})")
        for text in items[: args.show]:
            print(text)
    return scores


if __name__ == "__main__":
    main()
