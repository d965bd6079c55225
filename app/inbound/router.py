"""Connections admin API and the inbound webhook endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import Admin, SessionDep, SettingsDep
from app.inbound import connections, replay, repository, sync
from app.inbound.receive import receive
from app.inbound.schemas import (
    ConnectionCreate,
    ConnectionCreated,
    ConnectionList,
    ConnectionUpdate,
    ConnectionUpdated,
    EventStatus,
    InboundEventList,
    InboundEventOut,
    ReplayQueued,
    ReplayRequest,
    SyncQueued,
)
from app.worker.runner import notify

# Function scope: the transaction commits before the 202 is sent, so an acknowledged delivery
# is a stored one (the default request scope commits only after the response went out).
router = APIRouter(prefix="/v1", tags=["connections"])
webhooks = APIRouter(prefix="/v1", tags=["webhooks"])


@router.post("/connections", status_code=201, response_model=ConnectionCreated)
async def create_connection(
    body: ConnectionCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: Admin,
) -> ConnectionCreated:
    """Connect a source system; the webhook URL (with its token) is shown only here."""
    conn, token = await connections.create_connection(
        session, client.tenant_id, body, settings.secret_key
    )
    url = str(request.url_for("receive_webhook", source=conn.source, connection_token=token))
    return ConnectionCreated(**connections.connection_out(conn).model_dump(), webhook_url=url)


@router.get("/connections", response_model=ConnectionList)
async def list_connections(session: SessionDep, client: Admin) -> ConnectionList:
    """The tenant's connections, without credentials or tokens."""
    rows = await repository.list_connections(session, client.tenant_id)
    return ConnectionList(items=[connections.connection_out(c) for c in rows])


@router.patch(
    "/connections/{connection_id}",
    response_model=ConnectionUpdated,
    responses={404: {"description": "Unknown connection"}, 422: {"description": "Invalid"}},
)
async def update_connection(
    connection_id: str,
    body: ConnectionUpdate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: Admin,
) -> ConnectionUpdated:
    """Rename, re-scope, enable/disable or rotate secrets; secrets are never shown."""
    conn, token = await connections.update_connection(
        session, client.tenant_id, connection_id, body, settings.secret_key
    )
    url = None
    if token is not None:
        url = str(request.url_for("receive_webhook", source=conn.source, connection_token=token))
    return ConnectionUpdated(**connections.connection_out(conn).model_dump(), webhook_url=url)


@router.delete("/connections/{connection_id}", status_code=204)
async def delete_connection(connection_id: str, session: SessionDep, client: Admin) -> Response:
    """Disconnect a source; events already received are kept."""
    await connections.delete_connection(session, client.tenant_id, connection_id)
    return Response(status_code=204)


@router.post(
    "/connections/{connection_id}/sync",
    status_code=202,
    response_model=SyncQueued,
    responses={404: {"description": "Unknown connection"}, 422: {"description": "Not pulled"}},
)
async def sync_connection(
    connection_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: Admin,
    background: BackgroundTasks,
) -> SyncQueued:
    """Pull changes from the source now (one sync at a time per connection)."""
    found = await sync.request_sync(session, client.tenant_id, connection_id, settings.secret_key)
    background.add_task(_wake_workers, request)
    return SyncQueued(
        connection_id=connection_id,
        job_id=found.job.id,
        run_at=found.job.run_at,
        already_queued=found.already_queued,
    )


@router.get("/inbound-events", response_model=InboundEventList, tags=["inbound events"])
async def list_inbound_events(
    session: SessionDep,
    client: Admin,
    connection_id: str | None = None,
    status: Annotated[list[EventStatus] | None, Query()] = None,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboundEventList:
    """Received deliveries with their outcome and error, newest first; bodies are never shown."""
    return await replay.list_events(
        session,
        client.tenant_id,
        connection_id=connection_id,
        statuses=status or [],
        before=before,
        limit=limit,
    )


@router.post(
    "/connections/{connection_id}/replay",
    status_code=202,
    response_model=ReplayQueued,
    tags=["inbound events"],
)
async def replay_connection_events(
    connection_id: str,
    body: ReplayRequest,
    request: Request,
    session: SessionDep,
    client: Admin,
    background: BackgroundTasks,
) -> ReplayQueued:
    """Process a connection's `needs_fetch`/`failed` events again (e.g. new credentials)."""
    queued = await replay.replay_connection(session, client.tenant_id, connection_id, body)
    if queued.replayed:
        background.add_task(_wake_workers, request)
    return queued


@router.post(
    "/inbound-events/{event_id}/replay",
    status_code=202,
    response_model=InboundEventOut,
    tags=["inbound events"],
    responses={409: {"description": "Not stuck"}},
)
async def replay_inbound_event(
    event_id: str,
    request: Request,
    session: SessionDep,
    client: Admin,
    background: BackgroundTasks,
) -> InboundEventOut:
    """Process one `needs_fetch` or `failed` event again."""
    event = await replay.replay_event(session, client.tenant_id, event_id)
    background.add_task(_wake_workers, request)
    return event


@webhooks.post(
    "/webhooks/{source}/{connection_token}",
    name="receive_webhook",
    status_code=202,
    responses={401: {"description": "Not authentic"}, 404: {"description": "Unknown URL"}},
)
async def receive_webhook(
    source: str,
    connection_token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> JSONResponse:
    """A source system's delivery: stored, de-duplicated and queued before the 202."""
    event, duplicate = await receive(
        session,
        settings.secret_key,
        source,
        connection_token,
        request.headers,
        await request.body(),
        request.query_params,
    )
    if not duplicate:
        # Runs after the session committed, so the woken worker finds the job.
        background.add_task(_wake_workers, request)
    return JSONResponse({"id": event.id, "duplicate": duplicate}, status_code=202)


async def _wake_workers(request: Request) -> None:
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    await notify(request.app.state.redis)
