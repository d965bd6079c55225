"""Search keys: how a profile is found by name, stored beside the blocking keys."""

from __future__ import annotations

from app.resolution import blocking_keys, key_kind, normalise
from app.resolution.types import NormalisedRecord
from connectors.base import GuestRecord


def search_keys(record: NormalisedRecord) -> list[str]:
    """`sn:<family>` and `sgn:<given>:<family>` in spelling-insensitive form."""
    if not record.family_key:
        return []
    keys = [f"sn:{record.family_key}"]
    if record.given_key:
        keys.append(f"sgn:{record.given_key}:{record.family_key}")
    return keys


def query_keys(email: str | None, phone: str | None, name: str | None) -> list[str]:
    """The keys a profile must hold to match a search."""
    parts = (name or "").split()
    probe = normalise(
        GuestRecord(
            source="search",
            source_record_id="query",
            email=email,
            phone=phone,
            first_name=" ".join(parts[:-1]) or None,
            last_name=parts[-1] if parts else None,
        )
    )
    identifiers = blocking_keys(probe)
    keys = []
    if email:
        keys += [k for k in identifiers if key_kind(k) in ("email", "relay", "role")][:1]
        keys = keys or [f"email:{email.strip().casefold()}"]
    if phone:
        keys.append(f"phone:{probe.phone}" if probe.phone else f"phone:{phone.strip()}")
    if name:
        named = search_keys(probe)
        keys.append(named[-1] if named else "sn:")
    return keys
