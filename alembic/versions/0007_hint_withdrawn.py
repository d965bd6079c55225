"""hints: withdrawn when their reservation is cancelled

Revision ID: 0007_hint_withdrawn
Revises: 0006
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007_hint_withdrawn"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Hints of reservations cancelled before this release are withdrawn on their next read.
    with op.batch_alter_table("hints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hints", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
