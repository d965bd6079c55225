"""The working set of one ingest batch: what the database knows near the batch, in memory.

Loading the neighbourhood of a batch in a few queries and resolving in memory is what makes
ingest fast: the online path is a batch of one, the bulk import a batch of hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import msgspec

from app.models.base import new_id, utcnow
from app.profiles.codec import to_json
from app.profiles.golden import NORMALISED_FIELDS, RecordView
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD, best_neighbours
from app.resolution.types import Candidate, NormalisedRecord

# Candidate profiles per key: the same cap as the in-memory store the engine is tuned on.
CANDIDATE_PROFILES_PER_KEY = 50


@dataclass
class Row:
    """A source record as the batch sees it."""

    id: str
    source: str
    source_record_id: str
    profile_id: str
    data: dict[str, Any] | None  # None: stored, parsed from `data_text` when first needed
    norm: NormalisedRecord
    norm_json: dict[str, Any] | None  # None: stored, derived from `norm` when first needed
    keys: list[str]
    content_hash: str
    source_version: str | None
    property_code: str | None
    received_at: datetime
    updated_at: datetime
    is_new: bool = False
    changed: bool = False
    data_text: str | None = None  # the stored data as read: parsed only for golden fields

    def view(self) -> RecordView:
        if self.data is None:
            assert self.data_text is not None, "a stored record is read with its data"
            self.data = msgspec.json.decode(self.data_text)
        # Survivorship reads a few normalised fields: no need for the whole stored form.
        normalised = {name: getattr(self.norm, name) for name in NORMALISED_FIELDS}
        return RecordView(self.source, self.data, normalised, self.updated_at)

    def normalised_json(self) -> dict[str, Any]:
        """The stored form of `norm`."""
        if self.norm_json is None:
            self.norm_json = to_json(self.norm)
        return self.norm_json


@dataclass
class StayRow:
    """A reservation the batch writes, keyed by (source, reservation id); the write keeps the
    stored row instead when that is a newer version of the reservation."""

    values: dict[str, Any]


@dataclass
class WorkingSet:
    """Records, profiles and keys around a batch, and every change the batch makes."""

    tenant_id: str
    rows: dict[str, Row] = field(default_factory=dict)  # by record key
    index: dict[str, list[str]] = field(default_factory=dict)  # blocking key -> record keys
    members: dict[str, list[str]] = field(default_factory=dict)  # profile -> record keys
    profile_created: dict[str, datetime] = field(default_factory=dict)
    db_counts: dict[str, int] = field(default_factory=dict)
    separated: set[frozenset[str]] = field(default_factory=set)
    stays: dict[tuple[str, str], StayRow] = field(default_factory=dict)
    new_profiles: set[str] = field(default_factory=set)
    merged_into: dict[str, str] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    merge_events: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    neighbours: int = NEIGHBOURS_PER_RECORD  # profiles scored per record

    def add_row(self, row: Row) -> None:
        """Place a record in its profile and index its keys."""
        self.rows[row.norm.key] = row
        self.members.setdefault(row.profile_id, []).append(row.norm.key)
        for key in row.keys:
            self.index.setdefault(key, []).append(row.norm.key)

    def reindex(self, row: Row, keys: list[str]) -> None:
        """Replace the keys of a record."""
        for key in row.keys:
            holders = self.index.get(key)
            if holders and row.norm.key in holders:
                holders.remove(row.norm.key)
        row.keys = keys
        for key in keys:
            self.index.setdefault(key, []).append(row.norm.key)

    def candidates(self, keys: list[str], exclude: str) -> tuple[list[Candidate], dict[str, int]]:
        """Every record of the best profiles sharing a key (`best_neighbours`, as a record
        arriving alone gets), and how many profiles hold each key."""
        counts: dict[str, int] = {}
        by_key: dict[str, list[str]] = {}
        for key in keys:
            holders = self.index.get(key)
            if not holders:
                if key in self.db_counts:
                    counts[key] = self.db_counts[key]
                continue
            profiles = list(dict.fromkeys(self.rows[h].profile_id for h in holders))
            counts[key] = max(self.db_counts.get(key, 0), len(profiles))
            by_key[key] = profiles[:CANDIDATE_PROFILES_PER_KEY]
        # A batch's working set holds the neighbours of all its records: scoring every profile
        # that shares a key would score some records against more than one arriving alone is.
        chosen = best_neighbours(keys, by_key, self.neighbours)
        found = [
            Candidate(record=self.rows[k].norm, profile_id=pid)
            for pid in chosen
            for k in self.members.get(pid, ())
            if k != exclude
        ]
        return found, counts

    def new_profile(self) -> str:
        """Start a profile."""
        profile_id = new_id()
        self.new_profiles.add(profile_id)
        self.profile_created[profile_id] = utcnow()
        self.members[profile_id] = []
        self.touched.add(profile_id)
        self.events.append(self._event("guest.created", profile_id, {}))
        return profile_id

    def final_profile(self, profile_id: str) -> str:
        """Where a profile ended up after this batch's merges."""
        return self.merged_into.get(profile_id, profile_id)

    def oldest(self, profile_ids: list[str]) -> str:
        """The longest-standing profile keeps its id, so ids that clients hold stay valid."""
        return min(profile_ids, key=lambda p: (self.profile_created.get(p, utcnow()), p))

    def merge(self, survivor: str, losers: tuple[str, ...], decided_by: str) -> None:
        """Fold profiles into the survivor."""
        for loser in losers:
            for key in self.members.pop(loser, []):
                self.rows[key].profile_id = survivor
                self.members[survivor].append(key)
            self.merged_into[loser] = survivor
            for earlier, target in self.merged_into.items():
                if target == loser:
                    self.merged_into[earlier] = survivor
            self.touched.add(survivor)
            self.touched.discard(loser)
            self.merge_events.append(
                {
                    "id": new_id(),
                    "tenant_id": self.tenant_id,
                    "survivor_id": survivor,
                    "merged_id": loser,
                    "decision_id": None,
                    "decided_by": decided_by,
                    "created_at": utcnow(),
                }
            )
            self.events.append(
                self._event("guest.merged", survivor, {"survivor_id": survivor, "merged_id": loser})
            )

    def upsert_stay(self, row: Row, stay: dict[str, Any], version: str | None = None) -> None:
        """Record the stay a record carries; an older version of the reservation never wins."""
        ident = (row.source, stay["reservation_id"])
        found = self.stays.get(ident)
        stored = found.values.get("source_version") if found is not None else None
        if version is not None and stored is not None and version < stored:
            return
        values = {
            "profile_id": row.profile_id,
            "record_id": row.id,
            "source": row.source,
            "reservation_id": stay["reservation_id"],
            "property_code": stay.get("property_id") or row.property_code,
            "arrival": date.fromisoformat(stay["arrival"]),
            "departure": date.fromisoformat(stay["departure"]),
            "room_type": stay.get("room_type"),
            "rate_amount": stay.get("rate_amount"),
            "currency": stay.get("currency"),
            "channel": stay.get("channel"),
            "status": stay.get("status"),
            "source_version": version or stored,
            "updated_at": utcnow(),
        }
        if found is None:
            self.stays[ident] = StayRow({"id": new_id(), "tenant_id": self.tenant_id, **values})
        else:
            found.values.update(values)

    def _event(self, kind: str, profile_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": new_id(),
            "tenant_id": self.tenant_id,
            "type": kind,
            "profile_id": profile_id,
            "payload": payload,
            "created_at": utcnow(),
        }
