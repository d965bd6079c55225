"""The tenant's revenue distribution behind the value tiers: computed rarely, read per hint.

A hint must not scan every guest of the tenant, so the tier cut-offs are cached on the settings
row: computed on the tenant's first hint, refreshed by a background job once they are older
than `value_stats_max_age_hours` (see `app.hints.context`), or at once through the admin API.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel.ext.asyncio.session import AsyncSession

from app.hints import repository as repo
from app.hints.settings import HintSettings
from app.hints.value import ValueStats, in_base_currency, pyramid
from app.models import HintSettingsRow, Job
from app.models.base import utcnow
from app.worker.runner import register

JOB_KIND = "hints.value_stats"


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


@register(JOB_KIND)
async def refresh_job(session: AsyncSession, job: Job) -> None:
    """Background refresh of a tenant's value statistics."""
    await refresh(session, job.tenant_id)
