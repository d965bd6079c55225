"""Idempotency-Key handling (IETF httpapi draft), stored with the work it protects."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import is_postgres
from app.core.errors import Problem
from app.models import IdempotencyKey
from app.models.base import utcnow

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotencyScope:
    """Who asked, on which route, with which key and body."""

    tenant_id: str
    client_id: str
    route: str
    key: str
    request_hash: str


def scope_for(
    key: str | None, tenant_id: str, client_id: str, route: str, body: bytes
) -> IdempotencyScope | None:
    """The scope of a request, or None when it carries no key."""
    if key is None:
        return None
    key = key.strip().strip('"')
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(
            400,
            "idempotency-key-invalid",
            "Invalid Idempotency-Key",
            f"the key must be 1 to {MAX_KEY_LENGTH} characters",
        )
    return IdempotencyScope(tenant_id, client_id, route, key, hashlib.sha256(body).hexdigest())


async def replay(session: AsyncSession, scope: IdempotencyScope) -> tuple[int, Any] | None:
    """The stored answer for this key, or None if the request is new.

    Holds a transaction-scoped lock on the key so a concurrent twin gets 409.
    """
    if is_postgres(session):
        lock_id = f"idem:{scope.tenant_id}:{scope.client_id}:{scope.route}:{scope.key}"
        got = await session.exec(
            select(func.pg_try_advisory_xact_lock(func.hashtextextended(lock_id, 0)))
        )
        if not got.one():
            raise Problem(
                409,
                "idempotency-key-in-use",
                "Request in progress",
                "a request with this Idempotency-Key is still being processed",
            )
    stored = (
        await session.exec(
            select(IdempotencyKey).where(
                IdempotencyKey.tenant_id == scope.tenant_id,
                IdempotencyKey.client_id == scope.client_id,
                IdempotencyKey.route == scope.route,
                IdempotencyKey.key == scope.key,
            )
        )
    ).first()
    if stored is None:
        return None
    if stored.request_hash != scope.request_hash:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this key was already used with a different request body",
        )
    return stored.status_code, stored.response


def remember(session: AsyncSession, scope: IdempotencyScope, status_code: int, body: Any) -> None:
    """Store the answer in the same transaction as the work."""
    session.add(
        IdempotencyKey(
            tenant_id=scope.tenant_id,
            client_id=scope.client_id,
            route=scope.route,
            key=scope.key,
            request_hash=scope.request_hash,
            status_code=status_code,
            response=body,
        )
    )


async def purge_expired(session: AsyncSession, older_than_hours: int) -> int:
    """Forget answers older than the retention period; the count removed."""
    cutoff = utcnow() - timedelta(hours=older_than_hours)
    result = await session.exec(
        delete(IdempotencyKey).where(col(IdempotencyKey.created_at) < cutoff)
    )
    return int(result.rowcount or 0)
