"""Create, change, rotate and remove a tenant's webhook endpoints."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.errors import Problem, not_found
from app.models import WebhookEndpoint
from app.models.base import utcnow
from app.webhooks import repository
from app.webhooks.addresses import UrlPolicy, UrlRefused, check
from app.webhooks.catalogue import EVENT_TYPES
from app.webhooks.schemas import EndpointCreate, EndpointOut, EndpointUpdate
from app.webhooks.signing import new_secret, seal


def endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    """The public view of an endpoint: never its secrets."""
    grace = endpoint.previous_secret_expires_at
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        property_code=endpoint.property_code,
        event_types=endpoint.event_types,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        disabled_at=endpoint.disabled_at,
        failing_since=endpoint.failing_since,
        previous_secret_valid_until=grace if grace is not None and grace > utcnow() else None,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


async def get_endpoint(session: AsyncSession, tenant_id: str, endpoint_id: str) -> WebhookEndpoint:
    """An endpoint of the tenant, or a 404 problem."""
    endpoint = await repository.get_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        raise not_found(f"webhook endpoint {endpoint_id}")
    return endpoint


async def create_endpoint(
    session: AsyncSession, tenant_id: str, body: EndpointCreate, settings: Settings
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (returned here only, stored encrypted)."""
    types = _known_types(body.event_types)
    await _known_property(session, tenant_id, body.property_code)
    await _allowed_url(body.url, settings)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        tenant_id=tenant_id,
        url=body.url,
        description=body.description,
        property_code=body.property_code,
        event_types=types,
        secret=seal(settings.secret_key, secret),
    )
    if not body.enabled:
        _disable(endpoint, "created disabled")
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def update_endpoint(
    session: AsyncSession,
    tenant_id: str,
    endpoint_id: str,
    body: EndpointUpdate,
    settings: Settings,
) -> WebhookEndpoint:
    """Apply the given fields; enabling clears the reason and the failure streak."""
    endpoint = await get_endpoint(session, tenant_id, endpoint_id)
    given = body.model_fields_set
    if body.event_types is not None:
        endpoint.event_types = _known_types(body.event_types)
    if "property_code" in given:
        await _known_property(session, tenant_id, body.property_code)
        endpoint.property_code = body.property_code
    if body.url is not None:
        await _allowed_url(body.url, settings)
        endpoint.url = body.url
    if body.description is not None:
        endpoint.description = body.description
    if body.enabled is True and not endpoint.enabled:
        endpoint.enabled = True
        endpoint.disabled_reason = endpoint.disabled_at = None
        endpoint.failing_since = endpoint.throttled_until = None
    elif body.enabled is False and endpoint.enabled:
        _disable(endpoint, "disabled by an admin")
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, tenant_id: str, endpoint_id: str) -> None:
    """Remove an endpoint with its pending deliveries and its attempt log."""
    endpoint = await get_endpoint(session, tenant_id, endpoint_id)
    await session.delete(endpoint)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, tenant_id: str, endpoint_id: str, grace_seconds: int, secret_key: str
) -> tuple[WebhookEndpoint, str]:
    """A new secret; the current one keeps signing beside it for `grace_seconds`."""
    endpoint = await get_endpoint(session, tenant_id, endpoint_id)
    secret = new_secret()
    now = utcnow()
    if grace_seconds > 0:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(seconds=grace_seconds)
    else:
        endpoint.previous_secret = endpoint.previous_secret_expires_at = None
    endpoint.secret = seal(secret_key, secret)
    endpoint.updated_at = now
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    endpoint.disabled_at = utcnow()


def _known_types(types: list[str]) -> list[str]:
    unknown = sorted(set(types) - EVENT_TYPES.keys())
    if unknown:
        raise Problem(
            422,
            "unknown-event-type",
            "Unknown event type",
            f"not in the catalogue (GET /v1/webhook-event-types): {', '.join(unknown)}",
        )
    return sorted(set(types))


async def _known_property(session: AsyncSession, tenant_id: str, code: str | None) -> None:
    if code is not None and not await repository.property_exists(session, tenant_id, code):
        raise Problem(
            422, "unknown-property", "Unknown property", f"property {code} does not exist"
        )


async def _allowed_url(url: str, settings: Settings) -> None:
    try:
        await check(url, UrlPolicy.from_settings(settings))
    except UrlRefused as refused:
        raise Problem(422, "webhook-url-refused", "Webhook URL refused", refused.reason) from None
