"""`guestid hint FILE.jsonl`: ingest each record, print the hint of every arriving one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import transaction
from app.hints.schemas import HintOut
from app.hints.service import produce, to_json
from app.ingest.service import ingest_records
from app.ingest.validation import validate_record
from app.matching.service import MatchingConfig
from connectors.base import GuestRecord

# Records whose stay is not someone walking in: history, quotes and cancellations.
NOT_ARRIVING = frozenset({"cancelled", "no_show", "enquiry", "checked_out"})


@dataclass
class HintRun:
    """What a run did."""

    lines: int = 0
    records: int = 0
    hints: int = 0
    failures: list[str] = field(default_factory=list)


def arriving(record: GuestRecord) -> bool:
    """True for a record of a reservation someone will arrive for."""
    return record.stay is not None and record.stay.status not in NOT_ARRIVING


async def hint_file(
    path: Path,
    *,
    tenant_id: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
    secret_key: str,
    out: TextIO,
    batch_size: int = 100,
    on_failure: Callable[[str], None] | None = None,
) -> HintRun:
    """Ingest the file in batches (one transaction each) and write one hint per arrival."""
    run = HintRun()
    batch: list[tuple[int, GuestRecord]] = []

    def fail(message: str) -> None:
        run.failures.append(message)
        if on_failure is not None:
            on_failure(message)

    async def flush() -> None:
        for body in await _batch(batch, run, tenant_id, sessions, matching, secret_key, fail):
            out.write(body + "\n")
        out.flush()
        batch.clear()

    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            run.lines += 1
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                fail(f"line {line_no}: malformed JSON: {exc}")
                continue
            record, errors = validate_record(item)
            if record is None:
                first = errors[0] if errors else {"pointer": "", "message": "invalid"}
                fail(f"line {line_no}: invalid {first['pointer']}: {first['message']}")
                continue
            batch.append((line_no, record))
            if len(batch) >= batch_size:
                await flush()
    await flush()
    return run


async def _batch(
    batch: list[tuple[int, GuestRecord]],
    run: HintRun,
    tenant_id: str,
    sessions: async_sessionmaker[AsyncSession],
    matching: MatchingConfig,
    secret_key: str,
    fail: Callable[[str], None],
) -> list[str]:
    """The hints of one batch; a failing batch is retried record by record to isolate it."""
    if not batch:
        return []
    try:
        async with transaction(sessions) as session:
            records = [r for _, r in batch]
            await ingest_records(
                session,
                tenant_id,
                records,
                matching=matching,
                secret_key=secret_key,
                decided_by="cli:hint",
            )
            bodies = []
            for record in records:
                if arriving(record) and record.stay is not None:
                    hint = await produce(
                        session, tenant_id, record.source, record.stay.reservation_id, "request"
                    )
                    if isinstance(hint, HintOut):  # else cancelled by a later record
                        bodies.append(to_json(hint.model_dump(mode="json")))
        run.records += len(batch)
        run.hints += len(bodies)
        return bodies
    except Exception as exc:  # isolate the record that broke the batch, then carry on
        if len(batch) == 1:
            fail(f"line {batch[0][0]}: {type(exc).__name__}")
            return []
    out: list[str] = []
    for item in batch:
        out += await _batch([item], run, tenant_id, sessions, matching, secret_key, fail)
    return out
