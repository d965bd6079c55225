"""Optional Redis connection: absent in embedded mode, required when configured."""

from __future__ import annotations

from redis.asyncio import Redis


def connect_redis(url: str | None) -> Redis | None:
    """A client for `url`, or None when Redis is not configured."""
    if not url:
        return None
    return Redis.from_url(url, decode_responses=True, health_check_interval=30)


def tenant_key(tenant_id: str, *parts: str) -> str:
    """Every Redis key carries its tenant."""
    return ":".join(("guestid", tenant_id, *parts))
