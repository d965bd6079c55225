"""Survivorship: the golden view of a profile from its source records (pure).

Per field, values that mean the same (Müller / Mueller, two spellings of one phone) are grouped;
the group wins that is verified, then seen most often, then from the most trusted source, then
most recent. The shown value is the best-sourced spelling of the winning group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Property systems know the guest at the desk; OTAs see a booker behind an alias.
DEFAULT_SOURCE_PRIORITY: Mapping[str, int] = {
    "mews": 5,
    "apaleo": 5,
    "cloudbeds": 5,
    "opera": 5,
    "pms": 5,
    "widget": 4,
    "social": 4,
    "direct": 4,
    "walkin": 4,
    "import": 3,
    "booking": 1,
    "expedia": 1,
    "ota": 1,
}
UNKNOWN_SOURCE_PRIORITY = 3


@dataclass(frozen=True)
class RecordView:
    """What survivorship needs of a record."""

    source: str
    data: Mapping[str, Any]
    normalised: Mapping[str, Any]
    updated_at: datetime


# Fields whose values are grouped by their normalised form (Müller / Mueller, phone spellings).
_GROUPED_BY = {
    "first_name": "given_key",
    "last_name": "family_key",
    "email": "email",
    "phone": "phone",
}
# What survivorship reads of a record's normalised form.
NORMALISED_FIELDS = ("given_key", "family_key", "email", "phone", "email_kind")


def _display(record: RecordView, field: str) -> Any:
    if field == "phone" and record.normalised.get("phone"):
        return record.normalised["phone"]
    return record.data[field]


def _strength(
    members: list[RecordView], field: str, trust: Callable[[RecordView], int]
) -> tuple[bool, int, int, datetime]:
    """Verified, then frequent, then trusted, then recent."""
    verified = field == "email" and any(m.data.get("email_verified") for m in members)
    return (verified, len(members), max(map(trust, members)), max(m.updated_at for m in members))


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


def golden_view(
    records: Sequence[RecordView], priority: Mapping[str, int] = DEFAULT_SOURCE_PRIORITY
) -> dict[str, Any]:
    """Pick each golden field by the survivorship rules above."""

    def trust(record: RecordView) -> int:
        return priority.get(record.source, UNKNOWN_SOURCE_PRIORITY)

    golden: dict[str, Any] = {}
    for field in GOLDEN_FIELDS:
        grouped_by = _GROUPED_BY.get(field)
        groups: dict[Any, list[RecordView]] = {}
        for record in records:
            value = record.data.get(field)
            # A relay alias reaches the guest only for one booking, a placeholder (noemail@)
            # nobody: neither is the profile's email.
            if not value or (field == "email" and record.normalised.get("email_kind") != "real"):
                continue
            group = (grouped_by and record.normalised.get(grouped_by)) or repr(value)
            groups.setdefault(group, []).append(record)
        if not groups:
            continue
        if len(groups) == 1:
            (best_group,) = groups.values()
        else:
            best_group = max(groups.values(), key=lambda g: _strength(g, field, trust))
        if len(best_group) == 1:
            shown = best_group[0]
        else:
            shown = max(best_group, key=lambda r: (trust(r), r.updated_at))
        golden[field] = _display(shown, field)
    golden["vip"] = any(r.data.get("vip") for r in records)
    golden["do_not_rent"] = any(r.data.get("do_not_rent") for r in records)
    return golden


def profile_columns(records: Sequence[RecordView]) -> dict[str, Any]:
    """The stored columns of a profile made of `records`: golden view and its searchable parts."""
    golden = golden_view(records)
    dob = golden.get("date_of_birth")
    return {
        "golden": golden,
        "first_name": golden.get("first_name"),
        "last_name": golden.get("last_name"),
        "email": golden.get("email"),
        "phone": golden.get("phone"),
        "date_of_birth": dob if dob is None or isinstance(dob, date) else date.fromisoformat(dob),
        "record_count": len(records),
    }
