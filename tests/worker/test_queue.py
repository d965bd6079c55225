"""The durable job queue: runs, retries, recovers a dead worker's jobs, drains on stop."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from fastapi import FastAPI
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.models import Event, Job
from app.models.base import utcnow
from app.worker import queue
from app.worker.runner import Worker, register
from tests.conftest import TenantClient

ATTEMPTS: dict[str, int] = {}


@register("test.record-event")
async def _record_event(session: AsyncSession, job: Job) -> None:
    """Writes an event; fails as many times as the payload asks first."""
    ATTEMPTS[job.id] = ATTEMPTS.get(job.id, 0) + 1
    if ATTEMPTS[job.id] <= job.payload.get("fail_times", 0):
        raise RuntimeError("planned failure")
    await asyncio.sleep(job.payload.get("seconds", 0))
    session.add(Event(tenant_id=job.tenant_id, type="test.done", payload={"job": job.id}))


async def _job(app: FastAPI, job_id: str) -> Job:
    async with transaction(app.state.sessions) as session:
        found = await session.get(Job, job_id)
        assert found is not None
        return found


async def _wait_done(app: FastAPI, job_id: str, seconds: float = 10) -> Job:
    for _ in range(int(seconds / 0.05)):
        job = await _job(app, job_id)
        if job.status in ("done", "failed"):
            return job
        app.state.worker.wake()
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.status}")


async def _enqueue(app: FastAPI, tenant: TenantClient, **payload: object) -> str:
    async with transaction(app.state.sessions) as session:
        return queue.enqueue(session, tenant.tenant_id, "test.record-event", dict(payload)).id


async def _events_of(app: FastAPI, job_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        rows = (await session.exec(select(Event).where(Event.type == "test.done"))).all()
        return sum(1 for e in rows if e.payload.get("job") == job_id)


async def test_job_runs_once_and_its_work_commits_with_it(
    app: FastAPI, tenant: TenantClient
) -> None:
    job_id = await _enqueue(app, tenant)
    job = await _wait_done(app, job_id)
    assert job.status == "done"
    assert job.attempts == 1
    assert await _events_of(app, job_id) == 1


async def test_failing_job_is_retried_until_it_succeeds(app: FastAPI, tenant: TenantClient) -> None:
    job_id = await _enqueue(app, tenant, fail_times=1)
    job = await _wait_done(app, job_id, seconds=15)
    assert job.status == "done"
    assert job.attempts == 2
    assert "planned failure" in (job.last_error or "")
    assert await _events_of(app, job_id) == 1


async def test_job_of_a_dead_worker_is_picked_up_after_its_lease(
    app: FastAPI, tenant: TenantClient
) -> None:
    async with transaction(app.state.sessions) as session:
        job = Job(
            tenant_id=tenant.tenant_id,
            kind="test.record-event",
            status="running",
            attempts=1,
            locked_by="dead-worker",
            lease_until=utcnow() - timedelta(seconds=1),
        )
        session.add(job)
    done = await _wait_done(app, job.id)
    assert done.status == "done"
    assert done.locked_by != "dead-worker"
    assert await _events_of(app, job.id) == 1


async def test_stop_lets_the_job_in_hand_finish(app: FastAPI, tenant: TenantClient) -> None:
    app.state.worker.stop()  # keep the embedded worker out of this test's way
    try:
        job_id = await _enqueue(app, tenant, seconds=0.5)
        worker = Worker(app.state.sessions, concurrency=1, poll_seconds=0.05)
        running = asyncio.create_task(worker.run())
        for _ in range(100):
            if (await _job(app, job_id)).status == "running":
                break
            await asyncio.sleep(0.01)
        worker.stop()
        await asyncio.wait_for(running, timeout=5)
        assert (await _job(app, job_id)).status == "done"
        assert await _events_of(app, job_id) == 1
    finally:
        restarted = Worker(app.state.sessions, app.state.redis, poll_seconds=0.2)
        app.state.worker = restarted
        app.state.worker_task = asyncio.create_task(restarted.run())


async def test_unknown_job_kind_is_kept_for_retry_not_dropped(
    app: FastAPI, tenant: TenantClient
) -> None:
    async with transaction(app.state.sessions) as session:
        job = queue.enqueue(session, tenant.tenant_id, f"unknown.{uuid.uuid4().hex}", {})
    for _ in range(100):
        found = await _job(app, job.id)
        if found.attempts >= 1 and found.status == "queued":
            break
        app.state.worker.wake()
        await asyncio.sleep(0.05)
    assert found.status == "queued"
    assert "no handler" in (found.last_error or "")


async def test_housekeeping_forgets_idempotency_answers_after_retention(
    app: FastAPI, tenant: TenantClient
) -> None:
    from app.core.idempotency import purge_expired
    from app.models import IdempotencyKey

    async with transaction(app.state.sessions) as session:
        for age_hours, key in ((49, "old"), (1, "recent")):
            session.add(
                IdempotencyKey(
                    tenant_id=tenant.tenant_id,
                    client_id=tenant.client_id,
                    route="POST /v1/records",
                    key=key,
                    request_hash="h",
                    status_code=200,
                    response={},
                    created_at=utcnow() - timedelta(hours=age_hours),
                )
            )
    async with transaction(app.state.sessions) as session:
        assert await purge_expired(session, 48) >= 1
    async with transaction(app.state.sessions) as session:
        left = (
            await session.exec(
                select(IdempotencyKey.key).where(IdempotencyKey.tenant_id == tenant.tenant_id)
            )
        ).all()
    assert sorted(left) == ["recent"]
