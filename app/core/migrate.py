"""Run Alembic migrations from code (the CLI and the embedded start-up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config

from alembic import command

_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    """Alembic configured for `database_url`."""
    config = Config(str(_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(_ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_sqlite_on_start(database_url: str) -> None:
    """Embedded mode migrates its own SQLite file, so a fresh machine just works."""
    await asyncio.to_thread(upgrade, database_url)
