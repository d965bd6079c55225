"""Stored form of normalised records (JSON) and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec

from app.resolution.types import NormalisedRecord

_FIELDS = tuple(f.name for f in dataclasses.fields(NormalisedRecord))


def to_json(record: NormalisedRecord) -> dict[str, Any]:
    """A JSON-safe dict, without empty fields."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(record, name)
        if value is None or value == () or value == frozenset():
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (tuple, frozenset, set)):
            value = sorted(value) if isinstance(value, (frozenset, set)) else list(value)
        out[name] = value
    return out


# Decoding straight into the dataclass, in C: a neighbourhood is dozens of stored records per
# incoming one, and json.loads plus filling the slots in Python cost twice as much.
_DECODER = msgspec.json.Decoder(NormalisedRecord)


def from_json(data: Mapping[str, Any]) -> NormalisedRecord:
    """Rebuild a NormalisedRecord stored by to_json; unknown keys are ignored."""
    return msgspec.convert(data, NormalisedRecord)


def from_text(text: str) -> NormalisedRecord:
    """from_json of the stored JSON text, without building the dict first."""
    return _DECODER.decode(text)
