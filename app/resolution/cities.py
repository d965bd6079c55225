"""One name per city: the name its own country uses, for the English and other names of it.

OTAs send "Vienna", "Munich", "Prague"; the hotel's own system records "Wien", "München",
"Praha". Names are folded (ASCII lower case): "München" is "munchen".
"""

from __future__ import annotations

# The local name first, then the names that stand for it, comma-separated.
_TABLE = """
wien, vienna
munchen, munich, muenchen
koln, cologne, koeln
nurnberg, nuremberg
hannover, hanover
frankfurt, frankfurt am main
praha, prague, prag
roma, rome, rom
milano, milan, mailand
firenze, florence
napoli, naples
venezia, venice
torino, turin
genova, genoa
lisboa, lisbon
bruxelles, brussels, brussel
antwerpen, antwerp, anvers
gent, ghent
den haag, the hague
geneve, geneva, genf
luzern, lucerne
kobenhavn, copenhagen
goteborg, gothenburg
warszawa, warsaw
krakow, cracow
moskva, moscow
kyiv, kiev
bucuresti, bucharest
beograd, belgrade
athina, athens
sevilla, seville
marseille, marseilles
lyon, lyons
"""


def _build() -> dict[str, str]:
    names: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        local, *others = (name.strip() for name in line.split(","))
        names.update(dict.fromkeys(others, local))
    return names


_LOCAL_NAME = _build()


def canonical_city(folded: str | None) -> str | None:
    """One name per city: "vienna" and "wien" are "wien"."""
    return _LOCAL_NAME.get(folded, folded) if folded else None
