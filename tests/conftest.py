"""Shared fixtures: the service on both storage modes, real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import Settings
from app.core.db import transaction
from app.core.migrate import upgrade
from app.main import create_app
from app.tenancy import service as tenancy

PG_ADMIN_URL = os.environ.get(
    "GUESTID_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("GUESTID_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# On CI the services must be there: a missing one fails the run instead of skipping tests.
REQUIRE_SERVICES = os.environ.get("GUESTID_REQUIRE_SERVICES") == "1"
BACKENDS = os.environ.get("GUESTID_TEST_BACKENDS", "sqlite,postgres").split(",")


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not available: {type(exc).__name__}: {exc}"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


async def _fresh_postgres() -> str:
    name = f"guestid_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def _redis_ok() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    finally:
        await client.aclose()


@pytest.fixture(scope="session", params=BACKENDS)
async def settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Settings]:
    """Settings for one storage mode: embedded SQLite, or PostgreSQL + Redis."""
    data_dir: Path = tmp_path_factory.mktemp(request.param)
    common = dict(
        environment="test",
        data_dir=data_dir,
        secret_key="t" * 48,
        log_json=True,
        log_level="WARNING",
    )
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite+aiosqlite:///{data_dir / 'test.sqlite3'}", **common)
        return
    try:
        url = await _fresh_postgres()
    except Exception as exc:  # a missing server is reported as skip or fail below
        _unavailable("PostgreSQL", exc)
    try:
        await _redis_ok()
    except Exception as exc:  # as above
        _unavailable("Redis", exc)
    await asyncio.to_thread(upgrade, url)
    yield Settings(database_url=url, redis_url=REDIS_URL, embedded_worker=True, **common)
    await _drop_postgres(url)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The service, started through its lifespan."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def backend(settings: Settings) -> str:
    """Which storage mode the test runs on."""
    return "sqlite" if settings.is_sqlite else "postgres"


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://guestid.test") as client:
        yield client


@dataclass
class TenantClient:
    """A tenant with an API client and a bearer token."""

    slug: str
    tenant_id: str
    client_id: str
    client_secret: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


MakeTenant = Callable[..., Awaitable[TenantClient]]


@pytest.fixture
def make_tenant(app: FastAPI, http: httpx.AsyncClient) -> MakeTenant:
    """Create a fresh tenant and a client for it; each test gets its own tenants."""

    async def make(
        scopes: tuple[str, ...] = (*tenancy.DEFAULT_SCOPES, "profiles:write"),
    ) -> TenantClient:
        slug = f"t-{uuid.uuid4().hex[:12]}"
        async with transaction(app.state.sessions) as session:
            tenant = await tenancy.create_tenant(session, slug)
            issued = await tenancy.create_client(session, tenant, "test", scopes)
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(issued.client_id, issued.client_secret),
        )
        assert response.status_code == 200, response.text
        return TenantClient(
            slug, tenant.id, issued.client_id, issued.client_secret, response.json()["access_token"]
        )

    return make


@pytest.fixture
async def tenant(make_tenant: MakeTenant) -> TenantClient:
    """A fresh tenant with a full-scope client."""
    return await make_tenant()
