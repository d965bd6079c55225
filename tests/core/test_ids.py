"""Row ids: unique, and ordered by creation, so indexes grow at one end and ties are stable."""

from __future__ import annotations

import uuid

from app.models.base import new_id


def test_an_id_is_a_version_7_uuid_in_canonical_text() -> None:
    ident = new_id()
    parsed = uuid.UUID(ident)
    assert parsed.version == 7
    assert str(parsed) == ident


def test_ids_made_in_a_burst_are_unique_and_sort_in_the_order_they_were_made() -> None:
    # Thousands per millisecond, as an import makes them: the counter keeps the order.
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
