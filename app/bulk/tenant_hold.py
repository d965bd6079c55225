"""An import's hold on an empty tenant between its batches (PostgreSQL).

Every writer of a tenant's identity data takes the tenant's advisory lock, shared or exclusive
(`workset_io._lock_keys`, `repository.lock_tenant`). An import into an empty tenant takes it
at session level on a connection of its own and runs its batches there: as long as it holds
the lock, its own batches are the only writes, so it can keep what it wrote in memory
(`TenantMirror`) instead of reading it back for every batch. It gives the lock up, and the
mirror with it, as soon as anyone waits for the tenant (an online record, a person's decision),
when a batch fails, or when the mirror grows too large; the import then goes on as any batch
does, so an online record waits for at most one batch, as it would anyway.
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


class TenantHold:
    """The tenant's lock on one connection, and what the import wrote while holding it."""

    def __init__(self, connection: AsyncConnection, tenant_id: str) -> None:
        self.connection = connection
        self.tenant_id = tenant_id
        self.sessions = async_sessionmaker(bind=connection, class_=AsyncSession)
        self.mirror: TenantMirror | None = TenantMirror(tenant_id)

    async def mirror_for_next_batch(self) -> TenantMirror | None:
        """The mirror, unless someone waits for the tenant or it grew too large: then the
        lock is given up for good."""
        if self.mirror is None:
            return None
        try:
            waited = await self.scalar(_WAITED_FOR)
        except SQLAlchemyError:  # the connection, and the lock with it, may be gone
            waited = True
        if waited or len(self.mirror) > MIRROR_MAX_RECORDS:
            await self.release()
        return self.mirror

    async def release(self) -> None:
        if self.mirror is None:
            return
        self.mirror = None
        try:
            await self.scalar(_UNLOCK)
        except SQLAlchemyError:
            # The import's next batches lock the tenant on other connections: a lock left on
            # this one would make them wait for ever. Closing the session drops the lock.
            await self.connection.invalidate()

    async def scalar(self, statement: TextClause) -> object:
        """One statement about the tenant on the holding connection, in its own transaction."""
        result = await self.connection.execute(statement, {"tenant": self.tenant_id})
        value = result.scalar()
        await self.connection.commit()
        return value


@asynccontextmanager
async def hold_if_empty(
    sessions: async_sessionmaker[AsyncSession], tenant_id: str, wanted: bool = True
) -> AsyncIterator[TenantHold | None]:
    """Hold the tenant for the import if it has no data yet (PostgreSQL only)."""
    engine = sessions.kw.get("bind")
    postgres = isinstance(engine, AsyncEngine) and engine.dialect.name == "postgresql"
    if not wanted or not postgres or not isinstance(engine, AsyncEngine):
        yield None
        return
    async with engine.connect() as connection:
        hold = TenantHold(connection, tenant_id)
        await hold.scalar(_LOCK)
        if await hold.scalar(_EMPTY):
            try:
                yield hold
            finally:
                if not connection.closed:
                    await hold.release()
            return
        await hold.release()
    yield None
