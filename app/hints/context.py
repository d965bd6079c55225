"""What every hint of a tenant reads besides its guest: settings, upgrade rules, value statistics.

They change rarely and are read on every hint, so each process keeps them parsed and checks
three columns of the settings row per hint to know whether they still hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.hints import repository as repo
from app.hints.admin import rule_spec
from app.hints.settings import HintSettings
from app.hints.stats import JOB_KIND, refresh, settings_of
from app.hints.upgrades import Rule
from app.hints.value import ValueStats
from app.models import HintSettingsRow
from app.models.base import utcnow
from app.worker.queue import enqueue

# A refresh asked for and not done yet is not asked for again before this much time.
REQUEST_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class TenantContext:
    """A tenant's settings and upgrade rules, their version, and the cached value statistics."""

    settings: HintSettings
    version: int
    rules: tuple[Rule, ...]
    stats: ValueStats | None
    stats_at: datetime | None

    def rules_of(self, property_code: str | None) -> list[Rule]:
        """The property's rules and the group-wide ones, in the order they are tried."""
        return [r for r in self.rules if r.spec.property_id in (None, property_code)]


# Every change of settings or rules bumps `version` and sets `updated_at`, and every refresh of
# the statistics sets `stats_computed_at`: together they name the content of the row, so each
# hint reads these three columns and parses the row only when they change.
_STATE = select(
    HintSettingsRow.version,
    HintSettingsRow.updated_at,
    HintSettingsRow.stats_computed_at,
    HintSettingsRow.stats_requested_at,
).where(HintSettingsRow.tenant_id == bindparam("tenant"))
# (version, updated_at, stats_computed_at, stats_requested_at)
_State = tuple[int, datetime, datetime | None, datetime | None]
_contexts: dict[tuple[str, int, datetime, datetime | None], TenantContext] = {}
_MAX_CONTEXTS = 1024


def _stale(context: TenantContext) -> bool:
    if context.stats_at is None:
        return True
    age = utcnow() - context.stats_at
    return age > timedelta(hours=context.settings.value_stats_max_age_hours)


async def _parse(session: AsyncSession, row: HintSettingsRow) -> TenantContext:
    rules = await repo.rules(session, row.tenant_id, every=True)
    return TenantContext(
        settings=settings_of(row),
        version=row.version,
        rules=tuple(Rule(r.id, rule_spec(r)) for r in rules),
        stats=ValueStats.from_json(row.value_stats) if row.value_stats else None,
        stats_at=row.stats_computed_at,
    )


async def _state(session: AsyncSession, tenant_id: str) -> _State | None:
    return (await session.exec(_STATE, params={"tenant": tenant_id})).first()


async def _context(session: AsyncSession, tenant_id: str, state: _State) -> TenantContext:
    version, updated_at, stats_at, _ = state
    if (known := _contexts.get((tenant_id, version, updated_at, stats_at))) is not None:
        return known
    row = await repo.settings_row(session, tenant_id)
    assert row is not None  # rows are never deleted but with their tenant
    context = await _parse(session, row)
    if len(_contexts) >= _MAX_CONTEXTS:
        _contexts.clear()
    _contexts[(tenant_id, row.version, row.updated_at, row.stats_computed_at)] = context
    return context


async def hint_settings(session: AsyncSession, tenant_id: str) -> HintSettings:
    """The tenant's settings, defaults until it sets its own."""
    state = await _state(session, tenant_id)
    if state is None:
        return HintSettings()
    return (await _context(session, tenant_id, state)).settings


async def tenant_context(session: AsyncSession, tenant_id: str) -> TenantContext:
    """Settings, rules and value statistics for a hint; the first hint of a tenant computes
    the statistics, stale ones are refreshed in background."""
    state = await _state(session, tenant_id)
    if state is None or state[2] is None:  # no statistics yet
        return await _parse(session, await refresh(session, tenant_id))
    context = await _context(session, tenant_id, state)
    requested_at = state[3]
    if _stale(context) and (requested_at is None or utcnow() - requested_at >= REQUEST_GRACE):
        await _request_refresh(session, tenant_id)
    return context


async def _request_refresh(session: AsyncSession, tenant_id: str) -> None:
    await session.exec(
        update(HintSettingsRow)
        .where(col(HintSettingsRow.tenant_id) == tenant_id)
        .values(stats_requested_at=utcnow())
    )
    enqueue(session, tenant_id, JOB_KIND, {}, max_attempts=3)
