"""The decision: score the incoming record against each candidate profile, then link, review or
start a new profile, with identifier quality rules and cluster-compatibility vetoes."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from app.resolution.compare import PairLevels, compare
from app.resolution.model import MatchModel, Thresholds
from app.resolution.types import Candidate, Decision, NormalisedRecord, PairEvidence

ENGINE_VERSION = "e1"
# Identifier comparisons and the blocking key each one comes from.
_ID_FIELDS = {
    "email": "email",
    "phone": "phone",
    "loyalty": "loyalty",
    "document": "doc",
    "social": "social",
}
# Personal identifiers: a link by score needs one of them to agree. Names plus an address are
# not enough (a father and son of the same name share both), so those go to review at most.
_CORROBORATING = ("dob", "email", "phone", "loyalty", "document", "social")
_AGREEING = frozenset({"exact", "swap", "one_part", "tail", "local", "fuzzy"})
_STRONG_BONUS = 1000.0  # ranks identifier-rule links above any score
_SWAP_PENALTY = 1.0  # bits: given/family crosswise is usually data entry, but slightly less sure


@dataclass(slots=True)
class _Scored:
    evidence: PairEvidence
    conflicts: frozenset[str]
    agrees: frozenset[str]
    strong: bool  # a deterministic identifier rule says "same guest"
    corroborated: bool  # a personal identifier (dob, email, phone…) agrees


def _identifier_keys(n: NormalisedRecord) -> dict[str, str]:
    keys: dict[str, str] = {}
    if n.email and n.email_kind == "real" and not n.email_role:
        keys["email"] = f"email:{n.email}"
    if n.phone:
        keys["phone"] = f"phone:{n.phone}"
    if n.loyalty:
        keys["loyalty"] = f"loyalty:{n.loyalty}"
    if n.document:
        keys["document"] = f"doc:{n.document}"
    if n.social:
        keys["social"] = f"social:{n.social}"
    return keys


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def score_pair(
    incoming: NormalisedRecord,
    cand: Candidate,
    model: MatchModel,
    id_counts: Mapping[str, int],
    max_profiles: int,
) -> _Scored:
    """Match weight, level per field and deterministic rule for one candidate record."""
    other = cand.record
    pair: PairLevels = compare(incoming, other)
    levels = pair.levels
    fields: dict[str, float] = {}
    total = model.prior_weight
    for comp, level in levels.items():
        count = id_counts.get(comp, 0) if level == "exact" else 0
        if count > max_profiles:
            # An identifier held by many profiles (agency phone, info@) identifies nobody.
            levels[comp] = level = "shared"
            weight = 0.0
        elif comp == "given":
            weight = model.weight(comp, level, pair.given_value)
        elif comp == "family":
            weight = model.weight(comp, level, pair.family_value)
        else:
            weight = model.weight(comp, level)
        if count > 1 and level == "exact":
            # The same identifier on k profiles: at most one of them is this guest.
            weight -= math.log2(count)
        if level != "null":
            fields[comp] = weight
            total += weight
    if pair.swapped:
        fields["name_swap"] = -_SWAP_PENALTY
        levels["name_swap"] = "swapped"
        total -= _SWAP_PENALTY
    rule = _strong_rule(incoming, other, levels)
    probability = _probability(total)
    corroborated = any(levels[c] in _AGREEING for c in _CORROBORATING) or (
        # A name-based address (maria.garcia@) is typed by namesakes and shared in families:
        # it corroborates only while the phones do not say otherwise.
        levels["email"] == "exact_named" and levels["phone"] in ("null", "shared")
    )
    if rule is None and not corroborated and probability > 0.5:
        rule = "uncorroborated"  # may be reviewed, never linked on score alone
    if rule in ("relay-same-booking", "loyalty", "social", "document", "verified-email"):
        probability = 1.0
    evidence = PairEvidence(
        other=other.key,
        profile_id=cand.profile_id,
        weight=total,
        probability=probability,
        fields=fields,
        levels=levels,
        rule=rule,
    )
    strong = rule is not None and rule != "uncorroborated"
    return _Scored(evidence, pair.conflicts, pair.agrees, strong, corroborated)


def _strong_rule(a: NormalisedRecord, b: NormalisedRecord, levels: dict[str, str]) -> str | None:
    """The identifier rule that links this pair on its own, if any."""
    if (
        a.email_kind == "relay"
        and b.email_kind == "relay"
        and a.email == b.email
        and a.reservation is not None
        and b.reservation is not None
        # The PMS copy of an OTA booking carries the OTA's number under its own source name.
        and a.reservation.partition(":")[2] == b.reservation.partition(":")[2]
    ):
        return "relay-same-booking"
    for comp in ("loyalty", "social", "document"):
        if levels[comp] == "exact":
            return comp
    if levels["email"] in ("exact", "exact_named") and a.email_verified and b.email_verified:
        return "verified-email"
    return None


def _separated(
    keys_a: Collection[str], keys_b: Collection[str], separated: Collection[frozenset[str]]
) -> bool:
    return any(frozenset((x, y)) in separated for x in keys_a for y in keys_b)


def unresolved_conflicts(pairs: Sequence[tuple[frozenset[str], frozenset[str]]]) -> set[str]:
    """Facts (dob, given, suffix) on which some pair conflicts and no pair agrees.

    Judging a profile as a whole: one record with a typo'd birth date or a nickname must not
    veto a guest whose other records agree, but a profile that never agrees on the birth date
    (father and son) or the given name (twins, a couple) is someone else.
    """
    conflicts: set[str] = set()
    agrees: set[str] = set()
    for c, a in pairs:
        conflicts |= c
        agrees |= a
    return conflicts - agrees


def _compatible(
    a: Sequence[Candidate], b: Sequence[Candidate], separated: Collection[frozenset[str]]
) -> bool:
    """Two profiles may be merged: no do-not-merge rule and no clearly different people."""
    if separated and _separated([c.record.key for c in a], [c.record.key for c in b], separated):
        return False
    pairs = [compare(x.record, y.record) for x in a for y in b]
    if any(p.levels["document"] == "exact" for p in pairs):
        return True
    return not unresolved_conflicts([(p.conflicts, p.agrees) for p in pairs])


def decide(
    incoming: NormalisedRecord,
    candidates: Sequence[Candidate],
    *,
    model: MatchModel,
    thresholds: Thresholds,
    key_profile_counts: Mapping[str, int],
    separated: Collection[frozenset[str]] = (),
) -> Decision:
    """Link the incoming record to a profile, queue it for review, or start a new profile."""
    version = f"{model.version}/{ENGINE_VERSION}"
    if not candidates:
        return Decision(action="new", matcher_version=version, reason="no candidates")
    id_counts = {c: key_profile_counts.get(k, 0) for c, k in _identifier_keys(incoming).items()}
    sep = separated if isinstance(separated, (set, frozenset)) else set(separated)
    profiles: dict[str, list[Candidate]] = {}
    for cand in candidates:
        profiles.setdefault(cand.profile_id, []).append(cand)

    evidence: list[PairEvidence] = []
    linkable: list[tuple[float, str]] = []
    reviewable: list[tuple[float, str]] = []
    for pid, members in profiles.items():
        if sep and _separated([incoming.key], [c.record.key for c in members], sep):
            continue  # a person said these are different guests
        scored = [
            score_pair(incoming, c, model, id_counts, thresholds.max_key_profiles) for c in members
        ]
        evidence.extend(s.evidence for s in scored)
        best = max(scored, key=lambda s: (s.strong, s.evidence.probability, s.evidence.weight))
        p = best.evidence.probability
        linking = [s for s in scored if s.strong or s.corroborated]
        p_link = max((s.evidence.probability for s in linking), default=0.0)
        # A matching identity document outweighs a name or birth-date discrepancy.
        vetoed = best.evidence.rule != "document" and bool(
            unresolved_conflicts([(s.conflicts, s.agrees) for s in scored])
        )
        if not vetoed and (p_link >= thresholds.merge_probability or best.strong):
            linkable.append((best.evidence.weight + (_STRONG_BONUS if best.strong else 0.0), pid))
        elif p >= thresholds.review_probability or best.strong:
            reviewable.append((best.evidence.weight, pid))

    ev = tuple(evidence)
    if not linkable:
        if reviewable:
            reviewable.sort(reverse=True)
            return Decision(
                action="review",
                review_with=tuple(p for _, p in reviewable),
                evidence=ev,
                matcher_version=version,
                reason="uncertain or conflict",
            )
        return Decision(action="new", evidence=ev, matcher_version=version, reason="no match")

    linkable.sort(reverse=True)
    target_score, target = linkable[0]
    merged = [target]
    held_back: list[str] = []
    for score, pid in linkable[1:]:
        # Merge another profile only if it fits every profile already in the cluster, and only
        # on clearly more evidence than a plain link: merging two profiles is the costlier error.
        if score >= merge_margin_weight(thresholds) and all(
            _compatible(profiles[pid], profiles[m], sep) for m in merged
        ):
            merged.append(pid)
        else:
            held_back.append(pid)
    conflicting = [p for p in held_back if not _compatible(profiles[p], profiles[target], sep)]
    review = tuple(held_back + [p for _, p in sorted(reviewable, reverse=True)])
    if conflicting and target_score < _STRONG_BONUS:
        # Matches two profiles that are different people (father and son): who is this?
        return Decision(
            action="review",
            review_with=(target, *review),
            evidence=ev,
            matcher_version=version,
            reason="ambiguous between different guests",
        )
    return Decision(
        action="link",
        profile_ids=tuple(merged),
        review_with=review,
        evidence=ev,
        matcher_version=version,
        reason="match" if len(merged) == 1 else "cluster",
    )


def merge_margin_weight(thresholds: Thresholds) -> float:
    """Match weight needed to merge a second profile: 4 bits over the merge threshold."""
    p = min(thresholds.merge_probability, 1 - 1e-12)
    return math.log2(p / (1 - p)) + 4.0
