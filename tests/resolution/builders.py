"""Helpers for table-driven resolution tests: build normalised records, run them in order."""

from __future__ import annotations

import itertools
from typing import Any

from app.resolution import Decision, NormalisedRecord, normalise
from app.resolution.memory import MemoryStore
from connectors.base import GuestRecord
from tests.resolution.hotel import hashed

_ids = itertools.count(1)

DE_HOME = {"line1": "Lindenstraße 12", "city": "Berlin", "postcode": "10115", "country": "DE"}
US_HOME = {"line1": "12 Oak Street", "city": "Boston", "postcode": "02118", "country": "US"}


def stay(res: str) -> dict[str, Any]:
    """A stay block with the given reservation id."""
    return {"reservation_id": res, "arrival": "2026-03-01", "departure": "2026-03-03"}


def guest(source: str = "pms", **fields: Any) -> NormalisedRecord:
    """A normalised record from generic-record fields (a fresh record id unless given)."""
    body: dict[str, Any] = {"source": source, "source_record_id": f"R{next(_ids)}"}
    body.update(fields)
    return normalise(hashed(GuestRecord.model_validate(body)))


def resolve(*records: NormalisedRecord) -> tuple[MemoryStore, list[Decision]]:
    """Resolve records in order through the in-memory store."""
    store = MemoryStore()
    return store, [store.add(r) for r in records]


def together(store: MemoryStore, a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """True when both records ended in one profile."""
    return store.profile_of[a.key] == store.profile_of[b.key]
