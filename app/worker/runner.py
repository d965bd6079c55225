"""Workers that run queued jobs: inside the server (embedded) or as `guestid worker`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.core.idempotency import purge_expired
from app.core.metrics import JOBS_RUN
from app.models import Job
from app.worker import queue

Handler = Callable[[AsyncSession, Job], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
GiveUp = Callable[[AsyncSession, Job, Exception], Awaitable[None]]
GIVE_UP: dict[str, GiveUp] = {}
WAKE_KEY = "guestid:jobs:wake"
HOUSEKEEPING_SECONDS = 600.0
log = structlog.get_logger(__name__)


def register(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind."""

    def _add(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return _add


def on_give_up(kind: str) -> Callable[[GiveUp], GiveUp]:
    """Register what to record when a job of `kind` has failed its last attempt."""

    def _add(hook: GiveUp) -> GiveUp:
        GIVE_UP[kind] = hook
        return hook

    return _add


class Worker:
    """Claims due jobs and runs them; stop() lets running jobs finish first."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis | None = None,
        concurrency: int = 4,
        lease_seconds: int = 60,
        poll_seconds: float = 1.0,
        idempotency_ttl_hours: int = 48,
    ) -> None:
        self.sessions = sessions
        self.redis = redis
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.idempotency_ttl_hours = idempotency_ttl_hours
        self._next_housekeeping = 0.0
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the jobs in hand, claim no more."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Run until stop(): claim, execute, repeat."""
        log.info("worker_started", worker=self.worker_id)
        while not self._stopping.is_set():
            try:
                await self._housekeeping()
                if await self.run_once() == 0:
                    await self._idle()
            except Exception as exc:  # a database or Redis blip must not end the worker
                log.warning("worker_loop_error", error=type(exc).__name__)
                await asyncio.sleep(self.poll_seconds)
        log.info("worker_stopped", worker=self.worker_id)

    async def run_once(self) -> int:
        """Claim one batch of due jobs and run them concurrently; the count run."""
        async with transaction(self.sessions) as session:
            jobs = await queue.claim(session, self.worker_id, self.concurrency, self.lease_seconds)
        await asyncio.gather(*(self._execute(job) for job in jobs))
        return len(jobs)

    async def _housekeeping(self) -> None:
        """Periodic clean-up: expired idempotency answers."""
        now = time.monotonic()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_SECONDS
        async with transaction(self.sessions) as session:
            removed = await purge_expired(session, self.idempotency_ttl_hours)
        if removed:
            log.info("idempotency_keys_purged", count=removed)

    async def _idle(self) -> None:
        if self.redis is not None:
            # Another process's notify() wakes us; a blocking pop is never cancelled mid-flight.
            await self.redis.blpop([WAKE_KEY], timeout=self.poll_seconds)
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    async def _execute(self, job: Job) -> None:
        handler = HANDLERS.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind}")
            async with transaction(self.sessions) as session:
                await handler(session, job)
                queue.finish(session, await session.merge(job))
            JOBS_RUN.labels(job.kind, "done").inc()
        except Exception as exc:  # a failed job is retried, never lost
            log.warning("job_failed", job_id=job.id, kind=job.kind, error=type(exc).__name__)
            async with transaction(self.sessions) as session:
                result = await queue.fail(session, job.id, f"{type(exc).__name__}: {exc}")
            JOBS_RUN.labels(job.kind, result).inc()
            if result == "failed" and job.kind in GIVE_UP:
                await self._give_up(job, exc)

    async def _give_up(self, job: Job, exc: Exception) -> None:
        # Its own transaction: a hook that fails must not undo the recorded failure.
        try:
            async with transaction(self.sessions) as session:
                await GIVE_UP[job.kind](session, job, exc)
        except Exception as hook_exc:  # logged; the job itself is already marked failed
            log.warning("give_up_hook_failed", job_id=job.id, error=type(hook_exc).__name__)


async def notify(redis: Redis | None) -> None:
    """Tell idle workers in other processes that work is waiting."""
    if redis is not None:
        await redis.rpush(WAKE_KEY, "1")
        await redis.ltrim(WAKE_KEY, -100, -1)
