"""The match model and thresholds in force for a tenant: stored, cached, trained."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, String, column, text
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.models import MatchModelRow, SourceRecord, Tenant
from app.profiles.codec import from_json
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY
from app.resolution import MatchModel, Thresholds, default_model, train


@dataclass(frozen=True)
class MatchingConfig:
    """What `decide` needs besides the records."""

    model: MatchModel
    thresholds: Thresholds


_DEFAULT_MODEL = default_model()
_models: dict[str, MatchModel] = {}  # by model row id: rows never change once written


def default_matching() -> MatchingConfig:
    """Shipped model and thresholds, for a tenant that has not trained or tuned its own."""
    return MatchingConfig(model=_DEFAULT_MODEL, thresholds=Thresholds())


def thresholds_of(tenant: Tenant) -> Thresholds:
    """The tenant's thresholds, defaults where it set none."""
    return _thresholds(tenant.matching)


def _thresholds(stored: Mapping[str, Any] | None) -> Thresholds:
    return replace(Thresholds(), **(stored or {}))


# Every online request asks this before it resolves: one round trip, built once, no ORM.
_MATCHING = text(
    "SELECT t.matching, m.id FROM tenants AS t"
    " LEFT JOIN match_models AS m ON m.tenant_id = t.id AND m.active"
    " WHERE t.id = :tenant"
).columns(column("matching", JSON), column("id", String))


async def matching_for(session: AsyncSession, tenant_id: str) -> MatchingConfig:
    """The tenant's active model (cached) and its thresholds."""
    connection = await session.connection()
    found = (await connection.execute(_MATCHING, {"tenant": tenant_id})).first()
    if found is None:
        raise Problem(404, "not-found", "Not found", "tenant does not exist")
    matching, row_id = found
    model = _DEFAULT_MODEL
    if row_id is not None:
        if row_id not in _models:
            row = await session.get(MatchModelRow, row_id)
            assert row is not None
            _models[row_id] = MatchModel.from_json(json.dumps(row.params))
        model = _models[row_id]
    return MatchingConfig(model=model, thresholds=_thresholds(matching))


def validate_thresholds(values: dict[str, Any]) -> Thresholds:
    """Thresholds from user input, refusing bands that make no sense."""
    thresholds = replace(Thresholds(), **values)
    if not 0.5 <= thresholds.review_probability <= thresholds.merge_probability < 1.0:
        raise Problem(
            422,
            "invalid-thresholds",
            "Invalid thresholds",
            "need 0.5 <= review_probability <= merge_probability < 1",
        )
    if not 1 <= thresholds.max_key_profiles <= CANDIDATE_PROFILES_PER_KEY:
        raise Problem(
            422,
            "invalid-thresholds",
            "Invalid thresholds",
            f"max_key_profiles must be between 1 and {CANDIDATE_PROFILES_PER_KEY}",
        )
    return thresholds


async def set_thresholds(session: AsyncSession, tenant_id: str, values: Thresholds) -> Thresholds:
    """Store the tenant's thresholds."""
    tenant = await session.get(Tenant, tenant_id)
    assert tenant is not None
    tenant.matching = {
        "merge_probability": values.merge_probability,
        "review_probability": values.review_probability,
        "max_key_profiles": values.max_key_profiles,
        "households": values.households,
    }
    session.add(tenant)
    return values


async def train_model(session: AsyncSession, tenant_id: str, limit: int = 200_000) -> MatchModelRow:
    """Learn m/u from the tenant's records (EM, no labels) and make that model active."""
    stmt = (
        select(SourceRecord.normalised)
        .where(SourceRecord.tenant_id == tenant_id)
        .order_by(col(SourceRecord.received_at).desc())
        .limit(limit)
    )
    records = [from_json(n) for n in (await session.exec(stmt)).all()]
    if len(records) < 100:
        raise Problem(
            422,
            "too-few-records",
            "Too few records to train",
            f"{len(records)} records; training needs at least 100",
        )
    learnt = train(records, base=_DEFAULT_MODEL)
    version = f"fs-{datetime.now(UTC):%Y%m%d%H%M%S}"
    model = MatchModel(
        m=learnt.m,
        u=learnt.u,
        prior=learnt.prior,
        tf_given=learnt.tf_given,
        tf_family=learnt.tf_family,
        tf_street=learnt.tf_street,
        version=version,
    )
    await session.exec(
        update(MatchModelRow).where(col(MatchModelRow.tenant_id) == tenant_id).values(active=False)
    )
    row = MatchModelRow(
        tenant_id=tenant_id,
        version=version,
        params=json.loads(model.to_json()),
        trained_on=len(records),
        active=True,
    )
    session.add(row)
    await session.flush()
    return row
