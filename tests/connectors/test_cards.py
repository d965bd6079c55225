"""Card data never survives a connector: not in records, not in the stored raw bytes."""

from __future__ import annotations

import json
import random
import re
from itertools import cycle
from typing import Any

import pytest

from connectors.cards import (
    REDACTED,
    _strip_card_numbers,
    luhn_valid,
    may_hold_card_number,
    sanitise_raw,
    scrub,
    strip_card_numbers,
)
from connectors.registry import CONNECTORS
from tests.connectors.conftest import FIXTURES

CARDS = [
    "4111 1111 1111 1111",  # Visa, spaces
    "4012888888881881",  # Visa, bare
    "5555-5555-5555-4444",  # Mastercard, dashes
    "5105.1051.0510.5100",  # Mastercard, dots
    "2223 0000 4841 0010",  # Mastercard 2-series
    "3782 822463 10005",  # Amex 4-6-5
    "371449635398431",  # Amex, bare
]
CVC = "8173"
FREE_TEXT = {
    "guestcomment", "specialrequests", "dietaryrequirements", "firstname", "givenname",
    "given_name", "guestfirstname", "lastname", "surname", "family_name", "phone",
    "phonenumber", "name",
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 exp 12/28", f"card {REDACTED} exp 12/28"),
        ("4111-1111-1111-1111 2026-12-01", f"{REDACTED} 2026-12-01"),
        ("amex 3782 822463 10005.", f"amex {REDACTED}."),
        ("+49 30 1234567", "+49 30 1234567"),
        ("+1 555 1234 5678", "+1 555 1234 5678"),
        # A German mobile that passes Luhn: digits right after a "+" are a phone number...
        ("tel:+4915112345678", "tel:+4915112345678"),
        # ...a card typed after the phone is still found, and 16 digits are no phone number.
        ("+49 30 1234567 4111 1111 1111 1111", f"+49 30 1234567 {REDACTED}"),
        ("+4111111111111111", f"+{REDACTED}"),
        ("2026-12-01/2026-12-04", "2026-12-01/2026-12-04"),
        ("R-1001 4012345678", "R-1001 4012345678"),
        ("4111111111111112", "4111111111111112"),  # fails Luhn: not a card
        ("12345678901234567890123", "12345678901234567890123"),  # too long
        ("00000000000000", "00000000000000"),  # Luhn-valid but no card prefix
        # A Mews UUID whose middle groups read as a Luhn-valid 4-4-4-4 number: an id, kept.
        ("ba506436-6393-4564-9420-6408f7c50a88", "ba506436-6393-4564-9420-6408f7c50a88"),
        (
            "4111 1111 1111 1111 on BA506436-6393-4564-9420-6408F7C50A88, 4111111111111111",
            f"{REDACTED} on BA506436-6393-4564-9420-6408F7C50A88, {REDACTED}",
        ),
    ],
)
def test_strip_card_numbers(text: str, expected: str) -> None:
    assert strip_card_numbers(text) == expected


@pytest.mark.parametrize("card", CARDS)
@pytest.mark.parametrize("before", ["pay with ", "+49 30 1234567 ", "+"])
def test_the_cheap_precheck_never_misses_a_card(card: str, before: str) -> None:
    text = f'{{"special_requests": "{before}{card} please"}}'
    assert may_hold_card_number(text) or strip_card_numbers(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "+49 30 1234567",
        "+4915112345678",
        "2026-12-01/2026-12-04",
        "R-1001 room 12",
        "01517 2578452",
    ],
)
def test_the_cheap_precheck_lets_ordinary_text_through(text: str) -> None:
    assert not may_hold_card_number(text)


def test_luhn() -> None:
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


def test_scrub_drops_card_fields_recursively() -> None:
    data = {"a": [{"CVC": "1", "Card_Number": "2", "x": "ok"}], "SeriesCode": "3", "cvv2": 4}
    assert scrub(data) == {"a": [{"x": "ok"}]}


def _plant_json(value: Any, cards: Any, nest: bool) -> Any:
    if isinstance(value, dict):
        out = {k: _plant_json(v, cards, nest) for k, v in value.items()}
        for k, v in out.items():
            if isinstance(v, str) and k.lower() in FREE_TEXT:
                out[k] = f"{v} {next(cards)}"
        out.update({"CVC": CVC, "cardNumber": next(cards)})
        if nest:  # our own format forbids unknown keys, vendors' do not
            out["paymentCard"] = {"cvv": CVC, "number": next(cards)}
        return out
    if isinstance(value, list):
        return [_plant_json(v, cards, nest) for v in value]
    return value


def _plant_xml(text: str, cards: Any) -> str:
    card = (
        f'<Guarantee><GuaranteesAccepted><GuaranteeAccepted><PaymentCard CardCode="VI" '
        f'CardNumber="{next(cards)}" SeriesCode="{CVC}"><CardNumber><PlainText>{next(cards)}'
        f"</PlainText></CardNumber><SeriesCode><PlainText>{CVC}</PlainText></SeriesCode>"
        f"</PaymentCard></GuaranteeAccepted></GuaranteesAccepted></Guarantee>"
    )
    text = re.sub(r"<ResGlobalInfo>", "<ResGlobalInfo>" + card, text)
    text = re.sub(r"</GivenName>", lambda _: f" {next(cards)}</GivenName>", text)
    return re.sub(r"</Text>", lambda _: f" paid with {next(cards)}</Text>", text)


def _fixtures() -> list[tuple[str, str]]:
    names = {"generic": "import", "opentravel": "ota"}
    return [
        (names.get(p.parent.name, p.parent.name), str(p.relative_to(FIXTURES)))
        for p in sorted(FIXTURES.glob("*/*"))
        if p.suffix in {".json", ".xml"} and "records" not in p.name
    ]


def _leaks(text: str) -> list[str]:
    flat = re.sub(r"[ .\-]", "", text)
    found = [c for c in CARDS if re.sub(r"[ .\-]", "", c) in flat]
    if re.search(r"(?i)\b(cvc|cvv|seriescode)\b|" + CVC, text):
        found.append("cvc")
    return found


@pytest.mark.parametrize(("name", "path"), _fixtures())
def test_no_card_data_survives(name: str, path: str) -> None:
    original = (FIXTURES / path).read_text()
    assert CVC not in original
    cards = cycle(CARDS)
    if path.endswith(".xml"):
        planted = _plant_xml(original, cards).encode()
    else:
        planted = json.dumps(_plant_json(json.loads(original), cards, name != "import")).encode()
    assert _leaks(planted.decode())  # the plant took

    records = CONNECTORS[name]().parse(planted)
    assert len(records) == len(CONNECTORS[name]().parse(original.encode()))
    for record in records:
        assert not _leaks(record.model_dump_json())
    assert not _leaks(sanitise_raw(planted).decode())


@pytest.mark.parametrize(
    "body",
    [
        b"cvv=8173&card_number=4111111111111111&name=Anna",
        b'{"broken json", "cvc": "8173", "pan": "5555 5555 5555 4444"',
        b'{"a": 1, "SeriesCode": "8173"}\n{"b": "4012888888881881"}\n',
        b"<OTA><PaymentCard CardNumber='4111111111111111' SeriesCode='8173'/></OTA>",
        b"<broken <PaymentCard CardNumber='4111111111111111' SeriesCode='8173'>",
    ],
)
def test_sanitise_raw_formats(body: bytes) -> None:
    out = sanitise_raw(body).decode()
    flat = re.sub(r"[ .\-]", "", out)
    assert "4111111111111111" not in flat and "5555555555554444" not in flat
    assert "4012888888881881" not in flat and CVC not in out


def test_a_control_character_inside_a_card_number_does_not_hide_it() -> None:
    assert scrub({"note": "card 4111\x00 1111 1111 1111"}) == {"note": f"card {REDACTED}"}
    stored = sanitise_raw(b'{"note": "card 4111\\u0000 1111\\u0007 1111 1111"}')
    assert b"1111" not in stored and REDACTED.encode() in stored


def test_the_cheap_precheck_never_changes_what_is_removed() -> None:
    # Texts built from card numbers, phones, digits, separators, "+" and UUIDs, cut and joined
    # at random: the full scan finds nothing the pre-check let through.
    rng = random.Random(7)
    pieces = [
        *CARDS, "+4915112345678", "+49 30 1234567", "+4111111111111111",
        "ba506436-6393-4564-9420-6408f7c50a88", "4", "0", "9", " ", "-", ".", "+", "a", "/",
    ]  # fmt: skip
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        text = text[rng.randint(0, 3) :]
        assert strip_card_numbers(text) == _strip_card_numbers(text), text
