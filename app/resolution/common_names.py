"""Approximate frequencies of very common given and family names, for a tenant with no data.

Only names more frequent than the average make it into the tables: the shipped model must
make Smith and Maria count less, never make an unlisted name count more. Frequencies follow
rank (a Zipf-like curve), which is close enough for a prior; training replaces them.
"""

from __future__ import annotations

from app.resolution.names import name_key

_FAMILY = """
smith muller garcia wang li zhang nguyen kim lee schmidt johnson williams brown jones miller
davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson
martin perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king
wright scott torres hill green adams nelson baker hall rivera campbell mitchell carter roberts
schneider fischer weber meyer wagner becker schulz hoffmann bernard dubois durand leroy moreau
simon laurent lefebvre michel rossi russo ferrari esposito bianchi romano silva santos ferreira
pereira oliveira costa rodrigues fernandez gomez diaz ruiz alvarez moreno munoz romero jimenez
singh kumar patel sharma chen liu yang huang zhao wu zhou tanaka suzuki sato park choi jung
nowak kowalski jansen devries peeters andersson johansson nielsen hansen jensen ivanov murphy
kelly walsh
"""
_GIVEN = """
maria john david michael james robert jose anna william mary thomas daniel peter paul mark
richard juan carlos luis antonio elizabeth sarah laura jennifer linda patricia susan barbara
jessica karen lisa nancy emma sophie marie julia christian andreas stefan thomas alexander
martin michael jean pierre francois nicolas philippe marco giuseppe giovanni francesco
ana carmen isabel manuel francisco javier miguel ahmed mohammed ali wei li chris joseph
charles christopher matthew anthony andrew joshua kevin brian george edward ronald timothy
jason jeffrey ryan jacob gary nicholas eric stephen jonathan larry justin scott brandon
"""


def _table(text: str, top: float, floor: float) -> dict[str, float]:
    table: dict[str, float] = {}
    for rank, name in enumerate(text.split(), start=1):
        key = name_key(name)
        freq = top / rank**0.5
        if key and key not in table and freq > floor:
            table[key] = freq
    return table


COMMON_FAMILY: dict[str, float] = _table(_FAMILY, top=0.008, floor=0.001)
COMMON_GIVEN: dict[str, float] = _table(_GIVEN, top=0.03, floor=0.01)
