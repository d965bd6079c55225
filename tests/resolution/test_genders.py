"""The list of men's and women's given names, and what it is derived from."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from app.resolution.genders import LIST, derive, opposite_genders


def test_the_shipped_list_is_what_nomquamgender_gives() -> None:
    # Located, not imported: the package imports pandas to read a file we only need to read.
    spec = importlib.util.find_spec("nomquamgender")
    assert spec is not None and spec.submodule_search_locations, "dev extra not installed"
    data = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    assert LIST.read_text(encoding="utf-8") == derive(json.loads(data.read_text()))


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
