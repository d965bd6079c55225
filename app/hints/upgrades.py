"""Upgrade rules (pure): the first rule whose conditions hold makes the offer, else a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.hints.settings import Frequency, OccasionKind, Recency, Tier, UpgradeRuleSpec

MAX_REASON = 400


@dataclass(frozen=True)
class Rule:
    """A stored rule: its id and what the admin wrote."""

    id: str
    spec: UpgradeRuleSpec


@dataclass(frozen=True)
class Guest:
    """What rule conditions are checked against."""

    tier: Tier | None
    recency: Recency | None
    frequency: Frequency
    loyalty_tier: str | None
    previous_stays: int
    nights: int
    room_type: str | None
    channel: str | None
    occasions: frozenset[OccasionKind]
    do_not_rent: bool


@dataclass(frozen=True)
class Offer:
    """The upgrade to offer, and the rule that fired."""

    rule_id: str
    rule_name: str
    from_room_type: str | None
    to_room_type: str
    note: str | None


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def _failing(spec: UpgradeRuleSpec, guest: Guest) -> str | None:
    """The first condition of the rule the guest does not meet, or None."""
    c = spec.conditions
    if c.tiers is not None and guest.tier not in c.tiers:
        return f"needs tier {'/'.join(c.tiers)} (guest: {guest.tier or 'unknown'})"
    if c.recency is not None and guest.recency not in c.recency:
        return f"needs recency {'/'.join(c.recency)} (guest: {guest.recency or 'first stay'})"
    if c.frequency is not None and guest.frequency not in c.frequency:
        return f"needs frequency {'/'.join(c.frequency)} (guest: {guest.frequency})"
    if c.loyalty_tiers is not None and _fold(guest.loyalty_tier) not in {
        _fold(t) for t in c.loyalty_tiers
    }:
        return f"needs loyalty tier {'/'.join(c.loyalty_tiers)} (guest: {guest.loyalty_tier})"
    if c.min_previous_stays is not None and guest.previous_stays < c.min_previous_stays:
        return f"needs {c.min_previous_stays}+ previous stays (guest: {guest.previous_stays})"
    if c.min_nights is not None and guest.nights < c.min_nights:
        return f"needs {c.min_nights}+ nights (stay: {guest.nights})"
    if c.max_nights is not None and guest.nights > c.max_nights:
        return f"needs at most {c.max_nights} nights (stay: {guest.nights})"
    if c.room_types is not None and _fold(guest.room_type) not in {_fold(r) for r in c.room_types}:
        return f"needs room type {'/'.join(c.room_types)} (booked: {guest.room_type})"
    if c.occasions is not None and not guest.occasions & set(c.occasions):
        return f"needs a {'/'.join(c.occasions)} within the stay"
    if c.channels is not None and not any(_fold(ch) in _fold(guest.channel) for ch in c.channels):
        return f"needs channel {'/'.join(c.channels)} (booked: {guest.channel})"
    return None


def _target(spec: UpgradeRuleSpec, booked: str | None) -> tuple[str | None, str | None]:
    """(room type to offer, None) or (None, why there is none)."""
    offer = spec.offer
    if offer.room_type is not None:
        if _fold(booked) == _fold(offer.room_type):
            return None, f"already booked {offer.room_type}"
        return offer.room_type, None
    ladder = offer.ladder or []
    if booked is None:
        return None, "the booked room type is unknown"
    folded = [_fold(r) for r in ladder]
    if _fold(booked) not in folded:
        return None, f"room type {booked} is not on the ladder"
    at = folded.index(_fold(booked))
    if at == len(ladder) - 1:
        return None, f"{booked} is already the top of the ladder"
    return ladder[min(at + offer.steps, len(ladder) - 1)], None


def ordered(rules: Sequence[Rule], property_id: str | None) -> list[Rule]:
    """Enabled rules of the property (and of every property), lowest priority first."""
    mine = [
        r
        for r in rules
        if r.spec.enabled and (r.spec.property_id is None or r.spec.property_id == property_id)
    ]
    # A property's own rule goes before a group-wide rule of the same priority.
    return sorted(mine, key=lambda r: (r.spec.priority, r.spec.property_id is None, r.spec.name))


def choose_upgrade(
    rules: Sequence[Rule], property_id: str | None, guest: Guest
) -> tuple[Offer | None, str | None]:
    """The offer of the first rule that fires, or None and the reason none did."""
    if guest.do_not_rent:
        return None, "no upgrade for a guest flagged do-not-rent"
    candidates = ordered(rules, property_id)
    if not candidates:
        return None, f"no upgrade rules for property {property_id or '(none)'}"
    misses: list[str] = []
    for rule in candidates:
        why = _failing(rule.spec, guest)
        if why is None:
            target, why = _target(rule.spec, guest.room_type)
            if target is not None:
                offer = Offer(
                    rule.id, rule.spec.name, guest.room_type, target, rule.spec.offer.note
                )
                return offer, None
        misses.append(f"{rule.spec.name}: {why}")
    reason = "no rule matched — " + "; ".join(misses)
    return None, reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
