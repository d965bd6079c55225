"""Queries of curation: decisions, reviews, do-not-merge rules. Every query filters by tenant."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, Literal, cast

from sqlalchemy import Date, and_, case, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import DoNotMerge, MatchDecision, MustLink, ReviewItem, SourceRecord


async def decisions_for(
    session: AsyncSession, tenant_id: str, record_ids: Collection[str]
) -> Sequence[MatchDecision]:
    """Every decision about the given records, oldest first."""
    stmt = (
        select(MatchDecision)
        .where(MatchDecision.tenant_id == tenant_id, col(MatchDecision.record_id).in_(record_ids))
        .order_by(col(MatchDecision.created_at))
    )
    return (await session.exec(stmt)).all()


async def rules_touching(
    session: AsyncSession, tenant_id: str, record_keys: Collection[str]
) -> Sequence[DoNotMerge]:
    """Do-not-merge rules with either side among `record_keys`."""
    keys = list(record_keys)
    stmt = select(DoNotMerge).where(
        DoNotMerge.tenant_id == tenant_id,
        col(DoNotMerge.record_a).in_(keys) | col(DoNotMerge.record_b).in_(keys),
    )
    return (await session.exec(stmt)).all()


async def add_rule(session: AsyncSession, tenant_id: str, a: str, b: str, created_by: str) -> bool:
    """Store a do-not-merge rule once (pairs are kept in sorted order)."""
    first, second = sorted((a, b))
    exists = (
        await session.exec(
            select(DoNotMerge.id).where(
                DoNotMerge.tenant_id == tenant_id,
                DoNotMerge.record_a == first,
                DoNotMerge.record_b == second,
            )
        )
    ).first()
    if exists is not None:
        return False
    session.add(
        DoNotMerge(tenant_id=tenant_id, record_a=first, record_b=second, created_by=created_by)
    )
    return True


ReviewOrder = Literal["priority", "newest", "probability"]
# What sorts after every arrival and below every probability: items without one come last.
_NO_ARRIVAL = date.max
_NO_PROBABILITY = -1.0


def _sort_keys(order: ReviewOrder, today: date) -> list[tuple[ColumnElement[Any], bool]]:
    """The queue's ordering as (expression, descending) pairs; the id (time-ordered, newest
    last) breaks every tie, so a position in the queue is a row's values of these."""
    likeliest = func.coalesce(col(ReviewItem.probability), _NO_PROBABILITY)
    newest = cast(ColumnElement[Any], col(ReviewItem.id))
    if order == "newest":
        return [(newest, True)]
    if order == "probability":
        return [(likeliest, True), (newest, True)]
    upcoming = case((col(ReviewItem.arrival) >= today, ReviewItem.arrival))
    soonest = func.coalesce(upcoming, literal(_NO_ARRIVAL, Date))
    return [(soonest, False), (likeliest, True), (newest, True)]


def position(item: ReviewItem, order: ReviewOrder, today: date) -> list[Any]:
    """The item's values of the queue's sort keys (as `_sort_keys` computes them)."""
    likeliest = item.probability if item.probability is not None else _NO_PROBABILITY
    if order == "newest":
        return [item.id]
    if order == "probability":
        return [likeliest, item.id]
    upcoming = item.arrival if item.arrival is not None and item.arrival >= today else None
    return [upcoming or _NO_ARRIVAL, likeliest, item.id]


def _after(keys: list[tuple[ColumnElement[Any], bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows that sort after the position `values` under `keys`."""
    pairs = list(zip(keys, values, strict=True))
    (column, descending), value = pairs[-1]
    beyond: ColumnElement[bool] = column < value if descending else column > value
    for (column, descending), value in reversed(pairs[:-1]):
        further = column < value if descending else column > value
        beyond = or_(further, and_(column == value, beyond))
    return beyond


async def reviews(
    session: AsyncSession,
    tenant_id: str,
    status: str | None,
    limit: int,
    order: ReviewOrder,
    today: date,
    after: list[Any] | None = None,
) -> Sequence[tuple[ReviewItem, str, str, str]]:
    """Review items with their record (source, id, current profile), in the asked order,
    from the position `after` (`position` of the last item of the page before) on.

    priority: guests arriving from `today` on first, soonest first; then the likeliest
    matches; then the newest.
    """
    stmt = (
        select(
            ReviewItem,
            SourceRecord.source,
            SourceRecord.source_record_id,
            SourceRecord.profile_id,
        )
        .join(SourceRecord, col(SourceRecord.id) == col(ReviewItem.record_id))
        .where(ReviewItem.tenant_id == tenant_id, SourceRecord.tenant_id == tenant_id)
    )
    if status:
        stmt = stmt.where(ReviewItem.status == status)
    keys = _sort_keys(order, today)
    if after is not None:
        stmt = stmt.where(_after(keys, after))
    stmt = stmt.order_by(*(column.desc() if desc else column.asc() for column, desc in keys))
    rows = (await session.exec(stmt.limit(limit))).all()
    return [(item, source, ident, profile) for item, source, ident, profile in rows]


async def open_reviews(session: AsyncSession, tenant_id: str) -> Sequence[ReviewItem]:
    """The tenant's open review items, oldest first."""
    stmt = (
        select(ReviewItem)
        .where(ReviewItem.tenant_id == tenant_id, ReviewItem.status == "open")
        .order_by(col(ReviewItem.created_at), col(ReviewItem.id))
    )
    return (await session.exec(stmt)).all()


async def review(session: AsyncSession, tenant_id: str, review_id: str) -> ReviewItem | None:
    """One review item of the tenant."""
    stmt = select(ReviewItem).where(ReviewItem.tenant_id == tenant_id, ReviewItem.id == review_id)
    return (await session.exec(stmt)).first()


async def record_by_id(
    session: AsyncSession, tenant_id: str, record_id: str
) -> SourceRecord | None:
    """A record by its row id, within the tenant."""
    stmt = select(SourceRecord).where(
        SourceRecord.tenant_id == tenant_id, SourceRecord.id == record_id
    )
    return (await session.exec(stmt)).first()


async def add_must_link(session: AsyncSession, tenant_id: str, a: str, b: str, by: str) -> None:
    """Remember that a person joined these two records."""
    first, second = sorted((a, b))
    session.add(MustLink(tenant_id=tenant_id, record_a=first, record_b=second, created_by=by))


async def drop_must_links(
    session: AsyncSession, tenant_id: str, side_a: Collection[str], side_b: Collection[str]
) -> None:
    """Forget must-links between two groups of records (an unmerge overrides an old merge)."""
    a, b = list(side_a), list(side_b)
    await session.exec(
        delete(MustLink).where(
            col(MustLink.tenant_id) == tenant_id,
            (col(MustLink.record_a).in_(a) & col(MustLink.record_b).in_(b))
            | (col(MustLink.record_a).in_(b) & col(MustLink.record_b).in_(a)),
        )
    )
