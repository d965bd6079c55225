"""What admins change: hint settings, upgrade rules, the value statistics refresh."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import not_found
from app.hints import repository as repo
from app.hints import stats
from app.hints.schemas import HintSettingsOut, UpgradeRuleOut, ValueStatsOut
from app.hints.settings import HintSettings, UpgradeRuleSpec
from app.hints.value import ValueStats
from app.models import HintSettingsRow, UpgradeRule
from app.models.base import utcnow


def rule_spec(rule: UpgradeRule) -> UpgradeRuleSpec:
    """A stored rule as the spec it was written from."""
    return UpgradeRuleSpec.model_validate(
        {
            "name": rule.name,
            "property_id": rule.property_code,
            "priority": rule.priority,
            "enabled": rule.enabled,
            "conditions": rule.conditions,
            "offer": rule.offer,
        }
    )


def rule_out(rule: UpgradeRule) -> UpgradeRuleOut:
    """The API form of a rule."""
    return UpgradeRuleOut(
        **rule_spec(rule).model_dump(),
        id=rule.id,
        created_at=rule.created_at,
        updated_at=rule.updated_at,
    )


def _apply(rule: UpgradeRule, spec: UpgradeRuleSpec) -> None:
    rule.name, rule.property_code = spec.name, spec.property_id
    rule.priority, rule.enabled = spec.priority, spec.enabled
    rule.conditions = spec.conditions.model_dump(mode="json", exclude_none=True)
    rule.offer = spec.offer.model_dump(mode="json", exclude_none=True)
    rule.updated_at = utcnow()


async def list_rules(
    session: AsyncSession, tenant_id: str, property_id: str | None
) -> list[UpgradeRuleOut]:
    """Rules of the tenant, or those applying to one property."""
    found = await repo.rules(session, tenant_id, property_id, every=property_id is None)
    return [rule_out(r) for r in found]


async def get_rule(session: AsyncSession, tenant_id: str, rule_id: str) -> UpgradeRule:
    """One rule, or 404."""
    rule = await repo.rule(session, tenant_id, rule_id)
    if rule is None:
        raise not_found(f"upgrade rule {rule_id}")
    return rule


async def create_rule(session: AsyncSession, tenant_id: str, spec: UpgradeRuleSpec) -> UpgradeRule:
    """Add a rule; stored hints are recomputed on their next read."""
    rule = UpgradeRule(tenant_id=tenant_id, name=spec.name)
    _apply(rule, spec)
    session.add(rule)
    await repo.bump_settings_version(session, tenant_id)
    await session.flush()
    return rule


async def replace_rule(
    session: AsyncSession, tenant_id: str, rule_id: str, spec: UpgradeRuleSpec
) -> UpgradeRule:
    """Overwrite a rule."""
    rule = await get_rule(session, tenant_id, rule_id)
    _apply(rule, spec)
    session.add(rule)
    await repo.bump_settings_version(session, tenant_id)
    await session.flush()
    return rule


async def delete_rule(session: AsyncSession, tenant_id: str, rule_id: str) -> None:
    """Remove a rule."""
    rule = await get_rule(session, tenant_id, rule_id)
    await session.delete(rule)
    await repo.bump_settings_version(session, tenant_id)
    await session.flush()


def _settings_out(row: HintSettingsRow | None) -> HintSettingsOut:
    settings = stats.settings_of(row)
    return HintSettingsOut(**settings.model_dump(), version=row.version if row else 0)


async def get_settings(session: AsyncSession, tenant_id: str) -> HintSettingsOut:
    """The tenant's settings (defaults until it sets its own)."""
    return _settings_out(await repo.settings_row(session, tenant_id))


async def put_settings(
    session: AsyncSession, tenant_id: str, settings: HintSettings
) -> HintSettingsOut:
    """Replace the tenant's settings; value statistics follow the new shares and currency."""
    await repo.bump_settings_version(session, tenant_id)
    row = await repo.ensure_settings_row(session, tenant_id)
    row.settings = settings.model_dump(mode="json")
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    row = await stats.refresh(session, tenant_id)
    return _settings_out(row)


def _stats_out(row: HintSettingsRow) -> ValueStatsOut:
    settings = stats.settings_of(row)
    value = ValueStats.from_json(row.value_stats) if row.value_stats else None
    return ValueStatsOut(
        guests=value.guests if value else 0,
        total_revenue=value.total_revenue if value else 0.0,
        currency=settings.currency,
        vip_min=value.vip_min if value else None,
        major_min=value.major_min if value else None,
        regular_min=value.regular_min if value else None,
        guest_share=value.guest_share if value else {},
        computed_at=row.stats_computed_at,
    )


async def get_stats(session: AsyncSession, tenant_id: str) -> ValueStatsOut:
    """The cached value statistics (computed now if there are none yet)."""
    row = await repo.settings_row(session, tenant_id)
    if row is None or row.value_stats is None:
        row = await stats.refresh(session, tenant_id)
    return _stats_out(row)


async def refresh_stats(session: AsyncSession, tenant_id: str) -> ValueStatsOut:
    """Recompute the value statistics now."""
    return _stats_out(await stats.refresh(session, tenant_id))
