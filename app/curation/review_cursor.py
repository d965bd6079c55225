"""Opaque cursors of the review queue: the order, and the sort values of the last item shown."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from app.core.errors import Problem
from app.curation.repository import ReviewOrder


def encode(order: ReviewOrder, position: list[Any]) -> str:
    """A cursor pointing after the item at `position` (`repository.position`)."""
    values = [v.isoformat() if isinstance(v, date) else v for v in position]
    return base64.urlsafe_b64encode(json.dumps([order, *values]).encode()).decode()


def decode(cursor: str | None, order: ReviewOrder) -> list[Any] | None:
    """The position a cursor names; a 422 problem when it is not one of ours for `order`."""
    if cursor is None:
        return None
    try:
        given, *values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if given == order == "priority":
            arrival, probability, ident = values
            return [date.fromisoformat(arrival), float(probability), str(ident)]
        if given == order == "probability":
            probability, ident = values
            return [float(probability), str(ident)]
        if given == order == "newest":
            (ident,) = values
            return [str(ident)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise Problem(
        422, "invalid-cursor", "Invalid cursor", "pass next_cursor as given, with the same order"
    )
