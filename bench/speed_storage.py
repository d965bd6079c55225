"""Online storage path: latency, where it goes, and the wire traffic per record; A/B of trees.

    python bench/speed_storage.py --guests 200000 --records 1200 --keep guestid_online_base
    python bench/speed_storage.py --records 1200 --reuse guestid_online_base --against HEAD~1

Bulk-loads `--guests` hotel guests into PostgreSQL (as bench/speed.py does), then ingests the
held-out arrivals one per transaction with `ingest_records` (bench/storage_probe.py) and prints
p50/p95/p99, the mean time per phase (prepare, load, decide, write, hints, commit, other; "sql"
is the time inside statements, part of load, write and hints), the statements SQLAlchemy sent
(BEGIN and COMMIT not counted) and the round trips to the server (everything, pings included).

With `--keep DB` the loaded database is kept under that name, and a later run with `--reuse DB`
copies it instead of loading again (same --guests, --seed and --records). With `--against REV`
a second arm runs the tree of that git revision on its own copy of the same state: the arms
take turns every `--block` records (alternating which goes first), so machine noise falls on
both, and the outcomes of the two are compared record by record. The two copies need not be
equally fast: run the tree against itself (`--against HEAD`) beside an A/B and read the A/B's
ratio against that one (at 1,000,000 guests in December 2026 the same tree came out 1.10 against
itself, its own copy the slower). `--doc` writes the figures to docs/benchmarks.md
(bench/storage_doc.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import hotel_generator
import speed_load
from docsection import replace_section
from speed_env import (
    ROOT,
    SECRET,
    drop_db,
    env_for,
    fresh_tenant,
    pg_url,
    prewarm,
    psql,
    recreate_db,
    stats,
)
from storage_doc import END, START, render
from storage_probe import PHASES

DB = "guestid_bench_storage"
WARMUP = 20  # records per arm not timed
# Copy the files, not the pages through the WAL (PostgreSQL 15's default): minutes less for a
# database of a million guests, and the copy does not evict the template from the page cache.
_COPY = "STRATEGY = FILE_COPY"


def _held_out_file(db: str, args: argparse.Namespace) -> Path:
    """Where a kept database's held-out arrivals are saved, so a reuse need not generate."""
    return ROOT / "bench" / "out" / f"{db}-{args.guests}-{args.seed}-{args.records}.jsonl"


def _arrivals(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(existing, held-out) records; existing is empty when a reused database's are saved."""
    saved = _held_out_file(args.reuse, args) if args.reuse else None
    if saved is not None and saved.exists():
        return [], [json.loads(line) for line in saved.read_text().splitlines()]
    records, _ = hotel_generator.generate(args.guests, args.seed)
    existing, new = records[: -args.records], records[-args.records :]
    if args.keep:
        out = _held_out_file(args.keep, args)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r) + "\n" for r in new))
    return existing, new


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _name_of_work_tree() -> str:
    """The commit checked out, marked when the work tree differs from it."""
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return _git("rev-parse", "--short", "HEAD") + (" + changes" if dirty else "")


def _tree_of(revision: str, into: Path) -> Path:
    """The files of a git revision, exported to a directory."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


class Arm:
    """A probe process ingesting into its own copy of the database."""

    def __init__(self, name: str, tree: Path, db: str, tenant_id: str, records: Path) -> None:
        self.name, self.db, self.answers = name, db, []  # type: ignore[var-annotated]
        probe = Path(__file__).with_name("storage_probe.py")
        self.process = subprocess.Popen(
            [sys.executable, str(probe), str(tree), db, tenant_id, str(records)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.app = json.loads(self._read())["app"]

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"arm {self.name} stopped (exit {self.process.wait()})")
        return line

    def ingest(self, start: int, end: int) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{start} {end}\n")
        self.process.stdin.flush()
        self.answers.extend(json.loads(self._read()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def _summary(arm: Arm) -> dict[str, Any]:
    timed = arm.answers[WARMUP:]
    n = len(timed)
    s = stats([a["seconds"] for a in timed])

    def mean(field: str) -> float:
        return sum(a[field] for a in timed) / n

    return {
        "stats": s,
        "phases": {p: 1000 * sum(a["phases"][p] for a in timed) / n for p in PHASES},
        "sql": 1000 * mean("sql"),
        "gc": 1000 * mean("gc"),
        "gc_p99": stats([a["gc"] for a in timed]).p99,
        "statements": mean("statements"),
        "round_trips": mean("round_trips"),
        "prepares": mean("prepares"),
        "by_statement": {
            label: 1000 * sum(a["by_statement"].get(label, 0.0) for a in timed) / n
            for label in sorted({k for a in timed for k in a["by_statement"]})
        },
        "outcomes": dict(Counter(a["outcome"] for a in timed)),
    }


def _print(arm: Arm, summary: dict[str, Any]) -> None:
    s = summary["stats"]
    phases = ", ".join(f"{p} {ms:.2f}" for p, ms in summary["phases"].items())
    statements = ", ".join(f"{k} {ms:.2f}" for k, ms in summary["by_statement"].items())
    print(
        f"[{arm.name}] {arm.app}\n  {s.n} records: mean {s.mean:.1f} ms, p50 {s.p50:.1f}, "
        f"p95 {s.p95:.1f}, p99 {s.p99:.1f}, max {s.max:.1f}\n  mean ms per phase: {phases}; "
        f"sql {summary['sql']:.2f} ({statements}); garbage collection {summary['gc']:.2f} "
        f"(p99 {summary['gc_p99']:.2f})\n  statements {summary['statements']:.2f}, "
        f"round trips {summary['round_trips']:.2f} (prepares {summary['prepares']:.2f}) per "
        f"record; "
        f"outcomes {summary['outcomes']}"
    )


def _run(arms: list[Arm], count: int, block: int) -> tuple[list[dict[str, Any]], int]:
    for k, start in enumerate(range(0, count, block)):
        for arm in arms if k % 2 == 0 else arms[::-1]:
            arm.ingest(start, min(count, start + block))
    summaries = [_summary(arm) for arm in arms]
    for arm, summary in zip(arms, summaries, strict=True):
        _print(arm, summary)
    differ = 0
    if len(arms) == 2:
        (a, b), (sa, sb) = arms, (summaries[0]["stats"], summaries[1]["stats"])
        differ = sum(
            x["outcome"] != y["outcome"] for x, y in zip(a.answers, b.answers, strict=True)
        )
        print(
            f"ratio {a.name}/{b.name}: mean {sa.mean / sb.mean:.3f}, p50 {sa.p50 / sb.p50:.3f}, "
            f"p95 {sa.p95 / sb.p95:.3f}, p99 {sa.p99 / sb.p99:.3f}; "
            f"outcomes differ on {differ} of {len(a.answers)} records"
        )
    return summaries, differ


def _load(args: argparse.Namespace, existing: list[dict[str, Any]]) -> str:
    """The loaded database the arms copy; the tenant id."""
    if args.reuse:
        return psql("SELECT id FROM tenants WHERE slug = 'bench'", args.reuse)
    recreate_db(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        tenant_id = fresh_tenant(env_for(pg_url(args.db), Path(tmp)))
    print(json.dumps(speed_load.bulk_load(args.db, tenant_id, SECRET, existing, 2)), flush=True)
    if args.keep:
        drop_db(args.keep)
        psql(f'CREATE DATABASE "{args.keep}" TEMPLATE "{args.db}" {_COPY}')
    return tenant_id


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--guests", type=int, default=200_000)
    p.add_argument("--records", type=int, default=400)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", metavar="DB", help="keep the loaded database under this name")
    p.add_argument("--reuse", metavar="DB", help="start from a copy of a kept database")
    p.add_argument("--against", metavar="REV", help="also run the tree of this git revision")
    p.add_argument("--block", type=int, default=50, help="records per turn of an arm")
    p.add_argument("--doc", action="store_true", help="write the section of docs/benchmarks.md")
    p.add_argument("--db", default=DB, help="prefix of the working databases (dropped after)")
    args = p.parse_args()
    existing, new = _arrivals(args)
    template = args.reuse or args.db
    tenant_id = _load(args, existing)
    with tempfile.TemporaryDirectory() as tmp:
        held_out = Path(tmp) / "held_out.jsonl"
        held_out.write_text("".join(json.dumps(r) + "\n" for r in new))
        trees = [(_name_of_work_tree(), ROOT)]
        if args.against:
            (Path(tmp) / "against").mkdir()
            against = _git("rev-parse", "--short", args.against)
            trees.append((against, _tree_of(args.against, Path(tmp) / "against")))
        arms: list[Arm] = []
        try:
            for i, (name, tree) in enumerate(trees):
                db = f"{args.db}_{i}"
                drop_db(db)
                psql(f'CREATE DATABASE "{db}" TEMPLATE "{template}" {_COPY}')
                prewarm(db)
                arms.append(Arm(name, tree, db, tenant_id, held_out))
            if not args.reuse:
                drop_db(args.db)
            summaries, differ = _run(arms, len(new), args.block)
            if args.doc:
                command = "python bench/speed_storage.py " + " ".join(sys.argv[1:])
                named = [(arm.name, s) for arm, s in zip(arms, summaries, strict=True)]
                replace_section(START, END, render(command, args.guests, named, differ))
        finally:
            for arm in arms:
                arm.close()
                drop_db(arm.db)


if __name__ == "__main__":
    main()
