"""Curation endpoints: explain, merge, unmerge, the review queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import ProfilesReader, ProfilesWriter, SessionDep
from app.curation import repository as repo
from app.curation import review_cursor, service
from app.curation.review_views import review_views
from app.curation.schemas import (
    Explanation,
    MergeRequest,
    MergeResult,
    ReviewDecision,
    ReviewList,
    ReviewOut,
    UnmergeRequest,
    UnmergeResult,
)
from app.models import ReviewItem

router = APIRouter(prefix="/v1", tags=["curation"])


def _who(client_id: str) -> str:
    return f"client:{client_id}"


@router.get("/profiles/{profile_id}/explain", response_model=Explanation)
async def explain(profile_id: str, session: SessionDep, client: ProfilesReader) -> Explanation:
    """Why these records are one guest: per-record decisions with per-field weights."""
    return await service.explain(session, client.tenant_id, profile_id)


@router.post("/profiles/{profile_id}/merge", response_model=MergeResult)
async def merge(
    profile_id: str, body: MergeRequest, session: SessionDep, client: ProfilesWriter
) -> MergeResult:
    """Merge other profiles into this one (refused where a do-not-merge rule stands)."""
    survivor, merged = await service.merge_profiles(
        session, client.tenant_id, profile_id, body.profile_ids, _who(client.client_id)
    )
    return MergeResult(profile_id=survivor, merged_profile_ids=merged)


@router.post("/profiles/{profile_id}/unmerge", response_model=UnmergeResult)
async def unmerge(
    profile_id: str, body: UnmergeRequest, session: SessionDep, client: ProfilesWriter
) -> UnmergeResult:
    """Split the listed records into a new profile; they will not be merged back."""
    return await service.unmerge(
        session, client.tenant_id, profile_id, body.records, _who(client.client_id)
    )


async def _review_out(session: SessionDep, tenant_id: str, item: ReviewItem) -> ReviewOut:
    record = await repo.record_by_id(session, tenant_id, item.record_id)
    assert record is not None
    row = (item, record.source, record.source_record_id, record.profile_id)
    (view,) = await review_views(session, tenant_id, [row])
    return view


@router.get("/reviews", response_model=ReviewList)
async def list_reviews(
    session: SessionDep,
    client: ProfilesReader,
    status: Annotated[
        Literal["open", "approved", "rejected", "withdrawn"] | None, Query()
    ] = "open",
    order: Annotated[
        repo.ReviewOrder,
        Query(
            description="priority: guests arriving soonest first, then the likeliest matches; "
            "newest; or probability."
        ),
    ] = "priority",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[
        str | None, Query(description="next_cursor of the page before, with the same order.")
    ] = None,
) -> ReviewList:
    """Possible matches waiting for a person to decide, a page at a time."""
    after = review_cursor.decode(cursor, order)
    today = (after.today if after else None) or datetime.now(UTC).date()
    position = after.position if after else None
    rows = await repo.reviews(session, client.tenant_id, status, limit + 1, order, today, position)
    last = rows[limit - 1][0] if len(rows) > limit else None
    return ReviewList(
        items=await review_views(session, client.tenant_id, rows[:limit]),
        next_cursor=review_cursor.encode(order, repo.position(last, order, today), today)
        if last
        else None,
    )


@router.post("/reviews/{review_id}/approve", response_model=ReviewOut)
async def approve(
    review_id: str,
    session: SessionDep,
    client: ProfilesWriter,
    body: ReviewDecision | None = None,
) -> ReviewOut:
    """Same guest: merge the record's profile with the candidates."""
    item = await service.resolve_review(
        session, client.tenant_id, review_id, True, _who(client.client_id)
    )
    return await _review_out(session, client.tenant_id, item)


@router.post("/reviews/{review_id}/reject", response_model=ReviewOut)
async def reject(
    review_id: str,
    session: SessionDep,
    client: ProfilesWriter,
    body: ReviewDecision | None = None,
) -> ReviewOut:
    """Different guests: keep them apart, also against later evidence."""
    item = await service.resolve_review(
        session, client.tenant_id, review_id, False, _who(client.client_id)
    )
    return await _review_out(session, client.tenant_id, item)
