"""JSON bodies are read strictly: a wrong JSON type is a 422 with a pointer, never a guess."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.api.samples import anna
from tests.cli.test_commands import run
from tests.conftest import TenantClient

WRONG_TYPES = [
    ({"vip": 1}, "/vip"),
    ({"email_verified": "true"}, "/email_verified"),
    ({"source_record_id": 1001}, "/source_record_id"),
    ({"stay": {**anna()["stay"], "rate_amount": "540"}}, "/stay/rate_amount"),
    ({"preferences": {"bed": None}}, "/preferences/bed"),
]


@pytest.mark.parametrize(("change", "pointer"), WRONG_TYPES)
async def test_a_wrong_json_type_is_refused_with_its_pointer(
    http: httpx.AsyncClient, tenant: TenantClient, change: dict[str, Any], pointer: str
) -> None:
    response = await http.post("/v1/records", json=anna(**change), headers=tenant.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://guestid.dev/problems/invalid-records"
    pointers = [e["pointer"] for item in problem["errors"] for e in item["errors"]]
    assert any(p.startswith(pointer) for p in pointers), pointers
    assert (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).status_code == 404


async def test_one_wrongly_typed_item_stores_nothing_of_the_batch(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    batch = [anna(), anna(source_record_id="R-2", vip=1), anna(source_record_id="R-3")]
    response = await http.post("/v1/records", json=batch, headers=tenant.auth)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1]
    assert [e["pointer"] for e in errors[0]["errors"]] == ["/1/vip"]
    for record_id in ("R-1001", "R-2", "R-3"):
        found = await http.get(f"/v1/records/pms/{record_id}", headers=tenant.auth)
        assert found.status_code == 404


async def test_iso_dates_and_whole_numbers_are_still_accepted(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # JSON has no date type, and 540 is a number like 540.0: strict JSON accepts both.
    record = anna(stay={**anna()["stay"], "rate_amount": 540}, anniversary="2010-06-12")
    response = await http.post("/v1/records", json=record, headers=tenant.auth)
    assert response.status_code == 200, response.text
    stored = (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).json()
    assert stored["data"]["date_of_birth"] == "1985-03-14"
    assert stored["data"]["stay"]["rate_amount"] == 540.0


async def test_a_hint_request_with_a_wrong_type_is_refused(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    record = anna(stay={**anna()["stay"], "arrival": 20261201})
    response = await http.post("/v1/hints", json=record, headers=tenant.auth)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "https://guestid.dev/problems/invalid-record"
    assert [e["pointer"] for e in problem["errors"]] == ["/stay/arrival"]
    assert (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).status_code == 404
    hint = await http.get("/v1/hints/pms/R-1001", headers=tenant.auth)
    assert hint.status_code == 404


async def test_an_unpaired_surrogate_is_refused_not_stored(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    body = json.dumps(anna(first_name="An\ud800na")).encode()
    response = await http.post(
        "/v1/records", content=body, headers={**tenant.auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    [item] = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in item["errors"]] == [
        ("/first_name", "string_unicode")
    ]
    assert (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).status_code == 404


async def test_the_json_lines_import_still_coerces(
    settings: Settings, tenant: TenantClient, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    # Import files come from other systems' exports (CSV the same path): types are coerced.
    path = tmp_path / "guests.jsonl"
    path.write_text(json.dumps(anna(vip=1, stay={**anna()["stay"], "rate_amount": "540"})) + "\n")
    done = await asyncio.to_thread(run, settings, "import", str(path), "--tenant", tenant.slug)
    assert "created=1" in done.stdout, done.stdout + done.stderr
    stored = (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).json()
    assert stored["data"]["vip"] is True
    assert stored["data"]["stay"]["rate_amount"] == 540.0
