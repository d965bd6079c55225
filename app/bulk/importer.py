"""Bulk import of generic records from JSON Lines: batched, resumable, with a summary."""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.bulk.lenient import read_lenient
from app.bulk.tenant_hold import TenantHold, hold_if_empty
from app.core.db import refresh_statistics, transaction
from app.core.errors import Problem
from app.ingest.service import ingest_prepared, prepare_record
from app.matching.service import MatchingConfig
from app.profiles.linking import Incoming, Resolved, resolve_in_memory
from app.profiles.mirror import TenantMirror


@dataclass
class ImportReport:
    """What an import did: outcomes, failures with reasons, and where it stopped."""

    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    # Fields mended or dropped by the lenient reading (pointer: what was done), and lines so.
    repairs: Counter[str] = field(default_factory=Counter)
    repaired_lines: int = 0
    lines: int = 0
    resumed_from_line: int = 0
    batches: int = 0
    batches_from_memory: int = 0  # resolved against what the import held (tenant_hold.py)

    def fail(self, line: int, reason: str, detail: str) -> None:
        self.outcomes["failed"] += 1
        self.failure_reasons[reason] += 1
        if len(self.failures) < 1000:
            self.failures.append({"line": line, "reason": reason, "detail": detail})


@dataclass
class Checkpoint:
    """Progress of an import kept beside the file, so a stopped import resumes."""

    path: Path
    offset: int = 0
    line: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, source: Path, tenant: str) -> Checkpoint:
        path = source.with_name(f"{source.name}.{tenant}.guestid-progress")
        if path.exists():
            data = json.loads(path.read_text())
            return cls(path, data["offset"], data["line"], data.get("outcomes", {}))
        return cls(path)

    def save(self, offset: int, line: int, outcomes: Counter[str]) -> None:
        self.offset, self.line = offset, line
        self.path.write_text(json.dumps({"offset": offset, "line": line, "outcomes": outcomes}))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


async def import_file(
    path: Path,
    *,
    tenant_id: str,
    tenant_slug: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
    secret_key: str,
    batch_size: int = 500,
    restart: bool = False,
    on_progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
    hold_tenant: bool = True,
) -> ImportReport:
    """Import every line of `path`; a rerun continues after the last committed batch.

    A second process parses, validates and normalises the next batch while this one resolves
    and stores the current one (`parallel`; default: for files over a few batches). Into an
    empty tenant, as long as no one else writes it, the import resolves against what it wrote,
    kept in memory (`tenant_hold.py`; `hold_tenant=False` reads every batch's neighbourhood
    from the database instead).
    """
    checkpoint = Checkpoint.load(path, tenant_slug)
    if restart:
        checkpoint.clear()
        checkpoint = Checkpoint.load(path, tenant_slug)
    report = ImportReport(outcomes=Counter(checkpoint.outcomes), resumed_from_line=checkpoint.line)
    if parallel is None:
        size = (await asyncio.to_thread(path.stat)).st_size
        parallel = size - checkpoint.offset > _PARALLEL_FROM_BYTES
    statistics = _Statistics(sessions)
    loop = asyncio.get_running_loop()
    in_flight: deque[tuple[asyncio.Future[PreparedChunk], int, int]] = deque()
    storing: asyncio.Task[None] | None = None

    async def store(
        prepared: list[tuple[int, Incoming]],
        resolved: Resolved | None,
        hold: TenantHold | None,
        offset: int,
        last_line: int,
    ) -> None:
        await _ingest_batch(prepared, report, tenant_id, sessions, matching, hold, resolved)
        checkpoint.save(offset, last_line, report.outcomes)
        await statistics.after(len(prepared))

    async def store_oldest(hold: TenantHold | None) -> None:
        """Store the oldest batch in flight. Holding the tenant, resolve it in memory first,
        while the batch before it is still being written, and leave its own writing under way
        (`storing`) for the next batch to overlap with."""
        nonlocal storing
        future, offset, last_line = in_flight.popleft()
        prepared, failures, repairs = await future
        resolved = None
        if hold is not None and hold.mirror is not None:
            resolved = await _resolve_ahead(hold.mirror, prepared, matching)
        if storing is not None:
            await storing
        if hold is not None and resolved is None:
            await hold.release()  # the mirror would miss this batch: read the database from now
        for line_no, reason, detail in failures:
            report.fail(line_no, reason, detail)
        report.repaired_lines += len({line_no for line_no, _ in repairs})
        report.repairs.update(repair for _, repair in repairs)
        storing = asyncio.create_task(store(prepared, resolved, hold, offset, last_line))
        if hold is None or resolved is None:
            await storing  # nothing to overlap with: the next batch reads the database
            storing = None

    read_up_to = checkpoint.offset
    if on_progress:
        on_progress(read_up_to)
    async with hold_if_empty(sessions, tenant_id, hold_tenant) as hold:
        try:
            with _preparer(parallel) as pool, _rare_collections():
                for lines, offset, last_line in _read_batches(path, checkpoint, batch_size, report):
                    if on_progress:
                        on_progress(offset - read_up_to)
                    read_up_to = offset
                    in_flight.append(
                        (
                            loop.run_in_executor(pool, prepare_lines, lines, secret_key),
                            offset,
                            last_line,
                        )
                    )
                    if len(in_flight) > 1:  # keep one batch in preparation while one is stored
                        await store_oldest(hold)
                while in_flight:
                    await store_oldest(hold)
                if storing is not None:
                    await storing
        finally:
            if storing is not None:  # an import that stops lets the batch it was writing finish
                await asyncio.gather(storing, return_exceptions=True)
    checkpoint.clear()
    return report


_PARALLEL_FROM_BYTES = 2_000_000


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while importing.

    An import holds many long-lived objects (parsed neighbours, batches in flight); at the
    default thresholds the collector walks them all every few batches, a sixth of the time.
    Reference counting still frees nearly everything at once.
    """
    before = gc.get_threshold()
    gc.set_threshold(_GC_YOUNGEST, before[1], _GC_OLDEST)
    try:
        yield
    finally:
        gc.set_threshold(*before)


_GC_YOUNGEST, _GC_OLDEST = 10_000, 100
PreparedChunk = tuple[list[tuple[int, Incoming]], list[tuple[int, str, str]], list[tuple[int, str]]]


@contextmanager
def _preparer(parallel: bool) -> Iterator[Executor]:
    """One preparing process beside this one, or the calling thread when not parallel."""
    if not parallel:
        yield _InlineExecutor()
        return
    # spawn, not fork: the parent holds database threads that a forked child must not inherit.
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


class _InlineExecutor(Executor):
    """Runs submitted work at once in the caller (small files: no process to start)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting caller, as a pool would
            future.set_exception(exc)
        return future


def _read_batches(
    path: Path, checkpoint: Checkpoint, batch_size: int, report: ImportReport
) -> Iterator[tuple[list[tuple[int, bytes]], int, int]]:
    """Non-blank lines in batches, each with the file offset and line number after it."""
    line_no = checkpoint.line
    lines: list[tuple[int, bytes]] = []
    with path.open("rb") as handle:
        handle.seek(checkpoint.offset)
        while raw := handle.readline():
            line_no += 1
            report.lines += 1
            if raw.strip():
                lines.append((line_no, raw))
            if len(lines) >= batch_size:
                yield lines, handle.tell(), line_no
                lines = []
        yield lines, handle.tell(), line_no


def prepare_lines(lines: list[tuple[int, bytes]], secret_key: str) -> PreparedChunk:
    """Parse, validate, sanitise and normalise lines (runs in the preparing process)."""
    prepared: list[tuple[int, Incoming]] = []
    failures: list[tuple[int, str, str]] = []
    repairs: list[tuple[int, str]] = []
    for line_no, raw in lines:
        try:
            item = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            failures.append((line_no, "malformed-json", str(exc)))
            continue
        record, errors, mended = read_lenient(item)
        if record is None:
            first = errors[0] if errors else {"pointer": "", "message": "invalid"}
            failures.append((line_no, f"invalid {first['pointer']}", first["message"]))
            continue
        repairs.extend((line_no, repair) for repair in mended)
        prepared.append((line_no, prepare_record(record, secret_key)))
    return prepared, failures, repairs


class _Statistics:
    """Keeps PostgreSQL's planner statistics current while a tenant grows under an import.

    Without fresh statistics the planner treats fast-growing tables as tiny and scans them
    whole for every batch; autovacuum may be off or lag behind. Refreshed at doubling sizes.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.written = 0
        self.next_refresh = 2_000

    async def after(self, count: int) -> None:
        self.written += count
        if self.written < self.next_refresh:
            return
        self.next_refresh = self.written * 2
        async with transaction(self.sessions) as session:
            await refresh_statistics(session)


# A batch that fails is stored again record by record, to keep every record but the bad one.
# When its first records fail alone as well, the fault is the database's (a full disk, a lost
# connection), not the data's: failing every later line would be slow, and would move the
# checkpoint past lines that were never stored.
_STOP_AFTER_FAILING_ALONE = 3


async def _ingest_batch(
    batch: list[tuple[int, Incoming]],
    report: ImportReport,
    tenant_id: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
    hold: TenantHold | None = None,
    resolved: Resolved | None = None,
) -> None:
    """One transaction per batch; if it fails, each record alone, to isolate the bad one."""
    if not batch:
        return
    report.batches += 1
    try:
        if hold is None:
            await _store(batch, report, tenant_id, sessions, matching)
        else:
            await _store_held(batch, report, tenant_id, hold, matching, resolved)
        return
    except Exception as exc:  # isolate the record that broke the batch, then carry on
        if hold is not None:
            await hold.release()  # what the mirror holds may be off: read the database again
        if len(batch) == 1:
            report.fail(batch[0][0], "storage-error", type(exc).__name__)
            return
    failed_alone: list[tuple[int, str]] = []
    stored_any = False
    for line_no, item in batch:
        try:
            await _store([(line_no, item)], report, tenant_id, sessions, matching)
            stored_any = True
        except Exception as exc:
            failed_alone.append((line_no, type(exc).__name__))
            if not stored_any and len(failed_alone) == min(_STOP_AFTER_FAILING_ALONE, len(batch)):
                raise _stopped(batch[0][0], exc) from exc
    for line_no, reason in failed_alone:
        report.fail(line_no, "storage-error", reason)


async def _store_held(
    batch: list[tuple[int, Incoming]],
    report: ImportReport,
    tenant_id: str,
    hold: TenantHold,
    matching: MatchingConfig,
    resolved: Resolved | None,
) -> None:
    """Store a batch on the holding connection: as resolved in memory while the tenant is still
    held, else resolved against the database like any batch."""
    async with transaction(hold.sessions) as session:
        if await hold.mirror_for_batch(session) is None:
            resolved = None
        results = await ingest_prepared(
            session,
            tenant_id,
            [item for _, item in batch],
            matching=matching,
            decided_by="import",
            resolved=resolved,
        )
    if resolved is not None:
        report.batches_from_memory += 1
    report.outcomes.update(r.outcome for r in results)


async def _resolve_ahead(
    mirror: TenantMirror, batch: list[tuple[int, Incoming]], matching: MatchingConfig
) -> Resolved | None:
    """The batch resolved against the mirror, or None if resolving failed: then the import lets
    go of the tenant and stores the batch from the database (where a record that breaks it
    fails alone)."""
    try:
        return await resolve_in_memory(mirror, [item for _, item in batch], matching, "import")
    except Exception:
        return None


async def _store(
    batch: list[tuple[int, Incoming]],
    report: ImportReport,
    tenant_id: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
) -> None:
    async with transaction(sessions) as session:
        results = await ingest_prepared(
            session, tenant_id, [item for _, item in batch], matching=matching, decided_by="import"
        )
    report.outcomes.update(r.outcome for r in results)


def _stopped(line: int, exc: Exception) -> Problem:
    return Problem(
        503,
        "import-stopped",
        "Import stopped",
        f"the database refused the batch from line {line} and each of its first records alone"
        f" ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}); the"
        f" lines before {line} are imported: run the same import again to resume at line {line}",
    )
