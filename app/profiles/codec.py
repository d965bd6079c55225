"""Stored form of normalised records (JSON) and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from app.resolution.types import NormalisedRecord


@cache
def _date_fields() -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(NormalisedRecord) if "date" in str(f.type))


def to_json(record: NormalisedRecord) -> dict[str, Any]:
    """A JSON-safe dict, without empty fields."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if value is None or value == () or value == frozenset():
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (tuple, frozenset, set)):
            value = sorted(value) if isinstance(value, (frozenset, set)) else list(value)
        out[f.name] = value
    return out


@cache
def _field_kinds() -> dict[str, str]:
    return {f.name: str(f.type) for f in dataclasses.fields(NormalisedRecord)}


def from_json(data: Mapping[str, Any]) -> NormalisedRecord:
    """Rebuild a NormalisedRecord stored by to_json; unknown keys are ignored."""
    kinds = _field_kinds()
    values: dict[str, Any] = {}
    for name, value in data.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        if name in _date_fields() and isinstance(value, str):
            value = date.fromisoformat(value)
        elif isinstance(value, list):
            value = frozenset(value) if "frozenset" in kind else tuple(value)
        values[name] = value
    return NormalisedRecord(**values)
