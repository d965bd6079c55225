"""Tenants (hotel groups), their properties and their API clients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field, timestamp_field


class Tenant(SQLModel, table=True):
    __tablename__ = "tenants"

    id: str = id_field()
    slug: str = Field(max_length=63, unique=True)
    name: str = Field(max_length=200)
    matching: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = created_field()


class Property(SQLModel, table=True):
    __tablename__ = "properties"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    code: str = Field(max_length=100)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    created_at: datetime = created_field()


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_clients"

    id: str = id_field()
    tenant_id: str = tenant_field()
    client_id: str = Field(max_length=64, unique=True)
    secret_hash: str = Field(max_length=200)
    name: str = Field(max_length=200)
    scopes: str = Field(max_length=1000)
    created_at: datetime = created_field()
    revoked_at: datetime | None = timestamp_field()
