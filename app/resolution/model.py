"""The Fellegi-Sunter match model (m/u per comparison level, prior, tf tables) and thresholds."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

# Comparison -> its levels, most to least similar. "null" (a side missing) is implicit and
# weighs 0. The last level of each comparison is the disagreement level.
LEVELS: dict[str, tuple[str, ...]] = {
    "given": ("exact", "nickname", "jw92", "jw80", "initial", "else"),
    "family": ("exact", "tokens", "jw92", "jw80", "else"),
    "dob": ("exact", "swap", "one_part", "else"),
    # exact_named: the local part is the guest's name (mariagarcia@…), which namesakes also type.
    "email": ("exact", "exact_named", "local", "fuzzy", "else"),
    # exact_fixed: the same fixed line, which a household (parent and child, a couple) shares.
    "phone": ("exact", "exact_fixed", "tail", "fuzzy", "else"),
    # Where the guest lives (see location.py): house number, street, and the area (postcode
    # and city are one fact, so they share a comparison; region and country are coarser).
    "house": ("exact", "typo", "else"),
    "street": ("exact", "jw92", "jw80", "else"),
    "area": ("both", "postcode", "city", "region", "country", "else"),
    "loyalty": ("exact", "else"),
    "document": ("exact", "else"),
    "social": ("exact", "else"),
}
TF_COMPARISONS = ("given", "family", "street")
# Guard rails on tf-adjusted weights: a very rare name may add at most this much over the
# average exact weight, a very common one lose at most this much.
TF_MAX_GAIN = 3.0
TF_MAX_LOSS = 6.0
_MIN_P = 1e-7


def _levels(
    values: dict[str, float], names: tuple[str, ...], shipped: dict[str, float]
) -> dict[str, float]:
    # A model stored before a comparison or level existed borrows the shipped value.
    return {name: max(values.get(name, shipped.get(name, _MIN_P)), _MIN_P) for name in names}


# Shipped defaults: hand-set from what hotel data looks like (moves, work vs personal emails,
# married names, renewed passports) and checked against EM estimates on FEBRL and the hotel
# generator. Disagreement m values are deliberately generous so that a changed email or a new
# address does not veto a returning guest.
_DEFAULT_M: dict[str, dict[str, float]] = {
    "given": {
        "exact": 0.82,
        "nickname": 0.04,
        "jw92": 0.06,
        "jw80": 0.03,
        "initial": 0.02,
        "else": 0.03,
    },
    "family": {"exact": 0.85, "tokens": 0.03, "jw92": 0.06, "jw80": 0.02, "else": 0.04},
    "dob": {"exact": 0.93, "swap": 0.01, "one_part": 0.04, "else": 0.02},
    "email": {"exact": 0.40, "exact_named": 0.40, "local": 0.04, "fuzzy": 0.03, "else": 0.13},
    "phone": {"exact": 0.62, "exact_fixed": 0.20, "tail": 0.04, "fuzzy": 0.04, "else": 0.10},
    # Guests move: a new address must not veto a returning guest.
    "house": {"exact": 0.80, "typo": 0.03, "else": 0.17},
    "street": {"exact": 0.70, "jw92": 0.08, "jw80": 0.04, "else": 0.18},
    "area": {
        "both": 0.50,
        "postcode": 0.12,
        "city": 0.12,
        "region": 0.04,
        "country": 0.15,
        "else": 0.07,
    },
    "loyalty": {"exact": 0.90, "else": 0.10},
    "document": {"exact": 0.80, "else": 0.20},
    "social": {"exact": 0.80, "else": 0.20},
}
_DEFAULT_U: dict[str, dict[str, float]] = {
    "given": {
        "exact": 0.01,
        "nickname": 0.002,
        "jw92": 0.004,
        "jw80": 0.03,
        "initial": 0.002,
        "else": 0.952,
    },
    "family": {"exact": 0.001, "tokens": 0.0003, "jw92": 0.002, "jw80": 0.02, "else": 0.9767},
    "dob": {"exact": 4e-5, "swap": 1e-5, "one_part": 0.004, "else": 0.99595},
    "email": {"exact": 5e-6, "exact_named": 2e-4, "local": 5e-5, "fuzzy": 1e-4, "else": 0.999645},
    "phone": {"exact": 8e-6, "exact_fixed": 2e-4, "tail": 2e-5, "fuzzy": 2e-4, "else": 0.999570},
    # House and street u are those of records already in one area (candidates come from
    # blocking on it): a street agrees by chance far more often there than across a country.
    "house": {"exact": 0.03, "typo": 0.005, "else": 0.965},
    "street": {"exact": 0.003, "jw92": 0.002, "jw80": 0.01, "else": 0.985},
    "area": {
        "both": 0.002,
        "postcode": 0.002,
        "city": 0.02,
        "region": 0.1,
        "country": 0.3,
        "else": 0.576,
    },
    "loyalty": {"exact": 1e-6, "else": 0.999999},
    "document": {"exact": 1e-6, "else": 0.999999},
    "social": {"exact": 1e-6, "else": 0.999999},
}


@dataclass(frozen=True)
class MatchModel:
    """m/u probabilities per comparison level, the prior λ and name term frequencies."""

    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    # λ: probability that two random records are the same guest. The shipped value fits a new
    # tenant of ~10^4 records where a returning guest's record matches one or two others;
    # train() estimates the tenant's own (larger tenants have a smaller λ).
    prior: float = 1e-4
    tf_given: dict[str, float] = field(default_factory=dict)
    tf_family: dict[str, float] = field(default_factory=dict)
    tf_street: dict[str, float] = field(default_factory=dict)
    version: str = "fs-default-1"
    weights: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)
    prior_weight: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Precomputed once so that decide() only does dictionary lookups.
        table = {
            comp: {
                level: math.log2(m_lv / u_lv)
                for level, m_lv, u_lv in zip(
                    names,
                    _levels(self.m.get(comp, {}), names, _DEFAULT_M[comp]).values(),
                    _levels(self.u.get(comp, {}), names, _DEFAULT_U[comp]).values(),
                    strict=True,
                )
            }
            for comp, names in LEVELS.items()
        }
        object.__setattr__(self, "weights", table)
        prior = min(max(self.prior, 1e-12), 0.5)
        object.__setattr__(self, "prior_weight", math.log2(prior / (1 - prior)))

    def weight(self, comparison: str, level: str, value: str | None = None) -> float:
        """Match weight (log2 m/u) of one level, tf-adjusted for exact name agreement."""
        if level == "null":
            return 0.0
        base = self.weights[comparison][level]
        if value is None or level != "exact" or comparison not in TF_COMPARISONS:
            return base
        tf = self.tf_table(comparison).get(value)
        if tf is None:
            return base
        m_exact = self.m.get(comparison, _DEFAULT_M[comparison])["exact"]
        adjusted = math.log2(m_exact / max(tf, _MIN_P))
        return min(max(adjusted, base - TF_MAX_LOSS), base + TF_MAX_GAIN)

    def tf_table(self, comparison: str) -> dict[str, float]:
        """Term frequencies of one tf-adjusted comparison."""
        if comparison == "given":
            return self.tf_given
        return self.tf_family if comparison == "family" else self.tf_street

    def to_json(self) -> str:
        """Serialise the model (stable key order, so versions diff cleanly)."""
        body: dict[str, Any] = {
            "version": self.version,
            "prior": self.prior,
            "m": self.m,
            "u": self.u,
            "tf_given": self.tf_given,
            "tf_family": self.tf_family,
            "tf_street": self.tf_street,
        }
        return json.dumps(body, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        """Load a model written by to_json()."""
        body = json.loads(text)
        return cls(
            m={c: {k: float(v) for k, v in lv.items()} for c, lv in body["m"].items()},
            u={c: {k: float(v) for k, v in lv.items()} for c, lv in body["u"].items()},
            prior=float(body["prior"]),
            tf_given={k: float(v) for k, v in body.get("tf_given", {}).items()},
            tf_family={k: float(v) for k, v in body.get("tf_family", {}).items()},
            tf_street={k: float(v) for k, v in body.get("tf_street", {}).items()},
            version=str(body["version"]),
        )


@dataclass(frozen=True)
class Thresholds:
    """Decision bands on the match probability, and the cap on shared identifiers."""

    merge_probability: float = 0.99
    review_probability: float = 0.80
    max_key_profiles: int = 8  # an identifier held by more profiles than this stops linking
    # Guests live in households: a profile that never agrees on the birth date or the given
    # name is a relative (parent and child, twins, a couple), not a typo. Off for registers of
    # independent people with heavy keying noise (FEBRL), where the match weight alone decides.
    households: bool = True


def default_model() -> MatchModel:
    """The shipped model for a brand-new tenant (no training data yet)."""
    from app.resolution.common_names import COMMON_FAMILY, COMMON_GIVEN

    return MatchModel(
        m={c: dict(v) for c, v in _DEFAULT_M.items()},
        u={c: dict(v) for c, v in _DEFAULT_U.items()},
        tf_given=dict(COMMON_GIVEN),
        tf_family=dict(COMMON_FAMILY),
    )
