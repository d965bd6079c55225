"""review queue ranking: match probability and arrival of each review item

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('probability', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('arrival', sa.Date(), nullable=True))
        batch_op.create_index(
            'ix_review_items_tenant_status_arrival', ['tenant_id', 'status', 'arrival'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index('ix_review_items_tenant_status_arrival')
        batch_op.drop_column('arrival')
        batch_op.drop_column('probability')
