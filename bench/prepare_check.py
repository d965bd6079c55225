"""Per-record preparation time (validate, sanitise, normalise, key) and its outputs, to compare.

    PYTHONPATH=<tree> python bench/prepare_check.py --guests 10000 --dump out.jsonl

Every timed pass starts with the code's lru caches cleared, so a cache only helps within one
pass, as it would within one import. Times are the process's CPU time, which another busy
process on the machine disturbs less than the wall clock; --passes 0 only writes the dump.

The dump holds, per record, the validation errors or the sanitised record, its digest,
normalised form and blocking keys: two trees that prepare records alike write the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hotel_generator

from app.ingest.service import prepare_record
from app.ingest.validation import validate_record
from app.profiles.linking import Incoming
from connectors.base import GuestRecord

SECRET = "prepare-check-secret-key-0123456789"  # noqa: S105 (a bench-only key)


def _clear_caches() -> None:
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper) and obj.__module__.startswith(
            ("app.", "connectors.")
        ):
            obj.cache_clear()
    gc.collect()


def _lax(items: list[dict[str, Any]]) -> None:
    for item in items:
        validate_record(item)


def _strict(items: list[dict[str, Any]]) -> None:
    for item in items:
        validate_record(item, strict=True)


def _prepare(records: list[GuestRecord]) -> None:
    for record in records:
        prepare_record(record, SECRET)


def _api(items: list[dict[str, Any]]) -> None:
    for item in items:
        record, _ = validate_record(item, strict=True)
        if record is not None:
            prepare_record(record, SECRET)


def _time(run: Callable[[], None], passes: int) -> list[float]:
    seconds = []
    for _ in range(passes):
        _clear_caches()
        started = time.process_time()
        run()
        seconds.append(time.process_time() - started)
    return seconds


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value if value is None or isinstance(value, str | int | float) else str(value)


def _line(item: dict[str, Any]) -> str:
    record, errors = validate_record(item, strict=True)
    if record is None:
        return json.dumps({"errors": errors}, sort_keys=True)
    prepared: Incoming = prepare_record(record, SECRET)
    fields = dataclasses.fields(prepared.norm)
    norm = {f.name: _plain(getattr(prepared.norm, f.name)) for f in fields}
    body = {
        "record": prepared.record.model_dump(mode="json", exclude_none=True),
        "digest": prepared.digest,
        "norm": norm,
        "blocking": prepared.blocking,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    """CLI: --guests 10000 --seed 7 --passes 5 [--dump FILE]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args(argv)
    generated, _ = hotel_generator.generate(args.guests, args.seed)
    items = [{k: v for k, v in rec.items() if k != "_guest"} for rec in generated]
    records = [GuestRecord.model_validate(item) for item in items]
    _api(items)  # warm-up: imports, phone metadata, regex compilation
    phases: dict[str, Callable[[], None]] = {
        "validate (lax, import)": lambda: _lax(items),
        "validate (strict, API)": lambda: _strict(items),
        "prepare_record": lambda: _prepare(records),
        "API path (strict + prepare)": lambda: _api(items),
    }
    if args.passes:
        print(f"{len(items)} records, {args.passes} passes, CPU ms per record (best / median)")
    for name, run in phases.items() if args.passes else ():
        per_record = [1000 * s / len(items) for s in _time(run, args.passes)]
        print(f"  {name:<28} {min(per_record):.4f} / {statistics.median(per_record):.4f}")
    if args.dump:
        _clear_caches()
        digest = hashlib.sha256()
        with args.dump.open("w", encoding="utf-8") as fh:
            for item in items:
                line = _line(item) + "\n"
                fh.write(line)
                digest.update(line.encode())
        print(f"dump {args.dump}: {len(items)} lines, sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
