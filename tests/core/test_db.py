"""The PostgreSQL pool replaces connections the server closed, without pinging each checkout;
statements sent to asyncpg directly belong to the session's transaction."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core import pg_driver
from app.core.config import Settings
from app.core.db import create_engine


async def test_a_connection_closed_by_the_server_is_replaced(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("a pool of server connections is PostgreSQL's")
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    admin = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            first = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            driver = (await conn.get_raw_connection()).driver_connection
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        for _ in range(100):  # the socket learns of the close when the loop next reads it
            if driver is not None and driver.is_closed():
                break
            await asyncio.sleep(0.02)
        async with engine.connect() as conn:
            second = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert second != first
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_statements_sent_to_the_driver_run_in_the_session_transaction(
    settings: Settings,
) -> None:
    if settings.is_sqlite:
        pytest.skip("statements sent to asyncpg are PostgreSQL's")
    engine = create_engine(settings.database_url)
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    held = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 724911")
    try:
        async with sessions() as session:
            # The first statement of the transaction: its lock lasts until the rollback.
            await pg_driver.execute(session, "SELECT pg_advisory_xact_lock($1)", 724911)
            async with engine.connect() as other:
                assert (await other.execute(held)).scalar_one() == 1
            await session.rollback()
        async with engine.connect() as other:
            assert (await other.execute(held)).scalar_one() == 0

        async with sessions() as session:
            await pg_driver.execute(session, "CREATE TEMP TABLE t (id int PRIMARY KEY)")
            await pg_driver.execute(session, "INSERT INTO t VALUES ($1)", 1)
            assert [tuple(r) for r in await pg_driver.fetch(session, "SELECT id FROM t")] == [(1,)]
            # The errors callers handle are SQLAlchemy's (a write race answers 409).
            with pytest.raises(IntegrityError):
                await pg_driver.execute(session, "INSERT INTO t VALUES ($1)", 1)
            await session.rollback()
        async with sessions() as session:
            with pytest.raises(DBAPIError):
                await pg_driver.fetch(session, "SELECT id FROM t")  # rolled back with the rest
    finally:
        await engine.dispose()
