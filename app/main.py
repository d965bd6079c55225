"""The FastAPI application: lifespan (engine, Redis, worker), routers, error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from app.api.deps import reject_nul
from app.auth.router import router as auth_router
from app.core.config import Settings, get_settings
from app.core.db import create_engine, session_factory
from app.core.errors import document_problems, install_error_handlers
from app.core.heap import freeze_startup_objects
from app.core.logging import configure_logging
from app.core.middleware import RequestContext
from app.core.migrate import upgrade_sqlite_on_start
from app.core.outbox import Waker, wake_on_commit
from app.core.redis import connect_redis
from app.curation.router import router as curation_router
from app.hints.router import router as hints_router
from app.inbound.router import router as connections_router
from app.inbound.router import webhooks as webhooks_router
from app.ingest.router import guest_record_schema
from app.ingest.router import router as ingest_router
from app.matching.router import router as matching_router
from app.ops.router import router as ops_router
from app.profiles.router import router as profiles_router
from app.webhooks.router import router as webhooks_out_router
from app.webhooks.runner import WebhookRunner, publish_wake
from app.worker.handlers import inbound_tasks
from app.worker.runner import Worker


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for `settings` (default: from the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level, settings.log_json)
        if settings.is_sqlite:
            await upgrade_sqlite_on_start(settings.database_url)
        engine = create_engine(settings.database_url)
        redis = connect_redis(settings.redis_url)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        app.state.redis = redis
        app.state.stopping = False
        app.state.worker = app.state.worker_task = None
        app.state.webhooks = app.state.webhooks_task = None
        if settings.runs_embedded_worker:
            worker = Worker(
                app.state.sessions,
                redis,
                settings.worker_concurrency,
                settings.job_lease_seconds,
                idempotency_ttl_hours=settings.idempotency_ttl_hours,
            )
            app.state.worker = worker
            app.state.worker_task = asyncio.create_task(worker.run())
            webhooks = WebhookRunner(app.state.sessions, settings, redis)
            app.state.webhooks = webhooks
            app.state.webhooks_task = asyncio.create_task(webhooks.run())
        waker = Waker(
            *([app.state.webhooks.wake] if app.state.webhooks is not None else []),
            *([lambda: publish_wake(redis)] if redis is not None else []),
        )
        freeze_startup_objects()
        try:
            with wake_on_commit(waker):
                yield
        finally:
            app.state.stopping = True
            if app.state.worker is not None:
                app.state.worker.stop()
                await app.state.worker_task  # finish the jobs in hand before the engine goes
            if app.state.webhooks is not None:
                app.state.webhooks.stop()
                await app.state.webhooks_task  # attempts in hand end within the timeout
            if redis is not None:
                await redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="guestid",
        version="0.1.0",
        summary="Hotel guest recognition: one profile per guest, however they booked.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    inbound_tasks.use_settings(settings)
    install_error_handlers(app)
    app.add_middleware(RequestContext, max_body_bytes=settings.max_body_bytes)
    for router in (
        ops_router,
        auth_router,
        ingest_router,
        profiles_router,
        curation_router,
        matching_router,
        connections_router,
        hints_router,
        webhooks_out_router,
    ):
        app.include_router(router, dependencies=[Depends(reject_nul)])
    # Vendor webhooks: the body is the vendor's bytes, stored as received and verified as such.
    app.include_router(webhooks_router)
    _add_record_schema(app)
    return app


def _add_record_schema(app: FastAPI) -> None:
    """Publish GuestRecord (the ingest body is parsed by hand) and the problem+json errors."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        record_schema = guest_record_schema()
        defs = record_schema.pop("$defs", {})
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs)
        components["GuestRecord"] = record_schema
        document_problems(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
