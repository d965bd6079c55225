"""A whole hint from plain data: the summary line and the identity confidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.hints.compose import DecisionFacts, HintInput, compose, confidence
from app.hints.preferences import RecordFacts
from app.hints.settings import HintSettings, UpgradeRuleSpec
from app.hints.summary import ordinal
from app.hints.upgrades import Rule
from app.hints.value import StayFact, ValueStats

ARRIVAL = date(2026, 12, 1)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def stay(rid: str, arrival: date, nights: int = 2, **kw: Any) -> StayFact:
    return StayFact(
        "pms", rid, kw.pop("property_id", "H001"), arrival, arrival + timedelta(days=nights), **kw
    )


def item(**kw: Any) -> HintInput:
    arriving = stay("NOW", ARRIVAL, 3, room_type="DLX", channel="direct")
    base: dict[str, Any] = {
        "arriving": arriving,
        "arriving_record": RecordFacts("pms", {"special_requests": "late arrival"}, NOW),
        "profile_id": "p1",
        "group_ids": frozenset({"p1"}),
        "guest_name": "Anna Müller",
        "golden": {},
        "birthday": date(1985, 12, 2),
        "stays": [
            arriving,
            stay("R-2", date(2026, 9, 1), rate_amount=400.0, room_type="SUP", property_id="H002"),
            stay("R-1", date(2025, 9, 1), rate_amount=300.0, complaint="cold shower"),
        ],
        "records": [
            RecordFacts("pms", {"preferences": {"bed": "king", "smoking": False}}, NOW),
            RecordFacts("mews", {"anniversary": "2016-12-03", "loyalty_tier": "Gold"}, NOW),
        ],
        "decision": DecisionFacts(
            "link", "match", "client:x", "p1", [{"profile_id": "p1", "probability": 0.995}]
        ),
        "settings": HintSettings(),
        "stats": ValueStats(100, 50_000.0, 5_000.0, 1_000.0, 300.0, {}),
        "rules": [
            Rule(
                "r1",
                UpgradeRuleSpec.model_validate(
                    {
                        "name": "Celebrations",
                        "conditions": {"occasions": ["birthday", "anniversary"]},
                        "offer": {"ladder": ["SUP", "DLX", "STE"]},
                    }
                ),
            )
        ],
    }
    base.update(kw)
    return HintInput(**base)


def test_a_repeat_guest_hint_says_everything_in_one_line() -> None:
    hint = compose(item(), "arrival", 1, NOW)
    assert (hint.repeat_guest, hint.previous_stays, hint.previous_stays_here) == (True, 2, 1)
    assert hint.last_stay is not None and hint.last_stay.property_id == "H002"
    assert [s.reservation_id for s in hint.recent_stays] == ["R-2", "R-1"]
    assert (hint.value.revenue, hint.value.nights, hint.tier) == (700.0, 4, "regular")
    assert hint.segment.label == "active returning"
    assert [(o.kind, o.years) for o in hint.occasions] == [("birthday", 41), ("anniversary", 10)]
    assert hint.upgrade_offer is not None and hint.upgrade_offer.to_room_type == "STE"
    assert hint.loyalty_tier == "Gold" and hint.special_requests == "late arrival"
    assert [a.code for a in hint.alerts] == ["past_complaint"]
    assert hint.summary == (
        "Anna Müller · 3rd stay (active returning, 1 here) · last Sep 2026 at H002, SUP · "
        "prefers king bed, non-smoking · birthday 2 Dec · 10th anniversary 3 Dec · "
        "recover past complaint · offer DLX→STE"
    )


def test_a_first_time_guest() -> None:
    hint = compose(item(stays=[], records=[], birthday=None, rules=[]), "request", 1, NOW)
    assert not hint.repeat_guest and hint.previous_stays == 0 and hint.last_stay is None
    assert hint.segment.label == "first stay" and hint.tier == "occasional"
    assert (
        hint.upgrade_offer is None and hint.upgrade_reason == "no upgrade rules for property H001"
    )
    assert hint.summary == "Anna Müller · first stay"


def test_do_not_rent_leads_the_summary_and_blocks_upgrades() -> None:
    hint = compose(item(golden={"do_not_rent": True}), "arrival", 1, NOW)
    assert hint.summary.startswith("DO NOT RENT · Anna Müller")
    assert hint.upgrade_offer is None and "do-not-rent" in (hint.upgrade_reason or "")


def decision(action: str, profile: str = "p1", **kw: Any) -> DecisionFacts:
    evidence = kw.pop("evidence", [])
    return DecisionFacts(action, kw.pop("reason", ""), "client:x", profile, evidence)


def p(probability: float, rule: str | None = None) -> list[dict[str, Any]]:
    return [{"profile_id": "p1", "probability": probability, "rule": rule}]


@pytest.mark.parametrize(
    ("made", "others", "level", "basis"),
    [
        (decision("link", evidence=p(0.999)), 2, "high", "score"),
        (decision("link", evidence=p(0.95)), 2, "medium", "score"),
        (decision("link", evidence=p(0.6)), 2, "low", "score"),
        (decision("link", evidence=p(0.5, "loyalty")), 2, "high", "rule:loyalty"),
        (decision("new"), 0, "new", "new"),
        (decision("new"), 3, "medium", "merged"),
        (decision("review"), 0, "low", "review"),
        (decision("link", profile="gone"), 2, "medium", "regrouped"),
        (None, 0, "medium", "unknown"),
    ],
)
def test_confidence_of_the_identity_link(
    made: DecisionFacts | None, others: int, level: str, basis: str
) -> None:
    found = confidence(made, frozenset({"p1"}), others)
    assert (found.level, found.basis) == (level, basis)


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (21, "21st")],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text
