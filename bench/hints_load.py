"""Plumbing of the hint bench: today's arrivals from generated data, servers, the load client."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from speed_env import wait_for

Request = tuple[str, str, Any]  # method, path, JSON body


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(args: list[str], env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    """Start a server process and wait until /healthz answers."""
    proc = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(lambda: httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200)
    return proc


def _arriving_today(record: dict[str, Any], today: date) -> dict[str, Any]:
    body = {k: v for k, v in record.items() if k != "_guest"}
    stay = dict(body["stay"])
    nights = (date.fromisoformat(stay["departure"]) - date.fromisoformat(stay["arrival"])).days
    stay["arrival"] = today.isoformat()
    stay["departure"] = (today + timedelta(days=max(1, nights))).isoformat()
    stay["status"] = "confirmed"
    body["stay"] = stay
    body["updated_at"] = datetime.now(UTC).isoformat()
    return body


def arrivals(
    records: list[dict[str, Any]], count: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(history, arriving): the last `count` reservations of the stream arrive today."""
    picked: list[int] = []
    seen: set[tuple[str, str]] = set()
    for i in range(len(records) - 1, -1, -1):
        rec = records[i]
        ident = (rec["source"], rec["source_record_id"])
        if rec.get("stay") and rec["stay"].get("status") != "cancelled" and ident not in seen:
            picked.append(i)
            seen.add(ident)
        if len(picked) == count:
            break
    history = [r for r in records if (r["source"], r["source_record_id"]) not in seen]
    today = datetime.now(UTC).date()
    return history, [_arriving_today(records[i], today) for i in sorted(picked)]


async def load(
    base: str,
    make: Callable[[int], Request],
    n: int,
    concurrency: int,
    headers: dict[str, str],
) -> tuple[list[float], float, list[Any]]:
    """Send `n` requests from `concurrency` workers; (latencies, wall seconds, JSON answers)."""
    timings: list[float] = []
    answers: list[Any] = []
    counter = iter(range(n))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker() -> None:
            for i in counter:
                method, path, body = make(i)
                started = time.perf_counter()
                answer = await client.request(method, path, json=body, headers=headers)
                timings.append(time.perf_counter() - started)
                answer.raise_for_status()
                answers.append(answer.json())

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return timings, wall, answers
