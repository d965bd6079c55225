"""Database engine and sessions: one async code path for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, String, any_, bindparam, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession


def async_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs and pick the async driver."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine configured for the backend behind `url`."""
    url = async_url(url)
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", msgspec.json.decode)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _json_text(value: Any) -> str:
    # JSON columns (records, evidence, payloads) are written on every ingest: msgspec encodes
    # them several times faster than json.dumps, as UTF-8 text rather than \u escapes.
    return msgspec.json.encode(value).decode()


# Connections older than this are replaced at checkout: one a firewall or NAT dropped without a
# word (no close ever reaches the socket) does not live longer than that.
POOL_RECYCLE_SECONDS = 1800


def _refuse_closed(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    # A connection the server closed (restart, idle timeout, terminated backend) is known to be
    # closed locally once its socket has seen the end: the pool replaces it here without a round
    # trip, where pool_pre_ping spends three on every checkout (BEGIN, ping, ROLLBACK).
    driver = record.driver_connection
    if driver is not None and driver.is_closed():
        raise DisconnectionError("connection closed by the server")


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# The tables online resolution reads on every record.
RESOLUTION_TABLES = ("source_records", "record_keys", "profiles", "stays")


async def refresh_statistics(session: AsyncSession) -> None:
    """ANALYZE the resolution tables on PostgreSQL (SQLite plans without statistics)."""
    if is_postgres(session):
        connection = await session.connection()
        await connection.execute(text(f"ANALYZE {', '.join(RESOLUTION_TABLES)}"))


def is_postgres(session: AsyncSession) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def member_of(session: AsyncSession, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL, so the statement text is stable
    (prepared once per connection) and no time goes into rendering thousands of parameters."""
    target = col(column)
    if is_postgres(session):
        return target == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return target.in_(values)
