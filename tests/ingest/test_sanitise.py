"""The ingest sanitiser removes card numbers wherever they are written, and only them."""

from __future__ import annotations

from typing import Any

import pytest

from app.ingest.sanitise import sanitise
from connectors.base import GuestRecord
from connectors.cards import REDACTED, luhn_valid

SECRET = "s" * 32

# Mobiles of 13 digits that start with a card prefix (4, 5, 6) and pass the Luhn check: the
# shape of a Visa or Mastercard number once the "+" is ignored.
LUHN_VALID_PHONES = [
    "+4915112345678",  # DE
    "+4917698765402",  # DE
    "+5511987654309",  # BR
    "+6281234567808",  # ID
    "+4367612345602",  # AT
]
PHONES = [
    *LUHN_VALID_PHONES,
    "+49 1511 2345678",
    "+49-151-12345678",
    "+49.151.12345678",
    "+49 15112345678",
    "0049 1511 2345678",
    "01511 2345678",
    "+55 11 98765-4309",
    "+62 812-3456-7808",
    "+43 676 12345602",
    "+44 7911 123456",
    "+1 415 555 2671",
    "+33 6 12 34 56 78",
    "+81 90-1234-5678",
]
CARDS = [
    "4111 1111 1111 1111",
    "4111111111111111",
    "4012888888881881",
    "5555-5555-5555-4444",
    "3782 822463 10005",
    "+4111 1111 1111 1111",  # 16 digits: longer than any phone number, "+" or not
]


def _record(**fields: Any) -> GuestRecord:
    return GuestRecord.model_validate({"source": "pms", "source_record_id": "R-1", **fields})


def test_the_table_holds_what_it_says() -> None:
    assert all(luhn_valid(p[1:]) and p[1] in "456" for p in LUHN_VALID_PHONES)


@pytest.mark.parametrize("phone", PHONES)
def test_a_real_phone_survives(phone: str) -> None:
    out = sanitise(_record(phone=phone, special_requests=f"call {phone} on arrival"), SECRET)
    assert out.phone == phone
    assert out.special_requests == f"call {phone} on arrival"


@pytest.mark.parametrize("card", CARDS)
@pytest.mark.parametrize(
    ("field", "template"),
    [
        ("phone", "{card}"),
        ("phone", "+49 30 1234567 {card}"),
        ("special_requests", "pay with {card} please"),
        ("special_requests", "tel +4915112345678, card {card}"),
    ],
)
def test_a_card_number_is_removed(card: str, field: str, template: str) -> None:
    out = sanitise(_record(**{field: template.format(card=card)}), SECRET)
    # A "+" typed before the card is not part of the number and stays.
    plus = "+" if card.startswith("+") else ""
    assert getattr(out, field) == template.format(card=plus + REDACTED)


@pytest.mark.parametrize("control", ["\x1f", "\x07", "\x0b", "\x1b"])
def test_a_card_split_by_a_control_character_is_removed(control: str) -> None:
    out = sanitise(_record(special_requests=f"pay 4111 1111{control} 1111 1111"), SECRET)
    assert out.special_requests == f"pay {REDACTED}"
