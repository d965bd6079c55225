"""What the JSON POST endpoints share: the media-type check and the idempotent replay."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.core.idempotency import IdempotencyScope, replay


async def json_body(request: Request) -> bytes:
    """The raw body of a request that must be JSON (415 otherwise)."""
    if "json" not in request.headers.get("content-type", ""):
        raise Problem(
            415, "unsupported-media-type", "Unsupported media type", "send application/json"
        )
    return await request.body()


async def replayed(session: AsyncSession, scope: IdempotencyScope | None) -> JSONResponse | None:
    """The stored answer to an earlier request with the same Idempotency-Key, if any."""
    if scope is None or (stored := await replay(session, scope)) is None:
        return None
    return JSONResponse(stored[1], status_code=stored[0], headers={"Idempotent-Replayed": "true"})
