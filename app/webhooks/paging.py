"""Opaque keyset cursors for newest-first lists: (timestamp, id) of the last item shown."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from app.core.errors import Problem

Cursor = tuple[datetime, str]


def encode(moment: datetime, row_id: str) -> str:
    """A cursor pointing after this row."""
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{row_id}".encode()).decode()


def decode(cursor: str | None) -> Cursor | None:
    """The position a cursor names; a 422 problem when it is not one of ours."""
    if cursor is None:
        return None
    try:
        moment, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        parsed = datetime.fromisoformat(moment)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Problem(422, "invalid-cursor", "Invalid cursor", "pass next_cursor as given") from exc
    if parsed.tzinfo is None:
        raise Problem(422, "invalid-cursor", "Invalid cursor", "pass next_cursor as given")
    return parsed, row_id
