"""A body over the configured limit is 413 problem+json on every route, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture
from tests.inbound.helpers import connect, events


def _oversized(app: FastAPI, body: dict[str, object], field: str) -> bytes:
    """`body` padded in `field` to one byte over the limit: valid JSON, just too big."""
    limit: int = app.state.settings.max_body_bytes
    size = len(json.dumps({**body, field: ""}).encode())
    return json.dumps({**body, field: "x" * (limit - size + 1)}).encode()


async def _chunks(body: bytes, size: int = 1 << 20) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://guestid.dev/problems/payload-too-large"
    assert problem["status"] == 413


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_oversized_pydantic_body_is_413_and_adds_no_rule(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, chunked: bool
) -> None:
    # The body is parsed by FastAPI into a model; it turned the limit into a 400 before.
    admin = await make_tenant(scopes=("admin",))
    body = _oversized(app, {"offer": {"room_type": "SUITE"}}, "name")
    response = await http.post(
        "/v1/upgrade-rules",
        content=_chunks(body) if chunked else body,
        headers={**admin.auth, "Content-Type": "application/json"},
    )
    _assert_too_large(response)
    listed = await http.get("/v1/upgrade-rules", headers=admin.auth)
    assert listed.json()["items"] == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_oversized_record_is_413_and_not_stored(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient, chunked: bool
) -> None:
    body = _oversized(app, anna(), "special_requests")
    response = await http.post(
        "/v1/records",
        content=_chunks(body) if chunked else body,
        headers={**tenant.auth, "Content-Type": "application/json"},
    )
    _assert_too_large(response)
    assert (await http.get("/v1/records/pms/R-1001", headers=tenant.auth)).status_code == 404


async def test_an_oversized_token_form_is_413(app: FastAPI, http: httpx.AsyncClient) -> None:
    limit: int = app.state.settings.max_body_bytes
    # Fields each under the form parser's own 1 MiB part limit, together over the body limit.
    field = b"x" * 1_000_000
    form = b"grant_type=client_credentials" + b"".join(
        b"&pad%d=%s" % (i, field) for i in range(limit // len(field) + 1)
    )
    for content in (form, _chunks(form)):
        response = await http.post(
            "/oauth/token",
            content=content,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        _assert_too_large(response)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_oversized_vendor_webhook_is_413_and_not_stored(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, chunked: bool
) -> None:
    admin = await make_tenant(scopes=("admin",))
    _, path = await connect(http, admin, "mews")
    body = _oversized(app, json.loads(fixture("mews/webhook_general.json")), "Padding")
    response = await http.post(
        path,
        content=_chunks(body) if chunked else body,
        headers={"Content-Type": "application/json"},
    )
    _assert_too_large(response)
    assert await events(app, admin.tenant_id) == []


async def test_a_body_at_the_limit_is_read(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # Read and validated, not refused for its size: the free text itself is too long.
    body = _oversized(app, anna(), "special_requests")[:-3] + b'"}'
    assert len(body) == app.state.settings.max_body_bytes
    response = await http.post(
        "/v1/records", content=body, headers={**tenant.auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text[:300]
    assert response.json()["type"].endswith("/invalid-records")
