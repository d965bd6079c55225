"""Explain, merge, unmerge with do-not-merge rules, the review queue and thresholds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.samples import anna
from tests.conftest import MakeTenant, TenantClient


async def _post(http: httpx.AsyncClient, tenant: TenantClient, body: Any) -> Any:
    response = await http.post("/v1/records", json=body, headers=tenant.auth)
    assert response.status_code == 200, response.text
    return response.json()


async def _profile_of(http: httpx.AsyncClient, tenant: TenantClient, source: str, rid: str) -> str:
    response = await http.get(f"/v1/records/{source}/{rid}", headers=tenant.auth)
    return str(response.json()["profile_id"])


def _widget(**overrides: Any) -> dict[str, Any]:
    record = {
        "source": "widget",
        "source_record_id": "g-1",
        "first_name": "Anna",
        "last_name": "Mueller",
        "email": "anna@example.com",
        "email_verified": True,
        "social": {"provider": "google", "subject": "1093"},
    }
    record.update(overrides)
    return record


async def test_explain_shows_each_link_with_its_weights(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    first = await _post(http, tenant, anna())
    second = await _post(http, tenant, _widget())
    assert second["profile_id"] == first["profile_id"]
    explained = (
        await http.get(f"/v1/profiles/{first['profile_id']}/explain", headers=tenant.auth)
    ).json()
    by_source = {r["source"]: r for r in explained["records"]}
    link = by_source["widget"]["decisions"][-1]
    assert link["action"] == "link"
    assert link["matcher_version"]
    assert link["decided_by"] == f"client:{tenant.client_id}"
    evidence = link["evidence"][0]
    assert evidence["other"] == "pms:R-1001"
    assert evidence["fields"]["email"] > 0
    assert by_source["pms"]["decisions"][-1]["action"] == "new"


async def test_unmerge_splits_and_later_evidence_does_not_rejoin(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    pid = (await _post(http, tenant, anna()))["profile_id"]
    await _post(http, tenant, _widget())
    response = await http.post(
        f"/v1/profiles/{pid}/unmerge",
        json={"records": [{"source": "widget", "source_record_id": "g-1"}]},
        headers=tenant.auth,
    )
    assert response.status_code == 200, response.text
    split = response.json()
    assert split["profile_id"] == pid
    assert split["do_not_merge_rules"] == 1
    assert await _profile_of(http, tenant, "widget", "g-1") == split["split_profile_id"]

    # A replay with new data, and a new record carrying both identifiers, keep them apart.
    await _post(http, tenant, _widget(phone="+49 30 1234567"))
    bridge = await _post(http, tenant, _widget(source_record_id="g-2", loyalty_number="LY12345678"))
    assert not bridge.get("merged_profile_ids")
    assert await _profile_of(http, tenant, "pms", "R-1001") == pid
    assert await _profile_of(http, tenant, "widget", "g-1") == split["split_profile_id"]
    remaining = (await http.get(f"/v1/profiles/{pid}", headers=tenant.auth)).json()
    assert "widget:g-1" not in {
        f"{r['source']}:{r['source_record_id']}" for r in remaining["records"]
    }

    refused = await http.post(
        f"/v1/profiles/{pid}/merge",
        json={"profile_ids": [split["split_profile_id"]]},
        headers=tenant.auth,
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/do-not-merge")


async def test_unmerge_refuses_foreign_records_and_emptying_a_profile(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    pid = (await _post(http, tenant, anna()))["profile_id"]
    foreign = await http.post(
        f"/v1/profiles/{pid}/unmerge",
        json={"records": [{"source": "pms", "source_record_id": "nope"}]},
        headers=tenant.auth,
    )
    assert foreign.status_code == 422
    everything = await http.post(
        f"/v1/profiles/{pid}/unmerge",
        json={"records": [{"source": "pms", "source_record_id": "R-1001"}]},
        headers=tenant.auth,
    )
    assert everything.status_code == 422
    assert everything.json()["type"].endswith("/nothing-left")


async def test_manual_merge_forwards_the_old_id(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    a = (await _post(http, tenant, anna()))["profile_id"]
    b = (
        await _post(
            http,
            tenant,
            {
                "source": "walkin",
                "source_record_id": "W-1",
                "first_name": "A.",
                "last_name": "Mller",
            },
        )
    )["profile_id"]
    assert a != b
    merged = await http.post(
        f"/v1/profiles/{a}/merge", json={"profile_ids": [b]}, headers=tenant.auth
    )
    assert merged.status_code == 200
    assert merged.json() == {"profile_id": a, "merged_profile_ids": [b]}
    assert (await http.get(f"/v1/profiles/{b}", headers=tenant.auth)).json()["id"] == a
    explained = (await http.get(f"/v1/profiles/{a}/explain", headers=tenant.auth)).json()
    assert explained["merges"][0]["merged_id"] == b
    assert explained["merges"][0]["decided_by"] == f"client:{tenant.client_id}"


def _partner(**overrides: Any) -> dict[str, Any]:
    """A different person sharing the household inbox of `_holder`."""
    record = {
        "source": "pms",
        "source_record_id": "R-2",
        "first_name": "Peter",
        "last_name": "Weber",
        "email": "webers@example.com",
        "email_verified": True,
        "date_of_birth": "1979-07-02",
    }
    record.update(overrides)
    return record


def _holder() -> dict[str, Any]:
    return {
        "source": "pms",
        "source_record_id": "R-1",
        "first_name": "Maria",
        "last_name": "Weber",
        "email": "webers@example.com",
        "email_verified": True,
        "date_of_birth": "1983-11-20",
    }


async def test_shared_inbox_goes_to_review_and_reject_keeps_them_apart(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    maria = await _post(http, tenant, _holder())
    peter = await _post(http, tenant, _partner())
    assert peter["outcome"] == "review"
    assert peter["profile_id"] != maria["profile_id"]
    queue = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    assert len(queue) == 1
    item = queue[0]
    assert item["record"] == {"source": "pms", "source_record_id": "R-2"}
    assert item["candidate_profile_ids"] == [maria["profile_id"]]
    # The reviewer sees both guests side by side.
    assert (item["guest"]["first_name"], item["guest"]["date_of_birth"]) == ("Peter", "1979-07-02")
    (candidate,) = item["candidates"]
    assert candidate["id"] == maria["profile_id"]
    assert (candidate["first_name"], candidate["date_of_birth"]) == ("Maria", "1983-11-20")

    rejected = await http.post(f"/v1/reviews/{item['id']}/reject", headers=tenant.auth)
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    again = await http.post(f"/v1/reviews/{item['id']}/approve", headers=tenant.auth)
    assert again.status_code == 409
    assert (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"] == []
    merge = await http.post(
        f"/v1/profiles/{maria['profile_id']}/merge",
        json={"profile_ids": [peter["profile_id"]]},
        headers=tenant.auth,
    )
    assert merge.status_code == 409


async def test_review_approval_merges(http: httpx.AsyncClient, tenant: TenantClient) -> None:
    maria = await _post(http, tenant, _holder())
    peter = await _post(http, tenant, _partner())
    (item,) = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    approved = await http.post(f"/v1/reviews/{item['id']}/approve", headers=tenant.auth)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    profile = (await http.get(f"/v1/profiles/{peter['profile_id']}", headers=tenant.auth)).json()
    assert profile["id"] == maria["profile_id"]
    assert len(profile["records"]) == 2


async def test_a_merge_by_hand_withdraws_the_review_it_answered(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    maria = await _post(http, tenant, _holder())
    peter = await _post(http, tenant, _partner())
    (item,) = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    merged = await http.post(
        f"/v1/profiles/{maria['profile_id']}/merge",
        json={"profile_ids": [peter["profile_id"]]},
        headers=tenant.auth,
    )
    assert merged.status_code == 200
    assert (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"] == []
    params = {"status": "withdrawn"}
    (withdrawn,) = (await http.get("/v1/reviews", params=params, headers=tenant.auth)).json()[
        "items"
    ]
    assert withdrawn["id"] == item["id"]
    assert withdrawn["resolved_by"] == f"client:{tenant.client_id}"
    # "Different guests" cannot be answered any more: the reviewer unmerges instead.
    rejected = await http.post(f"/v1/reviews/{item['id']}/reject", headers=tenant.auth)
    assert rejected.status_code == 409
    assert rejected.json()["type"].endswith("/review-closed")


async def test_a_record_that_bridges_two_guests_settles_the_reviews_between_them(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    # Four visits of one name in one town: J-2 and J-3 wait for a person; J-4 carries J-1's
    # email and J-3's birth date, so the engine joins J-1 and J-3 on its own.
    jonas = {"source": "walkin", "first_name": "Jonas", "last_name": "Berglund"}
    town = {**jonas, "address": {"city": "Uppsala"}}
    email, born = {"email": "jonas.berglund@example.se"}, {"date_of_birth": "1981-04-09"}
    visits = [
        {**town, "source_record_id": "J-1", **email},
        {**town, "source_record_id": "J-2", "phone": "+46 70 123 4567"},
        {**town, "source_record_id": "J-3", **born},
    ]
    results = (await _post(http, tenant, visits))["results"]
    assert [r["outcome"] for r in results] == ["created", "review", "review"]
    j1, j2, j3 = (r["profile_id"] for r in results)
    queue = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    asked = {i["record"]["source_record_id"]: i["candidate_profile_ids"] for i in queue}
    assert asked == {"J-2": [j1], "J-3": [j2, j1]}

    bridge = await _post(http, tenant, {**town, "source_record_id": "J-4", **email, **born})
    assert bridge["outcome"] == "linked"
    assert {bridge["profile_id"], *bridge["merged_profile_ids"]} == {j1, j3}
    queue = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    asked = {i["record"]["source_record_id"]: i["candidate_profile_ids"] for i in queue}
    # J-3 now sits with J-1: only J-2 is still a question for it, and for J-2 nothing changed.
    assert asked == {"J-2": [j1], "J-3": [j2]}
    shown = {i["record"]["source_record_id"]: i for i in queue}
    assert [(c["id"], c["record_count"]) for c in shown["J-2"]["candidates"]] == [(j1, 3)]
    assert shown["J-2"]["guest"]["id"] == j2


async def test_reviews_of_another_tenant_are_invisible(
    http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    a, b = await make_tenant(), await make_tenant()
    await _post(http, a, _holder())
    await _post(http, a, _partner())
    (item,) = (await http.get("/v1/reviews", headers=a.auth)).json()["items"]
    assert (await http.get("/v1/reviews", headers=b.auth)).json()["items"] == []
    assert (await http.post(f"/v1/reviews/{item['id']}/approve", headers=b.auth)).status_code == 404
    pid = item["profile_id"]
    for path in (f"/v1/profiles/{pid}/explain",):
        assert (await http.get(path, headers=b.auth)).status_code == 404
    for path, body in (
        (f"/v1/profiles/{pid}/merge", {"profile_ids": [pid]}),
        (
            f"/v1/profiles/{pid}/unmerge",
            {"records": [{"source": "pms", "source_record_id": "R-2"}]},
        ),
    ):
        assert (await http.post(path, json=body, headers=b.auth)).status_code == 404


async def test_matching_thresholds(http: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    admin = await make_tenant(scopes=("admin",))
    reader = await make_tenant()
    current = (await http.get("/v1/settings/matching", headers=admin.auth)).json()
    assert current["merge_probability"] > current["review_probability"]
    assert current["model_version"]
    assert current["households"] is True
    wanted = {
        "merge_probability": 0.995,
        "review_probability": 0.9,
        "max_key_profiles": 5,
        "households": False,
    }
    put = await http.put("/v1/settings/matching", json=wanted, headers=admin.auth)
    assert put.status_code == 200
    assert (
        await http.get("/v1/settings/matching", headers=admin.auth)
    ).json() | wanted == put.json()
    inverted = {**wanted, "review_probability": 0.999}
    bad = await http.put("/v1/settings/matching", json=inverted, headers=admin.auth)
    assert bad.status_code == 422
    assert bad.json()["type"].endswith("/invalid-thresholds")
    unknown = await http.put("/v1/settings/matching", json={**wanted, "x": 1}, headers=admin.auth)
    assert unknown.status_code == 422
    denied = await http.put("/v1/settings/matching", json=wanted, headers=reader.auth)
    assert denied.status_code == 403
    # The other tenant still has the defaults.
    assert (await http.get("/v1/settings/matching", headers=reader.auth)).json()[
        "merge_probability"
    ] == current["merge_probability"]


async def _queue_couples(
    http: httpx.AsyncClient, tenant: TenantClient, arrivals: list[date | None]
) -> None:
    """One couple sharing an inbox per arrival: the partner P-n waits for review, with a stay
    arriving then (or none)."""
    families = ["Weber", "Novak", "Rossi", "Tanaka", "Okafor"]
    for n, arrival in enumerate(arrivals):
        house = {"email": f"household{n}@example.com", "last_name": families[n]}
        await _post(http, tenant, {**_holder(), "source_record_id": f"H-{n}", **house})
        partner = _partner(source_record_id=f"P-{n}", **house)
        if arrival is not None:
            stay = {"arrival": arrival.isoformat(), "departure": arrival.isoformat()}
            partner["stay"] = {"reservation_id": f"S-{n}", **stay}
        assert (await _post(http, tenant, partner))["outcome"] == "review"


async def test_review_queue_puts_the_soonest_arrivals_first(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    today = datetime.now(UTC).date()
    arrivals = [None, today + timedelta(days=2), today + timedelta(days=1), today - timedelta(30)]
    await _queue_couples(http, tenant, arrivals)

    queue = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    assert [i["record"]["source_record_id"] for i in queue][:2] == ["P-2", "P-1"]
    assert {i["record"]["source_record_id"] for i in queue[2:]} == {"P-0", "P-3"}
    assert queue[0]["arrival"] == arrivals[2].isoformat()  # type: ignore[union-attr]
    assert all(0.0 < i["probability"] < 1.0 for i in queue)

    newest = await http.get("/v1/reviews", params={"order": "newest"}, headers=tenant.auth)
    assert [i["record"]["source_record_id"] for i in newest.json()["items"]] == [
        "P-3",
        "P-2",
        "P-1",
        "P-0",
    ]
    bad = await http.get("/v1/reviews", params={"order": "random"}, headers=tenant.auth)
    assert bad.status_code == 422


async def test_the_review_queue_pages_through_every_item_once_in_each_order(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    today = datetime.now(UTC).date()
    # Equal probabilities and shared arrival dates: ties the id has to break.
    arrivals = [None, today + timedelta(days=1), today + timedelta(days=1), None, today]
    await _queue_couples(http, tenant, arrivals)

    for order in ("priority", "newest", "probability"):
        whole = await http.get("/v1/reviews", params={"order": order}, headers=tenant.auth)
        expected = [i["id"] for i in whole.json()["items"]]
        assert len(expected) == 5 and whole.json()["next_cursor"] is None
        paged: list[str] = []
        params: dict[str, Any] = {"order": order, "limit": 2}
        while True:
            page = (await http.get("/v1/reviews", params=params, headers=tenant.auth)).json()
            paged += [i["id"] for i in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert paged == expected, order

    first = await http.get("/v1/reviews", params={"limit": 2}, headers=tenant.auth)
    cursor = first.json()["next_cursor"]
    other_order = {"order": "newest", "cursor": cursor}
    for params in (other_order, {"cursor": "not-a-cursor"}, {"cursor": cursor[:-4]}):
        bad = await http.get("/v1/reviews", params=params, headers=tenant.auth)
        assert bad.status_code == 422, params
        assert bad.json()["type"].endswith("/invalid-cursor")


async def test_a_queue_paged_across_midnight_shows_each_item_once(
    http: httpx.AsyncClient, tenant: TenantClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = datetime.now(UTC).date()
    # Arriving today: upcoming on the first page's day, past on the next.
    arrivals = [today, today + timedelta(days=1), None, today]
    await _queue_couples(http, tenant, arrivals)
    whole = await http.get("/v1/reviews", headers=tenant.auth)
    expected = [i["id"] for i in whole.json()["items"]]

    first = (await http.get("/v1/reviews", params={"limit": 1}, headers=tenant.auth)).json()

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Tomorrow:
            return cls.combine(today + timedelta(days=1), datetime.min.time(), tz)

    monkeypatch.setattr("app.curation.router.datetime", Tomorrow)
    paged = [i["id"] for i in first["items"]]
    params: dict[str, Any] = {"limit": 1, "cursor": first["next_cursor"]}
    while params["cursor"] is not None:
        page = (await http.get("/v1/reviews", params=params, headers=tenant.auth)).json()
        paged += [i["id"] for i in page["items"]]
        params["cursor"] = page["next_cursor"]
    assert paged == expected


async def test_a_review_shows_a_candidate_merged_since_where_it_went(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    maria = await _post(http, tenant, _holder())
    await _post(http, tenant, _partner())
    elsewhere = {"source": "widget", "source_record_id": "w-9", "first_name": "Mia"}
    other = await _post(http, tenant, {**elsewhere, "last_name": "Lindqvist"})
    # A person folds Maria's profile into another one: her id now forwards there.
    merged = await http.post(
        f"/v1/profiles/{other['profile_id']}/merge",
        json={"profile_ids": [maria["profile_id"]]},
        headers=tenant.auth,
    )
    assert merged.status_code == 200
    (item,) = (await http.get("/v1/reviews", headers=tenant.auth)).json()["items"]
    assert item["candidate_profile_ids"] == [maria["profile_id"]]  # as queued
    (candidate,) = item["candidates"]
    assert (candidate["id"], candidate["record_count"]) == (other["profile_id"], 2)
