"""Thin webhooks → the entity they name, read from a local fake of the vendor's API."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors import apaleo, fetchers
from connectors.apaleo import ApaleoConnector
from connectors.cloudbeds import CloudbedsConnector
from connectors.http import SourceError
from connectors.oauth import ApiAuth
from connectors.opera import OperaConnector
from tests.connectors.conftest import fixture
from tests.connectors.fakes import Sleeps


def _client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


async def test_apaleo_reservation_webhook_fetches_the_reservation_with_its_booker() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers["authorization"] != "Bearer tok":
            return httpx.Response(401)
        return httpx.Response(200, content=fixture("apaleo/reservation_new.json"))

    target = apaleo.entity_to_fetch(fixture("apaleo/webhook_created.json"))
    assert target is not None
    auth = ApiAuth("apaleo", {"token": "tok"}, sleep=Sleeps())
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.apaleo(client, auth, target)
    assert seen[0].url.path == "/booking/v1/reservations/XPGMSXGF-1"
    assert seen[0].url.params["expand"] == "booker"
    records = ApaleoConnector().parse(payload)
    assert [r.source_record_id for r in records] == ["XPGMSXGF-1:guest", "XPGMSXGF:booker"]


async def test_apaleo_booking_webhook_fetches_the_bookings_reservations() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        listed = {"reservations": [json.loads(fixture("apaleo/reservation_modified.json"))]}
        return httpx.Response(200, json={**listed, "count": 1})

    target = apaleo.entity_to_fetch(fixture("apaleo/webhook_booking_changed.json"))
    assert target is not None and (target.topic, target.entity_id) == ("booking", "XPGMSXGF")
    auth = ApiAuth("apaleo", {"token": "tok"}, sleep=Sleeps())
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.apaleo(client, auth, target)
    assert seen[0].url.path == "/booking/v1/reservations"
    assert seen[0].url.params["bookingId"] == "XPGMSXGF"
    assert {r.source_record_id for r in ApaleoConnector().parse(payload)} >= {"XPGMSXGF:booker"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"topic": "system", "type": "healthcheck", "id": "x"}',
        b'{"topic": "Folio", "type": "created", "data": {"entityId": "F-1"}}',
        b'{"topic": "Booking", "type": "deleted", "data": {"entityId": "XPGMSXGF"}}',
        b'{"topic": "Reservation", "type": "created", "data": {}}',
    ],
)
def test_apaleo_webhooks_that_name_nothing_to_read(body: bytes) -> None:
    assert apaleo.entity_to_fetch(body) is None


async def test_cloudbeds_guest_webhook_fetches_get_guest_and_keeps_the_id() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        data = json.loads(fixture("cloudbeds/guest_profile.json"))
        del data["data"]["guestID"]  # getGuest does not repeat the id
        return httpx.Response(200, json=data)

    named = CloudbedsConnector().entity_to_fetch(
        fixture("cloudbeds/webhook_guest_details_changed.json")
    )
    assert named == ("guest", "41028833")
    auth = ApiAuth("cloudbeds", {"api_key": "cbat_k", "base_url": "https://cb.test/api/v1.2"})
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.cloudbeds(client, auth, *named)
    assert seen[0].url.path == "/api/v1.2/getGuest" and seen[0].headers["x-api-key"] == "cbat_k"
    assert seen[0].url.params["guestID"] == "41028833"
    [record] = CloudbedsConnector().parse(payload)
    assert (record.source_record_id, record.last_name) == ("41028833", "Müller")


async def test_cloudbeds_reservation_webhook_and_a_refusal() -> None:
    answers = [
        httpx.Response(200, content=fixture("cloudbeds/reservation_new.json")),
        httpx.Response(200, json={"success": False, "message": "Reservation not found"}),
    ]

    def api(request: httpx.Request) -> httpx.Response:
        assert request.url.path.endswith("/getReservation")
        assert request.url.params["reservationID"] == "5129837201"
        return answers.pop(0)

    named = CloudbedsConnector().entity_to_fetch(
        fixture("cloudbeds/webhook_reservation_created.json")
    )
    assert named == ("reservation", "5129837201")
    auth = ApiAuth("cloudbeds", {"access_token": "at"})
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.cloudbeds(client, auth, *named)
        with pytest.raises(ValueError, match="not found"):
            await fetchers.cloudbeds(client, auth, *named)
    [record] = CloudbedsConnector().parse(payload)
    assert record.stay is not None and record.stay.reservation_id == "5129837201"


OHIP = {"base_url": "https://ohip.test", "token": "t", "app_key": "app", "hotel_id": "BERMI"}


async def test_opera_check_in_event_fetches_the_reservation() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=fixture("opera/reservation_detail.json"))

    event = OperaConnector().entity_to_fetch(fixture("opera/event_checkin.json"))
    assert event == ("reservation", "773401", "BERMI")
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.opera(client, ApiAuth("opera", OHIP), *event)
    assert seen[0].url.path == "/rsv/v1/hotels/BERMI/reservations/773401"
    assert seen[0].headers["x-hotelid"] == "BERMI" and seen[0].headers["x-app-key"] == "app"
    [record] = OperaConnector().parse(payload)
    assert record.source_record_id == "908172"
    assert record.stay is not None and record.stay.reservation_id == "773401"


async def test_opera_profile_event_fetches_the_profile() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=fixture("opera/profile_changed.json"))

    event = OperaConnector().entity_to_fetch(fixture("opera/event_profile_changed.json"))
    assert event == ("profile", "908172", "BERMI")
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.opera(client, ApiAuth("opera", OHIP), *event)
    assert seen[0].url.path == "/crm/v1/profiles/908172"
    assert "Preference" in seen[0].url.params.get_list("fetchInstructions")
    [record] = OperaConnector().parse(payload)
    assert record.email == "anna@mueller-consulting.de"


async def test_a_fetch_for_an_unknown_entity_is_a_404_source_error() -> None:
    event = OperaConnector().entity_to_fetch(fixture("opera/event_checkin.json"))
    assert event is not None
    async with _client(httpx.MockTransport(lambda _: httpx.Response(404))) as client:
        with pytest.raises(SourceError) as err:
            await fetchers.opera(client, ApiAuth("opera", OHIP), *event)
    assert err.value.status == 404


async def test_mews_webhook_ids_are_fetched_with_the_reservation_owners() -> None:
    bodies: list[dict[str, object]] = []

    def api(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if request.url.path.endswith("/customers/getAll"):
            return httpx.Response(200, content=fixture("mews/customer_new.json"))
        return httpx.Response(200, content=fixture("mews/reservation_new.json"))

    creds = {"client_token": "ct", "access_token": "at", "base_url": "https://mews.test"}
    async with _client(httpx.MockTransport(api)) as client:
        payload = await fetchers.mews(client, creds, ["c-1"], ["r-1"], sleep=Sleeps())
    assert bodies[0]["ReservationIds"] == ["r-1"]
    assert bodies[1]["CustomerIds"] == ["c-1", "c2f1d888-232e-49eb-87ac-5f75363af13b"]
    assert set(json.loads(payload)) == {"Customers", "Reservations"}
