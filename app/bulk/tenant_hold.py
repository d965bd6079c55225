"""An import's hold on an empty tenant between its batches.

An import into a tenant with no data yet runs its batches on a connection of its own and, as
long as no one else writes the tenant, keeps what it wrote in memory (`TenantMirror`) instead
of reading it back for every batch. Each batch's transaction first makes sure of that:

- PostgreSQL: every writer of a tenant's identity data takes the tenant's advisory lock,
  shared or exclusive (`repository.key_hits`, `repository.lock_tenant`). The import takes it
  at session level and keeps it between batches; a batch looks in `pg_locks` for anyone
  waiting for it (an online record, a person's decision, a rebuild).
- SQLite: a batch takes the database's write lock first, then reads `PRAGMA data_version`,
  which changes only when another connection has committed.

Someone waiting, another connection's commit, a failed batch or a mirror grown too large make
the import let go for good: from then on each batch reads the database, as any batch does. An
online record waits for the batch in flight at most, as it would anyway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import TextClause, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.profiles.mirror import MIRROR_MAX_RECORDS, TenantMirror

_LOCK = text("SELECT pg_advisory_lock(hashtextextended(:tenant, 0))")
_UNLOCK = text("SELECT pg_advisory_unlock(hashtextextended(:tenant, 0))")
_EMPTY = text(
    "SELECT NOT EXISTS (SELECT 1 FROM source_records WHERE tenant_id = :tenant)"
    " AND NOT EXISTS (SELECT 1 FROM do_not_merge WHERE tenant_id = :tenant)"
    " AND NOT EXISTS (SELECT 1 FROM must_link WHERE tenant_id = :tenant)"
)
# A bigint advisory key shows in pg_locks as two 32-bit halves, with objsubid 1.
_WAITED_FOR = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = CAST((hashtextextended(:tenant, 0) >> 32) & 4294967295 AS oid)"
    " AND objid = CAST(hashtextextended(:tenant, 0) & 4294967295 AS oid) AND objsubid = 1)"
)
# A write that changes nothing still takes SQLite's write lock for the transaction.
_WRITE_LOCK = text("UPDATE tenants SET id = id WHERE 0")
_DATA_VERSION = text("PRAGMA data_version")
_IN_MEMORY = (None, "", ":memory:")


class TenantHold:
    """The import's connection, and what it wrote while no one else wrote the tenant."""

    def __init__(self, connection: AsyncConnection, tenant_id: str) -> None:
        self.connection = connection
        self.tenant_id = tenant_id
        self.postgres = connection.dialect.name == "postgresql"
        self.sessions = async_sessionmaker(bind=connection, class_=AsyncSession)
        self.mirror: TenantMirror | None = TenantMirror(tenant_id)
        self._data_version: object = None

    async def mirror_for_batch(self, session: AsyncSession) -> TenantMirror | None:
        """First thing in a batch's transaction (on `sessions`): the mirror, or None once
        someone else wants or wrote the tenant; then the import lets go for good."""
        if self.mirror is None:
            return None
        try:
            others = await self._others(session)
        except SQLAlchemyError:  # the connection, and a lock with it, may be gone
            others = True
        if others or len(self.mirror) > MIRROR_MAX_RECORDS:
            self.mirror = None
            if self.postgres:
                await self._unlock(session)
        return self.mirror

    async def _others(self, session: AsyncSession) -> bool:
        if self.postgres:
            return bool(await _scalar(session, _WAITED_FOR, self.tenant_id))
        await (await session.connection()).execute(_WRITE_LOCK)
        return await _scalar(session, _DATA_VERSION) != self._data_version

    async def start(self) -> bool:
        """Take the tenant (PostgreSQL) and tell whether it is empty."""
        async with self.sessions() as session:
            if self.postgres:
                await _scalar(session, _LOCK, self.tenant_id)
            else:
                self._data_version = await _scalar(session, _DATA_VERSION)
            empty = bool(await _scalar(session, _EMPTY, self.tenant_id))
            await session.commit()
        return empty

    async def release(self) -> None:
        """Let go for good (after a failed batch: the mirror may be off)."""
        if self.mirror is None:
            return
        self.mirror = None
        if self.postgres:
            async with self.sessions() as session:
                if await self._unlock(session):
                    await session.commit()

    async def _unlock(self, session: AsyncSession) -> bool:
        """Release the tenant's lock; False when the connection had to be dropped instead."""
        try:
            await _scalar(session, _UNLOCK, self.tenant_id)
        except SQLAlchemyError:
            # A failed batch is stored again record by record on other connections, which lock
            # the tenant: a lock left on this one would make them wait for ever. Closing the
            # session drops it. An invalidated connection has nothing left to commit.
            await self.connection.invalidate()
            return False
        return True


async def _scalar(session: AsyncSession, statement: TextClause, tenant_id: str = "") -> object:
    connection = await session.connection()
    return (await connection.execute(statement, {"tenant": tenant_id})).scalar()


@asynccontextmanager
async def hold_if_empty(
    sessions: async_sessionmaker[AsyncSession], tenant_id: str, wanted: bool = True
) -> AsyncIterator[TenantHold | None]:
    """Hold the tenant for the import if it has no data yet."""
    engine = sessions.kw.get("bind")
    # An in-memory SQLite database is one connection: no other could be told apart.
    if not wanted or not isinstance(engine, AsyncEngine) or engine.url.database in _IN_MEMORY:
        yield None
        return
    async with engine.connect() as connection:
        hold = TenantHold(connection, tenant_id)
        if not await hold.start():
            await hold.release()
            yield None
            return
        try:
            yield hold
        finally:
            if not connection.closed and not connection.invalidated:
                await hold.release()
