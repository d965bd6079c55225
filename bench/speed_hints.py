"""Hint latency under concurrent load: POST /v1/hints and the cached GET, against a bare
FastAPI endpoint reading one Redis key, all measured in the same run (PostgreSQL + Redis)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hotel_generator
import httpx
import speed_load
from docsection import replace_section
from hints_load import Request, arrivals, free_port, load, serve
from redis import Redis
from speed_env import (
    GUESTID,
    ROOT,
    SECRET,
    Stats,
    drop_db,
    env_for,
    fresh_tenant,
    guestid,
    machine,
    pg_url,
    recreate_db,
    stats,
)

START, END = "<!-- hints:start -->", "<!-- hints:end -->"
DB = "guestid_hints_bench"
BASELINE_KEY = "bench:baseline:hint"  # read by bench/hints_baseline.py
SCOPES = "records:write profiles:read admin"
# Its own Redis database: other benches share speed_env's; cache keys carry a fresh tenant id.
REDIS_DB = "redis://127.0.0.1:6379/12"


@dataclass
class Target:
    """One server under load: where it is and what its requests carry."""

    base: str
    headers: dict[str, str]


def run(args: argparse.Namespace, work: Path) -> list[str]:
    """Load history, start both servers, measure; the markdown lines of the results."""
    records, _ = hotel_generator.generate(args.guests, args.seed)
    history, arriving = arrivals(records, args.post + args.warmup)
    recreate_db(DB)
    env = {**env_for(pg_url(DB), work, redis=True), "GUESTID_REDIS_URL": REDIS_DB}
    tenant_id = fresh_tenant(env)
    loaded = speed_load.bulk_load(DB, tenant_id, SECRET, history, 2)
    print(f"loaded {int(loaded['profiles_rows']):,} guests", flush=True)
    issued = guestid(["client", "create", "--tenant", "bench", "--scopes", SCOPES], env)
    creds = dict(line.split("=", 1) for line in issued.splitlines() if "=" in line)
    port, floor_port = free_port(), free_port()
    server = serve([str(GUESTID), "serve", "--port", str(port)], env, ROOT, port)
    uvicorn = [sys.executable, "-m", "uvicorn", "hints_baseline:app", "--port", str(floor_port)]
    floor = serve(
        [*uvicorn, "--log-level", "warning", "--no-access-log"],
        {**env, "BENCH_REDIS_URL": REDIS_DB},
        ROOT / "bench",
        floor_port,
    )
    try:
        ours = Target(f"http://127.0.0.1:{port}", _token(port, creds))
        bare = Target(f"http://127.0.0.1:{floor_port}", {})
        return asyncio.run(_measure(args, ours, bare, arriving))
    finally:
        for proc in (server, floor):
            proc.terminate()
            proc.wait(30)
        if not args.keep_db:
            drop_db(DB)


def _token(port: int, creds: dict[str, str]) -> dict[str, str]:
    """A bearer token, value statistics computed and one upgrade rule: the steady state."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(creds["client_id"], creds["client_secret"]),
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        client.post("/v1/hints/value-stats", headers=auth).raise_for_status()
        rule = {
            "name": "Returning guests",
            "conditions": {"frequency": ["second", "returning", "fan"]},
            "offer": {"room_type": "SUITE"},
        }
        client.post("/v1/upgrade-rules", headers=auth, json=rule).raise_for_status()
    return auth


async def _measure(
    args: argparse.Namespace, ours: Target, bare: Target, arriving: list[dict[str, Any]]
) -> list[str]:
    warm, timed = arriving[: args.warmup], arriving[args.warmup :]

    def post(batch: list[dict[str, Any]]) -> Callable[[int], Request]:
        return lambda i: ("POST", "/v1/hints", batch[i])

    _, _, answers = await load(
        ours.base, post(warm), len(warm), args.post_concurrency, ours.headers
    )
    Redis.from_url(REDIS_DB).set(BASELINE_KEY, json.dumps(answers[0]))  # a hint-sized value
    hinted = [(h["source"], h["reservation_id"]) for h in answers]  # GETs pick among these
    rng = random.Random(args.seed)

    def get(i: int) -> Request:
        source, rid = rng.choice(hinted)
        return "GET", f"/v1/hints/{source}/{rid}", None

    def key(i: int) -> Request:
        return "GET", "/key", None

    # Rounds interleave guestid and the floor so machine noise falls on both alike.
    timings: dict[str, list[float]] = {k: [] for k in ("floor_p", "post", "floor_g", "get")}
    walls: Counter[str] = Counter()
    hints: list[Any] = []
    share, gets = len(timed) // args.rounds, args.get // args.rounds
    for r in range(args.rounds):
        chunk = timed[r * share : (r + 1) * share]
        plan = (
            ("floor_p", bare, key, len(chunk), args.post_concurrency),
            ("post", ours, post(chunk), len(chunk), args.post_concurrency),
            ("floor_g", bare, key, gets, args.concurrency),
            ("get", ours, get, gets, args.concurrency),
        )
        for name, target, make, n, clients in plan:
            if r == 0 and name != "post":
                await load(target.base, make, args.warmup, clients, target.headers)
            spent, wall, answers = await load(target.base, make, n, clients, target.headers)
            timings[name] += spent
            walls[name] += wall
            if name == "post":
                hints += answers
                hinted.extend((h["source"], h["reservation_id"]) for h in answers)
        print(f"round {r + 1}/{args.rounds} done", flush=True)
    load_average = os.getloadavg()[0]
    lines = _table(args, {k: stats(v) for k, v in timings.items()}, walls, hints)
    return [
        *lines,
        "",
        f"Load average (1 min) at the end of the measurement: {load_average:.1f} "
        f"on {os.cpu_count()} cores — anything above the cores is other work queueing.",
    ]


def _row(name: str, s: Stats, wall: float, floor: Stats) -> str:
    return (
        f"| {name} | {s.n:,} | {s.n / wall:,.0f} | {s.p50:.1f} | {s.p95:.1f} | {s.p99:.1f} | "
        f"{s.p50 / floor.p50:.1f} | {s.p99 / floor.p99:.1f} |"
    )


def _table(
    args: argparse.Namespace, s: dict[str, Stats], walls: Counter[str], hints: list[Any]
) -> list[str]:
    repeat = sum(1 for h in hints if h["repeat_guest"]) / len(hints)
    offers = sum(1 for h in hints if h["upgrade_offer"]) / len(hints)
    floor = "floor: bare FastAPI + one Redis GET"
    pc, gc = args.post_concurrency, args.concurrency
    return [
        "| path | requests | req/s | p50 ms | p95 ms | p99 ms | p50 / floor p50 | "
        "p99 / floor p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _row(f"{floor}, {pc} clients", s["floor_p"], walls["floor_p"], s["floor_p"]),
        _row(f"`POST /v1/hints`, {pc} clients", s["post"], walls["post"], s["floor_p"]),
        _row(f"{floor}, {gc} clients", s["floor_g"], walls["floor_g"], s["floor_g"]),
        _row(f"`GET /v1/hints/{{source}}/{{id}}`, {gc} clients", s["get"], walls["get"],
             s["floor_g"]),
        "",
        f"{len(hints):,} arrivals timed ({repeat:.0%} repeat guests, {offers:.0%} with an "
        "upgrade offer); each GET picks a hinted reservation at random. Existing state: "
        f"`bench/hotel_generator.py --guests {args.guests} --seed {args.seed}` bulk-loaded by "
        "`bench/speed_load.py` (one profile per true guest); the last reservations of the "
        "generated stream arrive today, sent as generic records.",
    ]  # fmt: skip


def render(lines: list[str], command: str, total: float) -> str:
    """The markdown section this bench owns."""
    return "\n".join(
        [
            START,
            "## Check-in hints",
            "",
            f"Command: `{command}` — whole run {total / 60:.1f} min.",
            "",
            *machine(),
            "",
            "Both servers are single uvicorn processes on this machine: `guestid serve` on "
            "PostgreSQL + Redis (bearer token on every call), and the floor, "
            "`bench/hints_baseline.py`, a bare FastAPI endpoint returning one Redis key that "
            "holds a hint. The httpx load client shares the same two cores; rounds alternate "
            "floor and guestid so noise falls on both. Latency is per request, as the client "
            "sees it.",
            "",
            *lines,
            "",
            "`POST /v1/hints` ingests and resolves the record, computes the hint, stores it with "
            "its outbox event and commits. The cached GET first checks the guest's identity (one "
            "indexed PostgreSQL query: reservation → profile `updated_at`, settings version), "
            "then serves the hint from Redis; after a merge or unmerge the fingerprint differs "
            "and the hint is recomputed instead.",
            END,
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/speed_hints.py [--guests N] [--post M] [--get K]."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--guests", type=int, default=20_000, help="existing guests")
    p.add_argument("--post", type=int, default=600, help="arrivals timed through POST")
    p.add_argument("--get", type=int, default=6000, help="cached GETs timed")
    p.add_argument("--concurrency", type=int, default=8, help="clients for the GETs")
    p.add_argument("--post-concurrency", type=int, default=4, help="clients for the POSTs")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=40)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = p.parse_args(argv)
    argv_shown = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "bench/speed_hints.py", *argv_shown])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="guestid-hints-") as tmp:
        lines = run(args, Path(tmp))
    section = render(lines, command, time.perf_counter() - started)
    print(section)
    if not args.no_doc:
        replace_section(START, END, section)


if __name__ == "__main__":
    main()
