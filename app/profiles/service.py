"""Read side of profiles: the full profile, search, and record lookup."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.models import Profile, SourceRecord, Stay
from app.profiles import queries
from app.profiles.schemas import (
    Identifier,
    PreferenceOut,
    ProfileOut,
    ProfileSummary,
    RecordOut,
    RecordRef,
    StayOut,
)
from app.profiles.search import query_keys

# Identifier keys worth showing; blocking keys and document hashes stay internal.
_SHOWN_KEYS = ("email", "phone", "loyalty", "social")


async def resolve_profile(session: AsyncSession, tenant_id: str, profile_id: str) -> Profile:
    """A profile by id, following merges to the survivor."""
    for _ in range(16):
        profile = await queries.profile(session, tenant_id, profile_id)
        if profile is None:
            raise not_found(f"profile {profile_id}")
        if profile.merged_into is None:
            return profile
        profile_id = profile.merged_into
    raise Problem(500, "merge-chain", "Merge chain too long")


async def profile_detail(session: AsyncSession, tenant_id: str, profile_id: str) -> ProfileOut:
    """Everything guestid knows of one guest."""
    profile = await resolve_profile(session, tenant_id, profile_id)
    records = await queries.records(session, tenant_id, profile.id)
    stays = await queries.stays(session, tenant_id, profile.id)
    keys = await queries.keys(session, tenant_id, profile.id)
    merged = await queries.merged_ids(session, tenant_id, profile.id)
    identifiers = sorted(
        {
            (k.split(":", 1)[0], k.split(":", 1)[1])
            for k in keys
            if k.split(":", 1)[0] in _SHOWN_KEYS
        }
    )
    return ProfileOut(
        id=profile.id,
        first_name=profile.first_name,
        last_name=profile.last_name,
        email=profile.email,
        phone=profile.phone,
        date_of_birth=profile.date_of_birth,
        golden=profile.golden,
        identifiers=[Identifier(kind=k, value=v) for k, v in identifiers],
        records=[_record_ref(r) for r in records],
        stays=[_stay_out(s) for s in stays],
        preferences=aggregate_preferences(records),
        merged_ids=merged,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def aggregate_preferences(records: Sequence[SourceRecord]) -> list[PreferenceOut]:
    """Each (preference, value) seen across records, with how often, when and where."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for name, value in (record.data.get("preferences") or {}).items():
            key = (name, repr(value))
            entry = seen.setdefault(key, {"value": value, "count": 0, "last": record.updated_at})
            entry["count"] += 1
            entry["last"] = max(entry["last"], record.updated_at)
            sources[key].add(record.source)
    prefs = [
        PreferenceOut(
            name=name,
            value=e["value"],
            count=e["count"],
            last_seen=e["last"],
            sources=sorted(sources[(name, rv)]),
        )
        for (name, rv), e in seen.items()
    ]
    return sorted(prefs, key=lambda p: (p.name, -p.count, -_ts(p.last_seen)))


def _ts(moment: datetime) -> float:
    return moment.timestamp()


async def search_profiles(
    session: AsyncSession,
    tenant_id: str,
    email: str | None,
    phone: str | None,
    name: str | None,
    limit: int,
) -> list[ProfileSummary]:
    """Profiles matching every given criterion (email, phone, family or full name)."""
    if not (email or phone or name):
        raise Problem(
            400,
            "search-criteria-missing",
            "No search criteria",
            "give at least one of email, phone, name",
        )
    keys = query_keys(email, phone, name)
    profiles = await queries.search(session, tenant_id, keys, limit)
    return [
        ProfileSummary(
            id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            phone=p.phone,
            date_of_birth=p.date_of_birth,
            record_count=p.record_count,
        )
        for p in profiles
    ]


async def record_detail(
    session: AsyncSession, tenant_id: str, source: str, source_record_id: str
) -> RecordOut:
    """A stored record and the profile it belongs to."""
    record = await queries.record(session, tenant_id, source, source_record_id)
    if record is None:
        raise not_found(f"record {source}/{source_record_id}")
    return RecordOut(
        source=record.source,
        source_record_id=record.source_record_id,
        profile_id=record.profile_id,
        data=record.data,
        received_at=record.received_at,
        updated_at=record.updated_at,
    )


def _record_ref(r: SourceRecord) -> RecordRef:
    return RecordRef(
        source=r.source,
        source_record_id=r.source_record_id,
        property_id=r.property_code,
        received_at=r.received_at,
        updated_at=r.updated_at,
    )


def _stay_out(s: Stay) -> StayOut:
    return StayOut(
        source=s.source,
        reservation_id=s.reservation_id,
        property_id=s.property_code,
        arrival=s.arrival,
        departure=s.departure,
        nights=(s.departure - s.arrival).days,
        room_type=s.room_type,
        rate_amount=s.rate_amount,
        currency=s.currency,
        channel=s.channel,
        status=s.status,
    )
