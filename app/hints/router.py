"""Hint endpoints: ask for a hint, read it, and the admin's settings and upgrade rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.bodies import json_body, replayed
from app.api.deps import (
    Admin,
    IdempotencyKeyHeader,
    ProfilesReader,
    RecordsWriter,
    SessionDep,
    SettingsDep,
)
from app.core.errors import Problem, problem_response
from app.core.idempotency import remember, scope_for
from app.core.security import AccessClaims
from app.hints import admin, service
from app.hints.schemas import (
    HintOut,
    HintSettingsOut,
    UpgradeRuleList,
    UpgradeRuleOut,
    ValueStatsOut,
)
from app.hints.settings import HintSettings, UpgradeRuleSpec
from app.hints.withdrawal import Withdrawn
from app.ingest.service import ingest_records
from app.ingest.validation import parse_body
from app.matching.service import matching_for

router = APIRouter(prefix="/v1", tags=["hints"])

SourceParam = Annotated[str, Path(min_length=1, max_length=40)]
ReservationParam = Annotated[str, Path(min_length=1, max_length=100)]
_RECORD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GuestRecord"}}},
    }
}

_WITHDRAWN: dict[str, Any] = {
    "description": "The reservation was cancelled: its hint is withdrawn (problem type "
    "`hint-withdrawn`). Stop showing any copy at the desk; subscribers also get `hint.withdrawn`."
}


async def _hint_writer(client: RecordsWriter) -> AccessClaims:
    """Asking for a hint stores a record and reveals a profile: both scopes are needed."""
    if "profiles:read" not in client.scopes and "admin" not in client.scopes:
        raise Problem(
            403, "insufficient-scope", "Insufficient scope", "this call needs scope profiles:read"
        )
    return client


HintWriter = Annotated[AccessClaims, Depends(_hint_writer)]


@router.post(
    "/hints",
    summary="Ingest the arriving reservation's record and return its hint",
    openapi_extra=_RECORD_BODY,
    responses={
        200: {"model": HintOut, "description": "The hint, stored and announced"},
        410: _WITHDRAWN,
    },
)
async def post_hint(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: HintWriter,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Resolve the record (with its stay) first, then compute, store and return the hint."""
    body = await json_body(request)
    scope = scope_for(idempotency_key, client.tenant_id, client.client_id, "POST /v1/hints", body)
    if (earlier := await replayed(session, scope)) is not None:
        return earlier
    parsed = parse_body(body, None)
    if parsed.errors:
        raise Problem(
            422,
            "invalid-record",
            "The record is not valid",
            "nothing was stored",
            errors=parsed.errors[0]["errors"],
        )
    record = parsed.records[0]
    if record.stay is None:
        raise Problem(
            422,
            "stay-required",
            "The record has no stay",
            "a hint is about a reservation: send the record with its stay",
            errors=[{"pointer": "/stay", "message": "required for a hint", "code": "missing"}],
        )
    await ingest_records(
        session,
        client.tenant_id,
        [record],
        matching=await matching_for(session, client.tenant_id),
        secret_key=settings.secret_key,
        decided_by=f"client:{client.client_id}",
    )
    hint = await service.produce(
        session, client.tenant_id, record.source, record.stay.reservation_id, "request"
    )
    if isinstance(hint, Withdrawn):
        # Returned, not raised: the record (the cancellation itself) is kept.
        return problem_response(hint.problem(), request)
    answer = hint.model_dump(mode="json")
    if scope is not None:
        remember(session, scope, 200, answer)
    return JSONResponse(answer)


@router.get(
    "/hints/settings", response_model=HintSettingsOut, summary="Hint and guest-value settings"
)
async def get_settings(session: SessionDep, client: Admin) -> HintSettingsOut:
    """The tenant's lead time, segment thresholds, value pyramid, currency and OTA channels."""
    return await admin.get_settings(session, client.tenant_id)


@router.put("/hints/settings", response_model=HintSettingsOut, summary="Replace hint settings")
async def put_settings(body: HintSettings, session: SessionDep, client: Admin) -> HintSettingsOut:
    """Replace the settings (omitted fields take their defaults); hints follow on next read."""
    return await admin.put_settings(session, client.tenant_id, body)


@router.get("/hints/value-stats", response_model=ValueStatsOut, summary="Value pyramid cut-offs")
async def get_value_stats(session: SessionDep, client: Admin) -> ValueStatsOut:
    """The revenue distribution the value tiers are cut from, as last computed."""
    return await admin.get_stats(session, client.tenant_id)


@router.post(
    "/hints/value-stats", response_model=ValueStatsOut, summary="Recompute value pyramid cut-offs"
)
async def refresh_value_stats(session: SessionDep, client: Admin) -> ValueStatsOut:
    """Recompute the value statistics now (they are otherwise refreshed in background)."""
    return await admin.refresh_stats(session, client.tenant_id)


@router.get(
    "/hints/{source}/{reservation_id}",
    summary="The hint of a reservation (cached)",
    responses={200: {"model": HintOut, "description": "The current hint"}, 410: _WITHDRAWN},
)
async def get_hint(
    request: Request,
    source: SourceParam,
    reservation_id: ReservationParam,
    session: SessionDep,
    client: ProfilesReader,
) -> Response:
    """The stored hint; recomputed first if the guest was merged, unmerged or changed since.

    A reservation cancelled after its hint was issued answers 410 `hint-withdrawn`."""
    body = await service.cached(
        session, request.app.state.redis, client.tenant_id, source, reservation_id
    )
    if isinstance(body, Withdrawn):
        return problem_response(body.problem(), request)  # returned: a withdrawal here commits
    return Response(body, media_type="application/json")


@router.get("/upgrade-rules", response_model=UpgradeRuleList, summary="List upgrade rules")
async def list_rules(
    session: SessionDep,
    client: Admin,
    property_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> UpgradeRuleList:
    """Every rule, or the rules that apply at one property (its own and group-wide ones)."""
    return UpgradeRuleList(items=await admin.list_rules(session, client.tenant_id, property_id))


@router.post("/upgrade-rules", response_model=UpgradeRuleOut, status_code=201, summary="Add a rule")
async def create_rule(body: UpgradeRuleSpec, session: SessionDep, client: Admin) -> UpgradeRuleOut:
    """Add an upgrade rule for one property (or, without property_id, for all)."""
    return admin.rule_out(await admin.create_rule(session, client.tenant_id, body))


@router.get("/upgrade-rules/{rule_id}", response_model=UpgradeRuleOut, summary="One rule")
async def get_rule(rule_id: str, session: SessionDep, client: Admin) -> UpgradeRuleOut:
    """One upgrade rule."""
    return admin.rule_out(await admin.get_rule(session, client.tenant_id, rule_id))


@router.put("/upgrade-rules/{rule_id}", response_model=UpgradeRuleOut, summary="Replace a rule")
async def replace_rule(
    rule_id: str, body: UpgradeRuleSpec, session: SessionDep, client: Admin
) -> UpgradeRuleOut:
    """Overwrite an upgrade rule."""
    return admin.rule_out(await admin.replace_rule(session, client.tenant_id, rule_id, body))


@router.delete("/upgrade-rules/{rule_id}", status_code=204, summary="Delete a rule")
async def delete_rule(rule_id: str, session: SessionDep, client: Admin) -> Response:
    """Remove an upgrade rule."""
    await admin.delete_rule(session, client.tenant_id, rule_id)
    return Response(status_code=204)
