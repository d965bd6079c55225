"""Upgrade rules: which fires, in which order, and why none did."""

from __future__ import annotations

from typing import Any

from app.hints.settings import UpgradeRuleSpec
from app.hints.upgrades import Guest, Rule, choose_upgrade

LADDER = ["STD", "SUP", "DLX", "STE"]


def rule(rid: str, name: str, **spec: Any) -> Rule:
    spec.setdefault("offer", {"ladder": LADDER})
    return Rule(rid, UpgradeRuleSpec.model_validate({"name": name, **spec}))


def guest(**kw: Any) -> Guest:
    base: dict[str, Any] = {
        "tier": "regular",
        "recency": "active",
        "frequency": "returning",
        "loyalty_tier": None,
        "previous_stays": 3,
        "nights": 3,
        "room_type": "SUP",
        "channel": "direct",
        "occasions": frozenset(),
        "do_not_rent": False,
    }
    base.update(kw)
    return Guest(**base)


def test_the_first_rule_in_priority_order_fires_and_names_itself() -> None:
    rules = [
        rule("r2", "Fans", priority=20, conditions={"frequency": ["fan"]}),
        rule("r1", "Returning", priority=10, conditions={"frequency": ["returning", "fan"]}),
    ]
    offer, reason = choose_upgrade(rules, "H001", guest(frequency="fan"))
    assert offer is not None and reason is None
    assert (offer.rule_id, offer.rule_name, offer.from_room_type, offer.to_room_type) == (
        "r1",
        "Returning",
        "SUP",
        "DLX",
    )


def test_no_rule_fires_and_the_reason_says_what_was_missing() -> None:
    rules = [
        rule("r1", "VIPs", conditions={"tiers": ["vip"]}),
        rule("r2", "Long stays", conditions={"min_nights": 5}),
        rule("r3", "Birthday", conditions={"occasions": ["birthday"]}),
    ]
    offer, reason = choose_upgrade(rules, "H001", guest())
    assert offer is None and reason is not None
    assert "VIPs: needs tier vip (guest: regular)" in reason
    assert "Long stays: needs 5+ nights (stay: 3)" in reason
    assert "Birthday: needs a birthday within the stay" in reason


def test_occasion_channel_room_type_and_loyalty_conditions() -> None:
    rules = [
        rule(
            "r1",
            "Gold birthday direct",
            conditions={
                "occasions": ["birthday", "anniversary"],
                "channels": ["direct", "website"],
                "room_types": ["sup", "STD"],
                "loyalty_tiers": ["Gold"],
            },
            offer={"room_type": "STE", "note": "with champagne"},
        )
    ]
    happy = guest(occasions=frozenset({"anniversary"}), loyalty_tier="gold")
    offer, _ = choose_upgrade(rules, "H001", happy)
    assert offer is not None and (offer.to_room_type, offer.note) == ("STE", "with champagne")
    for unhappy in (
        guest(loyalty_tier="gold"),
        guest(occasions=frozenset({"birthday"}), loyalty_tier="silver"),
        guest(occasions=frozenset({"birthday"}), loyalty_tier="gold", channel="Booking.com"),
    ):
        assert choose_upgrade(rules, "H001", unhappy)[0] is None


def test_ladder_top_unknown_room_and_two_steps() -> None:
    climb = [rule("r1", "Climb", offer={"ladder": LADDER, "steps": 2})]
    assert choose_upgrade(climb, "H001", guest(room_type="STD"))[0].to_room_type == "DLX"  # type: ignore[union-attr]
    assert choose_upgrade(climb, "H001", guest(room_type="DLX"))[0].to_room_type == "STE"  # type: ignore[union-attr]
    top = choose_upgrade(climb, "H001", guest(room_type="STE"))
    assert top[0] is None and "STE is already the top of the ladder" in (top[1] or "")
    off = choose_upgrade(climb, "H001", guest(room_type="APT"))
    assert "room type APT is not on the ladder" in (off[1] or "")


def test_rules_of_other_properties_and_disabled_rules_do_not_apply() -> None:
    rules = [
        rule("r1", "Other hotel", property_id="H002"),
        rule("r2", "Switched off", enabled=False),
    ]
    offer, reason = choose_upgrade(rules, "H001", guest())
    assert offer is None and reason == "no upgrade rules for property H001"
    group = rule("r3", "Group-wide", priority=5)
    own = rule("r4", "Own", priority=5, property_id="H001")
    assert choose_upgrade([group, own], "H001", guest())[0].rule_id == "r4"  # type: ignore[union-attr]


def test_never_an_upgrade_for_a_do_not_rent_guest() -> None:
    offer, reason = choose_upgrade([rule("r1", "All")], "H001", guest(do_not_rent=True))
    assert offer is None and reason == "no upgrade for a guest flagged do-not-rent"
