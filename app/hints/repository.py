"""Queries of hints. Every query filters by tenant; identity rows are always read fresh."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import is_postgres
from app.hints.value import NOT_STAYED
from app.models import (
    Hint,
    HintSettingsRow,
    MatchDecision,
    Profile,
    Property,
    SourceRecord,
    Stay,
    UpgradeRule,
)
from app.models.base import utcnow

# Ingest writes with set-at-a-time statements that bypass the session's identity map: an
# object loaded earlier in the same transaction would show the state before them.
FRESH = {"populate_existing": True}


# The statements a hint runs on every request are built once: building and keying an
# ORM statement costs more than running it. Parameters: tenant, then the row's key.
_STAY_AND_PROFILE = (
    select(Stay, Profile)
    .join(
        Profile,
        (col(Profile.id) == col(Stay.profile_id)) & (col(Profile.tenant_id) == col(Stay.tenant_id)),
    )
    .where(
        Stay.tenant_id == bindparam("tenant"),
        Stay.source == bindparam("source"),
        Stay.reservation_id == bindparam("reservation"),
    )
    .execution_options(**FRESH)
)
_PROFILE = (
    select(Profile)
    .where(Profile.tenant_id == bindparam("tenant"), Profile.id == bindparam("profile"))
    .execution_options(**FRESH)
)
_STAYS_OF = (
    select(Stay)
    .where(Stay.tenant_id == bindparam("tenant"), Stay.profile_id == bindparam("profile"))
    .execution_options(**FRESH)
)
_RECORDS_OF = select(
    SourceRecord.id, SourceRecord.source, SourceRecord.data, SourceRecord.updated_at
).where(
    SourceRecord.tenant_id == bindparam("tenant"), SourceRecord.profile_id == bindparam("profile")
)
_MERGED_IDS = select(Profile.id).where(
    Profile.tenant_id == bindparam("tenant"), Profile.merged_into == bindparam("profile")
)
_LATEST_DECISION = (
    select(MatchDecision)
    .where(
        MatchDecision.tenant_id == bindparam("tenant"),
        MatchDecision.record_id == bindparam("record"),
    )
    .order_by(col(MatchDecision.created_at).desc(), col(MatchDecision.id).desc())
    .limit(1)
)
_HINT = (
    select(Hint)
    .where(
        Hint.tenant_id == bindparam("tenant"),
        Hint.source == bindparam("source"),
        Hint.reservation_id == bindparam("reservation"),
    )
    .execution_options(**FRESH)
)
_TIMEZONES = select(Property.code, Property.timezone).where(
    Property.tenant_id == bindparam("tenant"),
    col(Property.code).in_(bindparam("codes", expanding=True)),
)


async def stay_and_profile(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str
) -> tuple[Stay, Profile] | None:
    """A reservation by its source id, and the profile it is filed under."""
    found = await session.exec(
        _STAY_AND_PROFILE,
        params={"tenant": tenant_id, "source": source, "reservation": reservation_id},
    )
    return found.first()


async def profile(session: AsyncSession, tenant_id: str, profile_id: str) -> Profile | None:
    """One profile of the tenant."""
    found = await session.exec(_PROFILE, params={"tenant": tenant_id, "profile": profile_id})
    return found.first()


async def stays_of(session: AsyncSession, tenant_id: str, profile_id: str) -> Sequence[Stay]:
    """Every reservation of a profile."""
    found = await session.exec(_STAYS_OF, params={"tenant": tenant_id, "profile": profile_id})
    return found.all()


@dataclass(frozen=True)
class RecordRow:
    """What a hint reads of a record: not its normalised form or keys."""

    id: str
    source: str
    data: Mapping[str, Any]
    updated_at: datetime


async def records_of(session: AsyncSession, tenant_id: str, profile_id: str) -> list[RecordRow]:
    """Every record of a profile."""
    found = await session.exec(_RECORDS_OF, params={"tenant": tenant_id, "profile": profile_id})
    return [RecordRow(*row) for row in found.all()]


async def merged_ids(session: AsyncSession, tenant_id: str, profile_id: str) -> list[str]:
    """Profiles merged into this one."""
    found = await session.exec(_MERGED_IDS, params={"tenant": tenant_id, "profile": profile_id})
    return list(found.all())


async def latest_decision(
    session: AsyncSession, tenant_id: str, record_id: str
) -> MatchDecision | None:
    """The most recent match decision about a record."""
    found = await session.exec(_LATEST_DECISION, params={"tenant": tenant_id, "record": record_id})
    return found.first()


_FINGERPRINT_PARTS = (
    sa_select(
        col(Profile.id),
        col(Profile.merged_into),
        col(Profile.updated_at),
        func.coalesce(col(HintSettingsRow.version), literal(0)),
        col(HintSettingsRow.stats_computed_at),
        col(Stay.status),
    )
    .select_from(Stay)
    .join(
        Profile,
        (col(Profile.id) == col(Stay.profile_id)) & (col(Profile.tenant_id) == col(Stay.tenant_id)),
    )
    .outerjoin(HintSettingsRow, col(HintSettingsRow.tenant_id) == col(Stay.tenant_id))
    .where(
        col(Stay.tenant_id) == bindparam("tenant"),
        col(Stay.source) == bindparam("source"),
        col(Stay.reservation_id) == bindparam("reservation"),
    )
)


async def fingerprint_parts(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str
) -> tuple[str, str | None, datetime, int, datetime | None, str | None] | None:
    """(profile id, merged into, profile updated_at, settings version, stats time, stay status)
    in one round trip: what decides whether a stored hint is still current."""
    await session.flush()  # the statement runs on the connection, past the session
    connection = await session.connection()
    params = {"tenant": tenant_id, "source": source, "reservation": reservation_id}
    row = (await connection.execute(_FINGERPRINT_PARTS, params)).first()
    if row is None:
        return None
    pid, merged, updated, version, stats_at, status = row
    return str(pid), merged, updated, int(version), stats_at, status


async def hint(
    session: AsyncSession, tenant_id: str, source: str, reservation_id: str
) -> Hint | None:
    """The stored hint of a reservation."""
    found = await session.exec(
        _HINT, params={"tenant": tenant_id, "source": source, "reservation": reservation_id}
    )
    return found.first()


async def live_hints_of_cancelled(
    session: AsyncSession, tenant_id: str, reservations: Mapping[str, set[str]], cancelled: str
) -> list[Hint]:
    """Hints not withdrawn of the given {source: reservation ids} whose stay is `cancelled`."""
    found: list[Hint] = []
    for source, ids in reservations.items():
        stmt = (
            select(Hint)
            .join(
                Stay,
                (col(Stay.tenant_id) == col(Hint.tenant_id))
                & (col(Stay.source) == col(Hint.source))
                & (col(Stay.reservation_id) == col(Hint.reservation_id)),
            )
            .where(
                Hint.tenant_id == tenant_id,
                Hint.source == source,
                col(Hint.reservation_id).in_(sorted(ids)),
                col(Hint.withdrawn_at).is_(None),
                Stay.status == cancelled,
            )
        )
        found += (await session.exec(stmt.execution_options(**FRESH))).all()
    return found


async def settings_row(session: AsyncSession, tenant_id: str) -> HintSettingsRow | None:
    """The tenant's hint settings, if it has any."""
    stmt = select(HintSettingsRow).where(HintSettingsRow.tenant_id == tenant_id)
    return (await session.exec(stmt.execution_options(**FRESH))).first()


async def ensure_settings_row(session: AsyncSession, tenant_id: str) -> HintSettingsRow:
    """The tenant's settings row, created with defaults if missing (safe under concurrency)."""
    values = {"tenant_id": tenant_id, "settings": {}, "version": 0, "updated_at": utcnow()}
    dialect: Any = postgresql if is_postgres(session) else sqlite
    stmt = dialect.insert(HintSettingsRow).values(**values).on_conflict_do_nothing()
    await session.exec(stmt)
    found = await settings_row(session, tenant_id)
    assert found is not None
    return found


async def bump_settings_version(session: AsyncSession, tenant_id: str) -> None:
    """Mark every stored hint of the tenant as computed under older settings or rules."""
    await ensure_settings_row(session, tenant_id)
    await session.exec(
        update(HintSettingsRow)
        .where(col(HintSettingsRow.tenant_id) == tenant_id)
        .values(version=HintSettingsRow.version + 1, updated_at=utcnow())
    )


async def rules(
    session: AsyncSession, tenant_id: str, property_code: str | None = None, *, every: bool = False
) -> Sequence[UpgradeRule]:
    """Rules of a property and the group-wide ones (every=True: all rules of the tenant)."""
    stmt = select(UpgradeRule).where(UpgradeRule.tenant_id == tenant_id)
    if not every:
        stmt = stmt.where(
            or_(
                col(UpgradeRule.property_code).is_(None),
                col(UpgradeRule.property_code) == property_code,
            )
        )
    stmt = stmt.order_by(col(UpgradeRule.priority), col(UpgradeRule.name), col(UpgradeRule.id))
    return (await session.exec(stmt)).all()


async def rule(session: AsyncSession, tenant_id: str, rule_id: str) -> UpgradeRule | None:
    """One upgrade rule of the tenant."""
    stmt = select(UpgradeRule).where(UpgradeRule.tenant_id == tenant_id, UpgradeRule.id == rule_id)
    return (await session.exec(stmt)).first()


async def timezones(
    session: AsyncSession, tenant_id: str, codes: Collection[str]
) -> dict[str, str]:
    """IANA time zone of each known property."""
    if not codes:
        return {}
    found = await session.exec(_TIMEZONES, params={"tenant": tenant_id, "codes": list(codes)})
    return {code: tz for code, tz in found.all()}


async def revenue_by_guest(
    session: AsyncSession, tenant_id: str, until: date
) -> list[tuple[str, str | None, float]]:
    """(profile, currency, revenue) over stays that took place up to `until`.

    A stay the PMS and the OTA both report (same guest, same dates) is counted once.
    """
    per_stay = (
        select(
            col(Stay.profile_id).label("profile_id"),
            col(Stay.currency).label("currency"),
            func.max(Stay.rate_amount).label("amount"),
        )
        .where(
            Stay.tenant_id == tenant_id,
            col(Stay.departure) <= until,
            col(Stay.rate_amount).is_not(None),
            or_(col(Stay.status).is_(None), col(Stay.status).not_in(list(NOT_STAYED))),
        )
        .group_by(col(Stay.profile_id), col(Stay.currency), col(Stay.arrival), col(Stay.departure))
        .subquery()
    )
    stmt = select(per_stay.c.profile_id, per_stay.c.currency, func.sum(per_stay.c.amount)).group_by(
        per_stay.c.profile_id, per_stay.c.currency
    )
    return [(p, c, float(total or 0)) for p, c, total in (await session.exec(stmt)).all()]
