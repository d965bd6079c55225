"""Country names, alpha-3 codes and local spellings mapped to ISO 3166-1 alpha-2."""

from __future__ import annotations

import re

import phonenumbers
from unidecode import unidecode

# alpha-2: alpha-3 and names in English / local / German / French / Spanish, the spellings
# PMS free-text fields actually carry. Every alpha-2 known to phonenumbers is also accepted.
_TABLE = """
AT AUT austria osterreich oesterreich autriche
AU AUS australia australie
BE BEL belgium belgique belgie belgien belgica
BG BGR bulgaria bulgarien bulgarie
BR BRA brazil brasil bresil brasilien
CA CAN canada kanada
CH CHE switzerland schweiz suisse svizzera suiza
CL CHL chile chili
CN CHN china chine volksrepublik_china peoples_republic_of_china
CO COL colombia kolumbien colombie
CZ CZE czech_republic czechia tschechien republique_tcheque cesko
DE DEU germany deutschland allemagne alemania germania bundesrepublik_deutschland
DK DNK denmark danmark danemark dinamarca daenemark
EE EST estonia estland
EG EGY egypt agypten aegypten egypte egipto
ES ESP spain espana espagne spanien
FI FIN finland suomi finnland finlande
FR FRA france frankreich francia
GB GBR united_kingdom uk great_britain britain england scotland wales northern_ireland
GB GBR grossbritannien royaume_uni reino_unido vereinigtes_konigreich
GR GRC greece griechenland grece grecia hellas
HK HKG hong_kong
HR HRV croatia kroatien hrvatska croatie
HU HUN hungary ungarn hongrie magyarorszag
ID IDN indonesia indonesien indonesie
IE IRL ireland irland irlande eire
IL ISR israel
IN IND india indien inde
IS ISL iceland island islande
IT ITA italy italia italien italie
JP JPN japan japon nippon
KR KOR south_korea korea republic_of_korea sudkorea coree_du_sud
LT LTU lithuania litauen
LU LUX luxembourg luxemburg
LV LVA latvia lettland
MA MAR morocco marokko maroc marruecos
MX MEX mexico mexiko mexique
MY MYS malaysia
NL NLD netherlands the_netherlands holland nederland niederlande pays_bas paises_bajos
NO NOR norway norge norwegen norvege noruega
NZ NZL new_zealand neuseeland nouvelle_zelande
PH PHL philippines philippinen
PL POL poland polska polen pologne polonia
PT PRT portugal
RO ROU romania rumanien rumaenien roumanie
RU RUS russia russian_federation russland russie rusia
SA SAU saudi_arabia
SE SWE sweden sverige schweden suede suecia
SG SGP singapore singapur
SI SVN slovenia slowenien
SK SVK slovakia slowakei
TH THA thailand
TR TUR turkey turkiye turkei turquie turquia
TW TWN taiwan
UA UKR ukraine
US USA united_states united_states_of_america us america vereinigte_staaten etats_unis
US USA estados_unidos
VN VNM vietnam viet_nam
AE ARE united_arab_emirates uae
AR ARG argentina argentinien argentine
ZA ZAF south_africa sudafrika afrique_du_sud
"""


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        table[region.lower()] = region
    for line in _TABLE.strip().splitlines():
        code, *names = line.split()
        table[code.lower()] = code
        for name in names:
            table[name.lower().replace("_", " ")] = code
    # Codes that are not ISO alpha-2 but are common in the wild.
    table["uk"] = "GB"
    return table


_COUNTRIES = _build()
_NON_ALPHA = re.compile(r"[^a-z]+")


def country_code(value: str | None) -> str | None:
    """ISO alpha-2 for a code, alpha-3 or a (local) country name; None if unknown."""
    if not value:
        return None
    folded = _NON_ALPHA.sub(" ", unidecode(value).lower()).strip()
    if not folded:
        return None
    found = _COUNTRIES.get(folded)
    if found is None and folded.startswith("the "):
        found = _COUNTRIES.get(folded[4:])
    return found
