"""Splink 5 (DuckDB) on a generic-record JSONL, configured as an expert would: the baseline."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import phonenumbers
import splink.comparison_library as cl
from score import Score, read_clusters, score_clusters
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from unidecode import unidecode

THRESHOLDS = (0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.999)
_TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "med",
    "herr",
    "hr",
    "frau",
    "fr",
    "m",
    "mme",
    "monsieur",
    "madame",
    "sr",
    "sra",
    "d",
    "dna",
    "sig",
    "sigra",
}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _clean(text: Any) -> str:
    return re.sub(r"[^a-z0-9 ]+", " ", unidecode(str(text or "")).lower()).strip()


def _split_names(rec: dict[str, Any]) -> tuple[str | None, str | None]:
    """Standardised (first, surname): no titles, suffixes, accents or middle names."""
    first, last = rec.get("first_name"), rec.get("last_name")
    full = rec.get("full_name")
    if full and not (first or last):
        if "," in full:
            last, _, first = full.partition(",")
        else:
            first, _, last = full.strip().partition(" ")
    first_tokens = [t for t in _clean(first).split() if t not in _TITLES]
    last_tokens = [t for t in _clean(last).split() if t not in _SUFFIXES]
    return (first_tokens[0] if first_tokens else None), ("".join(last_tokens) or None)


def _phone(raw: str | None, region: str | None) -> str | None:
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", raw)
        return digits or None


# OTA aliases name one reservation, not a person: compared apart from real emails.
RELAYS = (
    "guest.booking.com",
    "m.expediapartnercentral.com",
    "agoda-messaging.com",
    "guest.airbnb.com",
    "guest.trip.com",
)


def _relay(rec: dict[str, Any]) -> bool:
    return str(rec.get("email", "")).strip().lower().endswith(RELAYS)


def _booking(rec: dict[str, Any]) -> str | None:
    stay = rec.get("stay") or {}
    number = stay.get("channel_reservation_id") or stay.get("reservation_id")
    folded = re.sub(r"[^A-Z0-9]", "", str(number or "").upper())
    return folded if len(folded) >= 6 else None


def prepare(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One standardised row per (source, source_record_id); the newest version wins."""
    latest = {(r["source"], r["source_record_id"]): r for r in records}
    rows = []
    for (source, rid), rec in latest.items():
        address = rec.get("address") or {}
        country = address.get("country") or rec.get("nationality")
        region = country if country and len(country) == 2 else None
        first, surname = _split_names(rec)
        social = rec.get("social")
        rows.append(
            {
                "unique_id": f"{source}|{rid}",
                "first_name": first,
                "surname": surname,
                "name_concat": f"{first} {surname}" if first and surname else None,
                "dob": rec.get("date_of_birth"),
                "email": None if _relay(rec) else (rec.get("email") or "").strip().lower() or None,
                "alias": (rec.get("email") or "").strip().lower() if _relay(rec) else None,
                "phone": _phone(rec.get("phone"), region),
                "postcode": re.sub(r"[^A-Z0-9]", "", str(address.get("postcode", "")).upper())
                or None,
                "city": _clean(address.get("city")) or None,
                "address_line1": _clean(address.get("line1")) or None,
                "document": (rec.get("document") or {}).get("number"),
                "loyalty": re.sub(r"\D", "", rec.get("loyalty_number") or "") or None,
                "social": f"{social['provider']}:{social['subject']}" if social else None,
                # The PMS copy of an OTA booking carries the OTA's number: one booking, one guest.
                "booking": _booking(rec),
            }
        )
    return pd.DataFrame(rows)


def _settings(df: pd.DataFrame) -> SettingsCreator:
    """Comparisons and blocking rules for the columns this data set actually fills."""
    have = {c for c in df.columns if df[c].notna().mean() > 0.01}
    comparisons = [
        cl.ForenameSurnameComparison(
            "first_name", "surname", forename_surname_concat_col_name="name_concat"
        ),
        cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
    ]
    optional = {
        "email": cl.EmailComparison("email"),
        "phone": cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
        "postcode": cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        "city": cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        "address_line1": cl.JaroWinklerAtThresholds("address_line1", [0.95, 0.88]),
        "document": cl.DamerauLevenshteinAtThresholds("document", [1, 2]),
        "loyalty": cl.ExactMatch("loyalty"),
        "alias": cl.ExactMatch("alias"),
        "booking": cl.ExactMatch("booking"),
        "social": cl.ExactMatch("social"),
    }
    comparisons += [c for col, c in optional.items() if col in have]
    rules: list[Any] = [
        block_on("first_name", "surname"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("dob", "substr(postcode, 1, 2)"),
        "l.first_name = r.surname and l.surname = r.first_name",
    ]
    rules += [
        block_on(c)
        for c in ("email", "phone", "document", "loyalty", "social", "alias", "booking")
        if c in have
    ]
    rules += [block_on("postcode", "substr(surname, 1, 1)")] if "postcode" in have else []
    rules += [block_on("address_line1")] if "address_line1" in have else []
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )


def train(df: pd.DataFrame) -> tuple[Linker, Any]:
    """Linker on DuckDB, trained: lambda from exact rules, u by sampling, m by EM."""
    db_api = DuckDBAPI()
    sdf = db_api.register(df, dataset_display_name="records")
    linker = Linker(sdf, _settings(df), log_level=logging.WARNING)
    have = {c for c in df.columns if df[c].notna().mean() > 0.01}
    exact = [block_on("first_name", "surname", "dob")]
    exact += [block_on("email", "surname")] if "email" in have else []
    linker.training.estimate_probability_two_random_records_match(exact, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    sessions = [block_on("first_name", "surname"), block_on("dob")]
    sessions += [block_on(c) for c in ("email", "phone", "postcode") if c in have]
    for rule in sessions:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker, sdf


@dataclass
class SplinkRun:
    """The outcome of one Splink run on one data set."""

    best: Score
    threshold: float
    by_threshold: dict[float, Score]
    seconds: float
    links: dict[tuple[str, str], str]


def run(records_path: Path, truth_path: Path, links_out: Path | None = None) -> SplinkRun:
    """Train, predict, cluster at several thresholds; keep the best F1 it reaches."""
    started = time.perf_counter()
    records = [json.loads(line) for line in records_path.open(encoding="utf-8")]
    df = prepare(records)
    linker, _ = train(df)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    truth = read_clusters(truth_path, "guest_id")
    scored: dict[float, tuple[Score, dict[tuple[str, str], str]]] = {}
    for threshold in THRESHOLDS:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        links = {
            tuple(uid.split("|", 1)): str(cid)
            for uid, cid in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)
        }
        scored[threshold] = (score_clusters(links, truth), links)  # type: ignore[arg-type]
    best = max(scored, key=lambda t: scored[t][0].f1)
    seconds = time.perf_counter() - started
    if links_out:
        write_links(scored[best][1], links_out)
    return SplinkRun(
        scored[best][0], best, {t: s for t, (s, _) in scored.items()}, seconds, scored[best][1]
    )


def write_links(links: dict[tuple[str, str], str], path: Path) -> None:
    """The same CSV shape as `guestid export links`."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "source_record_id", "profile_id"])
        writer.writerows([s, r, p] for (s, r), p in links.items())


def online_lookup_seconds(records_path: Path, n_new: int = 50) -> list[float]:
    """Per-record latency of matching one new record against all others (predict_between)."""
    records = [json.loads(line) for line in records_path.open(encoding="utf-8")]
    df = prepare(records)
    existing, new = df.iloc[:-n_new], df.iloc[-n_new:]
    linker, _ = train(existing)
    for col in ("name_concat", "first_name", "surname", "email", "phone", "postcode", "city"):
        if col in existing.columns and existing[col].notna().any():
            linker.table_management.compute_tf_table(col)
    db_api = linker._db_api  # the API the model's tables live in
    existing_sdf = db_api.register(existing, table_name="existing")
    timings = []
    for i in range(len(new)):
        started = time.perf_counter()
        one = db_api.register(new.iloc[[i]], table_name=f"new_{i}")
        linker.inference.predict_between(
            existing_sdf, one, threshold_match_probability=0.5, warning_mode="never"
        ).as_pandas_dataframe()
        timings.append(time.perf_counter() - started)
    return timings


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/splink_baseline.py RECORDS.jsonl TRUTH.csv [--links OUT] [--online]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("records", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("--links", type=Path)
    parser.add_argument("--online", type=int, default=0, help="time N single-record lookups")
    args = parser.parse_args(argv)
    result = run(args.records, args.truth, args.links)
    for t, s in result.by_threshold.items():
        print(f"threshold {t}: precision {s.precision:.4f} recall {s.recall:.4f} F1 {s.f1:.4f}")
    print(f"best threshold {result.threshold}  F1 {result.best.f1:.4f}  {result.seconds:.1f}s")
    if args.online:
        timings = sorted(online_lookup_seconds(args.records, args.online))
        print(
            f"online lookup: median {1000 * timings[len(timings) // 2]:.1f} ms, "
            f"p95 {1000 * timings[int(len(timings) * 0.95)]:.1f} ms"
        )


if __name__ == "__main__":
    main()
