"""Tenants, properties and API clients: used by the CLI and the admin API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.core.security import hash_secret, new_client_id, new_client_secret
from app.models import ApiClient, Property, Tenant

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
KNOWN_SCOPES = frozenset(
    {"records:write", "records:read", "profiles:read", "profiles:write", "admin"}
)
DEFAULT_SCOPES = ("records:write", "records:read", "profiles:read")


@dataclass(frozen=True)
class IssuedClient:
    """Credentials of a new client; the secret exists only here, never in storage."""

    client_id: str
    client_secret: str
    tenant_slug: str
    scopes: tuple[str, ...]


async def create_tenant(session: AsyncSession, slug: str, name: str | None = None) -> Tenant:
    """A new tenant (hotel group) with a unique slug."""
    if not SLUG.match(slug):
        raise Problem(
            422,
            "invalid-slug",
            "Invalid tenant slug",
            "use lower-case letters, digits and dashes (1-63 characters)",
        )
    tenant = Tenant(slug=slug, name=name or slug)
    session.add(tenant)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Problem(409, "tenant-exists", "Tenant exists", f"tenant {slug} exists") from exc
    return tenant


async def find_tenant(session: AsyncSession, slug_or_id: str) -> Tenant:
    """A tenant by slug or id."""
    stmt = select(Tenant).where(or_(Tenant.slug == slug_or_id, Tenant.id == slug_or_id))
    tenant = (await session.exec(stmt)).first()
    if tenant is None:
        raise Problem(404, "not-found", "Not found", f"tenant {slug_or_id} does not exist")
    return tenant


async def create_property(
    session: AsyncSession, tenant: Tenant, code: str, name: str | None, timezone: str = "UTC"
) -> Property:
    """A property (hotel) of a tenant, unique by code within it."""
    prop = Property(tenant_id=tenant.id, code=code, name=name or code, timezone=timezone)
    session.add(prop)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Problem(409, "property-exists", "Property exists", f"property {code} exists") from exc
    return prop


async def list_properties(session: AsyncSession, tenant: Tenant) -> list[Property]:
    """Properties of a tenant."""
    stmt = select(Property).where(Property.tenant_id == tenant.id).order_by(Property.code)
    return list((await session.exec(stmt)).all())


async def create_client(
    session: AsyncSession, tenant: Tenant, name: str, scopes: tuple[str, ...]
) -> IssuedClient:
    """An API client with the given scopes; the secret is returned once and stored hashed."""
    unknown = set(scopes) - KNOWN_SCOPES
    if unknown or not scopes:
        raise Problem(
            422,
            "invalid-scope",
            "Invalid scopes",
            f"known scopes: {', '.join(sorted(KNOWN_SCOPES))}",
        )
    client_id, secret = new_client_id(), new_client_secret()
    session.add(
        ApiClient(
            tenant_id=tenant.id,
            client_id=client_id,
            secret_hash=hash_secret(secret),
            name=name,
            scopes=" ".join(sorted(set(scopes))),
        )
    )
    await session.flush()
    return IssuedClient(client_id, secret, tenant.slug, tuple(sorted(set(scopes))))


async def find_client(session: AsyncSession, client_id: str) -> ApiClient | None:
    """An active API client by its public id."""
    stmt = select(ApiClient).where(
        ApiClient.client_id == client_id,
        ApiClient.revoked_at == None,  # noqa: E711
    )
    return (await session.exec(stmt)).first()
