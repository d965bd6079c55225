"""The floor the hint bench compares against: a bare FastAPI endpoint reading one Redis key.

Run by bench/speed_hints.py as `uvicorn hints_baseline:app` (cwd bench/), beside guestid.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from redis.asyncio import Redis

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
KEY = "bench:baseline:hint"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        yield
    finally:
        await app.state.redis.aclose()


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/key")
async def key() -> Response:
    """One GET of one Redis key, returned as JSON: nothing else."""
    body = await app.state.redis.get(KEY)
    return Response(body or "null", media_type="application/json")
