"""The storage path of resolution: batches place records as one-by-one ingest does, a batch
writes everything or nothing, and an older delivery of a reservation never wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import col, select

from app.bulk.importer import import_file
from app.core.db import transaction
from app.ingest.service import ingest_records
from app.matching.service import matching_for
from app.models import MatchDecision, SourceRecord, Stay
from connectors.base import GuestRecord
from tests.conftest import MakeTenant

SECRET = "t" * 48
PEOPLE = [
    ("Anna", "Müller", "1985-03-14", "Berlin", "10115"),
    ("Ben", "Okafor", "1979-07-02", "Köln", "50667"),
    ("Chiara", "Rossi", "1990-11-23", "Milano", "20121"),
    ("Dmitri", "Novak", "1968-01-30", "Praha", "11000"),
    ("Elif", "Haddad", "1995-05-05", "Wien", "1010"),
]


def _records() -> list[dict[str, Any]]:
    """Each guest several times, as PMS, OTA and widget records with the usual variations."""
    out: list[dict[str, Any]] = []
    for n, (given, family, dob, city, postcode) in enumerate(PEOPLE):
        email = f"{given.lower()}.{n}@example.org"
        phone = f"+49 151 {2_000_000 + n * 7_919}"
        address = {"city": city, "postcode": postcode, "country": "DE"}
        out += [
            {"source": "pms", "source_record_id": f"P-{n}", "first_name": given,
             "last_name": family, "email": email, "email_verified": True,
             "date_of_birth": dob, "address": address,
             "stay": {"reservation_id": f"S-{n}", "arrival": "2026-01-10",
                      "departure": "2026-01-12"}},
            {"source": "booking", "source_record_id": f"B-{n}", "first_name": given.upper(),
             "last_name": family, "email": f"x{n}@guest.booking.com", "phone": phone,
             "address": {"country": "DE"}},
            {"source": "widget", "source_record_id": f"W-{n}", "first_name": given,
             "last_name": family, "email": email.upper(), "email_verified": True,
             "phone": phone},
            {"source": "pms", "source_record_id": f"Q-{n}", "first_name": given[0] + ".",
             "last_name": family, "date_of_birth": dob, "address": address},
        ]  # fmt: skip
    # Updates of records already sent, and an exact replay.
    out.append({**out[0], "phone": "+49 30 1234567", "updated_at": "2026-02-01T10:00:00Z"})
    out.append(dict(out[4]))
    return out


async def _partition(app: FastAPI, tenant_id: str) -> set[frozenset[str]]:
    async with transaction(app.state.sessions) as session:
        rows = (
            await session.exec(
                select(SourceRecord.profile_id, SourceRecord.source, SourceRecord.source_record_id)
                .where(SourceRecord.tenant_id == tenant_id)
            )
        ).all()  # fmt: skip
    groups: dict[str, set[str]] = {}
    for profile_id, source, rid in rows:
        groups.setdefault(profile_id, set()).add(f"{source}:{rid}")
    return {frozenset(g) for g in groups.values()}


async def _one_by_one(app: FastAPI, tenant_id: str, records: list[dict[str, Any]]) -> list[str]:
    outcomes = []
    for raw in records:
        async with transaction(app.state.sessions) as session:
            matching = await matching_for(session, tenant_id)
            results = await ingest_records(
                session,
                tenant_id,
                [GuestRecord.model_validate(raw)],
                matching=matching,
                secret_key=SECRET,
                decided_by="test",
            )
        outcomes.append(results[0].outcome)
    return outcomes


@pytest.mark.parametrize("batch_size", [1, 3, 500])
async def test_import_in_batches_places_records_as_one_by_one_ingest(
    app: FastAPI, make_tenant: MakeTenant, tmp_path: Path, batch_size: int
) -> None:
    records = _records()
    online, bulk = await make_tenant(), await make_tenant()
    outcomes = await _one_by_one(app, online.tenant_id, records)
    assert outcomes.count("linked") >= 10 and outcomes[-2:] == ["updated", "unchanged"]

    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, bulk.tenant_id)
    report = await import_file(
        path,
        tenant_id=bulk.tenant_id,
        tenant_slug=bulk.slug,
        sessions=app.state.sessions,
        matching=matching,
        secret_key=SECRET,
        batch_size=batch_size,
        parallel=False,
    )
    assert sorted(report.outcomes.elements()) == sorted(outcomes)
    assert await _partition(app, bulk.tenant_id) == await _partition(app, online.tenant_id)


async def _stay(app: FastAPI, tenant_id: str) -> tuple[Any, ...]:
    async with transaction(app.state.sessions) as session:
        rows = (
            await session.exec(
                select(Stay).where(Stay.tenant_id == tenant_id, col(Stay.reservation_id) == "X-1")
            )
        ).all()
    assert len(rows) == 1
    return rows[0].room_type, rows[0].source_version, rows[0].record_id


async def test_an_older_delivery_of_a_reservation_never_wins(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant()

    def booking(rid: str, version: str, room: str) -> dict[str, Any]:
        return {
            "source": "pms",
            "source_record_id": rid,
            "first_name": "Greta",
            "last_name": f"Lindqvist-{rid}",
            "updated_at": version,
            "stay": {
                "reservation_id": "X-1",
                "arrival": "2026-03-01",
                "departure": "2026-03-03",
                "room_type": room,
            },
        }

    newer, older = "2026-02-02T10:00:00Z", "2026-02-01T10:00:00Z"
    await _one_by_one(app, tenant.tenant_id, [booking("G-1", newer, "SUITE")])
    first = await _stay(app, tenant.tenant_id)
    await _one_by_one(app, tenant.tenant_id, [booking("G-2", older, "TWIN")])
    assert await _stay(app, tenant.tenant_id) == first
    await _one_by_one(app, tenant.tenant_id, [booking("G-3", "2026-02-03T10:00:00Z", "KING")])
    room, version, record_id = await _stay(app, tenant.tenant_id)
    assert (room, version) == ("KING", "2026-02-03T10:00:00Z") and record_id != first[2]


async def _evidence_of(app: FastAPI, tenant_id: str, source_record_id: str) -> list[str]:
    async with transaction(app.state.sessions) as session:
        decision = (
            await session.exec(
                select(MatchDecision)
                .join(SourceRecord, col(SourceRecord.id) == col(MatchDecision.record_id))
                .where(
                    SourceRecord.tenant_id == tenant_id,
                    SourceRecord.source_record_id == source_record_id,
                )
            )
        ).one()
    return [pair["other"] for pair in decision.evidence]


async def test_ties_among_namesakes_go_to_the_oldest_guests_on_every_run(
    app: FastAPI, make_tenant: MakeTenant
) -> None:
    # Fourteen different men of one name and postcode (their birth years differ), then a record
    # of that name and postcode alone: more profiles tie than are scored, so which are scored,
    # and which evidence is kept, follows the order the guests were first seen, not chance.
    namesakes = [
        {"source": "pms", "source_record_id": f"N-{n:02d}", "first_name": "Jan",
         "last_name": "Kowalczyk", "date_of_birth": f"{1950 + 3 * n}-04-0{1 + n % 9}",
         "address": {"postcode": "30-001", "city": "Kraków", "country": "PL"}}
        for n in range(14)
    ]  # fmt: skip
    arrival = {
        "source": "web",
        "source_record_id": "W-1",
        "first_name": "Jan",
        "last_name": "Kowalczyk",
        "address": {"postcode": "30-001", "city": "Kraków", "country": "PL"},
    }
    runs = []
    for _ in range(2):
        tenant = await make_tenant()
        outcomes = await _one_by_one(app, tenant.tenant_id, [*namesakes, arrival])
        assert "linked" not in outcomes[:14]  # fourteen guests
        runs.append(set(await _evidence_of(app, tenant.tenant_id, "W-1")))
    # The evidence keeps the strongest 8 of the 10 scored; equal weights may keep any 8.
    oldest = {f"pms:N-{n:02d}" for n in range(10)}
    assert all(len(run) == 8 and run <= oldest for run in runs)
