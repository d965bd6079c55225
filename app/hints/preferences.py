"""Preferences learned across a guest's records (pure).

Explicit preference fields beat free-text requests, repeated observations beat one-offs, recent
beats old; values that disagree are all shown with their counts, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from connectors.opentravel import special_request_preferences

Kind = Literal["explicit", "request"]
PreferenceValue = str | bool | int | float

# Beyond bed, smoking and floor (which the OpenTravel connector already reads), what a request
# states plainly enough to remember for the next stay (value None: the word it names).
_MORE: tuple[tuple[re.Pattern[str], str, PreferenceValue | None], ...] = (
    (re.compile(r"\bquiet\b|away from (?:the )?(?:lift|elevator|street)", re.I), "quiet", True),
    (
        re.compile(r"\b(?:hypo-?allergenic|anti-?allergy|feather[- ]free|no feathers?)\b", re.I),
        "pillow",
        "hypoallergenic",
    ),
    (re.compile(r"\bfeather pillows?\b", re.I), "pillow", "feather"),
    (re.compile(r"\b(?:wheelchair|accessible room|step[- ]free)\b", re.I), "accessible", True),
    (re.compile(r"\b(sea|ocean|lake|city|garden|mountain) view\b", re.I), "view", None),
)


def request_preferences(text: str | None) -> dict[str, PreferenceValue]:
    """Preferences a free-text request states explicitly (bed, smoking, floor, view…)."""
    if not text:
        return {}
    found: dict[str, PreferenceValue] = dict(special_request_preferences(text))
    for pattern, name, value in _MORE:
        if name in found:
            continue
        if match := pattern.search(text):
            found[name] = match.group(1).lower() if value is None else value
    return found


@dataclass(frozen=True)
class RecordFacts:
    """What preference learning needs of a stored record."""

    source: str
    data: Mapping[str, Any]
    updated_at: datetime

    @property
    def observed_at(self) -> datetime:
        """When the guest said it: the stay it came with, else the source's own timestamp.

        A bulk import stores years of history in one afternoon; its storage time says
        nothing about which preference is recent.
        """
        moments = [self.updated_at]
        stay = self.data.get("stay") or {}
        if arrival := stay.get("arrival"):
            moments.append(datetime.combine(date.fromisoformat(arrival), time(), UTC))
        elif stated := _timestamp(self.data.get("updated_at")):
            moments.append(stated)
        return min(moments)


def _timestamp(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Observation:
    """One record saying one thing about one preference."""

    name: str
    value: PreferenceValue
    kind: Kind
    seen: datetime
    source: str


def observations(records: Iterable[RecordFacts]) -> list[Observation]:
    """Every preference the records state, told apart by how it was stated."""
    out: list[Observation] = []
    for record in records:
        stated = record.data.get("preferences") or {}
        from_text = request_preferences(record.data.get("special_requests"))
        seen = record.observed_at
        for name, value in stated.items():
            # OTA connectors copy what the request text says into `preferences`: an equal
            # value read from the same record's text is a request, not a profile field.
            kind: Kind = "request" if from_text.get(name) == value else "explicit"
            out.append(Observation(name, value, kind, seen, record.source))
        for name, value in from_text.items():
            if name not in stated:
                out.append(Observation(name, value, "request", seen, record.source))
    return out


@dataclass(frozen=True)
class ValueSeen:
    """One value of a preference and the evidence for it."""

    value: PreferenceValue
    count: int
    last_seen: datetime
    sources: tuple[str, ...]
    kind: Kind

    def rank(self) -> tuple[bool, int, datetime]:
        return (self.kind == "explicit", self.count, self.last_seen)


@dataclass(frozen=True)
class LearnedPreference:
    """The value to act on, and the values that disagree with it."""

    name: str
    best: ValueSeen
    others: tuple[ValueSeen, ...]

    @property
    def conflict(self) -> bool:
        return bool(self.others)


def learn(observed: Iterable[Observation]) -> list[LearnedPreference]:
    """Group observations by preference and value, and rank the values of each."""
    grouped: dict[str, dict[str, list[Observation]]] = {}
    for obs in observed:
        grouped.setdefault(obs.name, {}).setdefault(_value_key(obs.value), []).append(obs)
    learned = []
    for name, values in grouped.items():
        seen = sorted((_summarise(group) for group in values.values()), key=ValueSeen.rank)
        seen.reverse()
        learned.append(LearnedPreference(name, seen[0], tuple(seen[1:])))
    return sorted(learned, key=lambda p: (p.best.kind != "explicit", -p.best.count, p.name))


def _value_key(value: PreferenceValue) -> str:
    # True and 1 are different answers; "King" and "king" are the same one.
    return f"{type(value).__name__}:{str(value).strip().lower()}"


def _summarise(group: list[Observation]) -> ValueSeen:
    latest = max(group, key=lambda o: o.seen)
    return ValueSeen(
        value=latest.value,
        count=len(group),
        last_seen=latest.seen,
        sources=tuple(sorted({o.source for o in group})),
        kind="explicit" if any(o.kind == "explicit" for o in group) else "request",
    )
