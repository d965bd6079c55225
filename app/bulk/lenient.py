"""The looser reading of files exported by other systems: mend what is unambiguous, drop the rest.

A PMS export writes ids as numbers, leaves fields as "", writes dates as 14.03.1985 and adds
columns of its own. Refusing the whole line for one such field would lose the guest; the API
stays strict, a file import mends the field or drops it and says so in its summary. The
identity of a line (`source`, `source_record_id`) is never guessed: without it the line fails.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from app.bulk.columns import read_as_known
from app.ingest.validation import validate_record
from connectors.base import GuestRecord

_REQUIRED = ("source", "source_record_id")
_ROUNDS = 4  # each round mends every field the previous one reported
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_YEAR_FIRST = re.compile(r"^\s*(\d{4})[./](\d{1,2})[./](\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")


def read_lenient(item: Any) -> tuple[GuestRecord | None, list[dict[str, Any]], list[str]]:
    """(record, errors, repairs): validate, mending or dropping the fields that fail."""
    record, errors = validate_record(item)
    if record is not None or not isinstance(item, dict):
        return record, errors, []
    mended: dict[str, Any] = copy.deepcopy(item)
    repairs: list[str] = []
    for _ in range(_ROUNDS):
        # Columns read under their generic names first: a stay's `check_in` is its arrival,
        # and the stay must not be dropped for a missing arrival in the same round.
        renamed: list[str | None] = [fix for err in errors if (fix := _rename(mended, err))]
        fixes = renamed or [_mend(mended, err) for err in errors]
        if any(fix is None for fix in fixes):
            return None, errors, []  # something we will not guess: the line fails as it was
        repairs.extend(fix for fix in fixes if fix)
        record, errors = validate_record(mended)
        if record is not None:
            return record, [], repairs
    return None, errors, []


def _rename(item: dict[str, Any], error: dict[str, Any]) -> str:
    """Read an unknown column as the generic field it means, in place: what was done, or ""."""
    path = [p for p in str(error.get("pointer", "")).split("/") if p]
    if error.get("code") != "extra_forbidden" or not 1 <= len(path) <= 2:
        return ""
    parent = item if len(path) == 1 else item.get(path[0])
    if not isinstance(parent, dict) or path[-1] not in parent:
        return ""
    known = read_as_known(item, "/".join(path[:-1]), parent, path[-1])
    return f"/{'/'.join(path)}: read as {known}" if known else ""


def _mend(item: dict[str, Any], error: dict[str, Any]) -> str | None:
    """Mend the field an error points at, in place: what was done ("" if nothing was left to
    do), or None when it is not ours to mend."""
    path = [p for p in str(error.get("pointer", "")).split("/") if p]
    code = str(error.get("code"))
    if not path or (path[0] in _REQUIRED and code != "string_type"):
        return None
    parent: Any = item
    for part in path[:-1]:
        parent = parent.get(part) if isinstance(parent, dict) else None
    name = path[-1]
    if parent is None and len(path) > 1:
        return ""  # its block was dropped by an earlier repair of this round
    if not isinstance(parent, dict):
        return None
    if name not in parent:
        # A block without a field it needs (a stay without its arrival): the block goes.
        if code != "missing" or len(path) < 2:
            return None
        return _drop(item, path[:-1], code)
    value = parent[name]
    for mender in _MENDERS.get(code, ()):
        mended = mender(value)
        if mended is not _UNMENDED:
            parent[name] = mended
            return f"/{'/'.join(path)}: {mender.__doc__}"
    return _drop(item, path, code)


def _drop(item: dict[str, Any], path: list[str], code: str) -> str | None:
    if path[0] in _REQUIRED:
        return None
    parent: Any = item
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return f"/{'/'.join(path)}: dropped ({code})"


_UNMENDED = object()


def _as_text(value: Any) -> Any:
    """number read as text"""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _UNMENDED
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _as_date(value: Any) -> Any:
    """date read from another format"""
    if not isinstance(value, str):
        return _UNMENDED
    if found := _DAY_FIRST.match(value):
        day, month, year = (int(g) for g in found.groups())
        if month > 12 >= day:  # 03/14/1985: written month first
            day, month = month, day
    elif found := _YEAR_FIRST.match(value) or _COMPACT.match(value):
        year, month, day = (int(g) for g in found.groups())
    else:
        return _UNMENDED
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return _UNMENDED


def _date_part(value: Any) -> Any:
    """date part of a date and time"""
    return value[:10] if isinstance(value, str) and _DATE_TIME.match(value) else _UNMENDED


def _as_address(value: Any) -> Any:
    """address line read as an address"""
    return {"line1": value.strip()[:200]} if isinstance(value, str) and value.strip() else _UNMENDED


_MENDERS: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "string_type": (_as_text,),
    "date_from_datetime_parsing": (_as_date,),
    "date_parsing": (_as_date,),
    "date_from_datetime_inexact": (_as_date, _date_part),
    "model_type": (_as_address,),
}
