"""Deterministic synthetic hotel-group data: generic guest records plus the true guest ids."""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from hotel_habits import front_desk_habits, look_alike_couples
from hotel_people import SPAN_DAYS, START, Person, make_population
from hotel_records import (
    PROPERTIES,
    Ids,
    Trip,
    ota_record,
    pms_record,
    walkin_record,
    widget_record,
)

from connectors.base import GuestRecord

Stamped = tuple[datetime, dict[str, Any]]


def records_per_guest(rng: random.Random) -> int:
    """Skewed: most guests come once or twice, a few are frequent travellers."""
    roll = rng.random()
    if roll < 0.52:
        return 1
    if roll < 0.77:
        return 2
    if roll < 0.86:
        return 3
    if roll < 0.91:
        return 4
    return min(15, 5 + int(rng.expovariate(0.3)))


def _channel(p: Person, rng: random.Random) -> str:
    weights = {
        "direct": 0.35 + (0.2 if p.business else 0.0),
        "booking": 0.30,
        "expedia": 0.12,
        "widget": 0.35 if p.social else 0.0,
        "walkin": 0.6 if p.walk_in_type else 0.015,
    }
    return rng.choices(list(weights), list(weights.values()))[0]


def _at(day: date, rng: random.Random, lo: int = 0, hi: int = 23) -> datetime:
    return datetime.combine(day, time(rng.randint(lo, hi), rng.randint(0, 59), rng.randint(0, 59)))


def _trip(p: Person, rng: random.Random, ids: Ids, channel: str, homes: list[int]) -> Trip:
    prop = PROPERTIES[rng.choice(homes) if rng.random() < 0.7 else rng.randrange(len(PROPERTIES))]
    arrival = START + timedelta(days=rng.randrange(SPAN_DAYS))
    lead = 0 if channel == "walkin" else int(rng.expovariate(1 / 30))
    source = channel if channel in ("booking", "expedia") else prop.pms
    return Trip(
        person=p,
        prop=prop,
        arrival=arrival,
        nights=1 + int(rng.expovariate(0.45)),
        booked_at=_at(arrival - timedelta(days=lead), rng),
        reservation_id=ids.new(source)
        if channel in ("booking", "expedia")
        else ids.reservation(prop.property_id),
        channel={"direct": "direct", "widget": "web", "walkin": "walk-in"}.get(
            channel, f"{channel}.com"
        ),
        use_agency=p.agency is not None and rng.random() < 0.4,
    )


def guest_records(p: Person, rng: random.Random, ids: Ids) -> list[Stamped]:
    """Every record one guest leaves behind, each with the time it reaches us."""
    budget = records_per_guest(rng)
    homes = rng.sample(range(len(PROPERTIES)), k=rng.randint(1, 3))
    out: list[Stamped] = []
    apple_seen = False
    while len(out) < budget:
        channel = _channel(p, rng)
        trip = _trip(p, rng, ids, channel, homes)
        checkin = _at(trip.arrival, rng, 14, 23)
        room_for_two = budget - len(out) >= 2
        if channel in ("booking", "expedia"):
            rec, alias = ota_record(trip, rng, ids, channel)
            out.append((trip.booked_at, rec))
            if room_for_two and rng.random() < 0.45:  # the PMS profile made at check-in
                out.append((checkin, pms_record(trip, rng, ids, True, ota_alias=alias)))
        elif channel == "widget":
            provider = rng.choice(sorted(p.social))
            out.append((trip.booked_at, widget_record(trip, rng, ids, provider, not apple_seen)))
            apple_seen = apple_seen or provider == "apple"
            if room_for_two and rng.random() < 0.3:
                out.append((checkin, pms_record(trip, rng, ids, True)))
        elif channel == "walkin":
            out.append((checkin, walkin_record(trip, rng, ids)))
        else:
            at_checkin = rng.random() < 0.5
            out.append(
                (checkin if at_checkin else trip.booked_at, pms_record(trip, rng, ids, at_checkin))
            )
    return out


def _updates(stamped: list[Stamped], rng: random.Random) -> list[Stamped]:
    """Re-sent versions of a few reservations: cancellations and check-outs."""
    extra: list[Stamped] = []
    for at, rec in stamped:
        if rec["source"] in ("walkin", "widget") or rng.random() > 0.03:
            continue
        again = json.loads(json.dumps(rec))
        again["stay"]["status"] = "cancelled" if rng.random() < 0.4 else "checked_out"
        extra.append((at + timedelta(days=rng.randint(1, 20)), again))
    return extra


def generate(n_guests: int, seed: int) -> tuple[list[dict[str, Any]], list[Person]]:
    """Records in arrival order (with `updated_at`) and the people behind them."""
    rng = random.Random(seed)
    habits = random.Random(f"{seed}:habits")
    people = make_population(rng, n_guests, lambda ps: look_alike_couples(ps, habits))
    ids = Ids(rng)
    stamped: list[tuple[datetime, int, dict[str, Any]]] = []
    for p in people:
        for at, rec in guest_records(p, rng, ids):
            rec["_guest"] = p.guest_id
            stamped.append((at, len(stamped), rec))
    front_desk_habits([rec for _, _, rec in stamped], {p.guest_id: p for p in people}, habits)
    for at, rec in _updates([(a, r) for a, _, r in stamped], rng):
        stamped.append((at, len(stamped), rec))
    stamped.sort(key=lambda item: (item[0], item[1]))
    records = []
    for at, _, rec in stamped:
        rec["updated_at"] = at.isoformat() + "Z"
        records.append(_clean(rec))
    return records, people


def _clean(value: Any) -> Any:
    """Drop empty fields, as sources leave unknown fields out."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items() if v is not None and v != {}}
        return {k: v for k, v in cleaned.items() if v != {}}
    return value


def write(records: list[dict[str, Any]], out: Path) -> None:
    """records.jsonl (validated generic records) and truth.csv."""
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[tuple[str, str], str] = {}
    with (out / "records.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            body = {k: v for k, v in rec.items() if k != "_guest"}
            GuestRecord.model_validate(body)  # every record must be importable as is
            fh.write(json.dumps(body, ensure_ascii=False) + "\n")
            truth[(rec["source"], rec["source_record_id"])] = rec["_guest"]
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "source_record_id", "guest_id"])
        writer.writerows([s, r, g] for (s, r), g in truth.items())


def stats(records: list[dict[str, Any]], people: list[Person]) -> str:
    """A plain-text summary of what the data set contains."""
    keys = {(r["source"], r["source_record_id"]): r["_guest"] for r in records}
    per_guest = collections.Counter(keys.values())
    sizes = collections.Counter(min(n, 5) for n in per_guest.values())
    traps = collections.Counter(t for p in people for t in p.traps)
    pairs = sum(n * (n - 1) // 2 for n in per_guest.values())
    by_source = collections.Counter(r["source"] for r in records)

    def share(pred: Any) -> str:
        return f"{100 * sum(1 for r in records if pred(r)) / len(records):.1f}%"

    lines = [
        f"guests {len(people)}  guests with records {len(per_guest)}  record lines "
        f"{len(records)}  distinct records {len(keys)}  updates {len(records) - len(keys)}",
        f"true matching pairs {pairs}",
        "records per guest: "
        + "  ".join(f"{'5+' if k == 5 else k}: {v}" for k, v in sorted(sizes.items())),
        "by source: " + "  ".join(f"{k} {v}" for k, v in by_source.most_common()),
        "traps (guests): " + "  ".join(f"{k} {v}" for k, v in traps.most_common()),
        "agency contact records: "
        + share(
            lambda r: (
                "@" in r.get("email", "")
                and any(
                    d in r["email"]
                    for d in (
                        "info@",
                        "bookings@",
                        "travel@",
                        "contact@",
                        "reservas@",
                        "service@",
                        "rejser@",
                        "biuro@",
                    )
                )
            )
        ),
        f"email {share(lambda r: 'email' in r)}  OTA alias "
        f"{share(lambda r: r.get('email', '').endswith(('booking.com', 'partnercentral.com')))}"
        f"  flagged masked {share(lambda r: r.get('email_masked'))}"
        f"  private relay {share(lambda r: 'privaterelay' in r.get('email', ''))}",
        f"phone {share(lambda r: 'phone' in r)}  dob {share(lambda r: 'date_of_birth' in r)}  "
        f"document {share(lambda r: 'document' in r)}  loyalty "
        f"{share(lambda r: 'loyalty_number' in r)}  social {share(lambda r: 'social' in r)}",
        f"name-less {share(lambda r: not ({'first_name', 'last_name', 'full_name'} & set(r)))}"
        f"  full_name only {share(lambda r: 'full_name' in r)}  address "
        f"{share(lambda r: 'address' in r)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI: python bench/hotel_generator.py --guests 10000 --seed 7 --out DIR [--stats]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--stats", action="store_true", help="print the composition")
    args = parser.parse_args(argv)
    records, people = generate(args.guests, args.seed)
    if args.out:
        write(records, args.out)
    if args.stats or not args.out:
        print(stats(records, people))


if __name__ == "__main__":
    main()
