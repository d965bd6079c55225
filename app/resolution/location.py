"""Where a guest lives, as three comparisons: house number, street and area.

Splink compares street number, street, postcode and suburb separately, and keying errors hit
them independently: a typo'd suburb must not discard an agreeing street and postcode, which a
single "finest agreeing level" comparison did. Postcode and city are one fact (the city follows
from the postcode), so they share the "area" comparison; the street and the house number add
what the area does not already say.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler
from unidecode import unidecode

from app.resolution.types import NormalisedRecord

_ADDRESS_WORDS = {
    "street": "st",
    "str": "st",
    "strasse": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "crescent": "cres",
    "boulevard": "blvd",
    "highway": "hwy",
    "terrace": "tce",
    "parade": "pde",
    "circuit": "cct",
    "close": "cl",
    "square": "sq",
    "apartment": "apt",
    "unit": "u",
    "flat": "u",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "calle": "c",
    "rue": "r",
    "rua": "r",
    "avenida": "ave",
    "parkway": "pkwy",
    "suite": "ste",
}
# Street-type words that carry nothing in their language: "ul. Marszałkowska" is Marszałkowska.
_SILENT_WORDS = frozenset({"ul", "ulica"})
# Where the flat, floor or suite begins: it and what follows are not the street.
_UNIT_WORDS = frozenset(
    {"apt", "apartment", "unit", "flat", "suite", "ste", "fl", "floor", "etage", "og", "piso"}
)
_WORDS = re.compile(r"[a-z0-9]+")
_DIGIT = re.compile(r"\d")
_jw = JaroWinkler.similarity


def _folded_words(text: str) -> list[str]:
    return _WORDS.findall(unidecode(text.replace("ß", "ss")).lower())


def _words(text: str) -> list[str]:
    return _abbreviated(_folded_words(text))


def _abbreviated(words: list[str]) -> list[str]:
    out = [_ADDRESS_WORDS.get(w, w) for w in words]
    # Compounds: "hauptstrasse", "hauptstr", "crotonstreet" -> "haupt st" / "croton st".
    return " ".join(_split_compound(w) for w in out).split()


def _split_compound(word: str) -> str:
    for suffix in ("strasse", "street", "str"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + " st"
    return word


def normalise_address(line1: str | None, line2: str | None = None) -> str | None:
    """Folded address line with common street-type words abbreviated the same way."""
    text = " ".join(p for p in (line1, line2) if p)
    return (" ".join(_words(text)) or None) if text else None


def split_line(line1: str | None) -> tuple[str | None, str | None]:
    """(house number, street) of a first address line: "12 Oak Street" -> ("12", "oak st").

    A flat or floor is dropped, before the street ("Apt 4B, 12 Oak Ave") or after it ("Calle
    Mayor 3, 2º B", "12 Oak Ave Apt 4B").
    """
    if not line1:
        return None, None
    words: list[str] = []
    for part in line1.replace(";", ",").split(","):
        folded = [w for w in _folded_words(part) if w not in _SILENT_WORDS]
        if not folded or folded[0] in _UNIT_WORDS:
            continue
        cut = next((i for i, w in enumerate(folded) if w in _UNIT_WORDS), len(folded))
        found = _abbreviated(folded[:cut])
        numbered = any(_DIGIT.search(w) for w in words)
        if numbered and all(len(w) <= 3 for w in found):
            continue  # "2º B" after "Calle Mayor 3": the flat, not the house
        words.extend(found)
    numbers = [w for w in words if _DIGIT.search(w)]
    street = " ".join(w for w in words if not _DIGIT.search(w))
    return (numbers[0] if numbers else None), (street or None)


def house_level(a: str | None, b: str | None) -> str:
    """House number: exact, typo (one keystroke) or else."""
    if not a or not b:
        return "null"
    if a == b:
        return "exact"
    # Short numbers are one keystroke apart by chance (7 and 8): only a swap counts there.
    swapped = len(a) == len(b) == 2 and a == b[::-1]
    slip = max(len(a), len(b)) >= 3 and OSA.distance(a, b, score_cutoff=1) <= 1
    return "typo" if swapped or slip else "else"


def street_level(a: str | None, b: str | None) -> str:
    """Street name: exact, jw92, jw80 or else (word order and compounds tolerated)."""
    if not a or not b:
        return "null"
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return "exact"
    if _jw(a, b) >= 0.92 or fuzz.token_sort_ratio(a, b, score_cutoff=92):
        return "jw92"
    if _jw(a, b) >= 0.8 or fuzz.token_set_ratio(a, b, score_cutoff=90):
        return "jw80"
    return "else"


def _same_city(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a == b or bool(fuzz.ratio(a, b, score_cutoff=85))


def area_level(a: NormalisedRecord, b: NormalisedRecord) -> str:
    """Postcode and city: both, postcode, city, region, country or else."""
    postcode = a.postcode == b.postcode if a.postcode and b.postcode else None
    city = _same_city(a.city, b.city)
    if postcode and city is not False:
        return "both" if city else "postcode"
    if postcode or city:
        # One of them agrees: the other is a typo (FEBRL) or missing; a guest who moved within
        # the city gets a new postcode too.
        return "postcode" if postcode else "city"
    if a.region and b.region and a.region == b.region and a.country == b.country:
        return "region"
    if a.country and b.country:
        return "country" if a.country == b.country else "else"
    if postcode is False or city is False:
        return "else"
    return "null"


# Below this similarity two city names are two cities, not one name misspelt.
_OTHER_CITY = 70


def elsewhere(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """Both records give a postcode and a city, and both differ by more than a slip of the
    keyboard: two places, where a street of the same name is another street."""
    if not (a.postcode and b.postcode and a.city and b.city):
        return False
    if OSA.distance(a.postcode, b.postcode, score_cutoff=2) < 2:
        return False
    return not fuzz.ratio(a.city, b.city, score_cutoff=_OTHER_CITY)
