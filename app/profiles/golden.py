"""Survivorship: the golden view of a profile from its source records (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GOLDEN_FIELDS = (
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "gender",
    "nationality",
    "language",
    "address",
    "loyalty_number",
)


@dataclass(frozen=True)
class RecordView:
    """What survivorship needs of a record."""

    data: dict[str, Any]
    updated_at: datetime


def _email_ok(data: dict[str, Any]) -> bool:
    return bool(data.get("email")) and not data.get("email_masked")


def _rank(view: RecordView, field: str) -> tuple[int, datetime]:
    """Verified over unverified, then recent over old."""
    verified = field == "email" and bool(view.data.get("email_verified"))
    return (1 if verified else 0, view.updated_at)


def golden_view(records: Sequence[RecordView]) -> dict[str, Any]:
    """Pick each golden field from the best record that has it."""
    golden: dict[str, Any] = {}
    for field in GOLDEN_FIELDS:
        holders = [r for r in records if r.data.get(field)]
        if field == "email":
            holders = [r for r in holders if _email_ok(r.data)] or holders
        if not holders:
            continue
        counts = Counter(str(r.data[field]) for r in holders)
        best = max(holders, key=lambda r: (*_rank(r, field), counts[str(r.data[field])]))
        golden[field] = best.data[field]
    golden["vip"] = any(r.data.get("vip") for r in records)
    golden["do_not_rent"] = any(r.data.get("do_not_rent") for r in records)
    return golden


def name_key(last_name: str | None) -> str | None:
    """Lower-case search key of a family name."""
    return last_name.casefold().strip() if last_name else None
