"""Hints triggered by ingest: a reservation arriving soon, or a guest checking in.

Checked for every ingested batch, so the common case — history, not arrivals — costs one pass
over the batch in memory and no query at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from app.hints import repository as repo
from app.hints.context import hint_settings
from app.hints.schemas import HintOut, Trigger
from app.hints.service import produce
from app.hints.settings import MAX_LEAD_DAYS
from app.hints.withdrawal import withdraw_cancelled
from app.profiles.linking import RecordResult
from connectors.base import GuestRecord

log = structlog.get_logger(__name__)
_QUIET = frozenset({"unchanged", "stale"})  # a duplicate or out-of-date delivery changes nothing
_NOT_ARRIVING = frozenset({"cancelled", "no_show", "enquiry", "checked_out"})


@dataclass(frozen=True)
class Arrival:
    """A reservation of the batch that may need a hint."""

    source: str
    reservation_id: str
    property_id: str | None
    arrival: date
    departure: date
    checked_in: bool


def candidates(
    records: Sequence[GuestRecord], results: Sequence[RecordResult], today: date
) -> list[Arrival]:
    """Reservations that could be arriving, by a window wide enough for any time zone."""
    found: dict[tuple[str, str], Arrival] = {}
    for record, result in zip(records, results, strict=True):
        stay = record.stay
        if result.outcome in _QUIET or stay is None:
            continue
        if stay.status in _NOT_ARRIVING:
            found.pop((record.source, stay.reservation_id), None)  # cancelled later in the batch
            continue
        checked_in = stay.status == "checked_in"
        if checked_in:
            near = stay.arrival - timedelta(days=1) <= today <= stay.departure + timedelta(days=1)
        else:
            near = -1 <= (stay.arrival - today).days <= MAX_LEAD_DAYS + 1
        if near:
            found[(record.source, stay.reservation_id)] = Arrival(
                record.source,
                stay.reservation_id,
                stay.property_id or record.property_id,
                stay.arrival,
                stay.departure,
                checked_in,
            )
    return list(found.values())


def local_today(now: datetime, timezone: str | None) -> date:
    """The date at the property (UTC when its zone is unknown)."""
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return now.astimezone(zone).date()


def trigger_of(item: Arrival, today: date, lead_days: int) -> Trigger | None:
    """Why this reservation gets a hint now, if it does."""
    if item.checked_in and item.arrival <= today <= item.departure:
        return "check_in"
    if 0 <= (item.arrival - today).days <= lead_days:
        return "arrival"
    return None


async def after_ingest(
    session: AsyncSession,
    tenant_id: str,
    records: Sequence[GuestRecord],
    results: Sequence[RecordResult],
    now: datetime | None = None,
) -> list[HintOut]:
    """Withdraw the hints of cancelled reservations and produce the hints the batch calls for,
    in the batch's transaction."""
    now = now or datetime.now(UTC)
    withdrawn = await withdraw_cancelled(session, tenant_id, records)
    if withdrawn:
        log.debug("hints_withdrawn", tenant=tenant_id, count=len(withdrawn))
    found = candidates(records, results, now.date())
    if not found:
        return []
    lead_days = (await hint_settings(session, tenant_id)).lead_days
    zones = await repo.timezones(
        session, tenant_id, {a.property_id for a in found if a.property_id}
    )
    hints = []
    for item in found:
        why = trigger_of(item, local_today(now, zones.get(item.property_id or "")), lead_days)
        if why is None:
            continue
        hint = await produce(session, tenant_id, item.source, item.reservation_id, why)
        if isinstance(hint, HintOut):
            hints.append(hint)
    if hints:
        log.debug("hints_triggered", tenant=tenant_id, count=len(hints))
    return hints
