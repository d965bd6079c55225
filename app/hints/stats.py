"""The tenant's revenue distribution behind the value tiers: computed rarely, read per hint.

A hint must not scan every guest of the tenant, so the tier cut-offs are cached on the settings
row: computed on the tenant's first hint, refreshed by a background job once they are older
than `value_stats_max_age_hours`, or at once through the admin API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.hints import repository as repo
from app.hints.settings import HintSettings
from app.hints.value import ValueStats, in_base_currency, pyramid
from app.models import HintSettingsRow, Job
from app.models.base import utcnow
from app.worker.queue import enqueue
from app.worker.runner import register

JOB_KIND = "hints.value_stats"
# A refresh asked for and not done yet is not asked for again before this much time.
REQUEST_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class TenantContext:
    """A tenant's settings, their version, and the cached value statistics."""

    settings: HintSettings
    version: int
    stats: ValueStats | None
    stats_at: datetime | None


def settings_of(row: HintSettingsRow | None) -> HintSettings:
    """The stored settings, defaults where none are stored."""
    return HintSettings.model_validate(row.settings) if row and row.settings else HintSettings()


async def compute(session: AsyncSession, tenant_id: str, settings: HintSettings) -> ValueStats:
    """The value pyramid of every guest of the tenant (one aggregate query)."""
    per_guest: dict[str, float] = defaultdict(float)
    for profile_id, currency, total in await repo.revenue_by_guest(
        session, tenant_id, utcnow().date()
    ):
        amount = in_base_currency(total, currency, settings.currency, settings.fx_rates)
        per_guest[profile_id] += amount or 0.0
    return pyramid(per_guest.values(), settings.pyramid)


async def refresh(session: AsyncSession, tenant_id: str) -> HintSettingsRow:
    """Recompute and store the value statistics now."""
    row = await repo.ensure_settings_row(session, tenant_id)
    stats = await compute(session, tenant_id, settings_of(row))
    row.value_stats = stats.as_json()
    row.stats_computed_at = utcnow()
    row.stats_requested_at = None
    session.add(row)
    await session.flush()
    return row


def _stale(row: HintSettingsRow, settings: HintSettings) -> bool:
    if row.stats_computed_at is None:
        return True
    age = utcnow() - row.stats_computed_at
    return age > timedelta(hours=settings.value_stats_max_age_hours)


async def tenant_context(session: AsyncSession, tenant_id: str) -> TenantContext:
    """Settings and value statistics for a hint; stale statistics are refreshed in background."""
    row = await repo.settings_row(session, tenant_id)
    if row is None or row.value_stats is None:
        row = await refresh(session, tenant_id)
    settings = settings_of(row)
    if _stale(row, settings):
        _request_refresh(session, row)
    stats = ValueStats.from_json(row.value_stats) if row.value_stats else None
    return TenantContext(settings, row.version, stats, row.stats_computed_at)


def _request_refresh(session: AsyncSession, row: HintSettingsRow) -> None:
    now = utcnow()
    if row.stats_requested_at is not None and now - row.stats_requested_at < REQUEST_GRACE:
        return
    row.stats_requested_at = now
    session.add(row)
    enqueue(session, row.tenant_id, JOB_KIND, {}, max_attempts=3)


@register(JOB_KIND)
async def refresh_job(session: AsyncSession, job: Job) -> None:
    """Background refresh of a tenant's value statistics."""
    await refresh(session, job.tenant_id)
