"""The webhook loops of a process: dispatch outbox events, deliver what is due, housekeeping."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from datetime import timedelta

import structlog
from cryptography.fernet import InvalidToken
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.db import transaction
from app.core.metrics import (
    WEBHOOK_ATTEMPT_SECONDS,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_EVENT_LAG_SECONDS,
    WEBHOOK_EVENTS_DISPATCHED,
)
from app.models import WebhookEndpoint
from app.models.base import utcnow
from app.webhooks import outcomes
from app.webhooks import queue_repository as repo
from app.webhooks.dispatch import dispatch_batch
from app.webhooks.sender import AttemptResult, Sender
from app.webhooks.signing import unseal

WAKE_CHANNEL = "guestid:webhooks:wake"
DISPATCH_BATCH = 500
HOUSEKEEPING_SECONDS = 600.0
log = structlog.get_logger(__name__)


class WebhookRunner:
    """Dispatches and delivers until stop(); attempts in hand finish first."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        redis: Redis | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.redis = redis
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stopping = asyncio.Event()
        self._dispatch_wake = asyncio.Event()
        self._deliver_wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._next_housekeeping = 0.0

    def wake(self) -> None:
        """Look for events and due deliveries now instead of at the next poll."""
        self._dispatch_wake.set()
        self._deliver_wake.set()

    def stop(self) -> None:
        """Claim nothing more; finish the attempts in hand."""
        self._stopping.set()
        self.wake()

    async def run(self) -> None:
        """Run the dispatch and delivery loops (and the Redis wake-up listener) until stop()."""
        log.info("webhooks_started", worker=self.worker_id)
        sender = Sender(self.settings)
        listener = asyncio.create_task(self._listen()) if self.redis is not None else None
        try:
            await asyncio.gather(self._dispatch_loop(), self._deliver_loop(sender))
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            await sender.aclose()
        log.info("webhooks_stopped", worker=self.worker_id)

    async def dispatch_once(self) -> int:
        """One dispatch step; the number of outbox events it handled."""
        schedule = outcomes.Schedule.from_settings(self.settings)
        async with transaction(self.sessions) as session:
            report = await dispatch_batch(session, DISPATCH_BATCH, schedule.delays[0])
        if report.messages:
            WEBHOOK_EVENTS_DISPATCHED.inc(report.messages)
        if report.deliveries:
            self._deliver_wake.set()
            await publish_wake(self.redis)
        return report.events

    async def _dispatch_loop(self) -> None:
        while not self._stopping.is_set():
            self._dispatch_wake.clear()
            try:
                await self._housekeeping()
                if await self.dispatch_once() >= DISPATCH_BATCH:
                    continue  # a backlog: keep going without waiting for the poll
            except Exception as exc:  # a database blip must not end the loop
                log.warning("webhook_dispatch_error", error=type(exc).__name__)
            await _wait(self._dispatch_wake, self.settings.webhook_poll_seconds)

    async def _deliver_loop(self, sender: Sender) -> None:
        concurrency = self.settings.webhook_concurrency
        while not self._stopping.is_set():
            free = concurrency - len(self._in_flight)
            if free <= 0:
                await asyncio.wait(set(self._in_flight), return_when=asyncio.FIRST_COMPLETED)
                continue
            self._deliver_wake.clear()
            if await self._claim_and_start(sender, free) < free:
                await _wait(self._deliver_wake, self.settings.webhook_poll_seconds)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _claim_and_start(self, sender: Sender, limit: int) -> int:
        lease = max(self.settings.webhook_lease_seconds, self.settings.webhook_timeout_seconds + 2)
        try:
            async with transaction(self.sessions) as session:
                claimed = await repo.claim_deliveries(session, limit, lease, utcnow())
        except Exception as exc:  # as above
            log.warning("webhook_claim_error", error=type(exc).__name__)
            return 0
        for item in claimed:
            task = asyncio.create_task(self._attempt(sender, item))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(claimed)

    async def _attempt(self, sender: Sender, claimed: repo.Claimed) -> None:
        delivery, message, endpoint = claimed
        started_at = utcnow()
        try:
            secrets = self._secrets(endpoint)
        except (InvalidToken, KeyError, ValueError):  # GUESTID_SECRET_KEY changed since
            result = AttemptResult(None, "secret_unreadable", None, 0)
        else:
            result = await sender.send(message.id, message.body, endpoint.url, secrets)
        WEBHOOK_ATTEMPT_SECONDS.observe(result.latency_ms / 1000)
        schedule = outcomes.Schedule.from_settings(self.settings)
        try:
            async with transaction(self.sessions) as session:
                state = await outcomes.record(session, claimed, result, schedule, started_at)
        except Exception as exc:  # the lease runs out and the delivery is tried again
            log.warning(
                "webhook_outcome_not_saved", delivery_id=delivery.id, error=type(exc).__name__
            )
            return
        WEBHOOK_ATTEMPTS.labels(state).inc()
        if state == "succeeded":
            WEBHOOK_EVENT_LAG_SECONDS.observe((utcnow() - message.created_at).total_seconds())
        (log.debug if result.succeeded else log.info)(
            "webhook_attempt",
            message_id=message.id,
            endpoint_id=endpoint.id,
            attempt=delivery.attempts,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
            state=state,
        )

    def _secrets(self, endpoint: WebhookEndpoint) -> list[str]:
        """The secrets that sign now: the current one, and the previous during its grace."""
        key = self.settings.secret_key
        secrets = [unseal(key, endpoint.secret)]
        expires = endpoint.previous_secret_expires_at
        if endpoint.previous_secret and expires is not None and expires > utcnow():
            secrets.append(unseal(key, endpoint.previous_secret))
        return secrets

    async def _housekeeping(self) -> None:
        """Forget finished messages past retention."""
        now = time.monotonic()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_SECONDS
        cutoff = utcnow() - timedelta(days=self.settings.webhook_retention_days)
        async with transaction(self.sessions) as session:
            removed = await repo.purge_finished(session, cutoff)
        if removed:
            log.info("webhook_messages_purged", count=removed)

    async def _listen(self) -> None:
        """Wake this process's loops when another process committed events or queued deliveries."""
        assert self.redis is not None
        while not self._stopping.is_set():
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(WAKE_CHANNEL)
                    while not self._stopping.is_set():
                        got = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if got is not None:
                            self.wake()
            except Exception as exc:  # Redis away: polling still delivers, retry the listener
                log.warning("webhook_wake_listener_error", error=type(exc).__name__)
                await asyncio.sleep(self.settings.webhook_poll_seconds)


async def publish_wake(redis: Redis | None) -> None:
    """Tell dispatchers and deliverers in every process that there is work."""
    if redis is None:
        return
    try:
        await redis.publish(WAKE_CHANNEL, "1")
    except Exception as exc:  # the poll still finds the work
        log.warning("webhook_wake_publish_error", error=type(exc).__name__)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
