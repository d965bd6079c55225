"""Bad input gets a clear problem+json 4xx and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient


async def _assert_nothing_stored(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.get("/v1/records/pms/R-1001", headers=tenant.auth)
    assert response.status_code == 404


async def test_malformed_json(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.post(
        "/v1/records",
        content=b'{"source": "pms",',
        headers={**tenant.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/malformed-json")
    await _assert_nothing_stored(http, tenant)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"first_name": 42}, "/first_name"),
        ({"unexpected": "field"}, "/unexpected"),
        ({"date_of_birth": "1985-02-30"}, "/date_of_birth"),
        ({"date_of_birth": "14.03.1985"}, "/date_of_birth"),
        ({"phone": "call me maybe"}, "/phone"),
        ({"phone": "12"}, "/phone"),
        ({"email": "not-an-email"}, "/email"),
        ({"email": "anna@"}, "/email"),
        ({"source": "Bad Source!"}, "/source"),
        (
            {"stay": {"reservation_id": "R", "arrival": "2026-12-04", "departure": "2026-12-01"}},
            "/stay",
        ),
        ({"address": {"city": "Berlin", "planet": "Earth"}}, "/address/planet"),
    ],
)
async def test_invalid_record_is_rejected_with_pointer(
    http: httpx.AsyncClient, tenant: TenantClient, change: dict[str, Any], pointer: str
) -> None:
    response = await http.post("/v1/records", json=anna(**change), headers=tenant.auth)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/invalid-records")
    pointers = [e["pointer"] for item in problem["errors"] for e in item["errors"]]
    assert any(p.startswith(pointer) for p in pointers), pointers
    await _assert_nothing_stored(http, tenant)


async def test_one_bad_item_rejects_the_batch_with_its_index(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    batch = [anna(), anna(source_record_id="R-2", email="nope"), anna(source_record_id="R-3")]
    response = await http.post("/v1/records", json=batch, headers=tenant.auth)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1]
    assert errors[0]["errors"][0]["pointer"] == "/1/email"
    await _assert_nothing_stored(http, tenant)


async def test_oversize_batch(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    batch = [anna(source_record_id=f"R-{i}") for i in range(1001)]
    response = await http.post("/v1/records", json=batch, headers=tenant.auth)
    assert response.status_code == 413
    assert response.json()["type"].endswith("/batch-too-large")
    await _assert_nothing_stored(http, tenant)


async def test_duplicate_record_in_one_batch(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.post("/v1/records", json=[anna(), anna()], headers=tenant.auth)
    assert response.status_code == 422
    await _assert_nothing_stored(http, tenant)


async def test_empty_batch_and_wrong_shapes(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    for body in ([], "a string", 42, [1, 2]):
        response = await http.post("/v1/records", json=body, headers=tenant.auth)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"


async def test_wrong_content_type(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    response = await http.post(
        "/v1/records", content=b"source=pms", headers={**tenant.auth, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


async def test_card_numbers_in_free_text_are_not_stored(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    record = anna(special_requests="pay with 4111 1111 1111 1111 cvc 123 please")
    assert (await http.post("/v1/records", json=record, headers=tenant.auth)).status_code == 200
    stored = (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).json()
    assert "4111" not in str(stored)


async def test_document_number_is_stored_hashed(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    record = anna(document={"type": "passport", "number": "C01X00T47", "country": "DE"})
    assert (await http.post("/v1/records", json=record, headers=tenant.auth)).status_code == 200
    stored = (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).json()
    assert "C01X00T47" not in str(stored)
    assert stored["data"]["document"]["number"].startswith("h:")


async def test_unknown_route_and_method_are_problems(http: httpx.AsyncClient) -> None:
    missing = await http.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await http.delete("/v1/records")
    assert wrong.status_code == 405
    assert wrong.json()["type"].endswith("/method-not-allowed")


@pytest.mark.parametrize(
    ("method", "url", "body", "pointer"),
    [
        ("GET", "/v1/profiles/a%00b", None, "/path/profile_id"),
        ("GET", "/v1/records/pms/R%00", None, "/path/source_record_id"),
        ("GET", "/v1/profiles?email=a%00%40example.com", None, "/query/email"),
        ("GET", "/v1/upgrade-rules?property_id=H%00", None, "/query/property_id"),
        ("POST", "/v1/records", anna(first_name="An\x00na"), "/"),
        ("POST", "/v1/upgrade-rules", {"name": "r\x00", "offer": {"room_type": "S"}}, "/"),
    ],
)
async def test_nul_characters_are_refused_on_every_backend(
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    method: str,
    url: str,
    body: Any,
    pointer: str,
) -> None:
    # PostgreSQL text cannot hold U+0000: these were 500s there (and stored on SQLite).
    admin = await make_tenant(scopes=("admin",))
    response = await http.request(method, url, json=body, headers=admin.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/validation")
    assert [e["pointer"] for e in problem["errors"]] == [pointer]
    await _assert_nothing_stored(http, admin)


async def test_a_client_id_with_a_nul_is_an_unknown_client(http: httpx.AsyncClient) -> None:
    form = {"grant_type": "client_credentials", "client_id": "gid_\x00", "client_secret": "s"}
    for kwargs in ({"data": form}, {"data": form, "auth": ("gid_\x00", "s")}):
        response = await http.post("/oauth/token", **kwargs)
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_client"


async def test_a_hint_for_an_array_is_one_record_expected(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    for body in ([], [anna(), anna(source_record_id="R-2")]):
        response = await http.post("/v1/hints", json=body, headers=tenant.auth)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/one-record")
