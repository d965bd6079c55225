"""Bulk import throughput (`guestid import`) on SQLite and PostgreSQL, and process memory."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from speed_env import (
    GUESTID,
    env_for,
    fresh_tenant,
    peak_rss_mb,
    pg_url,
    psql,
    recreate_db,
)


@dataclass(frozen=True)
class ImportRun:
    """One `guestid import` of a file on one backend."""

    backend: str
    lines: int
    seconds: float
    peak_rss_mb: float
    outcome: str

    @property
    def per_second(self) -> float:
        return self.lines / self.seconds


def import_file(backend: str, database_url: str, records: Path, work: Path) -> ImportRun:
    """migrate + tenant create (untimed), then `/usr/bin/time -v guestid import` (timed)."""
    env = env_for(database_url, work)
    fresh_tenant(env)
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", str(GUESTID), "import", str(records), "--tenant", "bench"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    lines = sum(1 for _ in records.open(encoding="utf-8"))
    return ImportRun(
        backend,
        lines,
        seconds,
        int(rss.group(1)) / 1024 if rss else float("nan"),
        done.stdout.strip().splitlines()[-1],
    )


def sqlite_import(records: Path, work: Path) -> ImportRun:
    """Import into a fresh SQLite file."""
    db = work / "import.sqlite"
    db.unlink(missing_ok=True)
    try:
        return import_file("SQLite", f"sqlite+aiosqlite:///{db}", records, work)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def postgres_import(records: Path, work: Path, db: str) -> ImportRun:
    """Import into a fresh PostgreSQL database (kept for the worker measurement)."""
    recreate_db(db)
    return import_file("PostgreSQL", pg_url(db), records, work)


@dataclass(frozen=True)
class WorkerMemory:
    """Peak RSS of a `guestid worker` idle, then while draining jobs."""

    idle_mb: float
    busy_mb: float
    jobs: int
    busy_seconds: float


def worker_memory(db: str, work: Path, jobs: int = 5000) -> WorkerMemory:
    """Start a worker (PostgreSQL + Redis); idle 10 s; enqueue `jobs` and wait until drained.

    The jobs are of a kind no handler knows, so each takes the claim → run → fail-and-reschedule
    path: the queue and session machinery a real job uses, without its payload work.
    """
    env = env_for(pg_url(db), work, redis=True)
    worker = subprocess.Popen(
        [str(GUESTID), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(10)
        idle = peak_rss_mb(worker.pid)
        tenant = psql("SELECT id FROM tenants WHERE slug = 'bench'", db)
        values = ",".join(
            f"('{uuid.uuid4()}', '{tenant}', 'bench.noop', '{json.dumps({'n': i})}', "
            "'queued', now(), 0, 1, now())"
            for i in range(jobs)
        )
        into = "jobs (id, tenant_id, kind, payload, status, run_at, attempts, max_attempts, "
        into += "created_at)"
        psql(f"INSERT INTO {into} VALUES {values}", db)  # noqa: S608 (our own literals)
        started = time.perf_counter()
        while int(psql("SELECT count(*) FROM jobs WHERE attempts = 0", db)) > 0:
            time.sleep(0.5)
        busy_seconds = time.perf_counter() - started
        return WorkerMemory(idle, peak_rss_mb(worker.pid), jobs, busy_seconds)
    finally:
        worker.terminate()
        worker.wait(60)
