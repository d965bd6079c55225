"""A/B of the neighbourhood cap: online latency and rows loaded, alternating in one run.

    python bench/speed_neighbourhood.py --guests 200000 --records 1200

Loads `--guests` hotel guests (as bench/speed.py does), then ingests held-out arrivals one per
transaction, switching `NEIGHBOURS_PER_RECORD` between the cap and no cap every 50 records so
both arms see the same machine noise. Prints p50/p99 and mean rows loaded per arm.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import hotel_generator
import speed_load
from docsection import replace_section
from speed_env import (
    SECRET,
    Stats,
    drop_db,
    env_for,
    fresh_tenant,
    machine,
    pg_url,
    recreate_db,
    stats,
)

DB = "guestid_bench_neighbourhood"
START, END = "<!-- neighbourhood:start -->", "<!-- neighbourhood:end -->"


async def _run(tenant_id: str, records: list[dict[str, Any]], cap: int) -> dict[str, Any]:
    from app.core.db import create_engine, session_factory, transaction
    from app.ingest.service import ingest_records
    from app.matching.service import matching_for
    from app.profiles import batch_repository, workset_io
    from connectors.base import GuestRecord

    loaded_rows: list[int] = []
    original = batch_repository.neighbourhood_rows

    async def counting(*args: Any) -> tuple[list[Any], set[frozenset[str]]]:
        rows, separated = await original(*args)
        loaded_rows.append(len(rows))
        return rows, separated

    batch_repository.neighbourhood_rows = counting  # type: ignore[assignment]
    engine = create_engine(pg_url(DB))
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        matching = await matching_for(session, tenant_id)
    arms: dict[str, list[float]] = {"capped": [], "uncapped": []}
    rows: dict[str, list[int]] = {"capped": [], "uncapped": []}
    try:
        for i, raw in enumerate(records):
            arm = "capped" if (i // 50) % 2 == 0 else "uncapped"
            workset_io.NEIGHBOURS_PER_RECORD = cap if arm == "capped" else 10**9
            record = GuestRecord.model_validate({k: v for k, v in raw.items() if k != "_guest"})
            started = time.perf_counter()
            async with transaction(sessions) as session:
                await ingest_records(
                    session,
                    tenant_id,
                    [record],
                    matching=matching,
                    secret_key=SECRET,
                    decided_by="bench",
                )
            if i >= 20:
                arms[arm].append(time.perf_counter() - started)
                rows[arm].append(loaded_rows[-1])
    finally:
        await engine.dispose()
    return {arm: (stats(arms[arm]), sum(rows[arm]) / len(rows[arm])) for arm in arms}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--guests", type=int, default=200_000)
    p.add_argument("--records", type=int, default=1200)
    p.add_argument("--cap", type=int, default=30)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    records, _ = hotel_generator.generate(args.guests, args.seed)
    existing, new = records[: -args.records], records[-args.records :]
    recreate_db(DB)
    with tempfile.TemporaryDirectory() as tmp:
        tenant_id = fresh_tenant(env_for(pg_url(DB), Path(tmp)))
    try:
        speed_load.bulk_load(DB, tenant_id, SECRET, existing, 2)
        result = asyncio.run(_run(tenant_id, new, args.cap))
    finally:
        drop_db(DB)
    command = "python bench/speed_neighbourhood.py " + " ".join(sys.argv[1:])
    section = render(result, args, command)
    print(section)
    replace_section(START, END, section)


def render(result: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    """This bench's section of docs/benchmarks.md."""
    capped: tuple[Stats, float] = result["capped"]
    uncapped: tuple[Stats, float] = result["uncapped"]
    lines = [
        START,
        "## Online neighbourhood: loading the best-ranked profiles only",
        "",
        f"Command: `{command}`",
        "",
        *machine(),
        "",
        "| arm | records timed | p50 ms | p99 ms | rows loaded per record |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (s, rows) in (
        (f"at most {args.cap} profiles per record (default)", capped),
        ("every profile the capped keys name", uncapped),
    ):
        lines.append(f"| {name} | {s.n} | {s.p50:.1f} | {s.p99:.1f} | {rows:.0f} |")
    lines += [
        "",
        f"p50 ratio capped / uncapped {capped[0].p50 / uncapped[0].p50:.2f}, p99 ratio "
        f"{capped[0].p99 / uncapped[0].p99:.2f}. {args.guests:,} hotel guests bulk-loaded as in "
        "the speed bench, then held-out arrivals ingested one per transaction on PostgreSQL, "
        "the two arms alternating every 50 records in the same run (the first 20 not timed).",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
