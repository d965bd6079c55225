"""PCI DSS: card numbers and CVCs planted in deliveries reach no table, response or log."""

from __future__ import annotations

import base64
import json
import logging
import re
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlmodel import SQLModel

from app.core.db import transaction
from app.inbound import fetch
from tests.conftest import MakeTenant
from tests.connectors.conftest import fixture
from tests.inbound.helpers import MEWS_CREDENTIALS, OTA_SECRET, admin, connect, settled

VISA, MASTERCARD, AMEX = "4111111111111111", "5555555555554444", "378282246310005"
PLANTED = [
    VISA, "4111 1111 1111 1111", "4111-1111-1111-1111",
    MASTERCARD, "5555-5555-5555-4444", "5555 5555 5555 4444", "5555.5555.5555.4444",
    AMEX, "3782 822463 10005", "3782-822463-10005",
]  # fmt: skip
CUSTOMER = "c2f1d888-232e-49eb-87ac-5f75363af13b"


def _ota_with_cards() -> bytes:
    xml = fixture("opentravel/booking_new.xml").decode()
    xml = xml.replace(
        "Arriving late.", "Arriving late. Pay with 5555 5555 5555 4444 or 3782-822463-10005."
    )
    xml = xml.replace(
        "<CardHolderName>Anna Mueller</CardHolderName>",
        "<CardHolderName>Anna Mueller</CardHolderName><SeriesCode>7373</SeriesCode>"
        "<CardNumber><PlainText>4111-1111-1111-1111</PlainText></CardNumber>",
    )
    return xml.replace(
        "Invalidenstraße 117", "Invalidenstraße 117, card 5555.5555.5555.4444"
    ).encode()


def _mews_hook_with_cards() -> bytes:
    hook = json.loads(fixture("mews/webhook_general.json"))
    hook["Notes"] = "guest paid with 4111 1111 1111 1111, amex 378282246310005"
    hook["Payment"] = {"CardNumber": MASTERCARD, "Cvc": "7373", "SeriesCode": "7373"}
    return json.dumps(hook).encode()


def _mews_api_with_cards(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/customers/getAll"):
        data: dict[str, Any] = json.loads(fixture("mews/customer_new.json"))
        customer = data["Customers"][0]
        customer["DietaryRequirements"] = "Vegetarian; card 4111-1111-1111-1111 cvc 7373"
        customer["Address"]["Line2"] = "5555 5555 5555 4444"
        customer["Notes"] = f"Amex {AMEX}"
        customer["CreditCard"] = {"CardNumber": VISA, "CVV": "7373"}
        return httpx.Response(200, json=data)
    return httpx.Response(200, content=fixture("mews/reservation_new.json"))


async def _dump(app: FastAPI, tenant_id: str) -> str:
    """Every text and JSON value of every table that belongs to the tenant."""
    out: list[str] = []
    async with transaction(app.state.sessions) as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            stmt = sa.select(table)
            if "tenant_id" in table.c:
                stmt = stmt.where(table.c.tenant_id == tenant_id)
            elif table.name == "tenants":
                stmt = stmt.where(table.c.id == tenant_id)
            for row in (await connection.execute(stmt)).mappings():
                out.extend(json.dumps(v, ensure_ascii=False, default=str) for v in row.values())
    return "\n".join(out)


def _assert_card_free(text: str, where: str) -> None:
    bare = re.sub(r"[ .\-]", "", text)
    for number in PLANTED:
        assert number not in text, f"{number} in {where}"
    for digits in (VISA, MASTERCARD, AMEX):
        assert digits not in bare, f"{digits} in {where}"
    lowered = text.lower()
    for key in ("seriescode", '"cvc"', '"cvv"', "cardnumber"):
        assert key not in lowered, f"{key} in {where}"


async def test_card_data_is_stored_nowhere(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(_mews_api_with_cards))
    tenant = await admin(make_tenant)
    _, mews = await connect(http, tenant, "mews", credentials=MEWS_CREDENTIALS)
    _, booking = await connect(http, tenant, "booking", webhook_secret=OTA_SECRET)

    responses = [
        await http.post(mews, content=_mews_hook_with_cards()),
        await http.post(booking, content=_ota_with_cards()),
    ]
    assert [r.status_code for r in responses] == [202, 202], [r.text for r in responses]
    done = await settled(app, [r.json()["id"] for r in responses])
    assert sorted(e.status for e in done) == ["processed", "processed"], [e.error for e in done]

    for path in (f"/v1/records/mews/{CUSTOMER}", "/v1/records/booking/4012345678:1"):
        record = await http.get(path, headers=tenant.auth)
        assert record.status_code == 200, record.text
        profile = await http.get(f"/v1/profiles/{record.json()['profile_id']}", headers=tenant.auth)
        responses += [record, profile]
    for response in responses:
        _assert_card_free(response.text, f"response {response.request.url.path}")
    dump = await _dump(app, tenant.tenant_id)
    _assert_card_free(dump, "the database")
    # The planted text did arrive, scrubbed: the checks above are not vacuous.
    assert "[card removed]" in dump and "Vegetarian" in dump
    _assert_card_free(caplog.text, "the logs")


def _planted_vendors(request: httpx.Request) -> httpx.Response:
    """Apaleo, Cloudbeds and OHIP answers with card numbers and CVCs in every place."""
    host = request.url.host
    if host == "apaleo.test":
        data = json.loads(fixture("apaleo/reservation_new.json"))
        data["guestComment"] = f"King bed. Card {PLANTED[1]} cvc 737"
        data["paymentAccount"] = {"accountNumber": VISA, "cvc": "737", "accountHolder": "J"}
        data["primaryGuest"]["address"]["addressLine2"] = PLANTED[6]
        return httpx.Response(200, json=data)
    if host == "cloudbeds.test":
        data = json.loads(fixture("cloudbeds/reservation_new.json"))
        data["data"]["cardsOnFile"] = [{"cardNumber": MASTERCARD, "cvv": "123"}]
        guest = data["data"]["guestList"]["41028833"]
        guest["guestCity"] = f"Berlin {PLANTED[8]}"
        guest["specialRequests"] = f"pay with {AMEX}"
        return httpx.Response(200, json=data)
    data = json.loads(fixture("opera/reservation_detail.json"))
    reservation = data["reservations"]["reservation"][0]
    reservation["paymentMethod"] = {"cardNumber": PLANTED[9], "cardSecurityCode": "1234"}
    reservation["comments"] = [{"comment": {"text": {"value": f"card {PLANTED[2]}"}}}]
    profile = reservation["reservationGuests"][0]["profileInfo"]["profile"]
    profile["addresses"]["addressInfo"][0]["address"]["cityName"] = f"Berlin {PLANTED[5]}"
    return httpx.Response(200, json=data)


async def test_card_data_in_fetched_payloads_is_stored_nowhere(
    app: FastAPI,
    http: httpx.AsyncClient,
    make_tenant: MakeTenant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(_planted_vendors))
    tenant = await admin(make_tenant)
    _, apaleo = await connect(
        http, tenant, "apaleo", webhook_secret="hook:pw",
        credentials={"token": "t", "base_url": "https://apaleo.test"},
    )  # fmt: skip
    _, cloudbeds = await connect(
        http, tenant, "cloudbeds",
        credentials={"api_key": "cbat_t", "base_url": "https://cloudbeds.test/api/v1.2"},
    )  # fmt: skip
    _, opera = await connect(
        http, tenant, "opera", webhook_secret="relay-s3",
        credentials={"base_url": "https://ohip.test", "token": "t", "app_key": "a",
                     "hotel_id": "BERMI"},
    )  # fmt: skip
    # The deliveries themselves carry cards too.
    apaleo_hook = json.loads(fixture("apaleo/webhook_created.json"))
    apaleo_hook["note"] = f"guest card {VISA}"
    cloudbeds_hook = json.loads(fixture("cloudbeds/webhook_reservation_created.json"))
    cloudbeds_hook["cardNumber"] = AMEX
    opera_hook = json.loads(fixture("opera/event_checkin.json"))
    opera_hook["data"]["newEvent"]["detail"][0]["newValue"] = PLANTED[4]
    responses = [
        await http.post(
            apaleo,
            content=json.dumps(apaleo_hook).encode(),
            headers={"Authorization": "Basic " + base64.b64encode(b"hook:pw").decode()},
        ),
        await http.post(cloudbeds, content=json.dumps(cloudbeds_hook).encode()),
        await http.post(
            opera,
            content=json.dumps(opera_hook).encode(),
            headers={"Authorization": "Bearer relay-s3"},
        ),
    ]
    assert [r.status_code for r in responses] == [202, 202, 202], [r.text for r in responses]
    done = await settled(app, [r.json()["id"] for r in responses])
    assert [e.status for e in done] == ["processed"] * 3, [e.error for e in done]

    for path in (
        "/v1/records/apaleo/XPGMSXGF-1:guest",
        "/v1/records/cloudbeds/41028833",
        "/v1/records/opera/908172",
    ):
        record = await http.get(path, headers=tenant.auth)
        assert record.status_code == 200, record.text
        profile = await http.get(f"/v1/profiles/{record.json()['profile_id']}", headers=tenant.auth)
        responses += [record, profile]
    responses.append(await http.get("/v1/inbound-events", headers=tenant.auth))
    for response in responses:
        _assert_card_free(response.text, f"response {response.request.url.path}")
    dump = await _dump(app, tenant.tenant_id)
    _assert_card_free(dump, "the database")
    assert "[card removed]" in dump and "King bed" in dump  # planted text arrived, scrubbed
    _assert_card_free(caplog.text, "the logs")
