"""The durable job queue: enqueue in the caller's transaction, claim with a lease, retry."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Job
from app.models.base import utcnow

BACKOFF_SECONDS = (1, 5, 30, 120, 600, 1800, 3600)


def enqueue(
    session: AsyncSession,
    tenant_id: str,
    kind: str,
    payload: dict[str, Any],
    max_attempts: int = 10,
) -> Job:
    """Add a job; it becomes visible to workers when the caller's transaction commits."""
    job = Job(tenant_id=tenant_id, kind=kind, payload=payload, max_attempts=max_attempts)
    session.add(job)
    return job


async def claim(
    session: AsyncSession, worker_id: str, limit: int, lease_seconds: int
) -> Sequence[Job]:
    """Take up to `limit` due jobs, including those whose lease ran out (a dead worker's)."""
    now = utcnow()
    due = (
        select(Job.id)
        .where(
            or_(
                (col(Job.status) == "queued") & (col(Job.run_at) <= now),
                (col(Job.status) == "running") & (col(Job.lease_until) < now),
            )
        )
        .order_by(col(Job.run_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.exec(due)).all())
    if not ids:
        return []
    await session.exec(
        update(Job)
        .where(col(Job.id).in_(ids))
        .values(
            status="running",
            lease_until=now + timedelta(seconds=lease_seconds),
            locked_by=worker_id,
            attempts=Job.attempts + 1,
        )
    )
    stmt = select(Job).where(col(Job.id).in_(ids)).execution_options(populate_existing=True)
    return (await session.exec(stmt)).all()


def finish(session: AsyncSession, job: Job) -> None:
    """Mark a job done, in the transaction that did its work."""
    job.status = "done"
    job.finished_at = utcnow()
    job.lease_until = None
    session.add(job)


async def fail(session: AsyncSession, job_id: str, error: str) -> str:
    """Schedule a retry with jittered backoff, or give up after the last attempt."""
    job = await session.get(Job, job_id)
    if job is None:
        return "missing"
    job.last_error = error[:2000]
    job.lease_until = None
    if job.attempts >= job.max_attempts:
        job.status = "failed"
        job.finished_at = utcnow()
    else:
        base = BACKOFF_SECONDS[min(job.attempts - 1, len(BACKOFF_SECONDS) - 1)]
        job.status = "queued"
        job.run_at = utcnow() + timedelta(seconds=base * random.uniform(0.8, 1.2))  # noqa: S311
    session.add(job)
    return job.status
