"""Matching thresholds of a tenant."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import Admin, ProfilesReader, SessionDep
from app.core.errors import not_found
from app.matching import service
from app.models import Tenant
from app.profiles.workset import CANDIDATE_PROFILES_PER_KEY

router = APIRouter(prefix="/v1/settings", tags=["settings"])


class MatchingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_probability: float = Field(gt=0, lt=1, description="Auto-merge at or above this.")
    review_probability: float = Field(gt=0, lt=1, description="Review queue at or above this.")
    max_key_profiles: int = Field(
        ge=1,
        le=CANDIDATE_PROFILES_PER_KEY,
        description="An identifier held by more profiles stops linking.",
    )
    households: bool = Field(
        default=True,
        description="Guests come in households (twins, parent and child, couples): a profile "
        "that never agrees on birth date or given name is a relative, not a typo. Turn off "
        "only for registers of independent people.",
    )


class MatchingSettingsOut(MatchingSettings):
    model_version: str


def _out(thresholds: object, version: str) -> MatchingSettingsOut:
    shown = {name: getattr(thresholds, name) for name in MatchingSettings.model_fields}
    return MatchingSettingsOut(**shown, model_version=version)


@router.get("/matching", response_model=MatchingSettingsOut)
async def get_matching(session: SessionDep, client: ProfilesReader) -> MatchingSettingsOut:
    """The thresholds in force and the version of the active match model."""
    config = await service.matching_for(session, client.tenant_id)
    return _out(config.thresholds, config.model.version)


@router.put("/matching", response_model=MatchingSettingsOut)
async def put_matching(
    body: MatchingSettings, session: SessionDep, client: Admin
) -> MatchingSettingsOut:
    """Set the thresholds; they apply to every decision from now on."""
    if await session.get(Tenant, client.tenant_id) is None:
        raise not_found("tenant")
    thresholds = service.validate_thresholds(body.model_dump())
    await service.set_thresholds(session, client.tenant_id, thresholds)
    config = await service.matching_for(session, client.tenant_id)
    return _out(thresholds, config.model.version)
