"""Property-based tests of every operation in the OpenAPI document (schemathesis).

Schemathesis derives valid and invalid requests from `app.openapi()` and checks each answer:
never a 5xx; status, content type, headers and body as documented; invalid input refused;
every 4xx a problem+json document with a `type`.

The requests reach the session's app in-process, on the event loop that ran its lifespan: the
`requests` session schemathesis calls goes through an adapter that runs each request through
httpx's `ASGITransport` on that loop. (Schemathesis' own ASGI client runs apps on a loop of its
own, where the app's database pool and Redis client cannot be used.)

Runs on both storage modes like the rest of the suite (the 500s it found were PostgreSQL's):
five examples per operation plus schemathesis' deterministic coverage cases take about 20 s
per mode. Derandomized with a fixed seed: every run sends the same requests.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
import urllib3
from fastapi import FastAPI
from requests.adapters import HTTPAdapter
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import col, delete

from app.core.config import Settings
from app.core.db import transaction
from app.core.errors import PROBLEM_BASE, PROBLEM_JSON
from app.models import WebhookEndpoint
from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient

BASE_URL = "http://guestid.test"

# The vendor webhook receiver takes the vendor's own bytes, not a documented body, and answers
# 404 to any URL but a connection's secret one: the connector tests drive it with recorded,
# signed payloads instead.
RECEIVER = "/v1/webhooks/{source}/{connection_token}"

# Design question, left open: GuestRecord is shared with the generic import, whose CSV rows
# rely on pydantic's lax parsing ("540" -> 540.0), so the API also takes `"rate_amount": false`
# (as 0.0), `"vip": 1` or `"rate_amount": "540"`. Refusing them means validating API input in
# strict JSON mode; until that is decided, these two are not held to rejecting wrong types.
LAX_GUEST_RECORD = {"POST /v1/records", "POST /v1/hints"}


def problem_json_for_4xx(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx is an RFC 9457 problem+json document with a stable `type`."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert content_type == PROBLEM_JSON, f"{response.status_code} sent as {content_type!r}"
    body = response.json()
    assert isinstance(body, dict), "the problem is not a JSON object"
    assert str(body.get("type", "")).startswith(PROBLEM_BASE), f"problem type {body.get('type')!r}"
    assert body.get("status") == response.status_code, "problem status differs from the response"
    return True


CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    problem_json_for_4xx,
]


class _LoopAdapter(HTTPAdapter):
    """Sends each `requests` request to the ASGI app, on the loop the app runs on."""

    def __init__(self, loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient) -> None:
        super().__init__()
        self.loop = loop
        self.client = client

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        assert body is None or isinstance(body, bytes), "schemathesis sends whole bodies"
        headers = {
            name: value if isinstance(value, str) else value.decode("latin-1")
            for name, value in request.headers.items()
        }
        call = self.client.request(
            request.method or "GET", request.url or "/", headers=headers, content=body
        )
        answer = self.loop.run_until_complete(call)
        raw_headers = urllib3.HTTPHeaderDict()
        for name, value in answer.headers.multi_items():
            raw_headers.add(name, value)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=raw_headers,
            status=answer.status_code,
            reason=answer.reason_phrase,
            version=11,
            preload_content=False,
        )
        return self.build_response(request, raw)


@pytest.fixture
async def app_loop() -> asyncio.AbstractEventLoop:
    """The loop the session's app runs on."""
    return asyncio.get_running_loop()


@pytest.fixture
def session(app_loop: asyncio.AbstractEventLoop, http: httpx.AsyncClient) -> requests.Session:
    """A `requests` session that reaches the app in-process."""
    session = requests.Session()
    session.mount("http://", _LoopAdapter(app_loop, http))
    return session


@pytest.fixture
async def admin(
    app: FastAPI, make_tenant: MakeTenant, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TenantClient]:
    """A fresh admin tenant; the webhook endpoints it got are removed afterwards."""
    # The seeded endpoint points at a closed local port, so deliveries fail at once.
    monkeypatch.setattr(settings, "webhook_allow_hosts", ["127.0.0.1"])
    tenant = await make_tenant(scopes=("admin",))
    yield tenant
    async with transaction(app.state.sessions) as session:
        await session.exec(
            delete(WebhookEndpoint).where(col(WebhookEndpoint.tenant_id) == tenant.tenant_id)
        )


async def _created(http: httpx.AsyncClient, admin: TenantClient, path: str, body: Any) -> Any:
    answer = await http.post(path, json=body, headers=admin.auth)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


@pytest.fixture
async def known_ids(http: httpx.AsyncClient, admin: TenantClient) -> dict[str, str]:
    """Real path parameters of the admin's tenant, so that half the requests get past a 404."""
    holder: dict[str, Any] = {"source": "pms", "source_record_id": "R-7", "first_name": "Maria"}
    holder |= {"last_name": "Weber", "email": "webers@example.com", "email_verified": True}
    partner = holder | {"source_record_id": "R-8", "first_name": "Peter"}
    await _created(http, admin, "/v1/records", holder)
    await _created(http, admin, "/v1/records", partner)  # a shared inbox: a review
    hint = await _created(http, admin, "/v1/hints", anna())
    connection = await _created(
        http,
        admin,
        "/v1/connections",
        {"source": "booking", "name": "fuzz", "webhook_secret": "relay:s3cret-pw"},
    )
    rule = {"name": "suite", "offer": {"room_type": "SUITE"}}
    endpoint = {"url": "http://127.0.0.1:9/hook", "event_types": ["guest.created"]}
    reviews = (await http.get("/v1/reviews", headers=admin.auth)).json()["items"]
    return {
        "profile_id": hint["profile_id"],
        "source": "pms",
        "source_record_id": "R-1001",
        "reservation_id": "R-1001",
        "review_id": reviews[0]["id"],
        "connection_id": connection["id"],
        "rule_id": (await _created(http, admin, "/v1/upgrade-rules", rule))["id"],
        "endpoint_id": (await _created(http, admin, "/v1/webhook-endpoints", endpoint))["id"],
    }


@pytest.fixture
def api_schema(app: FastAPI, known_ids: dict[str, str]) -> schemathesis.BaseSchema:
    """The app's own OpenAPI document, with the tenant's real ids as likely path values."""
    config = schemathesis.Config.from_dict(
        {
            "seed": 9457,
            "generation": {
                "mode": "all",
                "database": "none",
                # Every request carries the admin's token; tests/api/test_auth.py covers the rest.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
            "dictionaries": {name: {"values": [value]} for name, value in known_ids.items()},
            "parameters": {
                f"path.{name}": {"dictionary": name, "probability": 0.5} for name in known_ids
            },
            "checks": {
                # 413 is how a batch over the limit is refused.
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
                }
            },
        }
    )
    return schemathesis.openapi.from_dict(app.openapi(), config=config)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # Schemathesis 4.32's lazy loader reads and renames `item._nodeid`, which pytest 9.2 no
    # longer has (it derives `nodeid`). Harmless once schemathesis catches up.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema").exclude(path=RECEIVER)


@hypothesis.settings(
    max_examples=5,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
@schema.parametrize()
def test_every_operation_keeps_its_contract(
    case: Case[Any], session: requests.Session, admin: TenantClient
) -> None:
    lax = case.operation.label in LAX_GUEST_RECORD
    case.call_and_validate(
        base_url=BASE_URL,
        session=session,
        headers=admin.auth,
        checks=CHECKS,
        excluded_checks=[negative_data_rejection] if lax else None,
    )
