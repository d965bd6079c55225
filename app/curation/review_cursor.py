"""Opaque cursors of the review queue: the order, and the sort values of the last item shown.

A priority cursor also keeps the day its first page was read on: the queue splits upcoming from
past arrivals by that day, and a queue paged across midnight keeps one split, so no item is
shown twice or skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.errors import Problem
from app.curation.repository import ReviewOrder


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after `position`, in the queue as it was split on `today`."""

    position: list[Any]
    today: date | None = None  # priority order only


def encode(order: ReviewOrder, position: list[Any], today: date) -> str:
    """A cursor pointing after the item at `position` (`repository.position` on `today`)."""
    values = [v.isoformat() if isinstance(v, date) else v for v in position]
    if order == "priority":
        values.insert(0, today.isoformat())
    return base64.urlsafe_b64encode(json.dumps([order, *values]).encode()).decode()


def decode(cursor: str | None, order: ReviewOrder) -> Cursor | None:
    """The position a cursor names; a 422 problem when it is not one of ours for `order`."""
    if cursor is None:
        return None
    try:
        given, *values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if given == order == "priority":
            today, arrival, probability, ident = values
            position = [date.fromisoformat(arrival), float(probability), str(ident)]
            return Cursor(position, date.fromisoformat(today))
        if given == order == "probability":
            probability, ident = values
            return Cursor([float(probability), str(ident)])
        if given == order == "newest":
            (ident,) = values
            return Cursor([str(ident)])
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise Problem(
        422, "invalid-cursor", "Invalid cursor", "pass next_cursor as given, with the same order"
    )
