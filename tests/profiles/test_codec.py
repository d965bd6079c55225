"""The stored form of a normalised record reads back as the same record."""

from __future__ import annotations

import json
from datetime import date

import msgspec
import pytest

from app.profiles.codec import from_json, from_text, to_json
from app.resolution.types import NormalisedRecord

FULL = NormalisedRecord(
    key="mews:R1",
    source="mews",
    given="jose",
    given_canonical="joseph",
    family="garcia lopez",
    email="jose@example.com",
    email_kind="real",
    email_verified=True,
    phone="+34612345678",
    date_of_birth=date(1980, 2, 29),
    country="ES",
    bookings=("H0011873120", "4455667788"),
    given_groups=frozenset({"joseph", "pepe"}),
    family_tokens=("garcia", "lopez"),
    phone_fixed=True,
)


@pytest.mark.parametrize(
    "record", [FULL, NormalisedRecord(key="walkin:1", source="walkin")], ids=["full", "bare"]
)
def test_a_stored_record_reads_back_equal(record: NormalisedRecord) -> None:
    stored = to_json(record)
    assert from_json(stored) == record
    assert from_text(json.dumps(stored)) == record


def test_fields_a_later_release_dropped_are_ignored() -> None:
    stored = {**to_json(FULL), "retired_field": "x"}
    assert from_text(json.dumps(stored)) == FULL


def test_a_stored_record_without_its_key_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="key"):
        from_text(json.dumps({"source": "mews"}))
