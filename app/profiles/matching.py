"""The match model and thresholds in force for a tenant."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.resolution import MatchModel, Thresholds, default_model


@dataclass(frozen=True)
class MatchingConfig:
    """What `decide` needs besides the records."""

    model: MatchModel
    thresholds: Thresholds


@cache
def default_matching() -> MatchingConfig:
    """Shipped model and thresholds, for a tenant that has not trained or tuned its own."""
    return MatchingConfig(model=default_model(), thresholds=Thresholds())
