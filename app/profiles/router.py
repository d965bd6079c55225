"""Profile endpoints: read one, search, and find the profile of a source record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import ProfilesReader, RecordsReader, SessionDep
from app.profiles import service
from app.profiles.schemas import ProfileList, ProfileOut, RecordOut

router = APIRouter(prefix="/v1", tags=["profiles"])


@router.get("/profiles/{profile_id}", response_model=ProfileOut)
async def get_profile(profile_id: str, session: SessionDep, client: ProfilesReader) -> ProfileOut:
    """A guest profile: golden fields, identifiers, records, stays and preferences."""
    return await service.profile_detail(session, client.tenant_id, profile_id)


@router.get("/profiles", response_model=ProfileList)
async def search_profiles(
    session: SessionDep,
    client: ProfilesReader,
    email: Annotated[str | None, Query(max_length=254)] = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProfileList:
    """Profiles by email, phone and/or name (all given criteria must match)."""
    items = await service.search_profiles(session, client.tenant_id, email, phone, name, limit)
    return ProfileList(items=items)


@router.get("/records/{source}/{source_record_id}", response_model=RecordOut)
async def get_record(
    source: str, source_record_id: str, session: SessionDep, client: RecordsReader
) -> RecordOut:
    """A stored source record and the profile it resolved to."""
    return await service.record_detail(session, client.tenant_id, source, source_record_id)
