"""Shared plumbing of the speed benches: databases, the guestid CLI, machine facts, percentiles."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GUESTID = ROOT / ".venv" / "bin" / "guestid"
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"
SECRET = "speed-bench-secret-key-0123456789abcdefghijklmnop"  # noqa: S105 (a bench-only key)


def pg_url(db: str) -> str:
    """The asyncpg-flavoured URL guestid uses for a database."""
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{db}"


def psql(sql: str, db: str = "postgres") -> str:
    """Run SQL through psql; the unaligned output."""
    done = subprocess.run(
        ["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-Atq"],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def recreate_db(db: str) -> None:
    """Drop (if there) and create an empty database."""
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')


def drop_db(db: str) -> None:
    """Drop a database of ours."""
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def env_for(database_url: str, data_dir: Path, redis: bool = False) -> dict[str, str]:
    """Environment of a guestid process on that database."""
    env = {
        **os.environ,
        "GUESTID_DATABASE_URL": database_url,
        "GUESTID_DATA_DIR": str(data_dir),
        "GUESTID_SECRET_KEY": SECRET,
        "GUESTID_LOG_LEVEL": "WARNING",
    }
    if redis:
        env["GUESTID_REDIS_URL"] = REDIS
    else:
        env.pop("GUESTID_REDIS_URL", None)
    return env


def guestid(args: list[str], env: dict[str, str]) -> str:
    """Run one guestid command; its stdout (raises with stderr on failure)."""
    done = subprocess.run([str(GUESTID), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"guestid {' '.join(args)}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def fresh_tenant(env: dict[str, str], slug: str = "bench") -> str:
    """Migrate, create the tenant; its id."""
    guestid(["migrate"], env)
    out = guestid(["tenant", "create", slug], env)
    found = re.search(r"id ([0-9a-f-]{36})", out)
    assert found, out
    return found.group(1)


def peak_rss_mb(pid: int) -> float:
    """High-water resident set size of a live process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def wait_for(check: object, timeout: float = 30.0) -> None:
    """Poll a callable until it returns true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # not up yet
            if check():  # type: ignore[operator]
                return
        time.sleep(0.2)
    raise TimeoutError("gave up waiting")


@dataclass(frozen=True)
class Stats:
    """Latency summary in milliseconds."""

    n: int
    mean: float
    p50: float
    p95: float
    p99: float
    max: float


def stats(seconds: list[float]) -> Stats:
    """Nearest-rank percentiles of a list of durations (seconds in, ms out)."""
    ms = sorted(1000 * s for s in seconds)

    def rank(q: float) -> float:
        return ms[min(len(ms) - 1, max(0, round(q * len(ms)) - 1))]

    return Stats(len(ms), sum(ms) / len(ms), rank(0.5), rank(0.95), rank(0.99), ms[-1])


def machine() -> list[str]:
    """Where the numbers come from."""
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    try:
        pg, buffers = psql("SHOW server_version"), psql("SHOW shared_buffers")
    except (OSError, subprocess.CalledProcessError):
        pg, buffers = "unavailable", "?"
    tuning = "default settings" if buffers == "128MB" else f"shared_buffers {buffers}, else default"
    return [
        f"- machine: `{' '.join(platform.uname())}`",
        f"- CPU: {cpu}, {os.cpu_count()} cores, {int(mem) / 2**20:.0f} GB RAM; "
        f"Python {platform.python_version()}; PostgreSQL {pg} (same machine, {tuning})",
        *_page_cache_reclaim(),
    ]


def _page_cache_reclaim() -> list[str]:
    """A note when the kernel pages out memory it finds cold (DAMON), page cache included.

    A database larger than shared buffers then reads from disk what a server with the same
    RAM would keep cached: online figures rise, and runs are comparable only on such a host.
    """
    kdamonds = Path("/sys/kernel/mm/damon/admin/kdamonds")
    schemes = kdamonds.glob("*/contexts/*/schemes/*/action")
    running = any(state.read_text().strip() == "on" for state in kdamonds.glob("*/state"))
    if running and any(action.read_text().strip() == "pageout" for action in schemes):
        return [
            "- memory: the host pages out memory it finds cold (DAMON `pageout`), page cache"
            " included: database pages beyond shared buffers are read from disk again"
        ]
    return []


# The relations every online record reads, hottest first: they go into shared buffers as far as
# these reach, after the whole database has been read into the OS page cache.
_HOT_RELATIONS = (
    "ix_record_keys_lookup",
    "ix_source_records_tenant_profile",
    "source_records",
    "pk_profiles",
    "profiles",
    "uq_source_records_tenant_id_source_source_record_id",
)


def prewarm(db: str) -> float:
    """Read a freshly loaded or copied database into memory, as a server in service has it
    (pg_prewarm, from PostgreSQL's contrib); the seconds it took."""
    started = time.perf_counter()
    psql("CREATE EXTENSION IF NOT EXISTS pg_prewarm", db)
    psql(
        "SELECT count(pg_prewarm(c.oid, 'read')) FROM pg_class AS c"
        " JOIN pg_namespace AS n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')",
        db,
    )
    hot = ", ".join(f"'{name}'" for name in _HOT_RELATIONS)
    psql(f"SELECT count(pg_prewarm(oid, 'buffer')) FROM pg_class WHERE relname IN ({hot})", db)  # noqa: S608
    return time.perf_counter() - started


def time_driver_statements(spent: Callable[[str, float], None]) -> None:
    """Report each statement a tree sends to asyncpg directly (app/core/pg_driver.py), with the
    seconds it took, to `spent`: SQLAlchemy's cursor events do not see them."""
    try:
        from app.core import pg_driver
    except ImportError:  # a tree from before it
        return
    for name in ("fetch", "execute"):
        original = getattr(pg_driver, name)

        async def timed(session: Any, sql: str, *args: Any, _original: Any = original) -> Any:
            started = time.perf_counter()
            try:
                return await _original(session, sql, *args)
            finally:
                spent(sql, time.perf_counter() - started)

        setattr(pg_driver, name, timed)
