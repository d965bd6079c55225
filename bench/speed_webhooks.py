"""Webhooks bench: event-to-webhook latency and deliveries per second per `guestid worker`.

A real receiver on 127.0.0.1 (uvicorn in a thread of this process), PostgreSQL and Redis,
`guestid worker` processes with the default settings (only 127.0.0.1 allowed, plain HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from docsection import replace_section
from speed_env import (
    GUESTID,
    REDIS,
    Stats,
    drop_db,
    env_for,
    fresh_tenant,
    machine,
    pg_url,
    recreate_db,
    stats,
)
from standardwebhooks import Webhook

from app.core.config import Settings
from app.core.db import create_engine, session_factory, transaction
from app.core.outbox import Waker, wake_on_commit
from app.core.redis import connect_redis
from app.models import Event
from app.webhooks.catalogue import message_id
from app.webhooks.endpoints import create_endpoint
from app.webhooks.runner import publish_wake
from app.webhooks.schemas import EndpointCreate

START, END = "<!-- webhooks:start -->", "<!-- webhooks:end -->"
DB = "guestid_speed_webhooks"


class Receiver:
    """Answers 200 to every POST and notes when each webhook-id first arrived."""

    def __init__(self, port: int) -> None:
        self.arrived: dict[str, float] = {}
        self.requests: list[tuple[dict[str, str], bytes]] = []
        config = uvicorn.Config(
            self, host="127.0.0.1", port=port, lifespan="off", log_level="error", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        now = time.time()
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.arrived.setdefault(headers.get("webhook-id", ""), now)
        if len(self.requests) < 200:
            self.requests.append((headers, body))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def start(self) -> None:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


class Workers:
    """`guestid worker` processes on the bench database."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, count: int) -> None:
        for _ in range(count):
            self.procs.append(subprocess.Popen([str(GUESTID), "worker"], env=self.env))

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.wait(30)
        self.procs = []


async def _insert(url: str, tenant_id: str, count: int) -> dict[str, float]:
    """Commit `count` guest.created events in one transaction; {message id: commit time}."""
    engine = create_engine(url)
    redis = connect_redis(REDIS)
    try:
        with wake_on_commit(Waker(lambda: publish_wake(redis))):  # as the API process does
            async with transaction(session_factory(engine)) as session:
                events = [Event(tenant_id=tenant_id, type="guest.created") for _ in range(count)]
                session.add_all(events)
            committed = time.time()
        return {message_id(e.id): committed for e in events}
    finally:
        await engine.dispose()
        if redis is not None:
            await redis.aclose()


async def _paced(url: str, tenant_id: str, count: int, per_second: float) -> dict[str, float]:
    """Commit events one per transaction at a steady rate; {message id: commit time}."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    redis = connect_redis(REDIS)
    committed: dict[str, float] = {}
    try:
        with wake_on_commit(Waker(lambda: publish_wake(redis))):  # as the API process does
            for _ in range(count):
                async with transaction(sessions) as session:
                    event = Event(tenant_id=tenant_id, type="guest.created")
                    session.add(event)
                committed[message_id(event.id)] = time.time()
                await asyncio.sleep(1 / per_second)
    finally:
        await engine.dispose()
        if redis is not None:
            await redis.aclose()
    return committed


async def _endpoint(url: str, tenant_id: str, receiver_url: str, settings: Settings) -> str:
    engine = create_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            _, secret = await create_endpoint(
                session, tenant_id, EndpointCreate(url=receiver_url), settings
            )
        return secret
    finally:
        await engine.dispose()


def _wait_for(receiver: Receiver, ids: set[str], limit: float) -> float:
    """Seconds until every id arrived (raises after `limit`)."""
    started = time.monotonic()
    while not ids <= receiver.arrived.keys():
        if time.monotonic() - started > limit:
            missing = len(ids - receiver.arrived.keys())
            raise TimeoutError(f"{missing} webhooks did not arrive in {limit:.0f} s")
        time.sleep(0.01)
    return time.monotonic() - started


def run(args: argparse.Namespace, work: Path) -> tuple[Stats, list[tuple[int, int, float]]]:
    """The latency run, then one throughput run per worker count."""
    recreate_db(DB)
    env = env_for(pg_url(DB), work, redis=True)
    env.update(GUESTID_WEBHOOK_ALLOW_HOSTS="127.0.0.1", GUESTID_ENVIRONMENT="development")
    tenant_id = fresh_tenant(env)
    settings = Settings(
        database_url=pg_url(DB),
        secret_key=env["GUESTID_SECRET_KEY"],
        webhook_allow_hosts=["127.0.0.1"],
        data_dir=work,
    )
    receiver = Receiver(args.port)
    receiver.start()
    workers = Workers(env)
    try:
        secret = asyncio.run(
            _endpoint(pg_url(DB), tenant_id, f"http://127.0.0.1:{args.port}/hook", settings)
        )
        workers.start(1)
        time.sleep(3)  # the worker's imports and first poll
        committed = asyncio.run(_paced(pg_url(DB), tenant_id, args.latency_events, args.rate))
        _wait_for(receiver, set(committed), 60)
        latency = stats([receiver.arrived[m] - at for m, at in committed.items()])
        for headers, body in receiver.requests:
            Webhook(secret).verify(body, headers)  # the figures are for valid deliveries
        workers.stop()
        rounds = []
        for count in args.workers:
            workers.start(count)
            time.sleep(3)
            ids = asyncio.run(_insert(pg_url(DB), tenant_id, args.throughput_events))
            seconds = _wait_for(receiver, set(ids), 600)
            workers.stop()
            rounds.append((count, len(ids), seconds))
            print(f"{count} worker(s): {len(ids)} in {seconds:.1f} s", flush=True)
        return latency, rounds
    finally:
        workers.stop()
        receiver.stop()
        if not args.keep_db:
            drop_db(DB)


def render(latency: Stats, rounds: list[tuple[int, int, float]], command: str, wall: float) -> str:
    """This bench's section of docs/benchmarks.md."""
    lines = [
        START,
        "## Webhooks: event committed to webhook received",
        "",
        f"Command: `{command}` — whole run {wall:.0f} s.",
        "",
        *machine(),
        "",
        "| events | mean ms | p50 ms | p95 ms | p99 ms | max ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {latency.n} | {latency.mean:.0f} | {latency.p50:.0f} | {latency.p95:.0f} | "
        f"{latency.p99:.0f} | {latency.max:.0f} |",
        "",
        "| `guestid worker` processes | deliveries | wall s | deliveries/s | per worker |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for count, delivered, seconds in rounds:
        rate = delivered / seconds
        lines.append(f"| {count} | {delivered} | {seconds:.1f} | {rate:.0f} | {rate / count:.0f} |")
    lines += [
        "",
        "How it is measured: one tenant, one endpoint on a receiver in the bench process "
        "(uvicorn, answers 200 at once), PostgreSQL and Redis, `guestid worker` with the default "
        "settings (poll 0.5 s, 16 attempts at once per process). Latency: events committed one "
        "per transaction at a steady rate with one worker running, each commit waking the "
        "dispatchers through Redis as an API process's commit does; from the commit to the "
        "request's arrival at the receiver: the wake-up, dispatch, signing, the address check "
        "and the POST. A sample of the "
        "deliveries is verified with `standardwebhooks`. Throughput: the workers started and idle, "
        "then a backlog of events committed in one transaction; wall time from that commit "
        "until the last webhook arrived, so it covers dispatch and delivery, each delivery "
        "recorded with its attempt row. The workers share the 2 cores with PostgreSQL and the "
        "receiver.",
        END,
    ]
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--latency-events", type=int, default=300)
    p.add_argument("--rate", type=float, default=20.0, help="events per second (latency run)")
    p.add_argument("--throughput-events", type=int, default=5000)
    p.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    p.add_argument("--port", type=int, default=8931)
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/speed_webhooks.py [--latency-events N] [--throughput-events M]."""
    args = parse(argv)
    argv_shown = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "bench/speed_webhooks.py", *argv_shown])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="guestid-webhooks-") as tmp:
        latency, rounds = run(args, Path(tmp))
    section = render(latency, rounds, command, time.perf_counter() - started)
    print(section)
    if not args.no_doc:
        replace_section(START, END, section)


if __name__ == "__main__":
    main()
