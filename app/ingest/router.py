"""POST /v1/records: one generic record or a batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.bodies import json_body, replayed
from app.api.deps import IdempotencyKeyHeader, RecordsWriter, SessionDep, SettingsDep
from app.core.errors import Problem
from app.core.idempotency import remember, scope_for
from app.ingest.service import ingest_records, result_json, summary
from app.ingest.validation import parse_body
from app.matching.service import matching_for
from connectors.base import GuestRecord

router = APIRouter(prefix="/v1", tags=["records"])

_BODY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/GuestRecord"},
                        {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/GuestRecord"},
                            "minItems": 1,
                            "maxItems": 1000,
                        },
                    ]
                }
            }
        },
    }
}


@router.post(
    "/records",
    summary="Ingest one guest record or a batch of up to 1000",
    openapi_extra=_BODY_SCHEMA,
    responses={200: {"description": "Every record stored and resolved"}},
)
async def post_records(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: RecordsWriter,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Store and resolve records; a bad item rejects the whole batch with per-item errors."""
    body = await json_body(request)
    scope = scope_for(idempotency_key, client.tenant_id, client.client_id, "POST /v1/records", body)
    if (earlier := await replayed(session, scope)) is not None:
        return earlier

    parsed = parse_body(body, settings.max_batch_size)
    if parsed.errors:
        raise Problem(
            422,
            "invalid-records",
            "Some records are not valid",
            "nothing was stored; fix the listed items and send the batch again",
            errors=parsed.errors,
        )
    results = await ingest_records(
        session,
        client.tenant_id,
        parsed.records,
        matching=await matching_for(session, client.tenant_id),
        secret_key=settings.secret_key,
        decided_by=f"client:{client.client_id}",
    )
    answer: dict[str, Any] = (
        {"results": [result_json(r) for r in results], "summary": summary(results)}
        if parsed.is_batch
        else result_json(results[0])
    )
    if scope is not None:
        remember(session, scope, 200, answer)
    return JSONResponse(answer)


def guest_record_schema() -> dict[str, Any]:
    """The JSON schema of GuestRecord, for the OpenAPI document."""
    return GuestRecord.model_json_schema(ref_template="#/components/schemas/{model}")
