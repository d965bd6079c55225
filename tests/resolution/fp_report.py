"""Which decisions put different guests in one profile, grouped by pattern, with FP-pair counts.

Every within-profile pair is created by exactly one add(): the record joining a profile, or two
profiles merged. Each false pair is charged to that decision and described by the evidence
that linked it (rule and comparison levels) and the relation of the two true guests.

Run: PYTHONPATH=. .venv/bin/python -m tests.resolution.fp_report --guests 10000 --seed 7
"""

from __future__ import annotations

import argparse
import collections
from typing import Any

from app.resolution import default_model
from app.resolution.memory import MemoryStore, cluster_pairs, pairwise_scores
from app.resolution.types import Decision, PairEvidence
from tests.resolution.hotel import generate, truth_pairs

_SHOWN = ("given", "family", "dob", "email", "phone", "house", "street", "area", "name_swap")


def _relation(people: dict[str, Any], g1: str, g2: str) -> str:
    a, b = people.get(g1), people.get(g2)
    if a is None or b is None:
        return "?"
    traps = sorted(set(a.traps) & set(b.traps)) or sorted(set(a.traps) | set(b.traps))
    same = []
    if a.family == b.family:
        same.append("family")
    if a.given == b.given:
        same.append("given")
    if a.dob == b.dob:
        same.append("dob")
    if a.phone and a.phone == b.phone:
        same.append("phone")
    if a.email == b.email:
        same.append("email")
    if a.agency is not None and a.agency == b.agency:
        same.append("agency")
    return f"{'+'.join(traps) or 'unrelated'} (same {','.join(same) or '-'})"


def _describe(ev: PairEvidence) -> str:
    levels = " ".join(f"{c}={ev.levels[c]}" for c in _SHOWN if ev.levels.get(c, "null") != "null")
    return f"rule={ev.rule} {levels}"


def _best(decision: Decision, pid: str) -> PairEvidence | None:
    evs = [e for e in decision.evidence if e.profile_id == pid]
    return max(evs, key=lambda e: e.weight, default=None)


def report(guests: int, seed: int, show: int) -> dict[str, float]:
    records, truth, people_list = generate(guests, seed)
    people = {p.guest_id: p for p in people_list}
    store = MemoryStore(model=default_model())
    by_pattern: collections.Counter[str] = collections.Counter()
    by_relation: collections.Counter[str] = collections.Counter()
    by_kind: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    good: collections.Counter[str] = collections.Counter()
    shadow: dict[str, list[str]] = {}  # members before the current add (copied per change)
    for rec in records:
        decision = store.add(rec)
        g = truth[rec.key]
        pids = decision.profile_ids if decision.action == "link" else ()
        groups = [(pid, shadow.get(pid, [])) for pid in pids]
        for pid in pids:
            shadow.pop(pid, None)
        shadow[store.profile_of[rec.key]] = list(store.members[store.profile_of[rec.key]])
        if not groups or not decision.evidence:
            continue
        ev0 = _best(decision, groups[0][0])
        tp = sum(1 for m in groups[0][1] if truth[m] == g)
        if ev0 is not None and tp:
            good[_describe(ev0)] += tp
        for i, (pid, members) in enumerate(groups):
            wrong = [m for m in members if truth[m] != g]
            # Pairs with the incoming record, plus pairs across profiles merged by this event.
            cross = sum(
                1 for _, other in groups[:i] for m in members for o in other if truth[m] != truth[o]
            )
            fp = len(wrong) + cross
            if not fp:
                continue
            kind = "link" if i == 0 else "merge"
            if g in {truth[m] for m in members} and not cross:
                kind += "-into-mixed-profile"
            ev = _best(decision, pid)
            pattern = f"{kind} {_describe(ev) if ev else '?'}"
            other_guest = collections.Counter(truth[m] for m in members if truth[m] != g)
            rel = _relation(people, g, other_guest.most_common(1)[0][0]) if other_guest else "?"
            by_pattern[pattern] += fp
            by_relation[rel] += fp
            by_kind[f"{kind} {rel.split(' ')[0]} rule={ev.rule if ev else '?'}"] += fp
            if len(examples[pattern]) < 2:
                examples[pattern].append(f"{rec.key} -> {pid} w={ev.weight if ev else 0:.1f}")
    scores = pairwise_scores(cluster_pairs(store.clusters()), truth_pairs(truth))
    print({k: round(v, 4) for k, v in scores.items()}, "reviews", len(store.reviews))
    print("\n== by kind, relation, rule ==")
    for key, n in by_kind.most_common(show):
        print(f"{n:5d}  {key}")
    print("\n== by true relation ==")
    for key, n in by_relation.most_common(show):
        print(f"{n:5d}  {key}")
    print("\n== by linking evidence ==")
    for key, n in by_pattern.most_common(show):
        tp = good[key.partition(" ")[2]]
        print(f"{n:5d} (tp {tp:5d})  {key}   e.g. {'; '.join(examples[key])}")
    return scores


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--guests", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=30)
    args = parser.parse_args()
    report(args.guests, args.seed, args.show)
