"""Online resolution latency: one record per transaction, in process and over HTTP; Splink."""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from speed_env import GUESTID, SECRET, env_for, guestid, pg_url, wait_for


def _body(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if k != "_guest"}


async def _in_process(
    db: str, tenant_id: str, records: list[dict[str, Any]], warmup: int
) -> tuple[list[float], collections.Counter[str]]:
    from app.core.db import create_engine, session_factory, transaction
    from app.core.heap import freeze_startup_objects
    from app.ingest.service import ingest_records
    from app.matching.service import matching_for
    from connectors.base import GuestRecord

    engine = create_engine(pg_url(db))
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        matching = await matching_for(session, tenant_id)
    parsed = [GuestRecord.model_validate(_body(r)) for r in records]
    freeze_startup_objects()  # as a serving process does once it is ready
    timings: list[float] = []
    outcomes: collections.Counter[str] = collections.Counter()
    try:
        for i, record in enumerate(parsed):
            started = time.perf_counter()
            async with transaction(sessions) as session:
                results = await ingest_records(
                    session,
                    tenant_id,
                    [record],
                    matching=matching,
                    secret_key=SECRET,
                    decided_by="bench",
                )
            if i >= warmup:
                timings.append(time.perf_counter() - started)
                outcomes[results[0].outcome] += 1
    finally:
        await engine.dispose()
    return timings, outcomes


def in_process(
    db: str, tenant_id: str, records: list[dict[str, Any]], warmup: int = 20
) -> tuple[list[float], collections.Counter[str]]:
    """Seconds per record of `ingest_records` + commit, each record its own transaction."""
    return asyncio.run(_in_process(db, tenant_id, records, warmup))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def over_http(
    db: str, work: Path, records: list[dict[str, Any]], warmup: int = 10
) -> tuple[list[float], collections.Counter[str]]:
    """Seconds per `POST /v1/records` of one record against `guestid serve` (PostgreSQL+Redis)."""
    env = env_for(pg_url(db), work, redis=True)
    issued = guestid(["client", "create", "--tenant", "bench"], env).splitlines()
    creds = dict(line.split("=", 1) for line in issued if "=" in line)
    port = _free_port()
    server = subprocess.Popen(
        [str(GUESTID), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    timings: list[float] = []
    outcomes: collections.Counter[str] = collections.Counter()
    try:
        wait_for(lambda: httpx.get(f"{base}/healthz").status_code == 200)
        with httpx.Client(base_url=base, timeout=30) as client:
            token = client.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(creds["client_id"], creds["client_secret"]),
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            for i, rec in enumerate(records):
                payload = json.dumps(_body(rec))
                started = time.perf_counter()
                answer = client.post("/v1/records", content=payload, headers=headers)
                elapsed = time.perf_counter() - started
                # A record the API refuses (an invalid email the generator typed) is answered
                # too: timed, and counted as refused.
                if answer.status_code != 422:
                    answer.raise_for_status()
                if i >= warmup:
                    timings.append(elapsed)
                    refused = answer.status_code == 422
                    outcomes["refused (422)" if refused else answer.json()["outcome"]] += 1
    finally:
        server.terminate()
        server.wait(30)
    return timings, outcomes


def splink_lookups(
    existing: list[dict[str, Any]], new: list[dict[str, Any]], work: Path
) -> tuple[list[float], int]:
    """Splink `predict_between` per new record against `existing`; (seconds, existing size)."""
    import splink_baseline

    logging.getLogger("splink").setLevel(logging.ERROR)

    known = {(r["source"], r["source_record_id"]) for r in existing}
    fresh = list(
        {
            (r["source"], r["source_record_id"]): r
            for r in new
            if (r["source"], r["source_record_id"]) not in known
        }.values()
    )
    path = work / "splink_online.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for rec in (*existing, *fresh):
            fh.write(json.dumps(_body(rec), ensure_ascii=False) + "\n")
    size = len({(r["source"], r["source_record_id"]) for r in existing})
    try:
        return splink_baseline.online_lookup_seconds(path, len(fresh)), size
    finally:
        path.unlink(missing_ok=True)
