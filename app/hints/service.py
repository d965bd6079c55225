"""Compute, store and serve hints: one hint row per reservation, an outbox event per change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.hints import cache
from app.hints import repository as repo
from app.hints.compose import DecisionFacts, HintInput, compose
from app.hints.context import TenantContext, tenant_context
from app.hints.preferences import RecordFacts
from app.hints.schemas import HintOut, Trigger
from app.hints.value import StayFact
from app.hints.withdrawal import CANCELLED, Withdrawn, withdraw
from app.models import Event, Hint, Profile, Stay
from app.models.base import utcnow

# Part of every fingerprint: a release that changes what a hint says recomputes cached ones.
HINT_FORMAT = "h1"
_VOLATILE = {"trigger", "version", "computed_at"}
_MEMO = "guestid.hints"


@dataclass(frozen=True)
class Built:
    """A freshly computed hint and the fingerprint of what it was computed from."""

    hint: HintOut
    fingerprint: str


def fingerprint_of(
    profile_id: str,
    updated_at: datetime,
    version: int,
    stats_at: datetime | None,
    cancelled: bool = False,
) -> str:
    """Identity, settings, statistics and cancellation a hint depends on, as one string."""
    stats = stats_at.astimezone(UTC).isoformat() if stats_at else "-"
    found = f"{HINT_FORMAT}|{profile_id}|{updated_at.astimezone(UTC).isoformat()}|{version}|{stats}"
    # A cancellation changes it, so no cached copy of the hint is served once it commits.
    return found + "|cancelled" if cancelled else found


@dataclass(frozen=True)
class Current:
    """What a hint of a reservation would be computed from now."""

    fingerprint: str
    cancelled: bool


async def current(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str
) -> Current | None:
    """The reservation's current fingerprint and whether it is cancelled; None: unknown."""
    parts = await repo.fingerprint_parts(session, tenant_id, source, reservation_id)
    if parts is None:
        return None
    profile_id, merged_into, updated_at, version, stats_at, status = parts
    cancelled = status == CANCELLED
    if merged_into is not None:
        return Current(f"moved:{merged_into}", cancelled)  # never equal to a stored fingerprint
    return Current(fingerprint_of(profile_id, updated_at, version, stats_at, cancelled), cancelled)


def digest(hint: HintOut) -> str:
    """What the hint says, without when or why it was computed."""
    body = hint.model_dump(mode="json", exclude=_VOLATILE)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def to_json(payload: dict[str, object]) -> str:
    """The wire form of a stored hint."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def _live_profile(session: AsyncSession, tenant_id: str, profile: Profile) -> Profile:
    """The profile a stay's own profile was merged into, if it was (chains are short)."""
    for _ in range(16):
        if profile.merged_into is None:
            return profile
        found = await repo.profile(session, tenant_id, profile.merged_into)
        if found is None:
            raise not_found(f"profile {profile.merged_into}")
        profile = found
    raise Problem(500, "merge-chain", "Merge chain too long")


def _stay_fact(stay: Stay, complaints: dict[tuple[str, str], str]) -> StayFact:
    return StayFact(
        source=stay.source,
        reservation_id=stay.reservation_id,
        property_id=stay.property_code,
        arrival=stay.arrival,
        departure=stay.departure,
        room_type=stay.room_type,
        rate_amount=stay.rate_amount,
        currency=stay.currency,
        channel=stay.channel,
        status=stay.status,
        complaint=complaints.get((stay.source, stay.reservation_id)),
    )


def _guest_name(profile: Profile, records: list[repo.RecordRow]) -> str | None:
    name = " ".join(p for p in (profile.first_name, profile.last_name) if p)
    if name:
        return name
    named = [r for r in records if r.data.get("full_name")]
    return str(max(named, key=lambda r: r.updated_at).data["full_name"]) if named else None


async def build(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str, trigger: Trigger
) -> Built:
    """Compute the hint of a stored reservation from the current state of its guest."""
    found = await repo.stay_and_profile(session, tenant_id, source, reservation_id)
    if found is None:
        raise not_found(f"reservation {source}/{reservation_id}")
    stay, filed_under = found
    profile = await _live_profile(session, tenant_id, filed_under)
    context: TenantContext = await tenant_context(session, tenant_id)
    records = await repo.records_of(session, tenant_id, profile.id)
    stays = await repo.stays_of(session, tenant_id, profile.id)
    group = frozenset([profile.id, *await repo.merged_ids(session, tenant_id, profile.id)])
    decision = await repo.latest_decision(session, tenant_id, stay.record_id)
    complaints = {
        (r.source, r.data["stay"]["reservation_id"]): r.data["stay"]["complaint"]
        for r in records
        if (r.data.get("stay") or {}).get("complaint")
    }
    facts = [RecordFacts(r.source, r.data, r.updated_at) for r in records]
    arriving_record = next(
        (f for r, f in zip(records, facts, strict=True) if r.id == stay.record_id), None
    )
    item = HintInput(
        arriving=_stay_fact(stay, complaints),
        arriving_record=arriving_record,
        profile_id=profile.id,
        group_ids=group,
        guest_name=_guest_name(profile, records),
        golden=profile.golden,
        birthday=profile.date_of_birth,
        stays=[_stay_fact(s, complaints) for s in stays],
        records=facts,
        decision=DecisionFacts(
            decision.action,
            decision.reason,
            decision.decided_by,
            decision.profile_id,
            decision.evidence,
        )
        if decision
        else None,
        settings=context.settings,
        stats=context.stats,
        rules=context.rules_of(stay.property_code),
    )
    hint = compose(item, trigger, version=1, computed_at=utcnow())
    fingerprint = fingerprint_of(
        profile.id,
        profile.updated_at,
        context.version,
        context.stats_at,
        stay.status == CANCELLED,
    )
    return Built(hint, fingerprint)


async def store(session: AsyncSession, tenant_id: str, built: Built) -> tuple[HintOut, bool]:
    """Keep the hint; a changed one gets the next version and an outbox event. (hint, changed)"""
    hint = built.hint
    row = await repo.hint(session, tenant_id, hint.source, hint.reservation_id)
    fresh_digest = digest(hint)
    if row is not None and row.digest == fresh_digest and row.withdrawn_at is None:
        if row.fingerprint != built.fingerprint:
            row.fingerprint, row.profile_id = built.fingerprint, hint.profile_id
            session.add(row)
        return HintOut.model_validate(row.payload), False
    version = row.version + 1 if row is not None else 1
    final = hint.model_copy(update={"version": version})
    payload = final.model_dump(mode="json")
    if row is None:
        row = Hint(
            tenant_id=tenant_id,
            source=hint.source,
            reservation_id=hint.reservation_id,
            profile_id=hint.profile_id,
            property_code=hint.property_id,
            arrival=hint.arrival,
            version=version,
            digest=fresh_digest,
            fingerprint=built.fingerprint,
            payload=payload,
        )
    else:
        row.profile_id, row.property_code, row.arrival = (
            hint.profile_id,
            hint.property_id,
            hint.arrival,
        )
        row.version, row.digest, row.fingerprint = version, fresh_digest, built.fingerprint
        row.payload, row.updated_at = payload, utcnow()
        row.withdrawn_at = None  # the reservation is active again: so is its hint
    session.add(row)
    # Every new version is announced as hint.created: receivers keep the highest `version`
    # of a reservation, so a changed hint replaces the one they hold.
    session.add(
        Event(tenant_id=tenant_id, type="hint.created", profile_id=hint.profile_id, payload=payload)
    )
    await session.flush()
    return final, True


async def produce(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str, trigger: Trigger
) -> HintOut | Withdrawn:
    """Compute and store the hint of a reservation, once per transaction and state; a
    cancelled reservation gets none (and an earlier one is withdrawn)."""
    memo: dict[tuple[str, str, str], tuple[str, HintOut]] = session.info.setdefault(_MEMO, {})
    ident = (tenant_id, source, reservation_id)
    now = await current(session, tenant_id, source, reservation_id)
    if now is not None and now.cancelled:
        return await _cancelled(session, tenant_id, source, reservation_id)
    if now is not None and ident in memo and memo[ident][0] == now.fingerprint:
        return memo[ident][1]
    built = await build(session, tenant_id, source, reservation_id, trigger)
    hint, _ = await store(session, tenant_id, built)
    memo[ident] = (built.fingerprint, hint)
    return hint


async def _cancelled(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str
) -> Withdrawn:
    row = await repo.hint(session, tenant_id, source, reservation_id)
    if row is None:
        return Withdrawn(source, reservation_id, None)
    gone = withdraw(session, row)
    await session.flush()
    return gone


async def cached(
    session: AsyncSession, redis: Redis | None, tenant_id: str, source: str, reservation_id: str
) -> str | Withdrawn:
    """The hint as JSON: from Redis or the hints table while the fingerprint holds, else anew;
    or its withdrawal, when the reservation was cancelled."""
    now = await current(session, tenant_id, source, reservation_id)
    if now is None:
        raise not_found(f"reservation {source}/{reservation_id}")
    fingerprint = now.fingerprint
    if redis is not None:
        hit = await cache.read(redis, tenant_id, source, reservation_id)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
    row = await repo.hint(session, tenant_id, source, reservation_id)
    if row is None:
        raise Problem(
            404,
            "hint-not-found",
            "No hint for this reservation",
            "hints are made for arrivals and check-ins; POST /v1/hints to ask for one",
        )
    if now.cancelled:
        # Withdrawn by the cancellation's ingest, or (issued before withdrawals existed) now.
        gone = withdraw(session, row)
        if redis is not None:
            await cache.drop(redis, tenant_id, source, reservation_id)
        return gone
    if row.fingerprint == fingerprint and row.withdrawn_at is None:
        body = to_json(row.payload)
    else:
        built = await build(session, tenant_id, source, reservation_id, row.payload["trigger"])
        hint, _ = await store(session, tenant_id, built)
        body, fingerprint = to_json(hint.model_dump(mode="json")), built.fingerprint
    if redis is not None:
        await cache.write(redis, tenant_id, source, reservation_id, fingerprint, body)
    return body
