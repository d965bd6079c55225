"""inbound connections: fetch and replay support

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replays', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.alter_column('replays', server_default=None)
    with op.batch_alter_table('stays', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_version', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stays', schema=None) as batch_op:
        batch_op.drop_column('source_version')
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_column('replays')
