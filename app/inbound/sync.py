"""Pull synchronisation: the `connection.sync` job fetches ONE page per run and commits it.

A run loads the connection, fetches the page after its cursor, ingests the records, moves the
cursor and enqueues the next run — all in the job's one transaction. A crash or vendor error
rolls everything back and the queue retries the same page, so nothing is lost or doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.inbound import fetch, repository
from app.inbound.connections import store_rotated
from app.inbound.secrets import decrypt_credentials
from app.inbound.tasks import current_settings, ingest_for_connection
from app.models import Connection, Job
from app.models.base import utcnow
from app.worker.queue import enqueue
from app.worker.runner import register
from connectors.base import Puller
from connectors.http import Sleep
from connectors.registry import CONNECTORS, missing, pulled

SYNC_JOB = "connection.sync"
DEFAULT_INTERVAL = timedelta(minutes=15)
MIN_INTERVAL, MAX_INTERVAL = timedelta(minutes=1), timedelta(days=7)
INTERVAL_KEY = "sync_interval_seconds"
# Tests replace these: the pause a puller takes on 429/5xx, and (None = the puller's own) size.
SLEEP: Sleep = asyncio.sleep
PAGE_SIZE: int | None = None
log = structlog.get_logger(__name__)


def make_puller(source: str, timezone: str | None = None) -> Puller:
    """The puller of a source, sharing the process's access tokens and pause."""
    make = CONNECTORS.get(source)
    if make is None:
        raise LookupError(f"{source} is not a source")
    puller = make(timezone=timezone or "UTC", sleep=SLEEP, tokens=fetch.TOKENS, page_size=PAGE_SIZE)
    if not isinstance(puller, Puller):
        raise LookupError(f"{source} is not pulled")
    return puller


def missing_credentials(source: str, credentials: Mapping[str, str]) -> list[str]:
    """The credential keys a pull of `source` still needs."""
    return missing(source, credentials)


def interval(credentials: Mapping[str, str]) -> timedelta:
    """Pause between syncs: the connection's `sync_interval_seconds`, kept within bounds."""
    try:
        chosen = timedelta(seconds=int(credentials.get(INTERVAL_KEY, "")))
    except ValueError:
        return DEFAULT_INTERVAL
    return max(MIN_INTERVAL, min(MAX_INTERVAL, chosen))


def _enqueue_sync(
    session: AsyncSession, conn: Connection, cursor: str | None, *, run_at: datetime | None = None
) -> Job:
    # The job names the cursor it expects: a run that finds another one moved it backs off.
    payload: dict[str, str | None] = {"connection_id": conn.id, "cursor": cursor}
    job = enqueue(session, conn.tenant_id, SYNC_JOB, dict(payload))
    if run_at is not None:
        job.run_at = run_at
    return job


@dataclass(frozen=True)
class SyncRequest:
    """The sync job a request started or found."""

    job: Job
    already_queued: bool


async def request_sync(
    session: AsyncSession, tenant_id: str, connection_id: str, secret_key: str
) -> SyncRequest:
    """Queue a sync of a pull connection now, or bring forward the one already pending."""
    conn = await repository.get_connection(session, tenant_id, connection_id)
    if conn is None:
        raise not_found(f"connection {connection_id}")
    if conn.source not in (sources := pulled()):
        detail = f"{conn.source} pushes; pulled: {', '.join(sources)}"
        raise Problem(422, "not-pullable", "Source is not pulled", detail)
    if not conn.enabled:
        raise Problem(422, "connection-disabled", "Connection disabled")
    credentials = decrypt_credentials(secret_key, conn.credentials)
    if missing := missing_credentials(conn.source, credentials):
        raise Problem(
            422, "missing-credentials", "Credentials missing", f"needs: {', '.join(missing)}"
        )
    pending = await repository.pending_jobs(session, tenant_id, SYNC_JOB)
    for job in pending:
        if job.payload.get("connection_id") == conn.id:
            now = utcnow()
            if job.status == "queued" and job.run_at > now:
                job.run_at = now  # the next scheduled sync, run now instead
                session.add(job)
            return SyncRequest(job, already_queued=True)
    job = _enqueue_sync(session, conn, conn.cursor)
    await session.flush()
    return SyncRequest(job, already_queued=False)


@register(SYNC_JOB)
async def sync_connection(session: AsyncSession, job: Job) -> None:
    """Pull one page for a connection, ingest it and store its cursor in one transaction."""
    connection_id = str(job.payload.get("connection_id", ""))
    expected = job.payload.get("cursor")
    conn = await repository.get_connection(session, job.tenant_id, connection_id)
    if conn is None or not conn.enabled or conn.source not in pulled():
        return  # deleted or disabled: the schedule ends here
    if conn.cursor != expected:
        return  # another run already stored this page; its chain carries on
    settings = current_settings()
    credentials = decrypt_credentials(settings.secret_key, conn.credentials)
    timezone = None
    if conn.property_code:
        prop = await repository.find_property(session, conn.tenant_id, conn.property_code)
        timezone = prop.timezone if prop is not None else None
    puller = make_puller(conn.source, timezone)
    # Vendor errors (SourceError after the puller's own retries) propagate: the queue retries.
    async with fetch.client() as client:
        page = await puller.fetch_changes(client, credentials, conn.cursor)
    records = await fetch.complete(conn.source, puller, list(page.records), credentials)
    store_rotated(conn, settings.secret_key, fetch.rotated(conn.source, credentials))
    # Locks the row before any write, so a second run of this page (its lease ran out) waits
    # here, then finds the cursor moved and backs off.
    if not await repository.advance_cursor(
        session, conn.tenant_id, conn.id, conn.cursor, page.next_cursor
    ):
        log.info("sync_page_already_stored", connection=conn.id, job_id=job.id)
        return
    await ingest_for_connection(session, conn.tenant_id, conn, records, f"connection:{conn.id}")
    if page.done:
        _enqueue_sync(session, conn, page.next_cursor, run_at=utcnow() + interval(credentials))
    else:
        _enqueue_sync(session, conn, page.next_cursor)
    log.info("sync_page", connection=conn.id, records=len(records), done=page.done, job_id=job.id)
