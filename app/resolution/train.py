"""Unsupervised training as Splink does it: u from random pairs, m by EM over blocked pairs."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence

from app.resolution.compare import compare
from app.resolution.keys import blocking_keys, key_kind
from app.resolution.model import LEVELS, MatchModel, default_model
from app.resolution.types import NormalisedRecord

# Training blocking rules: key kind -> comparisons it fixes. Those comparisons agree on every
# pair the rule produces, so the rule says nothing about their m; they sit out its EM session.
TRAINING_RULES: dict[str, frozenset[str]] = {
    "names": frozenset({"given", "family"}),
    "gdob": frozenset({"given", "dob"}),
    "fdob": frozenset({"family", "dob"}),
    "email": frozenset({"email"}),
    "phone": frozenset({"phone"}),
    "dobpc": frozenset({"dob", "area"}),
}
# Name levels at which a random pair may well be one guest (see estimate_u).
_GIVEN_AGREES = frozenset({"exact", "nickname", "jw92"})
_FAMILY_AGREES = frozenset({"exact", "tokens", "jw92"})
M_FLOOR = 0.002
M_FLOOR_DISAGREE = 0.03
_Vector = tuple[tuple[str, str], ...]


def _vector(a: NormalisedRecord, b: NormalisedRecord) -> _Vector:
    levels = compare(a, b).levels
    return tuple((c, lv) for c, lv in levels.items() if lv != "null")


def _random_pairs(n: int, count: int, rng: random.Random) -> Iterator[tuple[int, int]]:
    for _ in range(count):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            yield i, j


def estimate_u(
    records: Sequence[NormalisedRecord], base: MatchModel, *, pairs: int = 40_000, seed: int = 7
) -> dict[str, dict[str, float]]:
    """u per level from random pairs; rare agreement levels keep the base estimate."""
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    counts: dict[str, Counter[str]] = {c: Counter() for c in LEVELS}
    for i, j in _random_pairs(len(records), pairs, rng):
        vector = _vector(records[i], records[j])
        levels = dict(vector)
        # u is agreement among different guests. The few random pairs that are one guest agree
        # on phone, email and birth date nearly always, and in 10^4 records they outnumber the
        # strangers who share a phone: counted, they would make a phone match look common.
        # Pairs that agree on both names stand out of every comparison but the names' own.
        one_guest = levels.get("given") in _GIVEN_AGREES and levels.get("family") in _FAMILY_AGREES
        for comp, level in vector:
            if not one_guest or comp in ("given", "family"):
                counts[comp][level] += 1
    u: dict[str, dict[str, float]] = {}
    for comp, names in LEVELS.items():
        total = sum(counts[comp].values())
        est = {}
        for level in names:
            seen = counts[comp][level]
            # Too few observations to beat the prior: keep the shipped value.
            est[level] = seen / total if seen >= 5 and total else base.u[comp][level]
        disagree = names[-1]
        est[disagree] = max(1e-6, 1.0 - sum(v for k, v in est.items() if k != disagree))
        u[comp] = est
    return u


def _blocked_pairs(
    records: Sequence[NormalisedRecord], kind: str, *, max_block: int = 40, rng: random.Random
) -> list[tuple[int, int]]:
    blocks: dict[str, list[int]] = {}
    for idx, rec in enumerate(records):
        for key in blocking_keys(rec):
            if key_kind(key) == kind:
                blocks.setdefault(key, []).append(idx)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) > max_block:
            members = rng.sample(members, max_block)
        pairs.update(itertools.combinations(members, 2))
    return sorted(pairs)


def _em(
    vectors: list[_Vector],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    skip: frozenset[str],
    iterations: int = 25,
) -> tuple[dict[str, dict[str, float]], float]:
    """EM on m (u fixed) ignoring the rule's own comparisons; returns (m, λ within the block)."""
    lam = 0.3
    m = {c: dict(v) for c, v in m.items()}
    pattern_counts = Counter(tuple(x for x in vec if x[0] not in skip) for vec in vectors)
    for _ in range(iterations):
        acc: dict[str, dict[str, float]] = {c: dict.fromkeys(LEVELS[c], 0.0) for c in LEVELS}
        tot: dict[str, float] = dict.fromkeys(LEVELS, 0.0)
        matches = 0.0
        for pattern, n in pattern_counts.items():
            log_ratio = math.log(lam / (1 - lam))
            for comp, level in pattern:
                log_ratio += math.log(max(m[comp][level], 1e-9) / max(u[comp][level], 1e-9))
            p = 1.0 / (1.0 + math.exp(-min(max(log_ratio, -50.0), 50.0)))
            matches += p * n
            for comp, level in pattern:
                acc[comp][level] += p * n
                tot[comp] += p * n
        lam = min(max(matches / len(vectors), 1e-6), 1 - 1e-6)
        for comp in LEVELS:
            if comp in skip or tot[comp] < 1.0:
                continue
            # One pseudo-observation spread as the previous m keeps empty levels non-zero.
            m[comp] = {lv: (acc[comp][lv] + m[comp][lv]) / (tot[comp] + 1.0) for lv in LEVELS[comp]}
    return m, lam


def _floored(m: dict[str, float], disagree: str) -> dict[str, float]:
    """No level is impossible for a match: EM on clean data drives some m to 0, which would
    turn one moved guest (new country) into a veto of -20 bits."""
    floored = {lv: max(v, M_FLOOR_DISAGREE if lv == disagree else M_FLOOR) for lv, v in m.items()}
    total = sum(floored.values())
    return {lv: v / total for lv, v in floored.items()}


def _tf(values: list[str], keep: int = 5000) -> dict[str, float]:
    counts = Counter(values)
    total = max(len(values), 1)
    return {v: c / total for v, c in counts.most_common(keep) if c >= 2}


def train(
    records: Sequence[NormalisedRecord], *, base: MatchModel | None = None, seed: int = 7
) -> MatchModel:
    """Estimate u from random pairs, m by EM per training blocking rule, λ and tf tables."""
    base = base or default_model()
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    u = estimate_u(records, base, seed=seed)
    # Sums of probabilities: floats, which a Counter (of ints, as typed) must not hold.
    sums: dict[str, dict[str, float]] = {c: dict.fromkeys(LEVELS[c], 0.0) for c in LEVELS}
    sessions: Counter[str] = Counter()
    all_pairs: set[tuple[int, int]] = set()
    for kind, skip in TRAINING_RULES.items():
        pairs = _blocked_pairs(records, kind, rng=rng)
        if len(pairs) < 20:
            continue
        all_pairs.update(pairs)
        m_rule, _ = _em([_vector(records[i], records[j]) for i, j in pairs], base.m, u, skip)
        for comp in LEVELS:
            if comp not in skip:
                for level, share in m_rule[comp].items():
                    sums[comp][level] = sums[comp].get(level, 0.0) + share
                sessions[comp] += 1
    m = {
        c: _floored({lv: sums[c][lv] / sessions[c] for lv in LEVELS[c]}, LEVELS[c][-1])
        if sessions[c]
        else dict(base.m[c])
        for c in LEVELS
    }
    for comp, names in LEVELS.items():
        # Disagreement is never evidence for a match: a register from one country has no
        # random pair with different countries (u -> 0), which would make a foreign record
        # count +15 bits.
        disagree = names[-1]
        u[comp][disagree] = max(u[comp][disagree], m[comp][disagree])
    # λ: expected matches among all blocked pairs over all possible pairs (a lower bound).
    n = len(records)
    prior = base.prior
    vectors = [_vector(records[i], records[j]) for i, j in all_pairs]
    for _ in range(4):  # fixed point: λ changes the posteriors that estimate λ
        model = MatchModel(m=m, u=u, prior=prior)
        expected = sum(_match_probability(model, vec) for vec in vectors)
        prior = min(max(expected / max(n * (n - 1) / 2, 1.0), 1e-9), 0.01)
    tf_given = _tf([r.given_key for r in records if r.given_key])
    tf_family = _tf([r.family_key for r in records if r.family_key])
    tf_street = _tf([r.street for r in records if r.street])
    return MatchModel(
        m=m,
        u=u,
        prior=prior,
        tf_given=tf_given,
        tf_family=tf_family,
        tf_street=tf_street,
        version=f"fs-em-{len(records)}-{abs(hash(tuple(sorted(all_pairs)))) % 10**8}",
    )


def _match_probability(model: MatchModel, vector: _Vector) -> float:
    weight = model.prior_weight + sum(model.weight(c, lv) for c, lv in vector)
    return 1.0 / (1.0 + math.pow(2.0, -min(max(weight, -60.0), 60.0)))
