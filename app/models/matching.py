"""Trained match models of a tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_field, id_field, tenant_field


class MatchModelRow(SQLModel, table=True):
    """A match model trained on a tenant's own records; at most one active per tenant."""

    __tablename__ = "match_models"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "version"),)

    id: str = id_field()
    tenant_id: str = tenant_field()
    version: str = Field(max_length=64)
    params: dict[str, Any] = Field(sa_type=sa.JSON)
    trained_on: int = 0
    active: bool = False
    created_at: datetime = created_field()
