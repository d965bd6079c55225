"""Hints in Redis, stored as ready-to-send JSON beside the fingerprint they were computed at."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.redis import tenant_key

TTL_SECONDS = 7 * 24 * 3600
_SEPARATOR = "\n"


def _key(tenant_id: str, source: str, reservation_id: str) -> str:
    return tenant_key(tenant_id, "hint", source, reservation_id)


async def read(
    redis: Redis, tenant_id: str, source: str, reservation_id: str
) -> tuple[str, str] | None:
    """(fingerprint, hint JSON) as cached, or None; a Redis outage reads as a miss."""
    try:
        raw = await redis.get(_key(tenant_id, source, reservation_id))
    except RedisError:
        return None
    if not raw or _SEPARATOR not in raw:
        return None
    fingerprint, body = str(raw).split(_SEPARATOR, 1)
    return fingerprint, body


async def write(
    redis: Redis, tenant_id: str, source: str, reservation_id: str, fingerprint: str, body: str
) -> None:
    """Cache a hint; failing to cache never fails the request."""
    try:
        await redis.set(
            _key(tenant_id, source, reservation_id), fingerprint + _SEPARATOR + body, ex=TTL_SECONDS
        )
    except RedisError:
        return


async def drop(redis: Redis, tenant_id: str, source: str, reservation_id: str) -> None:
    """Forget a cached hint; a Redis outage leaves it to expire (it no longer matches)."""
    try:
        await redis.delete(_key(tenant_id, source, reservation_id))
    except RedisError:
        return
