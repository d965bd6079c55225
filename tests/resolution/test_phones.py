"""One cached phone reading answers what validation and normalising each asked libphonenumber."""

from __future__ import annotations

import re

import phonenumbers
import pytest

from app.ingest.validation import _plausible_phone
from app.resolution.normalise import normalise_phone
from app.resolution.phones import read_phone

PHONES = [
    ("+49 30 1234567", []),
    ("+4915112345678", ["DE"]),  # hints do not matter to a "+" number
    ("+49 (0)30 1234567", []),
    ("+49 30 1234567 ext. 12", []),
    ("+39 06 1234 5678", []),  # Italian leading zero
    ("+1 201-555-0123", []),  # fixed line or mobile: not a plain fixed line
    ("+44 20 7946 0958", []),
    ("+44 7400 123456", []),
    ("+1 800 FLOWERS", []),
    ("+999 123456", []),  # no such country code
    ("++49 30 1234567", []),
    ("+49 1", []),
    ("+", []),
    ("0049 30 1234567", []),
    ("030 1234567", ["DE"]),
    ("030 1234567", ["FR", "DE"]),
    ("07400 123456", ["GB"]),
    ("(201) 555-0123", ["US"]),
    ("555 123 4567", []),
    ("12345", ["DE"]),
    ("٣٠١٢٣٤٥٦٧", ["EG"]),  # Arabic-Indic digits
]


def _old_normalise(raw: str, regions: list[str]) -> tuple[str | None, str | None, bool]:
    """The reading as normalise() made it before the cache: up to three parses."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = re.sub(r"\D", "", text)
    if len(digits) < 6:
        return None, None, False
    fallback: str | None = None
    for region in [*regions, None] if not text.startswith("+") else [None]:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        nsn = phonenumbers.national_significant_number(parsed)
        if phonenumbers.is_valid_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            kind = phonenumbers.number_type(phonenumbers.parse(e164))
            return e164, nsn, kind == phonenumbers.PhoneNumberType.FIXED_LINE
        fallback = fallback or nsn
    return None, fallback or digits.lstrip("0"), False


def _old_possible(raw: str) -> bool:
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(raw, None)))
    except phonenumbers.NumberParseException:
        return False


@pytest.mark.parametrize(("raw", "regions"), PHONES)
def test_the_reading_equals_the_separate_parses(raw: str, regions: list[str]) -> None:
    e164, nsn, fixed = _old_normalise(raw, regions)
    assert normalise_phone(raw, regions) == (e164, nsn)
    if e164 is not None:
        assert read_phone(raw, regions).fixed == fixed
    if raw.startswith("+"):
        assert read_phone(raw, ()).possible == _old_possible(raw)


def test_a_fixed_line_is_told_from_a_mobile() -> None:
    assert read_phone("+49 30 1234567", []).fixed
    assert not read_phone("+4915112345678", []).fixed


def test_validation_and_normalising_share_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "+49 30 7654321"
    assert _plausible_phone(raw)
    calls: list[object] = []
    parse = phonenumbers.parse
    monkeypatch.setattr(phonenumbers, "parse", lambda *a: calls.append(a) or parse(*a))
    assert normalise_phone(raw, ["DE"]) == ("+49307654321", "307654321")
    assert calls == []


@pytest.mark.parametrize(
    "raw",
    [
        "+49 (0)1600 7288279 ext 2636",
        "00351 925 651 668 ext. 2940",
        "+44 20 7946 0958 x123",
        "0082 10 6988 1896 ext 2622",
    ],
)
def test_an_extension_does_not_make_an_office_number_too_long(raw: str) -> None:
    assert _plausible_phone(raw)
    assert read_phone(raw, []).e164 is not None


def test_too_many_digits_without_an_extension_are_still_refused() -> None:
    assert not _plausible_phone("+49 1600 7288279 2636 1234")
