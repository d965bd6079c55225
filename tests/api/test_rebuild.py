"""Rebuild re-resolves everything and keeps what people decided (merges and unmerges)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select, text

from app.core.db import transaction
from app.ingest.service import ingest_records
from app.matching.rebuild import RebuildReport, rebuild
from app.matching.service import matching_for, set_thresholds, train_model
from app.models import Event, Profile, SourceRecord
from app.profiles.repository import lock_tenant
from app.resolution.model import Thresholds
from connectors.base import GuestRecord
from tests.api.samples import anna
from tests.conftest import TenantClient


async def _rebuild(app: FastAPI, tenant: TenantClient) -> RebuildReport:
    async with transaction(app.state.sessions) as session:
        matching = await matching_for(session, tenant.tenant_id)
        return await rebuild(session, tenant.tenant_id, matching, "test")


async def _profile_of(http: httpx.AsyncClient, tenant: TenantClient, source: str, rid: str) -> str:
    response = await http.get(f"/v1/records/{source}/{rid}", headers=tenant.auth)
    return str(response.json()["profile_id"])


def _walkin(rid: str, **fields: Any) -> dict[str, Any]:
    return {"source": "walkin", "source_record_id": rid, **fields}


async def test_rebuild_is_stable_and_keeps_human_decisions(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    widget = {
        "source": "widget",
        "source_record_id": "g-1",
        "first_name": "Anna",
        "last_name": "Mueller",
        "email": "anna@example.com",
        "email_verified": True,
    }
    other = _walkin("W-1", first_name="Zoe", last_name="Quinn", phone="+44 20 7946 0000")
    stranger = _walkin("W-2", first_name="Liam", last_name="Byrne", phone="+353 1 555 0101")
    results = (
        await http.post("/v1/records", json=[anna(), widget, other, stranger], headers=tenant.auth)
    ).json()["results"]
    anna_id, zoe_id, liam_id = (
        results[0]["profile_id"],
        results[2]["profile_id"],
        results[3]["profile_id"],
    )
    assert results[1]["profile_id"] == anna_id

    report = await _rebuild(app, tenant)
    assert report.records == 4
    assert report.records_moved == 0
    assert report.records_rekeyed == 0  # nothing changed in how records are read
    assert report.profiles_after == report.profiles_before == 3

    # A person merges Zoe into Anna's profile and splits the widget record off.
    merged = await http.post(
        f"/v1/profiles/{anna_id}/merge", json={"profile_ids": [zoe_id]}, headers=tenant.auth
    )
    assert merged.status_code == 200
    split = (
        await http.post(
            f"/v1/profiles/{anna_id}/unmerge",
            json={"records": [{"source": "widget", "source_record_id": "g-1"}]},
            headers=tenant.auth,
        )
    ).json()

    report = await _rebuild(app, tenant)
    assert report.records_moved == 0
    assert await _profile_of(http, tenant, "walkin", "W-1") == anna_id
    assert await _profile_of(http, tenant, "widget", "g-1") == split["split_profile_id"]
    assert await _profile_of(http, tenant, "walkin", "W-2") == liam_id


async def test_a_trained_model_keeps_what_it_learnt_of_street_names(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # Half the guests live on one street: an exact street match tells less there.
    guests = [
        _walkin(
            f"W-{n}",
            first_name=f"Guest{n}",
            last_name=f"Family{n}",
            address={"line1": f"{n} {'Hauptstraße' if n % 2 else f'Lane {n}'}", "city": "Bonn"},
        )
        for n in range(120)
    ]
    for part in (guests[:60], guests[60:]):
        response = await http.post("/v1/records", json=part, headers=tenant.auth)
        assert response.status_code == 200, response.text
    async with transaction(app.state.sessions) as session:
        await train_model(session, tenant.tenant_id)
    async with transaction(app.state.sessions) as session:
        model = (await matching_for(session, tenant.tenant_id)).model
    assert model.tf_street, "the street frequencies were learnt but not kept"
    common = max(model.tf_street, key=model.tf_street.__getitem__)
    assert model.weight("street", "exact", common) < model.weights["street"]["exact"]


async def test_rebuild_gives_records_stored_before_a_new_key_kind_their_keys(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # An OTA booking and the PMS copy of it, stored by a release that knew neither booking
    # numbers in the normal form nor their keys: only the rebuild lets the next copy find them.
    ota = {
        "source": "booking_com",
        "source_record_id": "BDC-1",
        "first_name": "Jonas",
        "last_name": "Lindqvist",
        "stay": {
            "reservation_id": "4711081523",
            "arrival": "2026-05-01",
            "departure": "2026-05-03",
        },
    }
    response = await http.post("/v1/records", json=ota, headers=tenant.auth)
    assert response.status_code == 200, response.text
    async with transaction(app.state.sessions) as session:
        await session.exec(
            text("DELETE FROM record_keys WHERE tenant_id = :t AND key LIKE 'booking:%'"),
            params={"t": tenant.tenant_id},
        )
        row = (
            await session.exec(
                select(SourceRecord).where(SourceRecord.tenant_id == tenant.tenant_id)
            )
        ).one()
        row.normalised = {k: v for k, v in row.normalised.items() if k != "bookings"}
        session.add(row)

    report = await _rebuild(app, tenant)
    assert report.records_rekeyed == 1
    pms = {
        "source": "mews",
        "source_record_id": "M-9",
        "first_name": "Jonas",
        "last_name": "Lindqvist",
        "phone": "+46 70 123 45 67",
        "stay": {
            "reservation_id": "MEWS-77",
            "channel_reservation_id": "4711081523",
            "arrival": "2026-05-01",
            "departure": "2026-05-03",
        },
    }
    linked = (await http.post("/v1/records", json=pms, headers=tenant.auth)).json()
    assert linked["outcome"] == "linked"
    assert await _profile_of(http, tenant, "booking_com", "BDC-1") == linked["profile_id"]
    assert (await _rebuild(app, tenant)).records_rekeyed == 0


async def _set_merge_probability(app: FastAPI, tenant: TenantClient, merge: float) -> None:
    async with transaction(app.state.sessions) as session:
        await set_thresholds(session, tenant.tenant_id, Thresholds(merge_probability=merge))


async def _waiting_for_advisory_lock(app: FastAPI) -> bool:
    async with app.state.sessions() as session:
        waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return bool((await session.exec(waiting)).one()[0])


async def test_a_record_arriving_during_a_rebuild_is_not_left_on_a_retired_profile(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has a single writer: nothing is stored while a rebuild writes")
    maren = {"first_name": "Maren", "last_name": "Halvorsen"}
    with_email = _walkin("W-1", **maren, email="maren.h@example.no", date_of_birth="1979-05-02")
    with_phone = _walkin("W-2", **maren, phone="+47 912 34 567", date_of_birth="1979-05-02")
    # Under a very strict merge threshold her two visits stay two profiles; the usual threshold
    # and a rebuild join them, retiring one of the two profile ids.
    await _set_merge_probability(app, tenant, 0.999999)
    results = (
        await http.post("/v1/records", json=[with_email, with_phone], headers=tenant.auth)
    ).json()["results"]
    assert results[0]["profile_id"] != results[1]["profile_id"]
    await _set_merge_probability(app, tenant, 0.99)

    # Her next visit (name and phone: it links to the second profile) is stored while the
    # rebuild is under way: it has resolved its snapshot and waits to write its clustering.
    arriving = GuestRecord.model_validate(_walkin("W-3", **maren, phone="+47 91234567"))
    async with transaction(app.state.sessions) as holding:
        await lock_tenant(holding, tenant.tenant_id)
        running = asyncio.create_task(_rebuild(app, tenant))
        for _ in range(200):
            if running.done() or await _waiting_for_advisory_lock(app):
                break
            await asyncio.sleep(0.05)
        assert not running.done(), "the rebuild wrote without waiting for the tenant's batches"
        matching = await matching_for(holding, tenant.tenant_id)
        (stored,) = await ingest_records(
            holding,
            tenant.tenant_id,
            [arriving],
            matching=matching,
            secret_key="t" * 48,
            decided_by="test",
        )
        assert stored.outcome == "linked"
    report = await running
    assert report.records == 3

    async with transaction(app.state.sessions) as session:
        rows = (
            await session.exec(
                select(
                    SourceRecord.source_record_id,
                    Profile.id,
                    Profile.merged_into,
                    Profile.record_count,
                )
                .join(Profile, Profile.id == SourceRecord.profile_id)
                .where(SourceRecord.tenant_id == tenant.tenant_id)
            )
        ).all()
    assert {r[0] for r in rows} == {"W-1", "W-2", "W-3"}
    assert len({r[1] for r in rows}) == 1, rows  # one guest
    assert all(r[2] is None and r[3] == 3 for r in rows), rows  # on a live profile


async def _reviews(http: httpx.AsyncClient, tenant: TenantClient, status: str) -> list[Any]:
    response = await http.get("/v1/reviews", params={"status": status}, headers=tenant.auth)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _set_bands(app: FastAPI, tenant: TenantClient, merge: float, review: float) -> None:
    async with transaction(app.state.sessions) as session:
        bands = Thresholds(merge_probability=merge, review_probability=review)
        await set_thresholds(session, tenant.tenant_id, bands)


async def test_rebuild_brings_the_review_queue_in_line_with_its_decisions(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # Two visits of one name in one town match at about 0.977: a new guest under a strict
    # review band, a review under the shipped one. A couple sharing an inbox is a review under
    # both.
    await _set_bands(app, tenant, merge=0.99, review=0.98)
    inbox = {"last_name": "Weber", "email": "webers@example.com", "email_verified": True}
    town = {"first_name": "Jonas", "last_name": "Berglund", "address": {"city": "Uppsala"}}
    records = [
        _walkin("W-1", first_name="Maria", date_of_birth="1983-11-20", **inbox),
        _walkin("W-2", first_name="Peter", date_of_birth="1979-07-02", **inbox),
        _walkin("J-1", **town),
        _walkin("J-2", **town),
    ]
    results = (await http.post("/v1/records", json=records, headers=tenant.auth)).json()
    outcomes = [r["outcome"] for r in results["results"]]
    assert outcomes == ["created", "review", "created", "created"]
    (couple,) = await _reviews(http, tenant, "open")

    await _set_bands(app, tenant, merge=0.99, review=0.8)
    report = await _rebuild(app, tenant)
    assert (report.reviews_opened, report.reviews_withdrawn, report.reviews_kept) == (1, 0, 1)
    queue = {i["record"]["source_record_id"]: i for i in await _reviews(http, tenant, "open")}
    assert queue.keys() == {"W-2", "J-2"}
    assert queue["W-2"]["id"] == couple["id"]
    assert queue["W-2"]["candidate_profile_ids"] == couple["candidate_profile_ids"]
    jonas = await _profile_of(http, tenant, "walkin", "J-1")
    raised = queue["J-2"]
    assert raised["candidate_profile_ids"] == [jonas]
    assert raised["evidence"][0]["profile_id"] == jonas  # stored ids, not the rebuild's own
    assert 0.8 < raised["probability"] < 0.98
    explained = await http.get(f"/v1/profiles/{raised['profile_id']}/explain", headers=tenant.auth)
    decisions = explained.json()["records"][0]["decisions"]
    assert [d["action"] for d in decisions] == ["new", "review"]

    await _set_bands(app, tenant, merge=0.99, review=0.98)
    report = await _rebuild(app, tenant)
    assert (report.reviews_opened, report.reviews_withdrawn, report.reviews_kept) == (0, 1, 1)
    assert [i["id"] for i in await _reviews(http, tenant, "open")] == [couple["id"]]
    (withdrawn,) = await _reviews(http, tenant, "withdrawn")
    assert (withdrawn["id"], withdrawn["resolved_by"]) == (raised["id"], "test")
    closed = await http.post(f"/v1/reviews/{raised['id']}/approve", headers=tenant.auth)
    assert closed.status_code == 409

    again = await _rebuild(app, tenant)
    assert (again.reviews_opened, again.reviews_withdrawn, again.reviews_kept) == (0, 0, 1)
    async with transaction(app.state.sessions) as session:
        stmt = select(Event).where(
            Event.tenant_id == tenant.tenant_id, Event.type == "guests.rebuilt"
        )
        rebuilt = [e.payload for e in (await session.exec(stmt.order_by(Event.created_at))).all()]
    counts = [(p["reviews_opened"], p["reviews_withdrawn"], p["reviews_kept"]) for p in rebuilt]
    assert counts == [(1, 0, 1), (0, 1, 1), (0, 0, 1)]


async def test_rebuild_withdraws_a_review_its_clustering_answered(
    app: FastAPI, http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # J-2 waits for review against J-1. J-3 carries both their contacts: under a merge band
    # this strict it joins J-1 only, under the shipped one it joins them all.
    town = {"first_name": "Jonas", "last_name": "Berglund", "address": {"city": "Uppsala"}}
    email, phone = {"email": "jonas.berglund@example.se"}, {"phone": "+46 70 123 4567"}
    first = [_walkin("J-1", **town, **email), _walkin("J-2", **town, **phone)]
    results = (await http.post("/v1/records", json=first, headers=tenant.auth)).json()
    assert [r["outcome"] for r in results["results"]] == ["created", "review"]
    (item,) = await _reviews(http, tenant, "open")
    await _set_bands(app, tenant, merge=0.999999, review=0.8)
    bridge = _walkin("J-3", **town, **email, **phone)
    linked = (await http.post("/v1/records", json=bridge, headers=tenant.auth)).json()
    assert linked["outcome"] == "linked" and "merged_profile_ids" not in linked
    await _set_bands(app, tenant, merge=0.99, review=0.8)

    report = await _rebuild(app, tenant)
    assert report.records_moved == 1
    assert (report.reviews_opened, report.reviews_withdrawn, report.reviews_kept) == (0, 1, 0)
    assert await _profile_of(http, tenant, "walkin", "J-2") == linked["profile_id"]
    assert await _reviews(http, tenant, "open") == []
    assert [i["id"] for i in await _reviews(http, tenant, "withdrawn")] == [item["id"]]
