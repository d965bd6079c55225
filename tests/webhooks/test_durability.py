"""1,000 webhooks to a failing, hanging receiver; `guestid worker` processes killed with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import select

from app.core.config import Settings
from app.core.db import transaction
from app.models import Event, WebhookDelivery
from app.webhooks.catalogue import message_id
from app.webhooks.runner import WebhookRunner
from tests.conftest import TenantClient
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Received, Receiver, Reply

MESSAGES = 1000
WORKERS = 2
KILLS = 4
GUESTID = Path(sys.executable).with_name("guestid")


def _flaky_receiver(seed: int) -> object:
    """Fails 30% of attempts, hangs past the timeout on 5%, accepts the rest."""
    rng = random.Random(seed)

    def reply(_n: int, _request: Received) -> Reply:
        roll = rng.random()
        if roll < 0.30:
            return Reply(500)
        if roll < 0.35:
            return Reply(503, delay=2.5)
        return Reply(200)

    return reply


def _worker_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GUESTID_ENVIRONMENT": "test",
        "GUESTID_DATABASE_URL": settings.database_url,
        "GUESTID_DATA_DIR": str(data_dir),
        "GUESTID_SECRET_KEY": settings.secret_key,
        "GUESTID_LOG_LEVEL": "ERROR",
        "GUESTID_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "GUESTID_WEBHOOK_RETRY_SCHEDULE": ",".join(["0", "0.1", "0.2"] + ["0.5"] * 17),
        "GUESTID_WEBHOOK_TIMEOUT_SECONDS": "1",
        "GUESTID_WEBHOOK_LEASE_SECONDS": "3",
        "GUESTID_WEBHOOK_POLL_SECONDS": "0.2",
        "GUESTID_WEBHOOK_CONCURRENCY": "32",
    }
    if settings.redis_url:
        env["GUESTID_REDIS_URL"] = settings.redis_url
    else:
        env.pop("GUESTID_REDIS_URL", None)
    return env


class Workers:
    """`guestid worker` processes that can be killed without warning."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env = env
        self.log = log
        self.procs: list[subprocess.Popen[bytes]] = []

    def spawn(self) -> None:
        self.procs.append(
            subprocess.Popen(
                [str(GUESTID), "worker"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
                start_new_session=True,
            )
        )

    async def kill_one(self, rng: random.Random) -> None:
        victim = self.procs.pop(rng.randrange(len(self.procs)))
        victim.send_signal(signal.SIGKILL)
        await asyncio.to_thread(victim.wait)

    async def stop_all(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.to_thread(proc.wait, 15)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        self.procs = []


@pytest.fixture
async def no_embedded_runner(app: FastAPI) -> Iterator[None]:
    """Only the worker processes deliver during the test."""
    app.state.webhooks.stop()
    await app.state.webhooks_task
    yield
    runner = WebhookRunner(app.state.sessions, app.state.settings, app.state.redis)
    app.state.webhooks = runner
    app.state.webhooks_task = asyncio.create_task(runner.run())


async def test_a_thousand_webhooks_arrive_despite_failures_hangs_and_killed_workers(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    settings: Settings,
    no_embedded_runner: None,
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    inbox = receiver.inbox(_flaky_receiver(seed=5))  # type: ignore[arg-type]
    endpoint = await register(http, admin, inbox.url, event_types=["guest.created"])
    async with transaction(app.state.sessions) as session:
        events = [
            Event(tenant_id=admin.tenant_id, type="guest.created", profile_id=f"guest-{i}")
            for i in range(MESSAGES)
        ]
        session.add_all(events)
    expected = {message_id(e.id) for e in events}

    rng = random.Random(11)
    with (tmp_path / "workers.log").open("wb") as log:
        workers = Workers(_worker_env(settings, tmp_path), log)
        for _ in range(WORKERS):
            workers.spawn()
        kills_in_flight = 0
        next_kill = time.monotonic() + 3.0
        try:
            while time.monotonic() - started < 55:
                await asyncio.sleep(0.2)
                done = len(inbox.accepted_ids())
                if done >= MESSAGES and await _succeeded(app, admin) >= MESSAGES:
                    break
                if kills_in_flight < KILLS and time.monotonic() >= next_kill and done < MESSAGES:
                    await workers.kill_one(rng)
                    kills_in_flight += 1
                    workers.spawn()
                    next_kill = time.monotonic() + 1.5
        finally:
            await workers.stop_all()
    log_text = (tmp_path / "workers.log").read_text(errors="replace")[-3000:]

    assert kills_in_flight >= 3, f"only {kills_in_flight} kills happened mid-delivery"
    assert inbox.accepted_ids() == expected, log_text  # 0 lost, nothing foreign
    for request in inbox.requests:  # failed and hung attempts too
        request.verify(endpoint["secret"])
    assert await _succeeded(app, admin) == MESSAGES
    failures = sum(1 for r in inbox.requests if r.status != 200)
    assert failures > MESSAGES * 0.3  # the receiver really was that bad
    print(  # the figures behind the run, shown with -s
        f"\n{MESSAGES} delivered in {time.monotonic() - started:.1f} s: "
        f"{len(inbox.requests)} requests, {failures} failed or hung, "
        f"{len(inbox.accepted()) - MESSAGES} duplicates after {kills_in_flight} SIGKILLs"
    )


async def _succeeded(app: FastAPI, tenant: TenantClient) -> int:
    async with transaction(app.state.sessions) as session:
        count = (
            await session.exec(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(
                    WebhookDelivery.tenant_id == tenant.tenant_id,
                    WebhookDelivery.status == "succeeded",
                )
            )
        ).one()
    return int(count)
