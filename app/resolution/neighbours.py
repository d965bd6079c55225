"""Which stored profiles to score an incoming record against, when its keys name too many."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from app.resolution.keys import is_strong_key

# Stored profiles scored per incoming record: those sharing the most (and the strongest) keys.
# A common name alone can name fifty profiles; the guest is among those that share more. At a
# million guests, 10 instead of 16 changed no link among 1,200 arrivals (2 namesake reviews
# became new profiles) and cut the time per record by a seventh; at 50,000 guests it cost 63
# true pairs of 174,000 (bench/speed_storage.py --against, docs/resolution.md).
NEIGHBOURS_PER_RECORD = 10
_IDENTIFIER_KEY_WEIGHT = 8.0
_SHARED_IDENTIFIER_HOLDERS = 8  # the default `max_key_profiles`


def best_neighbours(
    keys: Iterable[str],
    holders_by_key: Mapping[str, Sequence[str]],
    limit: int = NEIGHBOURS_PER_RECORD,
) -> list[str]:
    """Up to `limit` profiles ranked by the keys they share with the record.

    An identifier held by a few profiles weighs as much as eight name or area keys; one that
    many profiles hold (an agency phone) says no more than a name does. Ties go to the lower
    profile id, so the choice does not depend on the order keys were looked up in.
    """
    shared: dict[str, float] = defaultdict(float)
    for key in keys:
        holders = holders_by_key.get(key, ())
        identifies = is_strong_key(key) and len(holders) <= _SHARED_IDENTIFIER_HOLDERS
        weight = _IDENTIFIER_KEY_WEIGHT if identifies else 1.0
        for profile_id in holders:
            shared[profile_id] += weight
    return sorted(shared, key=lambda p: (-shared[p], p))[:limit]
