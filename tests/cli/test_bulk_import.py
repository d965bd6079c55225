"""A bulk import large enough to take the bulk write path (COPY on PostgreSQL) reads back intact."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from app.core.config import Settings
from tests.cli.test_commands import run
from tests.conftest import TenantClient

GIVEN = "Anna Bernd Chiara Dmitri Elif Farid Greta Hiro Ines Jonas Kira Lars Mona Nils Olga"
FAMILY = "Weber Rossi Novak Tanaka Okafor Lindqvist Moreau Kowalski Haddad Ferreira"
GUESTS = 150  # every given x family name once


def _line(n: int, guest: int) -> str:
    return json.dumps(
        {
            "source": "pms",
            "source_record_id": f"R-{n}",
            "first_name": GIVEN.split()[guest % 15],
            "last_name": FAMILY.split()[guest // 15],
            "email": f"guest{guest}@example.org",
            "email_verified": True,
            "phone": f"+49 30 {2_000_000 + guest * 48_611}",
            "address": {"city": "Köln", "country": "DE"},
            "preferences": {"bed": "king", "floor": "high"},
            "special_requests": "quiet room, feather-free pillow",
            "stay": {
                "reservation_id": f"S-{n}",
                "arrival": "2025-05-01",
                "departure": "2025-05-03",
                "rate_amount": 210.5,
                "currency": "EUR",
            },
        },
        ensure_ascii=False,
    )


async def test_a_large_batch_is_stored_and_linked_intact(
    settings: Settings, tenant: TenantClient, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    # Each guest twice (R-n and R-(n+150)), all in one batch: hundreds of rows per table.
    path = tmp_path / "bulk.jsonl"
    lines = [_line(n, (n - 1) % GUESTS) for n in range(1, 2 * GUESTS + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = await asyncio.to_thread(run, settings, "import", str(path), "--tenant", tenant.slug)
    assert f"created={GUESTS} linked={GUESTS}" in done.stdout

    first = (await http.get("/v1/records/pms/R-7", headers=tenant.auth)).json()
    second = (await http.get("/v1/records/pms/R-157", headers=tenant.auth)).json()
    assert first["profile_id"] == second["profile_id"]
    assert first["data"]["address"]["city"] == "Köln"
    assert first["data"]["preferences"] == {"bed": "king", "floor": "high"}
    assert first["data"]["stay"]["rate_amount"] == 210.5

    profile = (await http.get(f"/v1/profiles/{first['profile_id']}", headers=tenant.auth)).json()
    assert profile["email"] == "guest6@example.org"
    found = await http.get(
        "/v1/profiles", params={"email": "guest6@example.org"}, headers=tenant.auth
    )
    assert [p["id"] for p in found.json()["items"]] == [first["profile_id"]]


async def test_an_export_with_slips_imports_with_its_fields_mended_and_reported(
    settings: Settings, tenant: TenantClient, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    messy = {
        "source": "pms",
        "source_record_id": 9001,
        "first_name": "Jana",
        "last_name": "Dvořák",
        "date_of_birth": "14.03.1985",
        "phone": 420603123456,
        "email": "",
        "adults": 2,
    }
    clean = {
        "source": "booking",
        "source_record_id": "B-1",
        "first_name": "Jana",
        "last_name": "Dvorak",
        "date_of_birth": "1985-03-14",
        "phone": "+420 603 123 456",
    }
    path = tmp_path / "export.jsonl"
    path.write_text(f"{json.dumps(messy)}\n{json.dumps(clean)}\n", encoding="utf-8")
    done = await asyncio.to_thread(run, settings, "import", str(path), "--tenant", tenant.slug)
    assert "created=1 linked=1" in done.stdout and "failed=0" in done.stdout
    assert "mended or dropped fields on 1 lines" in done.stderr  # the summary table's stream
    assert "/adults: dropped (extra_forbidden)" in done.stderr

    first = (await http.get("/v1/records/pms/9001", headers=tenant.auth)).json()
    second = (await http.get("/v1/records/booking/B-1", headers=tenant.auth)).json()
    assert first["profile_id"] == second["profile_id"]
    assert first["data"]["date_of_birth"] == "1985-03-14"
    # The API reads the same body strictly: nothing is guessed for a client sending JSON.
    refused = await http.post(
        "/v1/records", json={**messy, "source_record_id": "9002"}, headers=tenant.auth
    )
    assert refused.status_code == 422
