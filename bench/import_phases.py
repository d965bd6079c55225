"""Where the time of a bulk import goes: per phase and per statement, on PostgreSQL.

    python bench/import_phases.py --guests 20000 --seed 8 [--batch-size 500] [--no-hold]
    python bench/import_phases.py --guests 20000 --seed 8 --sqlite [--no-hold]

Generates hotel guests, then runs `app.bulk.importer.import_file` in this process into a fresh
database, as `guestid import` does, with timers around the phases of each batch (load, resolve,
write) and around every statement and COPY. `--no-hold` reads every batch's neighbourhood from
the database instead of holding the empty tenant (`app/bulk/tenant_hold.py`); `--sqlite`
imports into a SQLite file instead (its statements are not timed). It prints; it writes no
doc. Use it before and after a change to the import path; the figures of a run are only
comparable with another run on the same machine at the same time.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hotel_generator
from speed_env import (
    SECRET,
    drop_db,
    env_for,
    fresh_tenant,
    pg_url,
    recreate_db,
    time_driver_statements,
)

if TYPE_CHECKING:
    from app.bulk.importer import ImportReport

DB = "guestid_bench_import_phases"
SPENT: defaultdict[str, float] = defaultdict(float)


def _timed(owner: Any, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - started

    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - started

    setattr(owner, name, timed if asyncio.iscoroutinefunction(original) else timed_sync)


def _label(statement: str) -> str:
    if statement.startswith("WITH w0"):
        return "writes: " + ", ".join(re.findall(r"AS \((\w+ (?:INTO )?\w+)", statement))
    return re.sub(r"\s+", " ", statement)[:70]


def _time_statements(engine: Any) -> None:
    import asyncpg
    from sqlalchemy import event

    sent: list[float] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        sent.append(time.perf_counter())

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        SPENT["sql " + _label(statement)] += time.perf_counter() - sent.pop()

    copy = asyncpg.Connection.copy_records_to_table

    async def timed_copy(self: Any, table: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await copy(self, table, **kwargs)
        finally:
            SPENT[f"sql COPY {table}"] += time.perf_counter() - started

    asyncpg.Connection.copy_records_to_table = timed_copy  # type: ignore[method-assign]
    time_driver_statements(lambda sql, seconds: _add("sql " + _label(sql), seconds))


def _add(label: str, seconds: float) -> None:
    SPENT[label] += seconds


async def _import(
    url: str, path: Path, tenant_id: str, batch_size: int, hold: bool
) -> tuple[ImportReport, float]:
    from app.bulk import importer
    from app.core.db import create_engine, session_factory, transaction
    from app.matching.service import matching_for
    from app.profiles import linking
    from app.profiles.mirror import TenantMirror

    _timed(linking, "load_working_set", "load")
    _timed(TenantMirror, "working_set", "load from memory")
    _timed(linking, "_resolve", "resolve")
    _timed(linking, "write_changes", "write")
    engine = create_engine(url)
    if url.startswith("postgresql"):
        _time_statements(engine)
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        matching = await matching_for(session, tenant_id)
    started = time.perf_counter()
    report = await importer.import_file(
        path,
        tenant_id=tenant_id,
        tenant_slug="bench",
        sessions=sessions,
        matching=matching,
        secret_key=SECRET,
        batch_size=batch_size,
        restart=True,
        hold_tenant=hold,
    )
    wall = time.perf_counter() - started
    await engine.dispose()
    return report, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--no-hold", action="store_true", help="read every batch from the database")
    parser.add_argument("--sqlite", action="store_true", help="import into SQLite, not PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        records, _ = hotel_generator.generate(args.guests, args.seed)
        hotel_generator.write(records, work / "hotel")
        path = work / "hotel" / "records.jsonl"
        url = f"sqlite:///{work / 'guestid.sqlite3'}" if args.sqlite else pg_url(DB)
        if not args.sqlite:
            recreate_db(DB)
        tenant_id = fresh_tenant(env_for(url, work))
        try:
            report, wall = asyncio.run(
                _import(url, path, tenant_id, args.batch_size, not args.no_hold)
            )
        finally:
            if not args.sqlite:
                drop_db(DB)
    outcomes = report.outcomes
    lines = sum(outcomes.values())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{lines:,} records in {wall:.1f} s: {lines / wall:.0f} records/s; {dict(outcomes)}")
    print(
        f"CPU: importing process {usage.ru_utime + usage.ru_stime:.1f} s, preparing process "
        f"{children.ru_utime + children.ru_stime:.1f} s; peak RSS of the importing process "
        f"{usage.ru_maxrss / 1024:.0f} MB; batches resolved from memory "
        f"{report.batches_from_memory} of {report.batches}"
    )
    for label, seconds in sorted(SPENT.items(), key=lambda item: -item[1])[:20]:
        print(f"  {seconds:7.1f} s  {label}")


if __name__ == "__main__":
    main()
