"""Alembic environment: the same migrations on SQLite and PostgreSQL, run through asyncio."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import app.models  # noqa: F401  (registers every table)
from alembic import context
from app.core.config import get_settings
from app.core.db import create_engine
from app.models.base import UtcDateTime

target_metadata = SQLModel.metadata


def _url() -> str:
    return context.config.attributes.get("database_url") or get_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types as the plain SQLAlchemy types they store as."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
