"""The OpenTravel parser reads the sample messages AlpineBits publishes, not only our fixtures."""

from __future__ import annotations

import json
from datetime import date

from connectors.opentravel import OpenTravelConnector
from tests.connectors.conftest import fixture

RESERVATION = "opentravel/alpinebits_published_reservation.xml"
REQUEST = "opentravel/alpinebits_published_request.xml"


def test_the_published_reservation_sample() -> None:
    [record] = OpenTravelConnector().parse(fixture(RESERVATION))
    assert record.source_record_id == "6b34fe24ac2ff810:1"
    assert (record.title, record.first_name, record.last_name) == ("Herr", "Otto", "Mustermann")
    assert record.email == "otto.mustermann@example.com" and record.email_masked is False
    # Three numbers: voice, fax, mobile — the mobile is the person's.
    assert record.phone == "+4934567893"
    assert (record.gender, record.language) == ("male", "de")
    assert record.date_of_birth == date(1980, 1, 1)
    assert record.address is not None and record.address.city == "Musterstadt"
    assert record.special_requests == "Sind Hunde erlaubt? Mfg. Otto Mustermann."
    # CreateDateTime with its +01:00 offset, as a UTC version that orders as text.
    assert record.updated_at == "2012-03-21T14:00:00Z"
    # A request for "5 nights within 1-12 January" names no dates: no stay is invented.
    assert record.stay is None


def test_the_published_request_sample() -> None:
    [record] = OpenTravelConnector().parse(fixture(REQUEST))
    assert (record.first_name, record.last_name, record.property_id) == (
        "Otto",
        "Mustermann",
        "123",
    )
    assert record.gender is None  # "Unknown" says nothing
    assert record.address is not None and record.address.country == "DE"
    assert record.email is None and record.phone is None


def test_the_card_in_the_published_sample_never_comes_out() -> None:
    raw = fixture(RESERVATION).decode()
    assert "4444333322221111" in raw  # the sample really carries a card
    records = OpenTravelConnector().parse(fixture(RESERVATION))
    out = json.dumps([r.model_dump(mode="json") for r in records])
    assert "4444333322221111" not in out and "cardnumber" not in out.lower()
