"""The event types tenants can subscribe to, and how an outbox event becomes a message body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from app.models import Event


@dataclass(frozen=True)
class EventType:
    """One subscribable type: what it means and whether it belongs to one property."""

    name: str
    description: str
    scope: Literal["property", "tenant"]


EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType(
            "hint.created",
            "A check-in hint for an arriving reservation: who the guest is, earlier stays, "
            "preferences, offers and alerts. Sent again when it changes: keep the highest "
            "`version` per reservation.",
            "property",
        ),
        EventType(
            "hint.withdrawn",
            "The reservation of an earlier hint was cancelled: stop showing that hint. Data: "
            "source, reservation_id, property_id, profile_id, arrival, version (above the "
            "withdrawn hint's: keep the highest per reservation), withdrawn_at, reason "
            "(`cancelled`). Should the reservation return, a new hint.created follows.",
            "property",
        ),
        EventType("guest.created", "A new guest profile was created. Data: profile_id.", "tenant"),
        EventType(
            "guest.merged",
            "Two profiles were found to be one guest: merged_id now forwards to survivor_id. "
            "Data: survivor_id, merged_id, profile_id (the survivor).",
            "tenant",
        ),
        EventType(
            "guest.unmerged",
            "A wrong merge was undone: the records listed moved to split_profile_id. Data: "
            "profile_id (the profile they left), split_profile_id, records (`source:id` each), "
            "decided_by.",
            "tenant",
        ),
        EventType(
            "guest.erased",
            "A guest's personal data was erased (GDPR Art. 17): delete your copies (Art. 19).",
            "tenant",
        ),
        EventType(
            "guests.rebuilt",
            "The tenant's profiles were rebuilt by a new matcher: profile ids may have moved "
            "(a retired id forwards to where most of its records went). Data: records_moved, "
            "reviews_opened, reviews_withdrawn, reviews_kept (the open review queue after it), "
            "matcher_version.",
            "tenant",
        ),
    )
}


def message_id(event_id: str) -> str:
    """The `webhook-id` of an event's message: derived, so a message exists once per event."""
    return "msg_" + event_id.replace("-", "")


def property_of(event: Event) -> str | None:
    """The property an event belongs to, if any (hints carry the property's code)."""
    value = event.payload.get("property_id")
    return str(value) if value is not None else None


def message_body(event: Event) -> str:
    """The JSON body receivers get: type, the event's own time (order is not guaranteed), data."""
    data: dict[str, Any] = dict(event.payload)
    if event.profile_id is not None:
        data.setdefault("profile_id", event.profile_id)
    body = {"type": event.type, "timestamp": _iso(event.created_at), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
