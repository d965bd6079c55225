"""Put a hint together from what is known of the guest (pure: data in, HintOut back)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.hints.preferences import LearnedPreference, RecordFacts, ValueSeen, learn, observations
from app.hints.schemas import (
    AlertOut,
    ConfidenceOut,
    HintOut,
    LastStay,
    OccasionOut,
    PreferenceHint,
    PreferenceValueOut,
    SegmentOut,
    StayRef,
    Trigger,
    UpgradeOfferOut,
    ValueOut,
)
from app.hints.settings import HintSettings
from app.hints.signals import AlertFacts, alerts, occasions_within
from app.hints.summary import summary_line
from app.hints.upgrades import Guest, Rule, choose_upgrade
from app.hints.value import (
    StayFact,
    ValueStats,
    frequency_of,
    guest_value,
    previous_stays,
    recency_of,
    segment_label,
    tier_of,
)

RECENT_STAYS_SHOWN = 5


@dataclass(frozen=True)
class DecisionFacts:
    """The match decision that placed the arriving record, as stored."""

    action: str
    reason: str
    decided_by: str
    profile_id: str
    evidence: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class HintInput:
    """Everything a hint is computed from."""

    arriving: StayFact
    arriving_record: RecordFacts | None
    profile_id: str
    group_ids: frozenset[str]  # the profile and the profiles merged into it
    guest_name: str | None
    golden: Mapping[str, Any]
    birthday: date | None
    stays: Sequence[StayFact]
    records: Sequence[RecordFacts]
    decision: DecisionFacts | None
    settings: HintSettings
    stats: ValueStats | None
    rules: Sequence[Rule]


def latest_stated(records: Sequence[RecordFacts], field: str) -> Any:
    """The value of a field from the most recent record that states it."""
    stating = [r for r in records if r.data.get(field) not in (None, "")]
    return max(stating, key=lambda r: r.updated_at).data[field] if stating else None


def compose(item: HintInput, trigger: Trigger, version: int, computed_at: datetime) -> HintOut:
    """The hint for the arriving reservation."""
    arriving, settings = item.arriving, item.settings
    previous = previous_stays(item.stays, arriving)
    value = guest_value(previous, arriving.arrival, settings)
    recency = recency_of(value.days_since_last_stay, settings)
    frequency = frequency_of(value.stays, settings)
    tier = tier_of(value.revenue, item.stats)
    anniversary = latest_stated(item.records, "anniversary")
    occasions = occasions_within(
        arriving.arrival,
        arriving.departure,
        item.birthday,
        date.fromisoformat(anniversary) if anniversary else None,
    )
    loyalty_tier = latest_stated(item.records, "loyalty_tier")
    do_not_rent = bool(item.golden.get("do_not_rent"))
    decision = item.decision
    possible = _possible_matches(decision)
    found_alerts = alerts(
        AlertFacts(
            arriving=arriving,
            previous=previous,
            do_not_rent=do_not_rent,
            vip_flag=bool(item.golden.get("vip")),
            tier=tier,
            recency=recency,
            days_since_last_stay=value.days_since_last_stay,
            identity_action=decision.action if decision else None,
            possible_matches=possible,
        ),
        settings,
    )
    offer, reason = choose_upgrade(
        item.rules,
        arriving.property_id,
        Guest(
            tier=tier,
            recency=recency,
            frequency=frequency,
            loyalty_tier=loyalty_tier,
            previous_stays=value.stays,
            nights=arriving.nights,
            room_type=arriving.room_type,
            channel=arriving.channel,
            occasions=frozenset(o.kind for o in occasions),
            do_not_rent=do_not_rent,
        ),
    )
    prefs = learn(observations(item.records))
    here = [s for s in previous if arriving.property_id and s.property_id == arriving.property_id]
    last = previous[0] if previous else None
    hint = HintOut(
        source=arriving.source,
        reservation_id=arriving.reservation_id,
        property_id=arriving.property_id,
        arrival=arriving.arrival,
        departure=arriving.departure,
        nights=arriving.nights,
        room_type=arriving.room_type,
        channel=arriving.channel,
        status=arriving.status,
        special_requests=(
            item.arriving_record.data.get("special_requests") if item.arriving_record else None
        ),
        profile_id=item.profile_id,
        guest_name=item.guest_name,
        repeat_guest=bool(previous),
        previous_stays=len(previous),
        previous_stays_here=len(here),
        last_stay=LastStay(
            arrival=last.arrival,
            departure=last.departure,
            property_id=last.property_id,
            room_type=last.room_type,
        )
        if last
        else None,
        recent_stays=[_stay_ref(s) for s in previous[:RECENT_STAYS_SHOWN]],
        value=ValueOut(**vars(value)),
        tier=tier,
        loyalty_tier=loyalty_tier,
        segment=SegmentOut(
            recency=recency, frequency=frequency, label=segment_label(recency, frequency)
        ),
        preferences=[_preference(p) for p in prefs],
        occasions=[OccasionOut(kind=o.kind, date=o.date, years=o.years) for o in occasions],
        alerts=[
            AlertOut(code=a.code, severity=a.severity, message=a.message) for a in found_alerts
        ],
        upgrade_offer=UpgradeOfferOut(**vars(offer)) if offer else None,
        upgrade_reason=reason,
        confidence=confidence(decision, item.group_ids, _others(item)),
        summary="",
        trigger=trigger,
        version=version,
        computed_at=computed_at,
    )
    return hint.model_copy(update={"summary": summary_line(hint)})


def _others(item: HintInput) -> int:
    """Records of the profile other than those of the arriving reservation."""
    mine = item.arriving.reservation_id
    return sum(1 for r in item.records if (r.data.get("stay") or {}).get("reservation_id") != mine)


def _possible_matches(decision: DecisionFacts | None) -> int:
    if decision is None or decision.action != "review":
        return 0
    return len({e.get("profile_id") for e in decision.evidence} - {decision.profile_id})


def _stay_ref(s: StayFact) -> StayRef:
    return StayRef(
        source=s.source,
        reservation_id=s.reservation_id,
        property_id=s.property_id,
        arrival=s.arrival,
        departure=s.departure,
        nights=s.nights,
        room_type=s.room_type,
        channel=s.channel,
    )


def _value_out(v: ValueSeen) -> PreferenceValueOut:
    return PreferenceValueOut(
        value=v.value, count=v.count, last_seen=v.last_seen, sources=list(v.sources), kind=v.kind
    )


def _preference(p: LearnedPreference) -> PreferenceHint:
    return PreferenceHint(
        name=p.name,
        **_value_out(p.best).model_dump(),
        conflict=p.conflict,
        alternatives=[_value_out(v) for v in p.others],
    )


def confidence(
    decision: DecisionFacts | None, group_ids: frozenset[str], other_records: int
) -> ConfidenceOut:
    """How the arriving record came to this profile, and how sure that is."""
    if decision is None:
        return ConfidenceOut(
            level="medium", probability=None, basis="unknown", reason="", decided_by=None
        )
    who = decision.decided_by
    if decision.profile_id not in group_ids:
        return ConfidenceOut(
            level="medium",
            probability=None,
            basis="regrouped",
            reason="moved to this guest after matching (merge, unmerge or rebuild)",
            decided_by=None,
        )
    if decision.action == "link":
        mine = [e for e in decision.evidence if e.get("profile_id") in group_ids]
        pool = mine or list(decision.evidence)
        best = max(pool, key=lambda e: float(e.get("probability", 0))) if pool else None
        p = float(best.get("probability", 0)) if best else None
        rule = best.get("rule") if best else None
        level = "high" if rule or (p or 0) >= 0.99 else "medium" if (p or 0) >= 0.9 else "low"
        return ConfidenceOut(
            level=level,
            probability=p,
            basis=f"rule:{rule}" if rule else "score",
            reason=decision.reason,
            decided_by=who,
        )
    if decision.action == "review":
        return ConfidenceOut(
            level="low", probability=None, basis="review", reason=decision.reason, decided_by=who
        )
    if other_records:
        return ConfidenceOut(
            level="medium",
            probability=None,
            basis="merged",
            reason="joined by a later merge",
            decided_by=who,
        )
    return ConfidenceOut(
        level="new", probability=None, basis="new", reason=decision.reason, decided_by=who
    )
