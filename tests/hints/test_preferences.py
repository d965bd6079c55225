"""Preferences learned across records, and free-text requests read, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.hints.preferences import RecordFacts, learn, observations, request_preferences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("King bed please, non-smoking", {"bed": "king", "smoking": False}),
        ("twin beds and a high floor", {"bed": "twin", "floor": "high"}),
        ("quiet room away from the lift", {"quiet": True}),
        ("no feathers please - allergic", {"pillow": "hypoallergenic"}),
        ("extra feather pillow", {"pillow": "feather"}),
        ("sea view if possible", {"view": "sea"}),
        ("wheelchair user", {"accessible": True}),
        ("late arrival around 23:00", {}),
        ("", {}),
        (None, {}),
    ],
)
def test_requests_are_read_where_the_text_says_so(
    text: str | None, expected: dict[str, Any]
) -> None:
    assert request_preferences(text) == expected


def record(source: str, when: str, **data: Any) -> RecordFacts:
    return RecordFacts(source, data, datetime.fromisoformat(when).replace(tzinfo=UTC))


def best(records: list[RecordFacts], name: str) -> Any:
    (found,) = [p for p in learn(observations(records)) if p.name == name]
    return found


def test_an_explicit_field_beats_a_free_text_request() -> None:
    found = best(
        [
            record("pms", "2026-01-01", preferences={"bed": "twin"}),
            record("booking", "2026-06-01", special_requests="king bed please"),
            record("expedia", "2026-07-01", special_requests="a king bed"),
        ],
        "bed",
    )
    assert (found.best.value, found.best.kind, found.best.count) == ("twin", "explicit", 1)
    assert found.conflict
    assert [(o.value, o.count, o.kind) for o in found.others] == [("king", 2, "request")]


def test_repeated_beats_one_off_and_recent_beats_old() -> None:
    repeated = best(
        [
            record("pms", "2024-01-01", preferences={"floor": "high"}),
            record("mews", "2024-05-01", preferences={"floor": "high"}),
            record("opera", "2026-01-01", preferences={"floor": "low"}),
        ],
        "floor",
    )
    assert (repeated.best.value, repeated.best.count) == ("high", 2)
    recent = best(
        [
            record("pms", "2024-01-01", preferences={"floor": "high"}),
            record("mews", "2026-01-01", preferences={"floor": "low"}),
        ],
        "floor",
    )
    assert recent.best.value == "low"
    assert recent.best.last_seen == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_preference_the_ota_copied_from_its_text_counts_as_a_request() -> None:
    ota = record("booking", "2026-01-01", preferences={"bed": "king"}, special_requests="King bed")
    pms = record("pms", "2025-01-01", preferences={"bed": "queen"})
    found = best([ota, pms], "bed")
    assert found.best.value == "queen" and found.others[0].kind == "request"


def test_the_stay_date_not_the_import_date_says_when_it_was_seen() -> None:
    imported = record(
        "pms",
        "2026-11-20",
        preferences={"bed": "king"},
        stay={"reservation_id": "R", "arrival": "2023-05-01", "departure": "2023-05-03"},
    )
    assert best([imported], "bed").best.last_seen == datetime(2023, 5, 1, tzinfo=UTC)


def test_each_value_lists_where_it_was_seen_and_same_words_group() -> None:
    found = best(
        [
            record("pms", "2026-01-01", preferences={"bed": "King"}),
            record("mews", "2026-02-01", preferences={"bed": "king"}),
        ],
        "bed",
    )
    assert not found.conflict
    assert found.best.count == 2 and found.best.sources == ("mews", "pms")
