"""Hints over HTTP: who is arriving, on both storage modes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from tests.conftest import TenantClient
from tests.hints.records import booking, pms, stay, today


async def post_hint(http: httpx.AsyncClient, tenant: TenantClient, record: dict[str, Any]) -> Any:
    response = await http.post("/v1/hints", json=record, headers=tenant.auth)
    assert response.status_code == 200, response.text
    return response.json()


async def history(http: httpx.AsyncClient, tenant: TenantClient, *records: dict[str, Any]) -> None:
    response = await http.post("/v1/records", json=list(records), headers=tenant.auth)
    assert response.status_code == 200, response.text


async def test_repeat_guest_arriving_through_an_ota_gets_earlier_stays_and_preferences(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await history(
        http,
        tenant,
        pms("P-1", -400, 3, preferences={"bed": "king"}, property="H002"),
        pms("P-2", -60, 2, special_requests="quiet room, high floor please"),
    )
    # Booking.com: a per-reservation relay alias and the phone; no real email, no loyalty.
    hint = await post_hint(http, tenant, booking("BK-7", 0, 2))
    assert hint["repeat_guest"] is True
    assert hint["guest_name"] == "Anna Müller"
    assert [s["reservation_id"] for s in hint["recent_stays"]] == ["P-2", "P-1"]
    assert (hint["previous_stays"], hint["previous_stays_here"]) == (2, 1)
    assert hint["last_stay"]["arrival"] == stay("x", -60, 2)["arrival"]
    assert hint["last_stay"]["property_id"] == "H001"
    prefs = {p["name"]: p for p in hint["preferences"]}
    assert (prefs["bed"]["value"], prefs["bed"]["kind"], prefs["bed"]["sources"]) == (
        "king",
        "explicit",
        ["pms"],
    )
    assert prefs["floor"]["value"] == "high" and prefs["floor"]["kind"] == "request"
    assert prefs["quiet"]["value"] is True
    assert hint["value"]["stays"] == 2 and hint["value"]["nights"] == 5
    assert hint["segment"]["frequency"] == "returning"
    assert "book_direct" in [a["code"] for a in hint["alerts"]]
    assert hint["confidence"]["level"] in ("high", "medium")
    assert "Anna Müller · 3rd stay" in hint["summary"] and "king bed" in hint["summary"]
    assert hint["reservation_id"] == "BK-7" and hint["property_id"] == "H001"
    assert hint["arrival"] == today().isoformat()


async def test_first_time_guest_is_not_a_repeat_guest(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    await history(http, tenant, pms("P-1", -100, 2))
    stranger = pms(
        "P-9",
        1,
        3,
        first_name="Jonas",
        last_name="Lindqvist",
        email="jonas@example.se",
        phone="+46 70 1234567",
    )
    hint = await post_hint(http, tenant, stranger)
    assert hint["repeat_guest"] is False
    assert (hint["previous_stays"], hint["recent_stays"], hint["last_stay"]) == (0, [], None)
    assert hint["segment"]["label"] == "first stay"
    assert hint["confidence"]["level"] == "new"
    assert hint["summary"] == "Jonas Lindqvist · first stay"


async def test_household_member_sharing_an_email_does_not_inherit_history(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    family = {"email": "weber.family@example.de", "last_name": "Weber", "phone": None}
    await history(
        http,
        tenant,
        pms("P-1", -300, 4, first_name="Thomas", date_of_birth="1970-04-02", **family),
        pms("P-2", -30, 2, first_name="Thomas", date_of_birth="1970-04-02", **family),
    )
    petra = pms("P-3", 0, 2, first_name="Petra", date_of_birth="1973-09-17", **family)
    hint = await post_hint(http, tenant, petra)
    assert hint["repeat_guest"] is False and hint["previous_stays"] == 0
    assert hint["guest_name"] == "Petra Weber"
    thomas = await post_hint(http, tenant, pms("P-4", 0, 2, first_name="Thomas", **family))
    assert thomas["repeat_guest"] is True and thomas["profile_id"] != hint["profile_id"]


async def test_occasions_and_alerts_reach_the_front_desk(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    birthday = today().replace(year=today().year - 40)
    await history(
        http,
        tenant,
        pms(
            "P-1",
            -90,
            2,
            do_not_rent=True,
            vip=True,
            anniversary=(today() + timedelta(days=1)).replace(year=2016).isoformat(),
            stay_fields={"complaint": "Room was not cleaned"},
        ),
    )
    arriving = pms("P-2", 0, 3, date_of_birth=birthday.isoformat())
    hint = await post_hint(http, tenant, arriving)
    kinds = {o["kind"]: o for o in hint["occasions"]}
    assert kinds["birthday"]["years"] == 40 and kinds["birthday"]["date"] == today().isoformat()
    assert kinds["anniversary"]["years"] == today().year - 2016
    codes = [a["code"] for a in hint["alerts"]]
    assert codes[0] == "do_not_rent"
    assert {"past_complaint", "vip"} <= set(codes)
    assert "Room was not cleaned" in next(
        a["message"] for a in hint["alerts"] if a["code"] == "past_complaint"
    )
    assert hint["summary"].startswith("DO NOT RENT · Anna Müller")


async def test_get_after_post_returns_the_same_hint(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    posted = await post_hint(http, tenant, pms("P-1", 1, 2))
    for _ in range(2):  # the second read comes from the cache where there is one
        got = await http.get("/v1/hints/pms/P-1", headers=tenant.auth)
        assert got.status_code == 200 and got.headers["content-type"] == "application/json"
        assert got.json() == posted
    again = await post_hint(http, tenant, pms("P-1", 1, 2))
    assert again["version"] == 1 and again["computed_at"] == posted["computed_at"]


async def test_idempotency_key_replays_the_hint(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    headers = {**tenant.auth, "Idempotency-Key": "checkin-77"}
    first = await http.post("/v1/hints", json=pms("P-1", 0, 1), headers=headers)
    again = await http.post("/v1/hints", json=pms("P-1", 0, 1), headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = await http.post("/v1/hints", json=pms("P-1", 0, 2), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


async def test_bad_requests_get_problem_details_and_change_nothing(
    http: httpx.AsyncClient, tenant: TenantClient
) -> None:
    no_stay = pms("P-1", 0)
    del no_stay["stay"]
    cases = [
        (no_stay, 422, "stay-required"),
        ([pms("P-2", 0)], 422, "one-record"),
        ({**pms("P-3", 0), "colour": "blue"}, 422, "invalid-record"),
    ]
    for body, status, kind in cases:
        response = await http.post("/v1/hints", json=body, headers=tenant.auth)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/" + kind)
    for source, rid in (("pms", "P-1"), ("pms", "P-3")):
        record = await http.get(f"/v1/records/{source}/{rid}", headers=tenant.auth)
        assert record.status_code == 404  # nothing was stored
    missing = await http.get("/v1/hints/pms/NOPE", headers=tenant.auth)
    assert missing.status_code == 404 and missing.json()["type"].endswith("/not-found")
    await history(http, tenant, pms("P-OLD", -50, 2))
    never = await http.get("/v1/hints/pms/P-OLD", headers=tenant.auth)
    assert never.status_code == 404 and never.json()["type"].endswith("/hint-not-found")


async def test_scopes_asking_for_a_hint_needs_records_write_and_profiles_read(
    http: httpx.AsyncClient, make_tenant: Any
) -> None:
    writer = await make_tenant(scopes=("records:write",))
    denied = await http.post("/v1/hints", json=pms("P-1", 0), headers=writer.auth)
    assert denied.status_code == 403
    reader = await make_tenant(scopes=("profiles:read",))
    assert (
        await http.post("/v1/hints", json=pms("P-1", 0), headers=reader.auth)
    ).status_code == 403
    rules = await http.get("/v1/upgrade-rules", headers=reader.auth)
    assert rules.status_code == 403
