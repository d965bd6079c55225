"""Stored form of normalised records (JSON) and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
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


def _as_frozenset(value: Any) -> Any:
    return frozenset(value) if isinstance(value, list) else value


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _keep(value: Any) -> Any:
    return value


@cache
def _converters() -> dict[str, Callable[[Any], Any]]:
    """Per field, how its JSON value becomes the record's value (decided once, not per row)."""
    out: dict[str, Callable[[Any], Any]] = {}
    for f in dataclasses.fields(NormalisedRecord):
        kind = str(f.type)
        if f.name in _date_fields():
            out[f.name] = _as_date
        elif "frozenset" in kind:
            out[f.name] = _as_frozenset
        elif "tuple" in kind:
            out[f.name] = _as_tuple
        else:
            out[f.name] = _keep
    return out


@cache
def _slots() -> tuple[
    tuple[str, Callable[[Any], Any] | None, Any, Callable[[Any, Any], None]], ...
]:
    """Per field: its name, converter (None: kept as is), default (MISSING: required) and the
    setter of its slot."""
    converters = _converters()
    return tuple(
        (
            f.name,
            None if converters[f.name] is _keep else converters[f.name],
            f.default,
            getattr(NormalisedRecord, f.name).__set__,
        )
        for f in dataclasses.fields(NormalisedRecord)
    )


_ABSENT = object()


def from_json(data: Mapping[str, Any]) -> NormalisedRecord:
    """Rebuild a NormalisedRecord stored by to_json; unknown keys are ignored."""
    # Filled slot by slot: the frozen dataclass's __init__ costs more than parsing the JSON, and
    # a neighbourhood is dozens of stored records per incoming one.
    record = object.__new__(NormalisedRecord)
    get = data.get
    for name, convert, default, set_slot in _slots():
        value = get(name, _ABSENT)
        if value is _ABSENT:
            if default is dataclasses.MISSING:
                raise TypeError(f"a stored normalised record lacks {name!r}")
            value = default
        elif convert is not None:
            value = convert(value)
        set_slot(record, value)
    return record
