"""One guest via Mews, Booking.com and Google is one profile; a shared alias joins no one."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch
from tests.conftest import MakeTenant, TenantClient
from tests.connectors.conftest import fixture
from tests.inbound.helpers import (
    GOOGLE_AUDIENCE,
    MEWS_CREDENTIALS,
    OTA_SECRET,
    admin,
    connect,
    google_sign_in,
    mews_api,
    settled,
)

CUSTOMER = "c2f1d888-232e-49eb-87ac-5f75363af13b"
# Anna's mobile: a landline is shared by a household, so it alone never vouches for a person.
MOBILE = "+49 151 23456789"


def _mews_api_mobile(request: httpx.Request) -> httpx.Response:
    answer = mews_api(request)
    if request.url.path.endswith("/customers/getAll"):
        data = json.loads(answer.content)
        data["Customers"][0]["Phone"] = MOBILE
        return httpx.Response(200, json=data)
    return answer


def _booking_mobile() -> bytes:
    return fixture("opentravel/booking_new.xml").replace(b"+49 30 1234567", MOBILE.encode())


def _other_booking() -> bytes:
    """A different person's Booking.com reservation that reuses Anna's alias email."""
    xml = fixture("opentravel/booking_new.xml").decode()
    for old, new in (
        ('EchoToken="b7f1c2d4-0001"', 'EchoToken="b7f1c2d4-0099"'),
        ('ID="4012345678"', 'ID="4099999999"'),
        ("<NamePrefix>Mrs</NamePrefix><GivenName>Anna</GivenName><Surname>Müller</Surname>",
         "<NamePrefix>Mr</NamePrefix><GivenName>Piotr</GivenName><Surname>Kowalski</Surname>"),
        ("+49 30 1234567", "+48 22 7654321"),
        ("Invalidenstraße 117</AddressLine><CityName>Berlin</CityName><PostalCode>10115",
         "ul. Marszałkowska 10</AddressLine><CityName>Warszawa</CityName><PostalCode>00-001"),
        ('CountryName Code="DE"', 'CountryName Code="PL"'),
    ):  # fmt: skip
        assert old in xml, old
        xml = xml.replace(old, new)
    return xml.encode()


async def _profile_of(http: httpx.AsyncClient, tenant: TenantClient, source: str, rid: str) -> str:
    answer = await http.get(f"/v1/records/{source}/{rid}", headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    profile_id: str = answer.json()["profile_id"]
    return profile_id


async def test_one_guest_through_three_sources_is_one_profile(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(_mews_api_mobile))
    tenant = await admin(make_tenant)
    _, mews = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)
    _, booking = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
    _, social = await connect(http, tenant, "social", webhook_secret=GOOGLE_AUDIENCE)

    sign_in = google_sign_in(email="anna.mueller@example.com", hd=None)
    ids = []
    for path, body in (
        (mews, fixture("mews/webhook_general.json")),
        (booking, _booking_mobile()),
        (social, sign_in),
    ):
        answer = await http.post(path, content=body)
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
        # In order, as they would arrive: each resolves against what came before.
        [event] = await settled(app, [ids[-1]])
        assert event.status == "processed", event.error

    anna = await _profile_of(http, tenant, "mews", CUSTOMER)
    assert await _profile_of(http, tenant, "booking", "4012345678:1") == anna
    assert await _profile_of(http, tenant, "social", "google:110169484474386276334") == anna
    profile = (await http.get(f"/v1/profiles/{anna}", headers=tenant.auth)).json()
    assert {r["source"] for r in profile["records"]} == {"mews", "booking", "social"}


async def test_a_shared_booking_alias_does_not_join_two_people(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    tenant = await admin(make_tenant)
    _, booking = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)
    first = await http.post(booking, content=fixture("opentravel/booking_new.xml"))
    second = await http.post(booking, content=_other_booking())
    assert second.json()["duplicate"] is False
    done = await settled(app, [first.json()["id"], second.json()["id"]])
    assert {e.status for e in done} == {"processed"}
    anna = await _profile_of(http, tenant, "booking", "4012345678:1")
    piotr = await _profile_of(http, tenant, "booking", "4099999999:1")
    assert anna != piotr
