"""review_items by record: a merge settles the open reviews of the records it moved

Revision ID: 0010_review_items_record
Revises: 0009_ingest_key_hits
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_review_items_record"
down_revision: str | None = "0009_ingest_key_hits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index("ix_review_items_record", ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_items_record")
