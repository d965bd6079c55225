"""The one line a front-desk screen shows for an arriving guest (pure)."""

from __future__ import annotations

from app.hints.schemas import HintOut, PreferenceHint

MAX_SUMMARY = 240
PREFERENCES_SHOWN = 3


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def preference_phrase(p: PreferenceHint) -> str:
    """'king bed', 'high floor', 'non-smoking', 'quiet'; a disputed value gets a '?'."""
    name, value = p.name, p.value
    if name == "smoking" and isinstance(value, bool):
        text = "smoking" if value else "non-smoking"
    elif isinstance(value, bool):
        text = name.replace("_", " ") if value else f"no {name.replace('_', ' ')}"
    elif name in ("bed", "floor", "view", "pillow"):
        text = f"{value} {name}"
    else:
        text = f"{name.replace('_', ' ')}: {value}"
    return text + ("?" if p.conflict else "")


def summary_line(h: HintOut) -> str:
    """Who is arriving and what to do about it, most important first."""
    parts: list[str] = []
    if any(a.code == "do_not_rent" for a in h.alerts):
        parts.append("DO NOT RENT")
    parts.append(h.guest_name or "Guest")
    if h.repeat_guest:
        here = f", {h.previous_stays_here} here" if h.property_id else ""
        parts.append(f"{ordinal(h.previous_stays + 1)} stay ({h.segment.label}{here})")
    else:
        parts.append("first stay")
    if h.tier in ("vip", "major"):
        parts.append("VIP guest" if h.tier == "vip" else "major guest")
    elif any(a.code == "vip" for a in h.alerts):
        parts.append("VIP")
    if h.last_stay is not None:
        where = f" at {h.last_stay.property_id}" if h.last_stay.property_id else ""
        room = f", {h.last_stay.room_type}" if h.last_stay.room_type else ""
        parts.append(f"last {h.last_stay.arrival.strftime('%b %Y')}{where}{room}")
    if h.preferences:
        parts.append(
            "prefers " + ", ".join(preference_phrase(p) for p in h.preferences[:PREFERENCES_SHOWN])
        )
    for occasion in h.occasions:
        day = f"{occasion.date.day} {occasion.date.strftime('%b')}"
        label = (
            "birthday" if occasion.kind == "birthday" else f"{ordinal(occasion.years)} anniversary"
        )
        parts.append(f"{label} {day}")
    if any(a.code == "past_complaint" for a in h.alerts):
        parts.append("recover past complaint")
    if any(a.code == "identity_review" for a in h.alerts):
        parts.append("confirm identity")
    if h.upgrade_offer is not None:
        parts.append(f"offer {h.upgrade_offer.from_room_type}→{h.upgrade_offer.to_room_type}")
    if any(a.code == "book_direct" for a in h.alerts):
        parts.append("invite to book direct")
    line = " · ".join(parts)
    return line if len(line) <= MAX_SUMMARY else line[: MAX_SUMMARY - 1] + "…"
