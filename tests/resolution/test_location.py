"""Where a guest lives: house number, street and area, each its own comparison."""

from __future__ import annotations

from typing import Any

import pytest

from app.resolution.compare import compare
from app.resolution.location import area_level, house_level, split_line, street_level
from tests.resolution.builders import guest, resolve


@pytest.mark.parametrize(
    ("line1", "house", "street"),
    [
        ("12 Oak Street", "12", "oak st"),
        ("Lindenstraße 12", "12", "linden st"),
        ("Hauptstr. 5a", "5a", "haupt st"),
        ("80 Croton Street", "80", "croton st"),
        ("Rockview", None, "rockview"),
        ("Apt 4B, 12 Oak Ave", "12", "oak ave"),
        ("12 Oak Avenue Apt 4B", "12", "oak ave"),
        ("Calle Mayor 3, 2º B", "3", "c mayor"),
        ("Via Roma, 1", "1", "via roma"),
        ("ul. Marszałkowska 10", "10", "marszalkowska"),
        ("Flat 2, 7 Elm Road", "7", "elm rd"),
        ("U Nemocnice 2", "2", "u nemocnice"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_split_line(line1: str | None, house: str | None, street: str | None) -> None:
    assert split_line(line1) == (house, street)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("12", "12", "exact"),
        ("51", "15", "typo"),  # two digits swapped
        ("132", "133", "typo"),
        ("7", "8", "else"),  # neighbours, not a slip
        ("12", "13", "else"),
        ("12", None, "null"),
    ],
)
def test_house_level(a: str, b: str | None, level: str) -> None:
    assert house_level(a, b) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("oak st", "oak st", "exact"),
        ("croton st", "crotonst", "exact"),  # "crotonstreet" after abbreviation
        ("chippindall cct", "chippindallcircuit", "jw92"),
        ("mclachlan cres", "mclachlan crescent lodge", "jw80"),
        ("oak st", "mill ln", "else"),
        (None, "oak st", "null"),
    ],
)
def test_street_level(a: str | None, b: str | None, level: str) -> None:
    assert street_level(a, b) == level


HOME = {"city": "Nambour", "postcode": "4306", "region": "QLD", "country": "AU"}


@pytest.mark.parametrize(
    ("other", "level"),
    [
        (HOME, "both"),
        ({**HOME, "city": "Nambuor"}, "both"),  # city typo
        ({**HOME, "city": "Brisbane"}, "postcode"),
        ({**HOME, "city": None}, "postcode"),
        ({**HOME, "postcode": "4360"}, "city"),  # postcode typo: the city still agrees
        ({**HOME, "postcode": "4000", "city": "Brisbane"}, "region"),
        ({"city": "Sydney", "postcode": "2000", "region": "NSW", "country": "AU"}, "country"),
        ({"city": "Berlin", "postcode": "10115", "country": "DE"}, "else"),
    ],
)
def test_area_level(other: dict[str, Any], level: str) -> None:
    assert area_level(guest(address=HOME), guest(address=other)) == level


@pytest.mark.parametrize(
    ("a", "b"),
    [("Wien", "Vienna"), ("München", "Munich"), ("Köln", "Koeln"), ("Praha", "Prague"),
     ("Frankfurt", "Frankfurt am Main"), ("Bruxelles", "Brussel"), ("København", "Copenhagen")],
)  # fmt: skip
def test_a_city_is_the_same_in_any_language(a: str, b: str) -> None:
    # OTAs send the English name, the hotel's own system the local one.
    assert area_level(guest(address={"city": a}), guest(address={"city": b})) == "city"


def test_a_typo_in_the_suburb_keeps_street_and_postcode_evidence() -> None:
    # One "finest level" comparison lost the street when the whole line did not match.
    home = {"line1": "80 Croton Street", "line2": "Rockview", **HOME}
    typo = {**home, "line1": "80 crotonstreet", "line2": "Rockvjew", "city": "Nambuor"}
    a, b = guest(address=home), guest(address=typo)
    assert (a.house, b.house) == ("80", "80")
    assert street_level(a.street, b.street) == "exact"
    assert area_level(a, b) == "both"


BOSTON = {"line1": "12 Oak Street", "city": "Boston", "postcode": "02118", "country": "US"}


@pytest.mark.parametrize(
    ("other", "house", "street"),
    [
        (BOSTON, "exact", "exact"),
        ({**BOSTON, "city": "Denver", "postcode": "80202"}, "else", "else"),  # another town
        (
            {**BOSTON, "line1": "13 Oak Street", "city": "Denver", "postcode": "80202"},
            "else",
            "else",
        ),
        ({**BOSTON, "postcode": "02181"}, "exact", "exact"),  # a postcode slip
        ({**BOSTON, "city": "Bostn", "postcode": "02110"}, "exact", "exact"),  # a city slip
        ({**BOSTON, "city": None, "postcode": "80202"}, "exact", "exact"),  # cannot tell
        (
            {**BOSTON, "line1": "40 Mill Lane", "city": "Denver", "postcode": "80202"},
            "else",
            "else",
        ),
    ],
)
def test_a_street_of_the_same_name_in_another_town_is_another_address(
    other: dict[str, Any], house: str, street: str
) -> None:
    levels = compare(guest(address=BOSTON), guest(address=other)).levels
    assert (levels["house"], levels["street"]) == (house, street)


def test_namesakes_on_same_named_streets_of_two_towns_are_not_queued_for_review() -> None:
    # Same name, same "12 Oak Street", nothing else: one town is a question for a person (a
    # father and son share both), two towns are two guests.
    name = {"first_name": "Anna", "last_name": "Weber"}
    denver = {**BOSTON, "city": "Denver", "postcode": "80202"}
    _, same_town = resolve(guest(**name, address=BOSTON), guest(**name, address=BOSTON))
    _, two_towns = resolve(guest(**name, address=BOSTON), guest(**name, address=denver))
    assert same_town[1].action == "review"
    assert two_towns[1].action == "new"
