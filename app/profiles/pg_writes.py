"""PostgreSQL: every write of a batch in one statement, as data-modifying CTEs over arrays.

A record placed online writes half a dozen tables; one round trip instead of one per table is
most of what its latency can lose. Foreign keys are checked at the end of the statement, so the
order of the parts does not matter; no two parts may touch the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core import pg_driver
from app.profiles.batch_repository import COPY_FROM_ROWS, STAY_UPDATED_COLUMNS, insert_rows

Kind = Literal["insert", "update", "upsert_stay", "upsert_key"]


@dataclass
class Writes:
    """The parts of one statement: rows to insert, update (by `_id`) or upsert, per table."""

    tenant_id: str
    parts: list[tuple[Kind, Table, list[dict[str, Any]]]] = field(default_factory=list)
    # Stored records whose keys become exactly their "upsert_key" rows: the keys they no longer
    # hold are deleted, the ones they keep are left in place.
    rekeyed: list[str] = field(default_factory=list)
    key_table: Table | None = None

    def replace_keys(self, table: Table, record_ids: list[str], rows: list[dict[str, Any]]) -> None:
        """Give stored records these keys (`record_id`, `key`, `tenant_id`, `profile_id` rows)."""
        if record_ids:
            self.rekeyed, self.key_table = record_ids, table
            self.add("upsert_key", table, rows)

    def add(self, kind: Kind, table: Table, rows: list[dict[str, Any]]) -> None:
        """Add rows; updates of different column sets become separate parts."""
        if kind != "update":
            if rows:
                self.parts.append((kind, table, rows))
            return
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            shapes.setdefault(tuple(sorted(row)), []).append(row)
        for same in shapes.values():
            self.parts.append(("update", table, same))


async def execute(session: AsyncSession, writes: Writes) -> None:
    """Run every part as one statement; a bulk batch COPYs its inserts first, parents first."""
    parts = writes.parts
    if any(kind == "insert" and len(rows) >= COPY_FROM_ROWS for kind, _, rows in parts):
        for kind, table, rows in parts:
            if kind == "insert":
                await insert_rows(session, table, rows)
        parts = [part for part in parts if part[0] != "insert"]
    if not parts and not writes.rekeyed:
        return
    dialect = session.get_bind().dialect
    args: list[Any] = [writes.tenant_id]
    ctes: list[str] = []
    if writes.rekeyed and writes.key_table is not None:
        ctes.append(f"w0 AS ({_stale_keys_deletion(args, writes, dialect)})")
    for kind, table, rows in parts:
        columns = _columns(table, tuple(rows[0]), kind, dialect)
        arrays = f"unnest({', '.join(_array(args, column, rows) for column in columns)})"
        names = [column.name for column in columns]
        ctes.append(f"w{len(ctes)} AS ({_statement(kind, table, names, arrays)})")
    # $1, the tenant, filters the updates; the final SELECT types it when no update is there.
    sql = f"WITH {', '.join(ctes)} SELECT CAST($1 AS VARCHAR)"
    await pg_driver.execute(session, sql, *args)


def _stale_keys_deletion(args: list[Any], writes: Writes, dialect: Any) -> str:
    """Delete the keys the rekeyed records no longer hold (none of the rows kept or upserted)."""
    table = writes.key_table
    assert table is not None
    kept = next((rows for kind, _, rows in writes.parts if kind == "upsert_key"), [])
    record_id, key = _columns(table, ("record_id", "key"), "insert", dialect)
    ids = _array(args, record_id, [{"record_id": i} for i in writes.rekeyed])
    held = f"{_array(args, record_id, kept)}, {_array(args, key, kept)}"
    # NOT EXISTS, not NOT IN: an anti-join the planner can hash whatever the batch's size.
    return (
        f"DELETE FROM {table.name} AS t WHERE t.tenant_id = $1"  # noqa: S608
        f" AND t.record_id = ANY({ids}) AND NOT EXISTS (SELECT FROM unnest({held})"
        " AS v(record_id, key) WHERE v.record_id = t.record_id AND v.key = t.key)"
    )


@dataclass(frozen=True)
class _Column:
    """How one column's values travel: as an array of this SQL type, converted as SQLAlchemy
    would convert them (JSON to text, UTC timestamps)."""

    name: str  # "_id": the primary key an update matches on
    sql_type: str
    convert: Callable[[Any], Any] | None


@lru_cache(maxsize=256)
def _columns(
    table: Table, present: tuple[str, ...], kind: Kind, dialect: Dialect
) -> tuple[_Column, ...]:
    """The columns a part writes, in the table's order (rows of one part share their keys)."""
    names = [c.name for c in table.columns if c.name in present]
    if kind == "update":
        names.insert(0, "_id")
    columns = []
    for name in names:
        column = table.c.id if name == "_id" else table.c[name]
        processor = column.type.bind_processor(dialect)
        sql_type = str(column.type.compile(dialect=dialect))
        columns.append(_Column(name, sql_type, processor))
    return tuple(columns)


def _array(args: list[Any], column: _Column, rows: list[dict[str, Any]]) -> str:
    """Add the rows' values of `column` as one array parameter; its placeholder."""
    convert, name = column.convert, column.name
    args.append([convert(row[name]) for row in rows] if convert else [row[name] for row in rows])
    return f"CAST(${len(args)} AS {column.sql_type}[])"


def _statement(kind: Kind, table: Table, names: Sequence[str], arrays: str) -> str:
    listed = ", ".join(names)
    if kind == "insert":
        return f"INSERT INTO {table.name} ({listed}) SELECT * FROM {arrays}"  # noqa: S608
    if kind == "upsert_stay":
        return _stay_upsert(table, names, arrays)
    if kind == "upsert_key":
        # A key the record keeps is left alone (DO UPDATE would lock and dirty its row): it
        # carries the record's profile, and merges move the keys of merged profiles afterwards.
        return (
            f"INSERT INTO {table.name} ({listed}) SELECT * FROM {arrays}"  # noqa: S608
            " ON CONFLICT (record_id, key) DO NOTHING"
        )
    assignments = ", ".join(f"{n} = v.{n}" for n in names if n != "_id")
    return (
        f"UPDATE {table.name} AS t SET {assignments} FROM {arrays} AS v({listed})"  # noqa: S608
        " WHERE t.id = v._id AND t.tenant_id = $1"
    )


def _stay_upsert(table: Table, names: Sequence[str], arrays: str) -> str:
    assignments = ", ".join(f"{n} = EXCLUDED.{n}" for n in STAY_UPDATED_COLUMNS)
    return (
        f"INSERT INTO {table.name} AS t ({', '.join(names)}) SELECT * FROM {arrays}"  # noqa: S608
        " ON CONFLICT (tenant_id, source, reservation_id) DO UPDATE SET "
        f"{assignments}, source_version = COALESCE(EXCLUDED.source_version, t.source_version)"
        " WHERE EXCLUDED.source_version IS NULL OR t.source_version IS NULL"
        " OR EXCLUDED.source_version >= t.source_version"
    )
