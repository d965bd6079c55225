"""Pure identity-resolution core: normalise, block, score, decide, train."""

from app.resolution.decide import ENGINE_VERSION, decide
from app.resolution.keys import blocking_keys, is_strong_key, key_kind
from app.resolution.model import MatchModel, Thresholds, default_model
from app.resolution.normalise import canonical_document, canonical_email, normalise
from app.resolution.train import train
from app.resolution.types import Candidate, Decision, NormalisedRecord, PairEvidence

__all__ = [
    "ENGINE_VERSION",
    "Candidate",
    "Decision",
    "MatchModel",
    "NormalisedRecord",
    "PairEvidence",
    "Thresholds",
    "blocking_keys",
    "canonical_document",
    "canonical_email",
    "decide",
    "default_model",
    "is_strong_key",
    "key_kind",
    "normalise",
    "train",
]
