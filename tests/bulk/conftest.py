"""Fixtures of the bulk tests: a database that refuses chosen records."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.core.db import transaction


async def _sql(app: FastAPI, *statements: str) -> None:
    async with transaction(app.state.sessions) as session:
        for statement in statements:
            await session.exec(text(statement))  # type: ignore[call-overload]


@pytest.fixture
async def refusing(app: FastAPI, backend: str) -> AsyncIterator[Any]:
    """Make the database refuse inserts of source records matching a SQL condition on NEW."""

    async def refuse(condition: str) -> None:
        await lift(app, backend)  # one refusal at a time
        if backend == "postgres":
            await _sql(
                app,
                "CREATE FUNCTION test_refuse_records() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN IF {condition} THEN RAISE EXCEPTION 'refused by the database';"
                " END IF; RETURN NEW; END $$",
                "CREATE TRIGGER test_refuse_records BEFORE INSERT ON source_records"
                " FOR EACH ROW EXECUTE FUNCTION test_refuse_records()",
            )
        else:
            await _sqlite_ddl(
                app,
                "CREATE TRIGGER test_refuse_records BEFORE INSERT ON source_records"
                f" WHEN {condition} BEGIN SELECT RAISE(ABORT, 'refused by the database'); END",
            )

    yield refuse
    await lift(app, backend)


async def lift(app: FastAPI, backend: str) -> None:
    if backend == "postgres":
        await _sql(
            app,
            "DROP TRIGGER IF EXISTS test_refuse_records ON source_records",
            "DROP FUNCTION IF EXISTS test_refuse_records()",
        )
    else:
        await _sqlite_ddl(app, "DROP TRIGGER IF EXISTS test_refuse_records")


async def _sqlite_ddl(app: FastAPI, statement: str) -> None:
    """Change the SQLite schema on a connection of its own, outside the service's pool.

    Run on a pooled connection, a `DROP TRIGGER IF EXISTS` once left the trigger in place (the
    next test's CREATE found it: seen once in CI, not understood); a fresh connection reads
    the current schema, and the service's connections see the change on their next statement.
    """

    def run() -> None:
        connection = sqlite3.connect(str(app.state.engine.url.database), timeout=30)
        try:
            with connection:
                connection.execute(statement)
        finally:
            connection.close()

    await asyncio.to_thread(run)
