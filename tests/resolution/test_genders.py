"""The list of men's and women's given names, and what it is derived from."""

from __future__ import annotations

import json

import pytest

from app.resolution.genders import LIST, derive, nomquamgender_data, opposite_genders


def test_the_shipped_list_is_what_nomquamgender_gives() -> None:
    data = json.loads(nomquamgender_data().read_text(encoding="utf-8"))
    assert LIST.read_text(encoding="utf-8") == derive(data)


@pytest.mark.parametrize(
    ("a", "b", "opposite"),
    [
        ("christian", "christina", True),
        ("mario", "marina", True),
        ("nol", "nolle", True),  # Noel and Noelle, keyed as given names are compared
        ("jean", "jeanne", False),  # Jean is a man's name in France, a woman's in Scotland
        ("andrea", "andreas", False),  # a woman's name mostly, a man's in Italy
        ("christina", "cristina", False),
        ("qwzx", "christina", False),  # a name the list does not know says nothing
    ],
)
def test_opposite_genders(a: str, b: str, opposite: bool) -> None:
    assert opposite_genders(a, b) is opposite
