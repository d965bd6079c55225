"""Given names borne mostly by men or mostly by women.

A couple sharing an inbox or a phone, "Christian" and "Christina" or "Mario" and "Marina", looks
to Jaro-Winkler like one guest who mistyped a name. The names' bearers say otherwise: a name
that at least 85% of its bearers are men and one that at least 85% are women belong to two
people. Names borne by both (Jean, Andrea, Kim) say nothing.

`given_genders.txt` holds such names, derived from the name-gender data of nomquamgender
(MIT licence, Copyright (c) 2022 Ian Van Buskirk; notice in the file): names seen at least
500 times, keyed as `names.name_key` keys a folded given name. To write it again (the dev
extra installs nomquamgender; tests/resolution/test_genders.py fails when the two differ):

    python -c "from app.resolution.genders import write_list; write_list()"
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

from app.resolution.names import name_key

LIST = Path(__file__).with_name("given_genders.txt")
MIN_BEARERS = 500
MOSTLY = 0.85  # share of bearers of one gender that makes a name that gender's

_NOTICE = """\
# Given names borne mostly by men (m) or by women (f): names seen at least 500 times whose
# share of women is at most 0.15 or at least 0.85. Derived from nomquamgender's name data:
#
# Copyright (c) 2022 Ian Van Buskirk
#
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software
# and associated documentation files (the "Software"), to deal in the Software without
# restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
# Software is furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in all copies or
# substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
# BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
# NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
# DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


@cache
def _names() -> dict[str, str]:
    """Name -> "m" or "f", read once (some 22,000 names)."""
    found: dict[str, str] = {}
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, gender = line.split("\t")
            found[name] = gender
    return found


def opposite_genders(a: str, b: str) -> bool:
    """True when one name is borne mostly by men and the other mostly by women."""
    names = _names()
    first, second = names.get(a), names.get(b)
    return first is not None and second is not None and first != second


def derive(name_data: dict[str, list[object]]) -> str:
    """The list's text from nomquamgender's `name_data.json` (name -> [sources, count, p(f), …]),
    keyed as given names are compared ("noelle" as "nolle"); a key two names of different
    genders fold to is left out."""
    found: dict[str, str] = {}
    for name, (_, count, share_women, *_rest) in name_data.items():
        if not (name.isascii() and name.isalpha()) or not isinstance(count, int):
            continue
        if count < MIN_BEARERS or not isinstance(share_women, float | int):
            continue
        if share_women > 1 - MOSTLY and share_women < MOSTLY:
            continue
        key, gender = name_key(name) or name, "m" if share_women < MOSTLY else "f"
        found[key] = gender if found.get(key, gender) == gender else "?"
    lines = [f"{key}\t{gender}" for key, gender in sorted(found.items()) if gender != "?"]
    return _NOTICE + "\n".join(lines) + "\n"


def nomquamgender_data() -> Path:
    """Where the installed nomquamgender keeps its name data (found, not imported: the package
    imports pandas to read a file this only needs to read)."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nomquamgender is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "name_data.json"


def write_list() -> None:
    """Derive `given_genders.txt` again from the installed nomquamgender."""
    data = json.loads(nomquamgender_data().read_text(encoding="utf-8"))
    LIST.write_text(derive(data), encoding="utf-8")
