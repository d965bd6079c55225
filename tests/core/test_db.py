"""The PostgreSQL pool replaces connections the server closed, without pinging each checkout."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

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
