"""Resolution-quality bench: guestid (via its CLI) and Splink on the same files, scored alike."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import febrl
import hotel_generator
import splink_baseline
from docsection import replace_section
from score import Score, score_files

ROOT = Path(__file__).resolve().parent.parent
GUESTID = ROOT / ".venv" / "bin" / "guestid"
START, END = "<!-- bench/run_quality.py:start -->", "<!-- bench/run_quality.py:end -->"


@dataclass
class Row:
    """Both engines on one data set."""

    dataset: str
    records: int
    guestid: Score | None
    guestid_seconds: float
    guestid_error: str | None
    splink: Score
    splink_threshold: float
    splink_seconds: float


def build_datasets(work: Path, guests: int, seed: int, only: set[str] | None) -> dict[str, Path]:
    """Write every data set as DIR/records.jsonl + DIR/truth.csv; {name: DIR}."""
    out: dict[str, Path] = {}
    for name, dataset, with_id in (
        ("FEBRL3", "febrl3", True),
        ("FEBRL3 --no-id", "febrl3", False),
        ("FEBRL4", "febrl4", True),
        ("FEBRL4 --no-id", "febrl4", False),
    ):
        if only is None or dataset in only:
            out[name] = work / name.replace(" --", "_").replace("-", "_").lower()
            febrl.convert(dataset, out[name], with_id=with_id)
    if only is None or "hotel" in only:
        name = f"hotel {guests // 1000}k guests (seed {seed})"
        out[name] = work / "hotel"
        records, _ = hotel_generator.generate(guests, seed)
        hotel_generator.write(records, out[name])
    return out


# How guestid is set up per kind of data: hotel data keeps the defaults (guests come in
# households); a register of independent people (FEBRL) turns the household rules off, as a
# tenant would with `guestid matching set --no-households`. "trained" adds the unsupervised
# training a tenant runs once it has data (`guestid model train` + `guestid resolve --rebuild`).
VARIANTS = {
    "defaults": [],
    "register": [["matching", "set", "--tenant", "bench", "--no-households"]],
}
TRAIN = [
    ["model", "train", "--tenant", "bench"],
    ["resolve", "--tenant", "bench", "--rebuild"],
]


def run_guestid(
    folder: Path, settings: list[list[str]], trained: bool
) -> tuple[Score | None, float, str | None]:
    """migrate → tenant → settings → import [→ train → rebuild] → export links; score it."""
    db = folder / "guestid.sqlite"
    for stale in folder.glob("guestid.sqlite*"):
        stale.unlink()
    env = {**os.environ, "GUESTID_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    links = folder / "guestid_links.csv"
    steps = [
        ["migrate"],
        ["tenant", "create", "bench"],
        *settings,
        ["import", str(folder / "records.jsonl"), "--tenant", "bench", "--restart"],
        *(TRAIN if trained else []),
        ["export", "links", "--tenant", "bench", "-o", str(links)],
    ]
    started = time.perf_counter()
    for step in steps:
        done = subprocess.run(
            [str(GUESTID), *step], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return None, time.perf_counter() - started, f"`guestid {step[0]}`: {' '.join(tail)}"
    return score_files(links, folder / "truth.csv"), time.perf_counter() - started, None


def machine() -> list[str]:
    """Where the numbers come from."""
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    return [
        f"- machine: `{' '.join(platform.uname())}`",
        f"- CPU: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- splink {version('splink')} (DuckDB {version('duckdb')}), "
        f"guestid {version('guestid')}; SQLite database for guestid",
    ]


def _prf(s: Score | None) -> str:
    return f"{s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f}" if s else "— | — | —"


def render(rows: list[Row], command: str, total: float) -> str:
    """The markdown section this bench owns."""
    lines = [
        START,
        "## Resolution quality (pairwise, against the truth)",
        "",
        f"Command: `{command}` — whole run {total / 60:.1f} min.",
        "",
        *machine(),
        "",
        "| data set | records | guestid P | R | F1 | Splink P | R | F1 | "
        "F1 guestid / Splink | guestid time | Splink time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = f"{r.guestid.f1 / r.splink.f1:.3f}" if r.guestid and r.splink.f1 else "—"
        lines.append(
            f"| {r.dataset} | {r.records} | {_prf(r.guestid)} | {_prf(r.splink)} | "
            f"{ratio} | {r.guestid_seconds:.1f} s | {r.splink_seconds:.1f} s |"
        )
    errors = [f"- {r.dataset}: guestid failed — {r.guestid_error}" for r in rows if r.guestid_error]
    lines += [
        "",
        *errors,
        *([""] if errors else []),
        "How it is measured: every record is a node; a pair of records is predicted when "
        "both land in the same profile (guestid: `guestid export links`; Splink: connected "
        "components of its pairwise predictions). Precision, recall and F1 are over pairs "
        "(`bench/score.py`). guestid runs through its CLI on a fresh SQLite file "
        "(`migrate`, `tenant create`, `import`, `export links`; its time covers every "
        "command). Hotel data keeps the defaults; FEBRL, a register of independent people "
        "with no households, runs with `guestid matching set --no-households` (the tenant "
        "setting for such data). Rows marked *trained* add the unsupervised training a "
        "tenant runs once it has data: `guestid model train` (EM, no labels) then "
        "`guestid resolve --rebuild`. Splink 5 (`bench/splink_baseline.py`) gets an "
        "expert set-up: standardised names, phones (E.164), postcodes; Jaro-Winkler names "
        "with term-frequency adjustments, date-of-birth levels, email, phone, address, "
        "identifier and booking-number comparisons (OTA alias, the booking number the PMS "
        "copy of a booking shares); lambda from deterministic rules, u by random sampling, m by "
        "EM over several blocking rules. Its clustering threshold is then chosen *with the "
        "truth* (best F1 over "
        f"{', '.join(str(t) for t in splink_baseline.THRESHOLDS)}), which no production "
        "system can do: the Splink figures are an upper bound. Its time covers data "
        "preparation, training, prediction and all the clusterings.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/run_quality.py [--guests 10000] [--seed 7] [--only febrl3,hotel]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep the files here (default: a temp dir)")
    parser.add_argument("--only", help="comma-separated subset of febrl3,febrl4,hotel")
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    command = shlex.join(
        ["python", "bench/run_quality.py", *(sys.argv[1:] if argv is None else argv)]
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="guestid-bench-") as tmp:
        work = args.work or Path(tmp)
        only = set(args.only.split(",")) if args.only else None
        rows = []
        for name, folder in build_datasets(work, args.guests, args.seed, only).items():
            print(f"{name}: splink …", flush=True)
            s = splink_baseline.run(
                folder / "records.jsonl", folder / "truth.csv", folder / "splink_links.csv"
            )
            n = sum(1 for _ in (folder / "truth.csv").open()) - 1
            variant = "defaults" if name.startswith("hotel") else "register"
            for trained in (False, True):
                label = f"{name} [{variant}{', trained' if trained else ''}]"
                print(f"{label}: guestid …", flush=True)
                g_score, g_seconds, g_error = run_guestid(folder, VARIANTS[variant], trained)
                rows.append(
                    Row(label, n, g_score, g_seconds, g_error, s.best, s.threshold, s.seconds)
                )
                print(
                    f"  guestid {g_score.f1 if g_score else g_error}  splink {s.best.f1:.4f}",
                    flush=True,
                )
    section = render(rows, command, time.perf_counter() - started)
    print(section)
    if not args.no_doc:
        replace_section(START, END, section)


if __name__ == "__main__":
    main()
