"""Webhook endpoints, messages and the event-type catalogue (admin API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response

from app.api.deps import Admin, CurrentClient, SessionDep, SettingsDep
from app.webhooks import endpoints, replay, repository, views
from app.webhooks.catalogue import EVENT_TYPES
from app.webhooks.runner import publish_wake
from app.webhooks.schemas import (
    AttemptPage,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointOut,
    EndpointUpdate,
    EventTypeList,
    EventTypeOut,
    MessageDetail,
    MessagePage,
    Replayed,
    ReplayMessage,
    ReplaySince,
    RotateSecret,
    SecretRotated,
)

router = APIRouter(prefix="/v1", tags=["webhooks out"])
Limit = Annotated[int, Query(ge=1, le=250)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown in this tenant"}}


@router.get("/webhook-event-types", response_model=EventTypeList)
async def event_types(client: CurrentClient) -> EventTypeList:
    """The event types an endpoint can subscribe to."""
    return EventTypeList(
        items=[EventTypeOut(type=t.name, description=t.description, scope=t.scope)
               for t in EVENT_TYPES.values()]
    )  # fmt: skip


@router.post("/webhook-endpoints", status_code=201, response_model=EndpointCreated)
async def create_endpoint(
    body: EndpointCreate, session: SessionDep, settings: SettingsDep, client: Admin
) -> EndpointCreated:
    """Register an endpoint; its signing secret is shown only in this answer."""
    endpoint, secret = await endpoints.create_endpoint(session, client.tenant_id, body, settings)
    return EndpointCreated(**endpoints.endpoint_out(endpoint).model_dump(), secret=secret)


@router.get("/webhook-endpoints", response_model=EndpointList)
async def list_endpoints(session: SessionDep, client: Admin) -> EndpointList:
    """The tenant's endpoints, without secrets."""
    rows = await repository.list_endpoints(session, client.tenant_id)
    return EndpointList(items=[endpoints.endpoint_out(e) for e in rows])


@router.get("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, responses=NOT_FOUND)
async def get_endpoint(endpoint_id: str, session: SessionDep, client: Admin) -> EndpointOut:
    """One endpoint."""
    return endpoints.endpoint_out(
        await endpoints.get_endpoint(session, client.tenant_id, endpoint_id)
    )


@router.patch("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, responses=NOT_FOUND)
async def update_endpoint(
    endpoint_id: str,
    body: EndpointUpdate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: Admin,
    background: BackgroundTasks,
) -> EndpointOut:
    """Change an endpoint; `{"enabled": true}` re-enables one that was disabled."""
    endpoint = await endpoints.update_endpoint(
        session, client.tenant_id, endpoint_id, body, settings
    )
    if body.enabled:
        background.add_task(_wake_deliverers, request)
    return endpoints.endpoint_out(endpoint)


@router.delete("/webhook-endpoints/{endpoint_id}", status_code=204, responses=NOT_FOUND)
async def delete_endpoint(endpoint_id: str, session: SessionDep, client: Admin) -> Response:
    """Remove an endpoint, its pending deliveries and its attempt log."""
    await endpoints.delete_endpoint(session, client.tenant_id, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=SecretRotated,
    responses=NOT_FOUND,
)
async def rotate_secret(
    endpoint_id: str,
    session: SessionDep,
    settings: SettingsDep,
    client: Admin,
    body: RotateSecret | None = None,
) -> SecretRotated:
    """A new secret, shown only here; the old one also signs until the grace period ends."""
    grace = (body or RotateSecret()).grace_period_seconds
    endpoint, secret = await endpoints.rotate_secret(
        session, client.tenant_id, endpoint_id, grace, settings.secret_key
    )
    return SecretRotated(
        endpoint_id=endpoint.id,
        secret=secret,
        previous_secret_valid_until=endpoint.previous_secret_expires_at,
    )


@router.get(
    "/webhook-endpoints/{endpoint_id}/attempts", response_model=AttemptPage, responses=NOT_FOUND
)
async def list_attempts(
    endpoint_id: str,
    session: SessionDep,
    client: Admin,
    limit: Limit = 50,
    cursor: str | None = None,
) -> AttemptPage:
    """Every delivery attempt to an endpoint, newest first (status, latency, error class)."""
    await endpoints.get_endpoint(session, client.tenant_id, endpoint_id)
    return await views.attempt_page(session, client.tenant_id, endpoint_id, cursor, limit)


@router.post(
    "/webhook-endpoints/{endpoint_id}/replay",
    status_code=202,
    response_model=Replayed,
    responses=NOT_FOUND,
)
async def replay_endpoint(
    endpoint_id: str,
    body: ReplaySince,
    request: Request,
    session: SessionDep,
    client: Admin,
    background: BackgroundTasks,
) -> Replayed:
    """Send the endpoint every message since a time again (or only the failed ones)."""
    done = await replay.replay_since(session, client.tenant_id, endpoint_id, body)
    background.add_task(_wake_deliverers, request)
    return done


@router.get("/webhook-messages", response_model=MessagePage)
async def list_messages(
    session: SessionDep,
    client: Admin,
    limit: Limit = 50,
    cursor: str | None = None,
    event_type: str | None = None,
    endpoint_id: str | None = None,
) -> MessagePage:
    """Messages sent, newest first, with where each stands per endpoint."""
    return await views.message_page(
        session, client.tenant_id, cursor, limit, event_type, endpoint_id
    )


@router.get("/webhook-messages/{message_id}", response_model=MessageDetail, responses=NOT_FOUND)
async def get_message(message_id: str, session: SessionDep, client: Admin) -> MessageDetail:
    """One message with its body and deliveries."""
    return await views.message_detail(session, client.tenant_id, message_id)


@router.post(
    "/webhook-messages/{message_id}/replay",
    status_code=202,
    response_model=Replayed,
    responses=NOT_FOUND,
)
async def replay_message(
    message_id: str,
    request: Request,
    session: SessionDep,
    client: Admin,
    background: BackgroundTasks,
    body: ReplayMessage | None = None,
) -> Replayed:
    """Send a message again with the same webhook-id: to all its endpoints, or to one."""
    endpoint_id = body.endpoint_id if body else None
    done = await replay.replay_message(session, client.tenant_id, message_id, endpoint_id)
    background.add_task(_wake_deliverers, request)
    return done


async def _wake_deliverers(request: Request) -> None:
    runner = getattr(request.app.state, "webhooks", None)
    if runner is not None:
        runner.wake()
    await publish_wake(request.app.state.redis)
