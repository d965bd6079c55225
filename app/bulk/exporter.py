"""Export of record-to-profile links as CSV."""

from __future__ import annotations

import csv
from typing import TextIO

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import SourceRecord


async def export_links(session: AsyncSession, tenant_id: str, out: TextIO) -> int:
    """Write `source,source_record_id,profile_id` for every record of the tenant."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("source", "source_record_id", "profile_id"))
    stmt = (
        select(SourceRecord.source, SourceRecord.source_record_id, SourceRecord.profile_id)
        .where(SourceRecord.tenant_id == tenant_id)
        .order_by(col(SourceRecord.source), col(SourceRecord.source_record_id))
        .execution_options(yield_per=5000)
    )
    count = 0
    async for row in await session.stream(stmt):
        writer.writerow(tuple(row))
        count += 1
    return count
