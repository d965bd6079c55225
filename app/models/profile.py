"""Guest profiles and the decisions that shaped them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field, timestamp_field


class Profile(SQLModel, table=True):
    """A guest: the golden view over every record of one person."""

    __tablename__ = "profiles"
    id: str = id_field()
    tenant_id: str = tenant_field()
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    date_of_birth: date | None = None
    golden: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    record_count: int = 0
    merged_into: str | None = Field(default=None, max_length=36, index=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class MatchDecision(SQLModel, table=True):
    """Why a record joined (or did not join) a profile: evidence, matcher version, decider."""

    __tablename__ = "match_decisions"
    __table_args__ = (sa.Index("ix_match_decisions_tenant_record", "tenant_id", "record_id"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    record_id: str = Field(foreign_key="source_records.id", max_length=36, ondelete="CASCADE")
    profile_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=20)
    reason: str = Field(default="", max_length=200)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    matcher_version: str = Field(max_length=64)
    decided_by: str = Field(max_length=100)
    created_at: datetime = created_field()


class MergeEvent(SQLModel, table=True):
    """Two profiles became one."""

    __tablename__ = "merge_events"

    id: str = id_field()
    tenant_id: str = tenant_field()
    survivor_id: str = Field(max_length=36, index=True)
    merged_id: str = Field(max_length=36, index=True)
    decision_id: str | None = Field(default=None, max_length=36)
    decided_by: str = Field(max_length=100)
    created_at: datetime = created_field()


class ReviewItem(SQLModel, table=True):
    """A possible match the matcher would not decide alone."""

    __tablename__ = "review_items"
    __table_args__ = (
        sa.Index("ix_review_items_tenant_status", "tenant_id", "status"),
        sa.Index("ix_review_items_tenant_status_arrival", "tenant_id", "status", "arrival"),
        # A merge looks up the open items of the records it moved.
        sa.Index("ix_review_items_record", "record_id"),
    )

    id: str = id_field()
    tenant_id: str = tenant_field()
    record_id: str = Field(foreign_key="source_records.id", max_length=36, ondelete="CASCADE")
    profile_id: str = Field(max_length=36)
    candidate_profile_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    reason: str = Field(default="", max_length=200)
    # What ranks the queue: the guest's arrival (soonest first), then how likely the match is.
    probability: float | None = None
    arrival: date | None = None
    status: str = Field(default="open", max_length=20)
    created_at: datetime = created_field()
    resolved_at: datetime | None = timestamp_field()
    resolved_by: str | None = Field(default=None, max_length=100)


class DoNotMerge(SQLModel, table=True):
    """Two records that must never share a profile, whatever later evidence says."""

    __tablename__ = "do_not_merge"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "record_a", "record_b"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    record_a: str = Field(max_length=150, index=True)
    record_b: str = Field(max_length=150, index=True)
    created_by: str = Field(max_length=100)
    created_at: datetime = created_field()


class MustLink(SQLModel, table=True):
    """Two records a person declared to be one guest; a rebuild keeps them together."""

    __tablename__ = "must_link"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "record_a", "record_b"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    record_a: str = Field(max_length=150, index=True)
    record_b: str = Field(max_length=150, index=True)
    created_by: str = Field(max_length=100)
    created_at: datetime = created_field()
