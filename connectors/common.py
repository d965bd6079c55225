"""Small helpers every connector shares: values, dates, records, secrets and relay emails."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from connectors.base import GuestRecord
from connectors.cards import scrub
from connectors.text import strip_controls

# Relay domains: the address reaches the guest only through the channel, for one booking.
RELAY_DOMAINS = (
    "guest.booking.com",
    "m.expediapartnercentral.com",
    "agoda-messaging.com",
    "guest.airbnb.com",
    "guest.trip.com",
    "privaterelay.appleid.com",
)


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None or isinstance(value, dict | list):
        return None
    out = str(value).strip()
    return out or None


def dig(obj: Any, *path: str | int) -> Any:
    """Follow keys/indexes through nested dicts and lists; None when any step is missing."""
    for step in path:
        if isinstance(step, int):
            obj = obj[step] if isinstance(obj, list) and -len(obj) <= step < len(obj) else None
        else:
            obj = obj.get(step) if isinstance(obj, dict) else None
        if obj is None:
            return None
    return obj


def as_list(value: Any) -> list[Any]:
    """A list whatever the source sent: missing -> [], one object -> [object]."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def to_date(value: Any, tz: tzinfo | None = None) -> date | None:
    """A calendar date from 'YYYY-MM-DD' or an ISO timestamp (converted to `tz` when given)."""
    raw = text(value)
    if not raw:
        return None
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if tz is not None and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.date()


def version(value: Any) -> str | None:
    """A source timestamp as UTC ISO 8601 (Z), so versions with different offsets compare as text.

    Sources that send local time with an offset change the offset with daylight saving time;
    naive or unparsable values are kept as sent (one source, one format)."""
    raw = text(value)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    if moment.tzinfo is None:
        return raw
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_float(value: Any) -> float | None:
    """A float from a number or numeric string, else None."""
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def to_bool(value: Any) -> bool | None:
    """True/False from booleans, 1/0 and the usual strings; None when unknown."""
    if isinstance(value, bool):
        return value
    raw = (text(value) or "").lower()
    if raw in {"true", "1", "yes", "y"}:
        return True
    if raw in {"false", "0", "no", "n"}:
        return False
    return None


def without_controls(value: Any) -> Any:
    """`value` with C0 control characters removed from every string and key, at any depth.

    A string that held nothing else becomes None, as a blank value would."""
    if isinstance(value, str):
        cleaned = strip_controls(value)
        return None if cleaned != value and not cleaned.strip() else cleaned
    if isinstance(value, dict):
        return {strip_controls(str(k)): without_controls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_controls(v) for v in value]
    return value


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v is not None and v != {}}
    return value


def make_record(data: Mapping[str, Any]) -> GuestRecord:
    """Validate a mapped record, dropping empty fields, control characters and card data."""
    # Controls go first: a card number split by a NUL must be whole when scrub looks for it.
    return GuestRecord.model_validate(_prune(scrub(without_controls(dict(data)))))


def load_json(payload: bytes) -> Any:
    """Parse JSON and strip control characters and card data before mapping code sees it."""
    return scrub(without_controls(json.loads(payload)))


def is_relay_email(email: str | None) -> bool:
    """True for OTA aliases and private-relay addresses (they identify a booking, not a person)."""
    if not email or "@" not in email:
        return False
    domain = email.rsplit("@", 1)[1].lower()
    return any(domain == d or domain.endswith("." + d) for d in RELAY_DOMAINS)


def body_id(body: bytes) -> str:
    """A stable id for deliveries that carry none: a resend has the same bytes."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented secret with the configured one."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header value regardless of the case the transport kept."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def basic_auth_ok(headers: Mapping[str, str], secret: str) -> bool:
    """Check 'Authorization: Basic' against a configured 'user:password' secret."""
    value = header(headers, "authorization") or ""
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return same_secret(decoded, secret)


def bearer_ok(headers: Mapping[str, str], secret: str) -> bool:
    """Check 'Authorization: Bearer <secret>'."""
    scheme, _, token = (header(headers, "authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and same_secret(token.strip(), secret)


def snake(name: str) -> str:
    """CamelCase or spaced words to snake_case (preference keys)."""
    name = re.sub(r"[\s\-]+", "_", name.strip())
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
