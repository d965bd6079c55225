"""Withdrawn hints: a reservation cancelled after its hint was issued takes the hint back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.hints import repository as repo
from app.models import Event, Hint
from app.models.base import utcnow
from connectors.base import GuestRecord

CANCELLED = "cancelled"


@dataclass(frozen=True)
class Withdrawn:
    """A cancelled reservation's hint: when it was withdrawn (None: none had been issued)."""

    source: str
    reservation_id: str
    withdrawn_at: datetime | None

    def problem(self) -> Problem:
        """The 410 answered for the hint of this reservation."""
        said = f"reservation {self.source}/{self.reservation_id} was cancelled"
        if self.withdrawn_at is None:
            detail = f"{said}: it gets no hint"
        else:
            when = self.withdrawn_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            detail = f"{said}: its hint was withdrawn at {when}"
        return Problem(410, "hint-withdrawn", "Hint withdrawn", detail)


def withdrawn(row: Hint) -> Withdrawn | None:
    """The withdrawal of a stored hint, if it was withdrawn."""
    if row.withdrawn_at is None:
        return None
    return Withdrawn(row.source, row.reservation_id, row.withdrawn_at)


def withdraw(session: AsyncSession, row: Hint) -> Withdrawn:
    """Mark the hint withdrawn under its next version and announce it (outbox, same commit)."""
    if (already := withdrawn(row)) is not None:
        return already
    now = utcnow()
    row.version += 1
    row.withdrawn_at = row.updated_at = now
    session.add(row)
    payload = {
        "source": row.source,
        "reservation_id": row.reservation_id,
        "property_id": row.property_code,
        "profile_id": row.profile_id,
        "arrival": row.arrival.isoformat(),
        "version": row.version,
        "withdrawn_at": now.isoformat().replace("+00:00", "Z"),
        "reason": CANCELLED,
    }
    session.add(
        Event(
            tenant_id=row.tenant_id,
            type="hint.withdrawn",
            profile_id=row.profile_id,
            payload=payload,
        )
    )
    return Withdrawn(row.source, row.reservation_id, now)


async def withdraw_cancelled(
    session: AsyncSession, tenant_id: str, records: Sequence[GuestRecord]
) -> list[Withdrawn]:
    """Withdraw the live hints of reservations the batch cancelled (as stored after it)."""
    cancelled: dict[str, set[str]] = {}
    for record in records:
        if record.stay is not None and record.stay.status == CANCELLED:
            cancelled.setdefault(record.source, set()).add(record.stay.reservation_id)
    if not cancelled:
        return []
    # The stored stay decides, not the record: an out-of-date cancellation changed nothing.
    rows = await repo.live_hints_of_cancelled(session, tenant_id, cancelled, CANCELLED)
    out = [withdraw(session, row) for row in rows]
    await session.flush()
    return out
