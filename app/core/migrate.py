"""Run Alembic migrations from code (the CLI and the embedded start-up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config

from alembic import command


def _project_root() -> Path:
    """Where alembic.ini lives: the source tree, or the working directory of an installed copy."""
    for candidate in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (candidate / "alembic.ini").exists():
            return candidate
    raise FileNotFoundError("alembic.ini not found beside the package or in the working directory")


def alembic_config(database_url: str) -> Config:
    """Alembic configured for `database_url`."""
    root = _project_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_sqlite_on_start(database_url: str) -> None:
    """Embedded mode migrates its own SQLite file, so a fresh machine just works."""
    await asyncio.to_thread(upgrade, database_url)
