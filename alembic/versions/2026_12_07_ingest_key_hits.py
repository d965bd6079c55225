"""ingest_key_hits: a batch takes its locks and looks its keys up in one round trip

Revision ID: 0009_ingest_key_hits
Revises: 0008_record_keys_no_fk
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_ingest_key_hits"
down_revision: str | None = "0008_record_keys_no_fk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL only: the lookup of a batch's keys (`app/profiles/repository.py::key_hits`) after
# the locks that serialise the batches sharing a key (`app/profiles/workset_io.py`), in one round
# trip. p_lock: 'keys' takes the tenant's lock shared, then each key's exclusively, in one
# ordered pass (the tenant's first, so a small batch never holds a key while it queues behind a
# large one; the keys in hash order, so two small batches cannot deadlock); 'tenant' takes the
# tenant's lock exclusively; 'none' takes none. The function is VOLATILE, so each query in it
# takes a fresh snapshot: the lookup runs after the locks are granted and sees what the batches
# that held them committed. (One plain statement could not: its snapshot is taken before it
# starts waiting.) Per key, the profiles holding it, up to p_limit; then, with a NULL key, the
# profiles of the stored records named by (p_sources, p_ids).
#
# 'keys' (an online batch) also has the rest of its transaction use generic plans. Its writes
# are one statement over arrays (`app/profiles/pg_writes.py`); a generic plan cannot know the
# arrays hold a single row and costs them at ten, so PostgreSQL kept choosing a custom plan and
# planned the statement anew for every record: 0.2-0.5 ms of the server's CPU each time, for
# the plan the generic one is (nested loops over the primary keys). Every statement of an online
# batch looks rows up by key, where the generic plan is the custom one.
_FUNCTION = """
CREATE FUNCTION ingest_key_hits(
    p_tenant text, p_keys text[], p_limit integer, p_sources text[], p_ids text[], p_lock text
) RETURNS TABLE (key text, profile_id text) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
    IF p_lock = 'keys' THEN
        PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
        PERFORM count(CASE WHEN o = 0 THEN pg_advisory_xact_lock_shared(h)
                      ELSE pg_advisory_xact_lock(h) END)
        FROM (SELECT 0 AS o, hashtextextended(p_tenant, 0) AS h
              UNION SELECT 1, hashtextextended(p_tenant || '|' || k, 0)
              FROM unnest(p_keys) AS k ORDER BY o, h) AS ordered;
    ELSIF p_lock = 'tenant' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_tenant, 0));
    END IF;
    RETURN QUERY
    SELECT CAST(k.key AS text), CAST(h.profile_id AS text)
    FROM unnest(p_keys) AS k(key)
    CROSS JOIN LATERAL (SELECT DISTINCT r.profile_id FROM record_keys AS r
        WHERE r.tenant_id = p_tenant AND r.key = k.key ORDER BY r.profile_id LIMIT p_limit) AS h
    UNION ALL
    SELECT CAST(NULL AS text), CAST(s.profile_id AS text)
    FROM unnest(p_sources, p_ids) AS i(source, rid)
    JOIN source_records AS s ON s.tenant_id = p_tenant AND s.source = i.source
        AND s.source_record_id = i.rid;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS ingest_key_hits(text, text[], integer, text[], text[], text)"
        )
