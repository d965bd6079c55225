"""One arm of bench/speed_storage.py: ingests held-out records on request, timing each phase.

    python bench/storage_probe.py TREE DB TENANT RECORDS.jsonl

Imports `app` from TREE (a checkout of the code under test), then reads lines "START END" on
stdin and answers each with one JSON line: per record its wall time, the time spent in each
phase of the online path, the statements SQLAlchemy sent and the round trips asyncpg made.
Phases are timed by wrapping module attributes the tree has; a tree without one of them counts
that time under "other".
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from speed_env import SECRET, pg_url, time_driver_statements

PHASES = ("prepare", "load", "decide", "write", "hints", "commit", "other")


class Probe:
    """Time per phase and wire traffic of the record being ingested."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.sql = 0.0
        self.statements = 0
        self.round_trips = 0
        self.prepares = 0
        self.by_statement: dict[str, float] = {}
        self.gc = 0.0
        self._gc_started = 0.0

    def on_gc(self, phase: str, _info: dict[str, int]) -> None:
        """A gc.callbacks hook: the time the collector stops the record's work."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc += time.perf_counter() - self._gc_started

    def reset(self) -> None:
        self.phases = dict.fromkeys(PHASES, 0.0)
        self.sql, self.statements, self.round_trips, self.prepares = 0.0, 0, 0, 0
        self.by_statement = {}
        self.gc = 0.0

    def time_async(self, owner: Any, name: str, phase: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.phases[phase] += time.perf_counter() - started

        setattr(owner, name, timed)

    def time_sync(self, owner: Any, name: str, phase: str) -> None:
        original: Callable[..., Any] | None = getattr(owner, name, None)
        if original is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.phases[phase] += time.perf_counter() - started

        setattr(owner, name, timed)

    def count_round_trips(self, owner: Any, name: str, prepare: bool = False) -> None:
        original = getattr(owner, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.round_trips += 1
            self.prepares += prepare
            return await original(*args, **kwargs)

        setattr(owner, name, counted)


def _instrument(probe: Probe, engine: Any) -> None:
    import asyncpg
    from asyncpg.prepared_stmt import PreparedStatement
    from sqlalchemy import event

    from app.ingest import service
    from app.profiles import linking

    probe.time_sync(service, "prepare_record", "prepare")
    probe.time_async(linking, "load_working_set", "load")
    probe.time_sync(linking, "decide", "decide")
    probe.time_async(linking, "write_changes", "write")
    probe.time_async(service, "after_ingest", "hints")
    # Every message exchange with the server: BEGIN/COMMIT and pings go through execute/fetchrow.
    probe.count_round_trips(asyncpg.Connection, "prepare", prepare=True)
    for name in ("execute", "executemany", "fetch", "fetchrow", "copy_records_to_table"):
        probe.count_round_trips(asyncpg.Connection, name)
    for name in ("fetch", "executemany"):
        probe.count_round_trips(PreparedStatement, name)
    sent: list[float] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        probe.statements += 1
        sent.append(time.perf_counter())

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        spent = time.perf_counter() - sent.pop()
        probe.sql += spent
        label = statement_label(statement)
        probe.by_statement[label] = probe.by_statement.get(label, 0.0) + spent

    _time_driver_statements(probe)


def _time_driver_statements(probe: Probe) -> None:
    """Count and time the statements sent to asyncpg directly, as the events above do."""

    def spent(sql: str, seconds: float) -> None:
        probe.statements += 1
        probe.sql += seconds
        label = statement_label(sql)
        probe.by_statement[label] = probe.by_statement.get(label, 0.0) + seconds

    time_driver_statements(spent)


_LABELS = (
    ("ingest_key_hits", "lock + key hits"),
    ("pg_advisory_xact_lock", "lock"),
    ("CROSS JOIN LATERAL", "key hits"),  # a tree before migration 0009
    ("do_not_merge", "neighbourhood"),
    ("WITH w0 AS", "writes"),
)


def statement_label(statement: str) -> str:
    """A short name for a statement of the online path."""
    for marker, label in _LABELS:
        if marker in statement:
            return label
    return " ".join(statement.split()[:3])


def _same_ids_in_every_arm(seed: int = 7) -> None:
    # Ids break ties (the oldest profile, the neighbourhood ranking). A tree with random ids
    # (uuid4) draws the same sequence in both arms, so equal code makes equal decisions record
    # by record; time-ordered ids (new_id, uuid7) already follow the order records arrive in.
    rng = random.Random(seed)
    uuid.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def _ready() -> None:
    """What a server process of the tree does once it is ready to serve."""
    try:
        from app.core.heap import freeze_startup_objects
    except ImportError:  # a tree from before it
        return
    freeze_startup_objects()


async def _serve(db: str, tenant_id: str, raw: list[dict[str, Any]]) -> None:
    from app.core.db import create_engine, session_factory
    from app.matching.service import matching_for
    from connectors.base import GuestRecord

    engine = create_engine(pg_url(db))
    sessions = session_factory(engine)
    async with sessions() as session:
        matching = await matching_for(session, tenant_id)
        await session.commit()
    probe = Probe()
    _instrument(probe, engine)
    gc.callbacks.append(probe.on_gc)
    records = [
        GuestRecord.model_validate({k: v for k, v in r.items() if k != "_guest"}) for r in raw
    ]
    _ready()
    print(json.dumps({"app": sys.modules["app"].__path__[0]}), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            start, end = map(int, line.split())
            answers = [
                await _one(sessions, probe, tenant_id, matching, r) for r in records[start:end]
            ]
            print(json.dumps(answers), flush=True)
    finally:
        await engine.dispose()


async def _one(sessions: Any, probe: Probe, tenant_id: str, matching: Any, record: Any) -> Any:
    from app.ingest.service import ingest_records

    probe.reset()
    started = time.perf_counter()
    async with sessions() as session:
        try:
            results = await ingest_records(
                session,
                tenant_id,
                [record],
                matching=matching,
                secret_key=SECRET,
                decided_by="bench",
            )
            committing = time.perf_counter()
            await session.commit()
            probe.phases["commit"] = time.perf_counter() - committing
        except BaseException:
            await session.rollback()
            raise
    total = time.perf_counter() - started
    probe.phases["other"] = total - sum(v for k, v in probe.phases.items() if k != "other")
    return {
        "seconds": total,
        "phases": probe.phases,
        "sql": probe.sql,
        "gc": probe.gc,
        "statements": probe.statements,
        "round_trips": probe.round_trips,
        "prepares": probe.prepares,
        "by_statement": probe.by_statement,
        "outcome": results[0].outcome,
    }


def main() -> None:
    tree, db, tenant_id, path = sys.argv[1:5]
    sys.path.insert(0, tree)
    _same_ids_in_every_arm()
    with open(path) as lines:
        raw = [json.loads(line) for line in lines]
    asyncio.run(_serve(db, tenant_id, raw))


if __name__ == "__main__":
    main()
