"""The docs/benchmarks.md section of bench/speed_storage.py."""

from __future__ import annotations

from typing import Any

from speed_env import machine
from storage_probe import PHASES

START, END = "<!-- storage:start -->", "<!-- storage:end -->"


def render(command: str, guests: int, arms: list[tuple[str, dict[str, Any]]], differ: int) -> str:
    """The section: latency, wire traffic and time per phase of each arm."""
    lines = [
        START,
        "## Online storage path: where the time of one record goes",
        "",
        f"Command: `{command}`",
        "",
        *machine(),
        "",
        "| tree | records timed | mean ms | p50 ms | p95 ms | p99 ms | statements | round trips |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in arms:
        st = s["stats"]
        lines.append(
            f"| {name} | {st.n} | {st.mean:.1f} | {st.p50:.1f} | {st.p95:.1f} | {st.p99:.1f} "
            f"| {s['statements']:.2f} | {s['round_trips']:.2f} |"
        )
    lines += [
        "",
        "Mean ms per record and phase (sql: time inside statements, part of load, write and "
        "hints; commit is the durable COMMIT):",
        "",
        f"| tree | {' | '.join(PHASES)} | sql |",
        f"| --- |{' ---: |' * (len(PHASES) + 1)}",
    ]
    for name, s in arms:
        cells = " | ".join(f"{s['phases'][p]:.2f}" for p in PHASES)
        lines.append(f"| {name} | {cells} | {s['sql']:.2f} |")
    if len(arms) == 2:
        a, b = arms[0][1]["stats"], arms[1][1]["stats"]
        lines += [
            "",
            f"Ratio {arms[0][0]} / {arms[1][0]}: mean {a.mean / b.mean:.3f}, p50 "
            f"{a.p50 / b.p50:.3f}, p95 {a.p95 / b.p95:.3f}, p99 {a.p99 / b.p99:.3f}; outcomes "
            f"differ on {differ} records.",
        ]
    lines += [
        "",
        f"{guests:,} hotel guests bulk-loaded as in the speed bench, then the held-out arrivals "
        "ingested one per transaction on PostgreSQL (`ingest_records`, commit included; the "
        "first 20 of each tree not timed). Each tree runs in its own process on its own copy of "
        "the loaded database; the trees take turns every 50 records, so the machine's noise "
        "falls on both; ids follow the order records arrive in (a tree with random ids draws "
        "the same seeded sequence in both arms), so equal code decides equally. Two copies of a "
        "large database may not both fit in the page cache: the absolute figures are then above "
        "the speed section's, and the ratio is what counts. Statements are those SQLAlchemy "
        "sends (BEGIN and COMMIT not counted); round trips count every exchange with the server.",
        END,
    ]
    return "\n".join(lines)
