"""Create, list and delete a tenant's source connections."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem, not_found
from app.inbound import repository
from app.inbound.schemas import ConnectionCreate, ConnectionOut, ConnectionUpdate
from app.inbound.secrets import (
    decrypt_credentials,
    encrypt_credentials,
    new_url_token,
    token_hash,
)
from app.models import Connection
from connectors.registry import CONNECTORS

WEBHOOK_SECRET = "webhook_secret"  # noqa: S105 - the key in the credentials, not a secret


def uses_url_token(source: str) -> bool:
    """True for sources that authenticate by the secret token in our URL (Mews, Cloudbeds)."""
    return hasattr(CONNECTORS[source](), "token_param")


def connection_out(conn: Connection) -> ConnectionOut:
    """The public view of a connection."""
    return ConnectionOut(
        id=conn.id,
        source=conn.source,
        name=conn.name,
        property_code=conn.property_code,
        enabled=conn.enabled,
        authenticated_by="url_token" if uses_url_token(conn.source) else "webhook_secret",
        created_at=conn.created_at,
    )


async def create_connection(
    session: AsyncSession, tenant_id: str, body: ConnectionCreate, secret_key: str
) -> tuple[Connection, str]:
    """A new connection and its URL token (returned here only, stored hashed)."""
    if body.source not in CONNECTORS:
        raise Problem(
            422,
            "unknown-source",
            "Unknown source",
            f"known sources: {', '.join(sorted(CONNECTORS))}",
        )
    _check_credentials(body.source, body.credentials, body.webhook_secret)
    if not uses_url_token(body.source) and body.webhook_secret is None:
        raise Problem(
            422,
            "missing-webhook-secret",
            "Webhook secret required",
            f"{body.source} deliveries are checked against webhook_secret",
        )
    await _check_property(session, tenant_id, body.property_code)
    credentials = dict(body.credentials)
    if body.webhook_secret is not None:
        credentials[WEBHOOK_SECRET] = body.webhook_secret
    token = new_url_token()
    conn = Connection(
        tenant_id=tenant_id,
        source=body.source,
        name=body.name,
        property_code=body.property_code,
        credentials=encrypt_credentials(secret_key, credentials),
        token_hash=token_hash(secret_key, token),
    )
    session.add(conn)
    await session.flush()
    return conn, token


async def delete_connection(session: AsyncSession, tenant_id: str, connection_id: str) -> None:
    """Remove a connection; its stored events stay (their connection becomes empty)."""
    conn = await repository.get_connection(session, tenant_id, connection_id)
    if conn is None:
        raise not_found(f"connection {connection_id}")
    await session.delete(conn)
    await session.flush()


def _check_credentials(
    source: str, credentials: dict[str, str] | None, webhook_secret: str | None
) -> None:
    if credentials is not None and WEBHOOK_SECRET in credentials:
        raise Problem(
            422, "invalid-credentials", "Invalid credentials", "give webhook_secret on its own"
        )
    if webhook_secret is not None and uses_url_token(source):
        raise Problem(
            422,
            "unexpected-webhook-secret",
            "Webhook secret not used",
            f"{source} authenticates by the token in the webhook URL",
        )


async def _check_property(session: AsyncSession, tenant_id: str, code: str | None) -> None:
    if code is not None and await repository.find_property(session, tenant_id, code) is None:
        raise Problem(
            422, "unknown-property", "Unknown property", f"property {code} does not exist"
        )


async def update_connection(
    session: AsyncSession,
    tenant_id: str,
    connection_id: str,
    body: ConnectionUpdate,
    secret_key: str,
) -> tuple[Connection, str | None]:
    """Apply an update; the new URL token when one was asked for (shown once, stored hashed)."""
    conn = await repository.get_connection(session, tenant_id, connection_id)
    if conn is None:
        raise not_found(f"connection {connection_id}")
    given = body.model_fields_set
    _check_credentials(conn.source, body.credentials, body.webhook_secret)
    if "property_code" in given:
        await _check_property(session, tenant_id, body.property_code)
        conn.property_code = body.property_code
    if body.name is not None:
        conn.name = body.name
    if body.enabled is not None:
        conn.enabled = body.enabled
    if body.credentials is not None or body.webhook_secret is not None:
        stored = decrypt_credentials(secret_key, conn.credentials)
        secret = body.webhook_secret or stored.get(WEBHOOK_SECRET)
        credentials = dict(body.credentials) if body.credentials is not None else stored
        credentials.pop(WEBHOOK_SECRET, None)
        if secret is not None:
            credentials[WEBHOOK_SECRET] = secret
        conn.credentials = encrypt_credentials(secret_key, credentials)
    token = None
    if body.rotate_webhook_url:
        token = new_url_token()
        conn.token_hash = token_hash(secret_key, token)
    session.add(conn)
    await session.flush()
    return conn, token


def store_rotated(conn: Connection, secret_key: str, rotated: dict[str, str]) -> None:
    """Keep credentials the source replaced (a rotated refresh token), encrypted as ever."""
    if not rotated:
        return
    credentials = decrypt_credentials(secret_key, conn.credentials)
    credentials.update(rotated)
    conn.credentials = encrypt_credentials(secret_key, credentials)
