"""Every link that joined two different guests on generated hotel data, with its evidence.

Precision falls as a tenant grows; this prints each wrong merge as it happens (the incoming
record, the profile it joined, the rule or weights that decided) and counts them by the
people involved (couple, parent/child, twin, namesake, or unrelated), so a change to the
decision rules can be judged on the errors it fixes and the ones it makes.

    python bench/false_links.py --guests 50000 --seed 7 --show 20
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hotel_generator
from quality_scale import HASH_KEY

from app.ingest.service import prepare_record
from app.ingest.validation import validate_record
from app.resolution.memory import MemoryStore
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD
from app.resolution.types import Decision, NormalisedRecord


def describe(n: NormalisedRecord) -> str:
    """One line of what a record says about the guest."""
    parts = [
        f"{n.key}",
        f"{n.given or '-'} {n.middle or ''}/{n.family or '-'}".replace("  ", " "),
        f"dob={n.date_of_birth}" if n.date_of_birth else "",
        f"email={n.email}({n.email_kind})" if n.email else "",
        f"phone={n.phone or n.phone_nsn}" if n.phone or n.phone_nsn else "",
        f"city={n.city}" if n.city else "",
    ]
    return "  ".join(p for p in parts if p)


def relation(traps_a: list[str], traps_b: list[str]) -> str:
    """How two different guests are related, as the generator made them."""
    shared = set(traps_a) & set(traps_b)
    for kind in ("twin", "shared_email", "shared_phone", "couple"):
        if kind in shared:
            return kind
    if {"parent", "child"} <= set(traps_a) | set(traps_b):
        return "parent/child"
    if "namesake" in set(traps_a) | set(traps_b):
        return "namesake"
    return "unrelated"


def wrongly_joined(
    store: MemoryStore, truth: dict[str, str], key: str, decision: Decision
) -> list[str]:
    """Records of other guests that this link newly put in one profile with `key` (none when
    the record only joined its own guest's profile, already wrong before)."""
    if decision.action != "link":
        return []
    members = store.members[store.profile_of[key]]
    others = [k for k in members if truth[k] != truth[key]]
    before = {truth[k] for k in members if k != key}
    if truth[key] in before and len(before) > 1 and not decision.profile_ids[1:]:
        return []
    return others


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=20, help="wrong links to print in full")
    args = parser.parse_args(argv)

    records, people = hotel_generator.generate(args.guests, args.seed)
    traps = {p.guest_id: p.traps for p in people}
    store = MemoryStore(neighbours=NEIGHBOURS_PER_RECORD)
    truth: dict[str, str] = {}
    by_relation: collections.Counter[str] = collections.Counter()
    by_rule: collections.Counter[str] = collections.Counter()
    shown = 0
    for raw in records:
        record, _errors = validate_record({k: v for k, v in raw.items() if k != "_guest"})
        if record is None:
            continue
        norm = prepare_record(record, HASH_KEY).norm
        if norm.key in store.records:
            store.add(norm)
            continue
        truth[norm.key] = raw["_guest"]
        decision: Decision = store.add(norm)
        others = wrongly_joined(store, truth, norm.key, decision)
        if not others:
            continue
        kind = relation(traps[truth[norm.key]], traps[truth[others[0]]])
        rules = sorted(
            {e.rule or "score" for e in decision.evidence if e.profile_id in decision.profile_ids}
        )
        by_relation[kind] += 1
        by_rule[",".join(rules) or "?"] += 1
        if shown < args.show:
            shown += 1
            print(f"--- {kind}: {decision.reason}")
            print(f"  new   {describe(norm)}")
            for e in sorted(decision.evidence, key=lambda e: -e.weight)[:3]:
                other = store.records[e.other]
                mark = "=" if truth[e.other] == truth[norm.key] else "x"
                print(f"  {mark} {e.weight:6.1f} {e.rule or ''} {describe(other)}")
                print(f"         {e.levels}")
    print(f"wrong links by relation: {dict(by_relation.most_common())}")
    print(f"wrong links by rule: {dict(by_rule.most_common())}")


if __name__ == "__main__":
    main()
