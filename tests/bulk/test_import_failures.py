"""When the database refuses records, an import keeps what it can and loses nothing: one bad
record is reported and skipped, a database that refuses everything stops the import where a
rerun resumes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import func, select

from app.bulk.importer import ImportReport, import_file
from app.core.db import transaction
from app.core.errors import Problem
from app.matching.service import matching_for
from app.models import SourceRecord
from tests.bulk.conftest import lift
from tests.conftest import MakeTenant, TenantClient

SECRET = "t" * 48


def _guests(count: int) -> list[dict[str, Any]]:
    return [
        {
            "source": "pms",
            "source_record_id": f"R-{n:03d}",
            "first_name": "Guest",
            "last_name": f"Number{n:03d}",
            "email": f"guest{n:03d}@example.org",
        }
        for n in range(count)
    ]


async def _import(app: FastAPI, tenant: TenantClient, path: Path) -> ImportReport:
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
    return await import_file(
        path,
        tenant_id=tenant.tenant_id,
        tenant_slug=tenant.slug,
        sessions=app.state.sessions,
        matching=matching,
        secret_key=SECRET,
        batch_size=10,
        parallel=False,
    )


async def _stored(app: FastAPI, tenant_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        count = (
            await session.exec(select(func.count()).where(SourceRecord.tenant_id == tenant_id))
        ).one()
    return int(count)


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


async def test_one_record_the_database_refuses_is_reported_and_the_rest_are_stored(
    app: FastAPI, make_tenant: MakeTenant, refusing: Any, tmp_path: Path
) -> None:
    tenant = await make_tenant()
    await refusing(f"NEW.tenant_id = '{tenant.tenant_id}' AND NEW.source_record_id = 'R-014'")
    report = await _import(app, tenant, _write(tmp_path / "guests.jsonl", _guests(30)))
    assert report.outcomes["created"] == 29 and report.outcomes["failed"] == 1
    assert [(f["line"], f["reason"]) for f in report.failures] == [(15, "storage-error")]
    assert await _stored(app, tenant.tenant_id) == 29


async def test_a_database_that_refuses_everything_stops_the_import_where_a_rerun_resumes(
    app: FastAPI, make_tenant: MakeTenant, refusing: Any, backend: str, tmp_path: Path
) -> None:
    tenant = await make_tenant()
    path = _write(tmp_path / "guests.jsonl", _guests(30))
    # The first two batches go in; from the third batch on (line 21) the database refuses all.
    await refusing(f"NEW.tenant_id = '{tenant.tenant_id}' AND NEW.source_record_id >= 'R-020'")
    with pytest.raises(Problem) as stopped:
        await _import(app, tenant, path)
    assert stopped.value.kind == "import-stopped"
    assert "line 21" in (stopped.value.detail or "")
    assert await _stored(app, tenant.tenant_id) == 20

    await lift(app, backend)
    report = await _import(app, tenant, path)
    assert report.resumed_from_line == 20
    assert report.outcomes["created"] == 30 and not report.outcomes["failed"]
    assert await _stored(app, tenant.tenant_id) == 30
