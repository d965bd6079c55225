"""Bulk import of generic records from JSON Lines: batched, resumable, with a summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.ingest.service import ingest_records
from app.ingest.validation import validate_record
from app.matching.service import MatchingConfig
from connectors.base import GuestRecord


@dataclass
class ImportReport:
    """What an import did: outcomes, failures with reasons, and where it stopped."""

    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    resumed_from_line: int = 0

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
) -> ImportReport:
    """Import every line of `path`; a rerun continues after the last committed batch."""
    checkpoint = Checkpoint.load(path, tenant_slug)
    if restart:
        checkpoint.clear()
        checkpoint = Checkpoint.load(path, tenant_slug)
    report = ImportReport(outcomes=Counter(checkpoint.outcomes), resumed_from_line=checkpoint.line)
    batch: list[tuple[int, GuestRecord]] = []
    line_no = checkpoint.line

    async def flush(offset: int) -> None:
        await _ingest_batch(batch, report, tenant_id, sessions, matching, secret_key)
        checkpoint.save(offset, line_no, report.outcomes)
        batch.clear()

    with path.open("rb") as handle:
        handle.seek(checkpoint.offset)
        if on_progress:
            on_progress(checkpoint.offset)
        while raw := handle.readline():
            line_no += 1
            report.lines += 1
            if on_progress:
                on_progress(len(raw))
            if not raw.strip():
                continue
            record = _parse_line(raw, line_no, report)
            if record is not None:
                batch.append((line_no, record))
            if len(batch) >= batch_size:
                await flush(handle.tell())
        await flush(handle.tell())
    checkpoint.clear()
    return report


def _parse_line(raw: bytes, line_no: int, report: ImportReport) -> GuestRecord | None:
    try:
        item = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        report.fail(line_no, "malformed-json", str(exc))
        return None
    record, errors = validate_record(item)
    if record is None:
        first = errors[0] if errors else {"pointer": "", "message": "invalid"}
        report.fail(line_no, f"invalid {first['pointer']}", first["message"])
    return record


async def _ingest_batch(
    batch: list[tuple[int, GuestRecord]],
    report: ImportReport,
    tenant_id: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
    secret_key: str,
) -> None:
    """One transaction per batch; if it fails, each record alone, to isolate the bad one."""
    if not batch:
        return
    try:
        async with transaction(sessions) as session:
            results = await ingest_records(
                session,
                tenant_id,
                [r for _, r in batch],
                matching=matching,
                secret_key=secret_key,
                decided_by="import",
            )
        report.outcomes.update(r.outcome for r in results)
        return
    except Exception as exc:  # isolate the record that broke the batch, then carry on
        if len(batch) == 1:
            report.fail(batch[0][0], "storage-error", type(exc).__name__)
            return
    for line_no, record in batch:
        await _ingest_batch([(line_no, record)], report, tenant_id, sessions, matching, secret_key)
