"""One libphonenumber reading per written phone number, shared by validation and normalising."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

# Parsing is most of the cost of preparing a record; a guest's number recurs across her records.
_READINGS = 65536
# libphonenumber compiles its metadata's patterns on use through the re module's cache of 512,
# which a server shares with every other library: in the online bench patterns were compiled
# again and again (about 4% of preparing a record). Kept once compiled instead (a few hundred,
# bounded by the metadata).
phonenumbers.enable_pattern_cache()


@dataclass(frozen=True, slots=True)
class PhoneReading:
    """What libphonenumber makes of one written number, given the record's region hints."""

    possible: bool  # a "+" number of a possible length (what ingest validation asks); else False
    e164: str | None  # set when some region hint gives a valid number
    nsn: str | None  # national significant digits of that valid parse, else of the first parse
    fixed: bool  # the valid number is a fixed line


def read_phone(raw: str, regions: Sequence[str]) -> PhoneReading:
    """The reading of `raw` ("00" read as "+"); hints are tried in order, then none."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    # A "+" number names its country and is read without hints: validation (which has none) and
    # normalising then share one cache entry.
    return _read(text, () if text.startswith("+") else tuple(regions))


@lru_cache(maxsize=_READINGS)
def _read(text: str, regions: tuple[str, ...]) -> PhoneReading:
    possible = False
    fallback_nsn: str | None = None
    for region in [*regions, None]:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if text.startswith("+"):
            possible = phonenumbers.is_possible_number(parsed)
        nsn = phonenumbers.national_significant_number(parsed)
        if phonenumbers.is_valid_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            fixed = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE
            return PhoneReading(possible, e164, nsn, fixed)
        fallback_nsn = fallback_nsn or nsn
    return PhoneReading(possible, None, fallback_nsn, False)
