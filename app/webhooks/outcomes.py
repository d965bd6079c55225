"""After an attempt: log it; succeed, retry on schedule or fail; pause or disable endpoints."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, or_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.metrics import WEBHOOK_ENDPOINTS_DISABLED
from app.models import WebhookAttempt, WebhookEndpoint
from app.models.base import utcnow
from app.webhooks import queue_repository as repo
from app.webhooks.queue_repository import Claimed
from app.webhooks.sender import AttemptResult

THROTTLED = frozenset({429, 502, 504})
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Schedule:
    """Retry delays with jitter, the pause after a slow-down answer, when to give up on a URL."""

    delays: tuple[float, ...]
    jitter: float
    throttle: float
    disable_after: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            tuple(settings.webhook_retry_schedule),
            settings.webhook_retry_jitter,
            settings.webhook_throttle_seconds,
            timedelta(hours=settings.webhook_disable_after_hours),
        )

    @property
    def longest_wait(self) -> float:
        """The cap on a receiver's Retry-After: it cannot park a delivery beyond the schedule."""
        return max(self.delays)

    def delay_after(self, attempts: int) -> float | None:
        """Seconds until the next attempt after `attempts` failed ones; None: give up."""
        if attempts >= len(self.delays):
            return None
        spread = random.uniform(1 - self.jitter, 1 + self.jitter)  # noqa: S311 - not security
        return self.delays[attempts] * spread


async def record(
    session: AsyncSession,
    claimed: Claimed,
    result: AttemptResult,
    schedule: Schedule,
    started_at: datetime,
) -> str:
    """Store the attempt and its consequences; the delivery's new state.

    `superseded` when another claim took the delivery over, `deleted` when its endpoint went."""
    delivery, message, endpoint = claimed
    now = utcnow()
    gone = result.status_code == 410
    delay = None if result.succeeded or gone else schedule.delay_after(delivery.attempts)
    if delay is not None and result.retry_after is not None:
        delay = max(delay, min(result.retry_after, schedule.longest_wait))
    values: dict[str, Any] = {"last_status_code": result.status_code, "last_error": result.error}
    if result.succeeded:
        values.update(status="succeeded", delivered_at=now)
    elif delay is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = now + timedelta(seconds=delay)
    settled = await repo.settle_delivery(session, delivery.id, delivery.lease_token or "", values)
    if not settled and not await repo.delivery_exists(session, delivery.id):
        return "deleted"
    session.add(
        WebhookAttempt(
            tenant_id=delivery.tenant_id,
            delivery_id=delivery.id,
            endpoint_id=endpoint.id,
            message_id=message.id,
            attempt=delivery.attempts,
            started_at=started_at,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            outcome="succeeded" if result.succeeded else "failed",
            error=result.error,
        )
    )
    if result.succeeded:
        if endpoint.failing_since is not None:  # as of the claim: most successes skip the write
            failing = col(WebhookEndpoint.failing_since).is_not(None)
            await repo.update_endpoint(session, endpoint.id, failing, {"failing_since": None})
        return "succeeded" if settled else "superseded"
    if gone:
        await disable(session, endpoint.id, "the receiver answered 410 Gone", now)
    elif result.status_code in THROTTLED or result.retry_after is not None:
        pause = result.retry_after if result.retry_after is not None else schedule.throttle
        until = now + timedelta(seconds=min(pause, schedule.longest_wait))
        later = or_(
            col(WebhookEndpoint.throttled_until).is_(None),
            col(WebhookEndpoint.throttled_until) < until,
        )
        await repo.update_endpoint(session, endpoint.id, later, {"throttled_until": until})
    await _note_failure(session, endpoint.id, now, schedule.disable_after)
    if not settled:
        return "superseded"
    return "failed" if delay is None else "retrying"


async def disable(
    session: AsyncSession, endpoint_id: str, reason: str, now: datetime, only_if: Any = None
) -> None:
    """Stop sending to an endpoint until an admin enables it again."""
    enabled = col(WebhookEndpoint.enabled)
    changed = await repo.update_endpoint(
        session,
        endpoint_id,
        enabled if only_if is None else and_(enabled, only_if),
        {"enabled": False, "disabled_reason": reason, "disabled_at": now, "updated_at": now},
    )
    if changed:
        WEBHOOK_ENDPOINTS_DISABLED.labels("gone" if "410" in reason else "failing").inc()
        log.warning("webhook_endpoint_disabled", endpoint_id=endpoint_id, reason=reason)


async def _note_failure(
    session: AsyncSession, endpoint_id: str, now: datetime, disable_after: timedelta
) -> None:
    """Remember when failures began; disable once there was nothing else for `disable_after`."""
    first = col(WebhookEndpoint.failing_since).is_(None)
    if await repo.update_endpoint(session, endpoint_id, first, {"failing_since": now}):
        return
    long_ago = col(WebhookEndpoint.failing_since) <= now - disable_after
    hours = round(disable_after.total_seconds() / 3600)
    reason = f"nothing but failures for {hours} hours"
    await disable(session, endpoint_id, reason, now, only_if=long_ago)
