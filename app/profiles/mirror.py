"""A tenant's identity data held in memory by the one process that writes it.

An import into an empty tenant that holds the tenant's lock between its batches
(`app/bulk/tenant_hold.py`) is the only writer of that tenant: everything stored is what its
own batches wrote. It keeps those records, their keys and profiles here and builds each
batch's working set from memory instead of the database: the same key hits, the same
neighbourhood and the same `assemble` as `workset_io.load_working_set`, without the two reads
per batch. The writes still go to the database. A batch's changes enter the mirror as soon as
it is resolved, so that the next batch resolves while this one is written; if the write fails,
the import lets go of the tenant and the mirror with it.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from app.profiles import repository as repo
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY, Row, WorkingSet
from app.profiles.workset_io import assemble, batch_idents, batch_keys, neighbourhood

if TYPE_CHECKING:
    from app.profiles.linking import Incoming

# Records a mirror holds at most: some 3 KB each (the parsed normalised form, the data as text,
# keys, holders), so up to about 180 MB more for the importing process; the rest of a larger
# import reads the database.
MIRROR_MAX_RECORDS = 60_000

_encode = msgspec.json.Encoder().encode


class TenantMirror:
    """Records by key (as `batch_repository.ROW_FIELDS` rows, the normalised form parsed, the
    data as stored text), profiles with their records, and per key the profile of each record
    holding it (a list, not a counter: most keys have one holder, and a list of one is a third
    of the memory of a dict of one)."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self._records: dict[str, list[Any]] = {}  # record key -> row fields
        self._order: dict[str, int] = {}  # record key -> when last written
        self._keys: dict[str, tuple[str, ...]] = {}  # record key -> its stored keys
        self._members: dict[str, dict[str, None]] = {}  # profile -> record keys
        self._holders: dict[str, list[str]] = {}  # key -> profile of each record holding it
        self._created: dict[str, datetime] = {}  # profile -> creation time
        self._writes = itertools.count()

    def __len__(self) -> int:
        return len(self._records)

    def working_set(self, batch: Sequence[Incoming]) -> WorkingSet:
        """What `load_working_set` would read for the batch."""
        keys = batch_keys(batch)
        hits = self.key_hits(keys, CANDIDATE_PROFILES_PER_KEY, batch_idents(batch))
        rows = self.rows_of(neighbourhood(batch, hits))
        return assemble(self.tenant_id, keys, hits, rows, set())

    def key_hits(
        self, keys: Collection[str], cap: int, idents: Collection[tuple[str, str]]
    ) -> repo.KeyHits:
        """`repository.key_hits` over the records held: per key the `cap` oldest profiles, and
        the number holding it up to cap + 1."""
        per_key: dict[str, list[str]] = {}
        for key in keys:
            holders = self._holders.get(key)
            if holders:
                per_key[key] = sorted(set(holders))[: cap + 1]
        kept = {key: profiles[:cap] for key, profiles in per_key.items()}
        known = {
            self._records[ident][3]
            for ident in (f"{source}:{source_id}" for source, source_id in idents)
            if ident in self._records
        }
        return repo.KeyHits(
            frozenset(p for profiles in kept.values() for p in profiles),
            {key: len(profiles) for key, profiles in per_key.items()},
            kept,
            frozenset(known),
        )

    def rows_of(self, profile_ids: Collection[str]) -> list[tuple[Any, ...]]:
        """Every record of the profiles, in the order they were written (as a table scan
        returns them), each with its profile's creation time."""
        found = [k for p in profile_ids for k in self._members.get(p, ())]
        found.sort(key=self._order.__getitem__)
        rows = []
        for record_key in found:
            fields = self._records[record_key]
            rows.append((*fields, self._created[fields[3]]))
        return rows

    def take_in(self, ws: WorkingSet) -> None:
        """Take in what a batch resolved against this mirror's working set changed."""
        for profile_id in ws.new_profiles:
            self._created[profile_id] = ws.profile_created[profile_id]
        for row in ws.rows.values():
            if row.is_new or row.changed:
                self._store(row)
            else:
                self._move(row.norm.key, row.profile_id)
        # A merged profile's records were all in the working set (it loads whole profiles), so
        # the rows above have moved them to the survivor already.
        for loser in ws.merged_into:
            self._members.pop(loser, None)
            self._created.pop(loser, None)

    def _store(self, row: Row) -> None:
        record_key = row.norm.key
        if record_key in self._records:
            self._forget_keys(record_key)
            self._move(record_key, row.profile_id)
            fields = self._records[record_key]
        else:
            fields = [row.id, row.source, row.source_record_id, row.profile_id]
            fields += [None] * 7
            self._records[record_key] = fields
            self._members.setdefault(row.profile_id, {})[record_key] = None
        fields[4:] = [
            row.content_hash,
            row.source_version,
            row.property_code,
            row.received_at,
            row.updated_at,
            row.norm,  # frozen: shared by the working sets of later batches, never re-parsed
            row.data_text if row.data is None else _encode(row.data).decode(),
        ]
        # Interned: a key shared by many records is held once.
        keys = tuple(sys.intern(key) for key in dict.fromkeys(row.keys))
        self._keys[record_key] = keys
        for key in keys:
            self._holders.setdefault(key, []).append(row.profile_id)
        self._order[record_key] = next(self._writes)

    def _move(self, record_key: str, profile_id: str) -> None:
        fields = self._records[record_key]
        old = fields[3]
        if old == profile_id:
            return
        self._members[old].pop(record_key, None)
        self._members.setdefault(profile_id, {})[record_key] = None
        fields[3] = profile_id
        for key in self._keys.get(record_key, ()):
            holders = self._holders[key]
            holders.remove(old)
            holders.append(profile_id)

    def _forget_keys(self, record_key: str) -> None:
        profile_id = self._records[record_key][3]
        for key in self._keys.pop(record_key, ()):
            holders = self._holders[key]
            holders.remove(profile_id)
            if not holders:
                del self._holders[key]
