"""Health, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

import httpx

from tests.api.samples import anna
from tests.conftest import TenantClient


async def test_health_and_readiness(http: httpx.AsyncClient, backend: str) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["database"] == "ok"
    if backend == "postgres":
        assert checks["redis"] == "ok"


async def test_metrics_count_ingested_records(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await http.post("/v1/records", json=anna(), headers=tenant.auth)
    text = (await http.get("/metrics")).text
    assert 'guestid_records_ingested_total{outcome="created"}' in text
    assert "guestid_resolution_seconds_bucket" in text


async def test_openapi_publishes_the_record_schema(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    assert "GuestRecord" in schema["components"]["schemas"]
    body = schema["paths"]["/v1/records"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["oneOf"][1]["maxItems"] == 1000


async def test_openapi_documents_errors_as_problem_json(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
            assert "4XX" in errors
            for response in errors.values():
                assert response["content"] == {"application/problem+json": {"schema": problem}}
    header = schema["paths"]["/v1/records"]["post"]["parameters"][0]
    assert header["name"] == "Idempotency-Key" and header["schema"]["maxLength"] == 255
