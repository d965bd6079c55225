"""record_keys: no foreign keys; a trigger deletes a record's keys with the record

Revision ID: 0008_record_keys_no_fk
Revises: 0007_hint_withdrawn
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_record_keys_no_fk"
down_revision: str | None = "0007_hint_withdrawn"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The keys are an index of source_records written ~10 rows per record: checking two foreign
# keys on every row doubled the cost of writing them on PostgreSQL. Deleting a record (or its
# tenant, which cascades to the records) still deletes its keys, through this trigger.
_SQLITE_TRIGGER = (
    "CREATE TRIGGER trg_source_records_delete_keys AFTER DELETE ON source_records"
    " BEGIN DELETE FROM record_keys WHERE record_id = OLD.id; END"
)
_PG_FUNCTION = (
    "CREATE FUNCTION source_records_delete_keys() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM record_keys WHERE record_id = OLD.id; RETURN OLD; END $$"
)
_PG_TRIGGER = (
    "CREATE TRIGGER trg_source_records_delete_keys AFTER DELETE ON source_records"
    " FOR EACH ROW EXECUTE FUNCTION source_records_delete_keys()"
)
_FOREIGN_KEYS = (
    ("fk_record_keys_record_id_source_records", "source_records", "record_id"),
    ("fk_record_keys_tenant_id_tenants", "tenants", "tenant_id"),
)


def upgrade() -> None:
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        for name, _, _ in _FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_source_records_delete_keys ON source_records")
        op.execute("DROP FUNCTION IF EXISTS source_records_delete_keys()")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_source_records_delete_keys")
    # Keys whose record is gone (none while the trigger ran) would fail the constraint.
    op.execute("DELETE FROM record_keys WHERE record_id NOT IN (SELECT id FROM source_records)")
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        for name, table, column in _FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"], ondelete="CASCADE")
