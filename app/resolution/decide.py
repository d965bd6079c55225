"""The decision: score the incoming record against each candidate profile, then link, review or
start a new profile, with identifier quality rules and household (relative) vetoes."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from app.resolution.compare import compare
from app.resolution.keys import name_keys
from app.resolution.model import MatchModel, Thresholds
from app.resolution.score import (
    NAME_HOLDERS,
    Scored,
    another_number,
    identifier_keys,
    named_email_only,
    personal_agrees,
    probability,
    profile_weight,
    score_pair,
)
from app.resolution.types import Candidate, Decision, NormalisedRecord, PairEvidence

# Recorded with the model version on every decision ("fs-default-1/e4"): bump it with each
# change to the decision rules, so explain shows which rules decided and decisions made before
# an upgrade can be told apart (`guestid resolve --rebuild` decides them again).
ENGINE_VERSION = "e4"
_STRONG_BONUS = 1000.0  # ranks identifier-rule links above any score
# Bits by which the best profile must beat a profile of a different person it also matches
# before the link is safe: "A. Krüger" with the twins' shared phone scores the same on both.
_AMBIGUITY_MARGIN = 10.0

__all__ = ["ENGINE_VERSION", "decide", "merge_margin_weight", "score_pair", "unresolved_conflicts"]


@dataclass(slots=True)
class _Verdict:
    """How the incoming record stands against one profile."""

    score: float  # ranking score (weight, plus a bonus for an identifier rule)
    linkable: bool
    reviewable: bool


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
    a: Sequence[Candidate],
    b: Sequence[Candidate],
    separated: Collection[frozenset[str]],
    households: bool,
) -> bool:
    """Two profiles may be merged: no do-not-merge rule and no clearly different people."""
    if separated and _separated([c.record.key for c in a], [c.record.key for c in b], separated):
        return False
    if not households:
        return True
    pairs = [compare(x.record, y.record) for x in a for y in b]
    if any(p.levels["document"] == "exact" for p in pairs):
        return True
    return not unresolved_conflicts([(p.conflicts, p.agrees) for p in pairs])


def _rank(s: Scored) -> tuple[bool, float]:
    return s.strong, s.evidence.weight


# A pair under one of these rules does not link on its own score (the profile's may).
_BLOCKED = frozenset({"uncorroborated", "verified-emails-differ"})


def _in_touch(s: Scored) -> bool:
    """The pair shares a personal identifier, or an inbox or landline a household may share."""
    levels = s.evidence.levels
    return (
        personal_agrees(s) or levels["email"] == "exact_named" or levels["phone"] == "exact_fixed"
    )


def _judge(scored: Sequence[Scored], model: MatchModel, thresholds: Thresholds) -> _Verdict:
    """Link, review or ignore one profile, from its pairs and its profile-level score."""
    best = scored[0] if len(scored) == 1 else max(scored, key=_rank)
    union, union_corroborated = profile_weight(model, scored)
    # A name-only address vouches while the phones do not say otherwise (see score_pair); over
    # a whole profile, they do when its records give numbers and none is the incoming one's.
    doubted = thresholds.households and another_number(scored)
    linking = [
        s.evidence.weight
        for s in scored
        if s.strong or (s.evidence.rule not in _BLOCKED and not (doubted and named_email_only(s)))
    ]
    if doubted and not any(map(personal_agrees, scored)):
        union_corroborated = False
    if union_corroborated or not thresholds.households:
        linking.append(union)
    p_link = probability(max(linking, default=-math.inf))
    p_any = probability(max(best.evidence.weight, union))
    # A matching identity document outweighs a name or birth-date discrepancy.
    vetoed = (
        thresholds.households
        and best.evidence.rule != "document"
        and bool(unresolved_conflicts([(s.conflicts, s.agrees) for s in scored]))
    )
    score = max(best.evidence.weight, union) + (_STRONG_BONUS if best.strong else 0.0)
    linkable = not vetoed and (p_link >= thresholds.merge_probability or best.strong)
    # A relative by the veto with nothing but the family name and the place in common (Anna and
    # Peter Weber of one address): a reviewer could only say "two people" again.
    relative = vetoed and not any(map(_in_touch, scored))
    reviewable = best.strong or (p_any >= thresholds.review_probability and not relative)
    return _Verdict(score, linkable, reviewable)


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
    id_counts = {c: key_profile_counts.get(k, 0) for c, k in identifier_keys(incoming).items()}
    # Profiles holding the incoming name: how common the name is in this tenant (namesakes).
    id_counts[NAME_HOLDERS] = max(
        (key_profile_counts.get(k, 0) for k in name_keys(incoming)), default=0
    )
    sep = separated if isinstance(separated, (set, frozenset)) else set(separated)
    households = thresholds.households
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
            score_pair(
                incoming, c, model, id_counts, thresholds.max_key_profiles, households=households
            )
            for c in members
        ]
        evidence.extend(s.evidence for s in scored)
        verdict = _judge(scored, model, thresholds)
        if verdict.linkable:
            linkable.append((verdict.score, pid))
        elif verdict.reviewable:
            reviewable.append((verdict.score, pid))

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
    held_back: list[tuple[float, str]] = []
    for score, pid in linkable[1:]:
        # Merge another profile only if it fits every profile already in the cluster, and only
        # on clearly more evidence than a plain link: merging two profiles is the costlier error.
        if score >= merge_margin_weight(thresholds) and all(
            _compatible(profiles[pid], profiles[m], sep, households) for m in merged
        ):
            merged.append(pid)
        else:
            held_back.append((score, pid))
    rival = max(
        (
            s
            for s, p in held_back
            if not _compatible(profiles[p], profiles[target], sep, households)
        ),
        default=None,
    )
    review = tuple([p for _, p in held_back] + [p for _, p in sorted(reviewable, reverse=True)])
    if rival is not None and target_score < rival + _AMBIGUITY_MARGIN:
        # Matches two profiles that are different people (father and son) about equally well.
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
