"""API shapes of merges, unmerges, reviews and explanations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.profiles.schemas import ProfileSummary


class RecordId(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=40)
    source_record_id: str = Field(min_length=1, max_length=100)


class UnmergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RecordId] = Field(min_length=1, max_length=500)
    reason: str | None = Field(default=None, max_length=500)


class UnmergeResult(BaseModel):
    profile_id: str
    split_profile_id: str
    do_not_merge_rules: int


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile_ids: list[str] = Field(min_length=1, max_length=50)
    reason: str | None = Field(default=None, max_length=500)


class MergeResult(BaseModel):
    profile_id: str
    merged_profile_ids: list[str]


class ReviewOut(BaseModel):
    id: str
    status: str
    record: RecordId
    profile_id: str
    candidate_profile_ids: list[str]
    guest: ProfileSummary | None = Field(description="The record's guest as it stands now.")
    candidates: list[ProfileSummary] = Field(
        description="The guests the record may be, as they stand now (merges followed)."
    )
    reason: str
    probability: float | None = Field(
        description="Match probability toward the likeliest candidate guest."
    )
    arrival: date | None = Field(description="Arrival of the record's stay, if it has one.")
    evidence: list[dict[str, Any]]
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


class ReviewList(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same order) for the next page; null at the end."
    )


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=500)


class DecisionOut(BaseModel):
    action: str
    reason: str
    matcher_version: str
    decided_by: str
    created_at: datetime
    evidence: list[dict[str, Any]]


class ExplainedRecord(BaseModel):
    source: str
    source_record_id: str
    decisions: list[DecisionOut]


class MergeOut(BaseModel):
    merged_id: str
    decided_by: str
    created_at: datetime


class Explanation(BaseModel):
    profile_id: str
    records: list[ExplainedRecord]
    merges: list[MergeOut]
    do_not_merge: list[list[str]]
