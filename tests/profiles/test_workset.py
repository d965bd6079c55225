"""A batch's working set offers each record the profiles a record arriving alone is scored
against: the best few by shared keys, not every profile another record of the batch brought."""

from __future__ import annotations

from datetime import UTC, datetime

from app.profiles.workset import Row, WorkingSet
from app.resolution import NormalisedRecord
from app.resolution.neighbours import NEIGHBOURS_PER_RECORD

_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _stored(ws: WorkingSet, n: int, keys: list[str]) -> None:
    norm = NormalisedRecord(key=f"pms:R{n}", source="pms")
    ws.add_row(
        Row(
            id=f"row-{n:02d}",
            source="pms",
            source_record_id=f"R{n}",
            profile_id=f"P{n:02d}",
            data={},
            norm=norm,
            norm_json=None,
            keys=keys,
            content_hash="-",
            source_version=None,
            property_code=None,
            received_at=_NOW,
            updated_at=_NOW,
        )
    )


def test_a_record_is_scored_against_its_best_neighbours_only() -> None:
    ws = WorkingSet("T")
    # Fifteen namesakes in one city; two of them also share the arriving record's phone.
    for n in range(15):
        keys = ["names:smith john", "city:berlin"]
        _stored(ws, n, [*keys, "phone:+4915112345678"] if n in (7, 12) else keys)
    found, counts = ws.candidates(
        ["names:smith john", "city:berlin", "phone:+4915112345678"], exclude="pms:new"
    )
    profiles = {c.profile_id for c in found}
    assert len(profiles) == NEIGHBOURS_PER_RECORD
    assert {"P07", "P12"} <= profiles
    # Counts still tell how common each key is, beyond the profiles scored.
    assert counts == {"names:smith john": 15, "city:berlin": 15, "phone:+4915112345678": 2}
