"""PostgreSQL: the hot statements of ingest sent to asyncpg directly, in the session's transaction.

An online record spends three statements; through SQLAlchemy each costs some 0.15 ms of Python
(greenlet switches, its cursor and result layers) on top of the round trip, a tenth of what the
record's own work costs. These statements are plain SQL with positional parameters and need
none of that layer. Errors are raised as SQLAlchemy's, so callers (the 409 of a write race)
see what the rest of the code base raises.
"""

from __future__ import annotations

from typing import Any, cast

import asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession


async def fetch(session: AsyncSession, sql: str, *args: Any) -> list[asyncpg.Record]:
    """The rows of `sql` ($1, $2… for `args`), run in the session's transaction."""
    driver = await _driver(session)
    try:
        return await driver.fetch(sql, *args)
    except asyncpg.PostgresError as error:
        raise _translated(sql, error) from error


async def execute(session: AsyncSession, sql: str, *args: Any) -> None:
    """Run `sql` ($1, $2… for `args`) in the session's transaction."""
    driver = await _driver(session)
    try:
        await driver.execute(sql, *args)
    except asyncpg.PostgresError as error:
        raise _translated(sql, error) from error


async def _driver(session: AsyncSession) -> asyncpg.Connection:
    connection = await session.connection()
    adapted: Any = (await connection.get_raw_connection()).dbapi_connection
    # SQLAlchemy sends BEGIN with its first statement of a transaction: when this is the first,
    # begin it the same way, or the statement would run (and release its locks) on its own.
    if adapted._transaction is None:
        await adapted._start_transaction()
    return cast(asyncpg.Connection, adapted._connection)


def _translated(sql: str, error: asyncpg.PostgresError) -> DBAPIError:
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(sql, None, error)
    return DBAPIError(sql, None, error)
