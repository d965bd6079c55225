"""Speed bench: online resolution on PostgreSQL beside Splink, bulk import, process memory."""

from __future__ import annotations

import argparse
import multiprocessing
import shlex
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import hotel_generator
import speed_import
import speed_load
import speed_online
from docsection import replace_section
from speed_env import (
    ROOT,
    SECRET,
    Stats,
    drop_db,
    env_for,
    fresh_tenant,
    machine,
    pg_url,
    prewarm,
    psql,
    recreate_db,
    stats,
)

START, END = "<!-- speed:start -->", "<!-- speed:end -->"
ONLINE_DB, IMPORT_DB = "guestid_speed", "guestid_speed_import"


def _row(name: str, s: Stats, peer: Stats | None = None) -> str:
    ratio = f"{s.p50 / peer.p50:.3f} | {s.p99 / peer.p99:.3f}" if peer else "— | —"
    return (
        f"| {name} | {s.n} | {s.mean:.1f} | {s.p50:.1f} | {s.p95:.1f} | {s.p99:.1f} | "
        f"{s.max:.1f} | {ratio} |"
    )


def _mix(outcomes: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in outcomes.most_common())


@dataclass
class _State:
    """What the timed part of the online run needs of the generated and loaded state."""

    tenant_id: str
    loaded: dict[str, float]
    how: str
    gen_s: float
    lines: int
    new: list[dict[str, Any]]
    splink_existing: list[dict[str, Any]]


def _prepare_state(args: argparse.Namespace, work: Path, held: int) -> _State:
    """Generate, then bulk-load (or copy a kept database); the held-out and Splink's slice."""
    started = time.perf_counter()
    records, _ = hotel_generator.generate(args.guests, args.seed)
    gen_s = time.perf_counter() - started
    existing, new = records[:-held], records[-held:]
    started = time.perf_counter()
    if args.reuse:
        tenant_id, loaded = _copy_kept(args, held)
        how = (
            f"the database kept by `bench/speed_storage.py --guests {args.guests} --records "
            f"{held} --keep {args.reuse}` (the same bulk load: sanitise, normalise, content "
            "hash, blocking + search keys, then COPY, indexes, VACUUM ANALYZE), copied file by "
            "file"
        )
    else:
        recreate_db(ONLINE_DB)
        tenant_id = fresh_tenant(env_for(pg_url(ONLINE_DB), work))
        print(f"generated {len(records)} records in {gen_s:.0f} s; loading …", flush=True)
        loaded = speed_load.bulk_load(ONLINE_DB, tenant_id, SECRET, existing, args.processes)
        how = (
            "`bench/speed_load.py` (sanitise, normalise, content hash, blocking + search keys "
            f"on {args.processes} processes, then COPY, indexes, VACUUM ANALYZE: "
            f"{time.perf_counter() - started:.0f} s in all — "
            f"{loaded['normalise_and_copy_s']:.0f} s normalise + COPY, "
            f"{loaded['index_s']:.0f} s indexes, {loaded['vacuum_analyze_s']:.0f} s vacuum)"
        )
    splink = existing[-args.splink_records :] if args.splink_records else existing
    return _State(tenant_id, loaded, how, gen_s, len(records), new, splink)


def _state_child(args: argparse.Namespace, work: Path, held: int, conn: Connection) -> None:
    conn.send(_prepare_state(args, work, held))
    conn.close()


def _state_in_child(args: argparse.Namespace, work: Path, held: int) -> _State:
    """`_prepare_state` in a process of its own: a million generated guests take ~10 GB, which
    the page cache needs while the records are timed."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_state_child, args=(args, work, held, sender))
    child.start()
    sender.close()
    state: _State = receiver.recv()
    child.join()
    if child.exitcode:
        sys.exit(f"preparing the online state failed (exit code {child.exitcode})")
    return state


def run_online(args: argparse.Namespace, work: Path) -> list[str]:
    """Generate, bulk-load the existing state, time the held-out arrivals three ways."""
    held = args.held_out + args.http
    started = time.perf_counter()
    state = _state_in_child(args, work, held)
    tenant_id, loaded, how, gen_s, new = (
        state.tenant_id,
        state.loaded,
        state.how,
        state.gen_s,
        state.new,
    )
    warm_s = prewarm(ONLINE_DB)
    print(f"ready in {time.perf_counter() - started:.0f} s: {loaded}", flush=True)
    ours, outcomes = speed_online.in_process(ONLINE_DB, tenant_id, new[: args.held_out])
    web, web_outcomes = speed_online.over_http(ONLINE_DB, work, new[args.held_out :])
    print(f"guestid p50 {stats(ours).p50:.1f} ms, HTTP p50 {stats(web).p50:.1f} ms", flush=True)
    splink, sp_size = speed_online.splink_lookups(
        state.splink_existing, new[: args.splink_lookups], work
    )
    s_ours, s_web, s_splink = stats(ours), stats(web), stats(splink)
    if not args.keep_db:
        drop_db(ONLINE_DB)
    n_records, n_keys = int(loaded["source_records_rows"]), int(loaded["record_keys_rows"])
    return [
        f"### Online resolution: one new record against {int(loaded['profiles_rows']):,} "
        f"guests ({n_records:,} records, {n_keys:,} keys) on PostgreSQL",
        "",
        "| path | records timed | mean ms | p50 ms | p95 ms | p99 ms | max ms | "
        "p50 / Splink p50 | p99 / Splink p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _row("guestid `ingest_records`, in process, one transaction each", s_ours, s_splink),
        _row("guestid `POST /v1/records` over HTTP (`guestid serve`, 1 process)", s_web, s_splink),
        _row(f"Splink `predict_between` vs {sp_size:,} records (DuckDB)", s_splink),
        "",
        f"Targets: p50 ≤ 5 ms, p99 ≤ 25 ms. In-process outcomes: {_mix(outcomes)}; "
        f"HTTP outcomes: {_mix(web_outcomes)}.",
        "",
        f"Existing state: `bench/hotel_generator.py --guests {args.guests} --seed {args.seed}` "
        f"({state.lines:,} record lines, generated in {gen_s:.0f} s); every line but the last "
        f"{held:,} is loaded by {how}, then read into memory with pg_prewarm ({warm_s:.0f} s: "
        "the whole database into the OS page cache, the hot indexes into shared buffers, as a "
        "server in service holds them), as **one profile per true guest**, the state the "
        "engine converges to, not the state `guestid import` would reach; past match "
        "decisions and events are not loaded (resolution never reads them). The last lines "
        "are the held-out later arrivals of the same run (repeat guests, updates, new guests), "
        "ingested in arrival order: the first "
        f"{args.held_out:,} in process (`app.ingest.service.ingest_records` with the tenant's "
        "matching config loaded once, commit included; the first 20 are warm-up, not timed), "
        f"the next {args.http:,} over HTTP with httpx keep-alive (bearer token, JSON body; "
        "the first 10 not timed); the HTTP path adds parsing, auth, `matching_for` and the "
        "response per request. Splink: `bench/splink_baseline.online_lookup_seconds` — train "
        f"on the {sp_size:,} most recent existing records, then `predict_between` one new "
        f"record at a time ({s_splink.n} lookups, the first held-out records not already "
        "known); it only scores, it stores nothing. One client at a time throughout.",
    ]


def _copy_kept(args: argparse.Namespace, held: int) -> tuple[str, dict[str, float]]:
    """Start from a kept database of the same existing state: (tenant id, row counts)."""
    saved = ROOT / "bench" / "out" / f"{args.reuse}-{args.guests}-{args.seed}-{held}.jsonl"
    if not saved.exists():
        sys.exit(
            f"{args.reuse} was not kept for {args.guests} guests, seed {args.seed}, {held} held out"
        )
    drop_db(ONLINE_DB)
    psql(f'CREATE DATABASE "{ONLINE_DB}" TEMPLATE "{args.reuse}" STRATEGY = FILE_COPY')
    counts = {
        f"{table}_rows": float(psql(f"SELECT count(*) FROM {table}", ONLINE_DB))  # noqa: S608
        for table in ("profiles", "source_records", "record_keys")
    }
    return psql("SELECT id FROM tenants WHERE slug = 'bench'", ONLINE_DB), counts


def run_import(args: argparse.Namespace, work: Path) -> list[str]:
    """`guestid import` on SQLite and PostgreSQL, and a worker's memory."""
    records, _ = hotel_generator.generate(args.import_guests, args.seed + 1)
    folder = work / "import"
    hotel_generator.write(records, folder)
    path = folder / "records.jsonl"
    runs = [speed_import.sqlite_import(path, work)]
    print(f"SQLite import: {runs[-1]}", flush=True)
    runs.append(speed_import.postgres_import(path, work, args.import_db))
    print(f"PostgreSQL import: {runs[-1]}", flush=True)
    mem = speed_import.worker_memory(args.import_db, work)
    print(f"worker: {mem}", flush=True)
    if not args.keep_db:
        drop_db(args.import_db)
    base = runs[0].per_second
    lines = [
        f"### Bulk import: `guestid import` of {runs[0].lines:,} records "
        f"({args.import_guests:,} hotel guests, seed {args.seed + 1})",
        "",
        "| backend | records | wall s | records/s | vs SQLite | target 2,000/s | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        lines.append(
            f"| {r.backend} | {r.lines:,} | {r.seconds:.1f} | {r.per_second:,.0f} | "
            f"{r.per_second / base:.2f} | {r.per_second / 2000:.2f}x | {r.peak_rss_mb:.0f} |"
        )
    lines += [
        "",
        f"Outcomes: {runs[0].outcome}. Wall time of the `guestid import` process alone "
        "(migrate and tenant create are not timed), default batch of 500; peak RSS from "
        "`/usr/bin/time -v`. On PostgreSQL the import holds the empty tenant and resolves "
        "against what it wrote, kept in memory (docs/resolution.md, Concurrency): hence its "
        "larger RSS.",
        "",
        "| `guestid worker` (PostgreSQL + Redis) | peak RSS MB | target |",
        "| --- | ---: | ---: |",
        f"| idle (10 s after start) | {mem.idle_mb:.0f} | ≤ 300 |",
        f"| busy: drained {mem.jobs:,} queued jobs in {mem.busy_seconds:.1f} s | "
        f"{mem.busy_mb:.0f} | ≤ 300 |",
        "",
        "The queued jobs are of a kind no handler knows, so the busy figure is the queue "
        "machinery (claim, session, fail-and-reschedule) under load, not a real job's payload "
        "work; the webhook runner idles beside it in the same process.",
    ]
    return lines


def render(parts: list[list[str]], command: str, total: float) -> str:
    """The markdown section this bench owns."""
    lines = [
        START,
        "## Speed",
        "",
        f"Command: `{command}` — whole run {total / 60:.1f} min.",
        "",
        *machine(),
        f"- splink {version('splink')} (DuckDB {version('duckdb')}), guestid {version('guestid')}",
        "",
        "The machine is shared and noisy: read the ratios against peers measured in the "
        "same run, not the absolute figures.",
    ]
    for part in parts:
        lines += ["", *part]
    return "\n".join([*lines, END])


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--guests", type=int, default=1_000_000, help="existing guests (online)")
    p.add_argument("--held-out", type=int, default=2000, help="new records timed in process")
    p.add_argument("--http", type=int, default=300, help="new records timed over HTTP")
    p.add_argument("--splink-records", type=int, default=0, help="cap Splink's existing set")
    p.add_argument("--splink-lookups", type=int, default=40)
    p.add_argument("--import-guests", type=int, default=20_000)
    p.add_argument("--import-db", default=IMPORT_DB, help="PostgreSQL database of the import")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--only", default="online,import", help="comma-separated: online,import")
    p.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL databases")
    p.add_argument(
        "--reuse", metavar="DB", help="copy a database kept by speed_storage.py instead of loading"
    )
    p.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/speed.py [--guests N] [--held-out M] [--only online,import]."""
    args = parse(argv)
    command = shlex.join(["python", "bench/speed.py", *(sys.argv[1:] if argv is None else argv)])
    only = set(args.only.split(","))
    started = time.perf_counter()
    parts: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="guestid-speed-") as tmp:
        work = Path(tmp)
        steps: dict[str, Any] = {"online": run_online, "import": run_import}
        for name in ("online", "import"):
            if name in only:
                parts.append(steps[name](args, work))
    section = render(parts, command, time.perf_counter() - started)
    print(section)
    if not args.no_doc:
        replace_section(START, END, section)


if __name__ == "__main__":
    main()
