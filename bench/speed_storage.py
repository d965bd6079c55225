"""Online storage path: latency and SQL statements per record, one record per transaction.

    python bench/speed_storage.py --guests 200000 --records 400

Bulk-loads `--guests` hotel guests into PostgreSQL (as bench/speed.py does), then ingests the
held-out arrivals one per transaction with `ingest_records` and prints p50/p95/p99 and the mean
number of statements each record sends (BEGIN and COMMIT not counted). Prints; writes no doc.
With `--keep DB` the loaded database is kept under that name, and a later run with `--reuse DB`
copies it instead of loading again (same --guests, --seed and --records): each run of a code
change starts from the same state.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import hotel_generator
import speed_load
from speed_env import SECRET, drop_db, env_for, fresh_tenant, pg_url, psql, recreate_db, stats

DB = "guestid_bench_storage"


async def _run(db: str, tenant_id: str, records: list[dict[str, Any]]) -> None:
    from sqlalchemy import event

    from app.core.db import create_engine, session_factory, transaction
    from app.ingest.service import ingest_records
    from app.matching.service import matching_for
    from connectors.base import GuestRecord

    engine = create_engine(pg_url(db))
    sent = [0]

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        sent[0] += 1

    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        matching = await matching_for(session, tenant_id)
    timings: list[float] = []
    statements: list[int] = []
    outcomes: collections.Counter[str] = collections.Counter()
    try:
        for i, raw in enumerate(records):
            record = GuestRecord.model_validate({k: v for k, v in raw.items() if k != "_guest"})
            before, started = sent[0], time.perf_counter()
            async with transaction(sessions) as session:
                results = await ingest_records(
                    session,
                    tenant_id,
                    [record],
                    matching=matching,
                    secret_key=SECRET,
                    decided_by="bench",
                )
            if i >= 20:  # warm-up
                timings.append(time.perf_counter() - started)
                statements.append(sent[0] - before)
                outcomes[results[0].outcome] += 1
    finally:
        await engine.dispose()
    s = stats(timings)
    print(
        f"{s.n} records: mean {s.mean:.1f} ms, p50 {s.p50:.1f}, p95 {s.p95:.1f}, p99 {s.p99:.1f}, "
        f"max {s.max:.1f}; statements per record {sum(statements) / len(statements):.2f}; "
        f"outcomes {dict(outcomes)}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--guests", type=int, default=200_000)
    p.add_argument("--records", type=int, default=400)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", metavar="DB", help="keep the loaded database under this name")
    p.add_argument("--reuse", metavar="DB", help="start from a copy of a kept database")
    args = p.parse_args()
    records, _ = hotel_generator.generate(args.guests, args.seed)
    existing, new = records[: -args.records], records[-args.records :]
    if args.reuse:
        drop_db(DB)
        psql(f'CREATE DATABASE "{DB}" TEMPLATE "{args.reuse}"')
        tenant_id = psql("SELECT id FROM tenants WHERE slug = 'bench'", DB)
    else:
        recreate_db(DB)
        with tempfile.TemporaryDirectory() as tmp:
            tenant_id = fresh_tenant(env_for(pg_url(DB), Path(tmp)))
        print(json.dumps(speed_load.bulk_load(DB, tenant_id, SECRET, existing, 2)), flush=True)
        if args.keep:
            drop_db(args.keep)
            psql(f'CREATE DATABASE "{args.keep}" TEMPLATE "{DB}"')
    try:
        asyncio.run(_run(DB, tenant_id, new))
    finally:
        drop_db(DB)


if __name__ == "__main__":
    main()
