"""Habits of real hotel data that the people and their records alone do not produce.

- Couples whose given names are one name's two forms (Christian and Christina Weber), who
  share a family name, a home and often a phone or an inbox.
- Front desks that fill a field the guest left empty: the PMS insists on an email, so every
  guest without one gets the same stand-in (noemail@…, the hotel's own reception address),
  and some desks type the hotel's own phone number or a row of zeros for a missing phone.
- Systems that sort a Spanish or Portuguese guest's two surnames the other way round.

They draw from their own random stream, so the rest of the data set does not change with them.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from hotel_people import Person, make_email, make_landline
from hotel_records import PMS_SOURCES, PROPERTIES

# (man's name, woman's name): one name's two forms, per country of the couple.
LOOK_ALIKE: dict[str, tuple[tuple[str, str], ...]] = {
    "DE": (("Christian", "Christina"), ("Daniel", "Daniela"), ("Andreas", "Andrea")),
    "FR": (("Jean", "Jeanne"), ("Michel", "Michèle"), ("Louis", "Louise"), ("Pascal", "Pascale")),
    "ES": (("Francisco", "Francisca"), ("Carlos", "Carla"), ("Manuel", "Manuela")),
    "IT": (("Francesco", "Francesca"), ("Giovanni", "Giovanna"), ("Mario", "Maria")),
    "GB": (("Paul", "Paula"), ("Daniel", "Danielle"), ("Victor", "Victoria")),
    "US": (("Patrick", "Patricia"), ("Eric", "Erica"), ("Robert", "Roberta")),
    "PL": (("Jan", "Janina"), ("Paweł", "Paulina"), ("Daniel", "Daniela")),
    "BR": (("Fernando", "Fernanda"), ("Gabriel", "Gabriela"), ("Paulo", "Paula")),
}
LOOK_ALIKE_SHARE = 0.06  # of the couples from those countries

# Per property: what its desk types for a missing email and for a missing phone (None: leaves
# it empty). A third of the desks fill the email, a sixth the phone.
_EMAIL_STAND_INS = (
    "noemail@{hotel}.com",
    "none@none.com",
    "no@email.com",
    "x@x.com",
    "reception@{hotel}.com",
    "guest@{hotel}.com",
)
_PHONE_STAND_INS = ("own", "own", "0000000000", "000 000 000")
_HOTEL_COUNTRIES = ("DE", "FR", "ES", "IT", "GB")


def look_alike_couples(people: list[Person], rng: random.Random) -> None:
    """Give a few couples one name's two forms; their personal addresses follow the names."""
    for a, b in itertools.pairwise(people):
        # A couple is two neighbours in the list with one home.
        if "couple" not in a.traps or "couple" not in b.traps or a.address is not b.address:
            continue
        if a.gender == b.gender or a.country is not b.country:
            continue
        pairs = LOOK_ALIKE.get(a.country.code)
        if not pairs or rng.random() >= LOOK_ALIKE_SHARE:
            continue
        man, woman = (a, b) if a.gender == "M" else (b, a)
        man.given, woman.given = rng.choice(pairs)
        man.middle = woman.middle = None
        shared = a.email == b.email
        for p in (man, woman):
            if not shared:
                p.email = make_email(rng, p.given, p.family, p.country, p.dob)
            if p.new_email:
                p.new_email = make_email(rng, p.given, p.family, p.country, p.dob)
            p.traps.append("look_alike_names")
        if shared and "family@" not in a.email:
            a.email = b.email = make_email(rng, man.given, man.family, man.country, man.dob)


def _desks(rng: random.Random) -> dict[str, tuple[str | None, str | None]]:
    desks: dict[str, tuple[str | None, str | None]] = {}
    for prop in PROPERTIES:
        hotel = f"hotel-{prop.property_id.lower()}"
        email = rng.choice(_EMAIL_STAND_INS).format(hotel=hotel) if rng.random() < 1 / 3 else None
        phone: str | None = None
        if rng.random() < 1 / 6:
            phone = rng.choice(_PHONE_STAND_INS)
            if phone == "own":
                phone = make_landline(rng, rng.choice(_HOTEL_COUNTRIES))
        desks[prop.property_id] = (email, phone)
    return desks


def front_desk_habits(
    records: list[dict[str, Any]], people: dict[str, Person], rng: random.Random
) -> None:
    """Stand-ins for missing emails and phones, and surnames sorted the other way, in place."""
    desks = _desks(rng)
    for rec in records:
        if rec["source"] in (*PMS_SOURCES, "walkin"):
            email, phone = desks[rec["property_id"]]
            if email and not rec.get("email") and rng.random() < 0.8:
                rec["email"] = email
            if phone and not rec.get("phone") and rng.random() < 0.6:
                rec["phone"] = phone
        p = people[rec["_guest"]]
        last = rec.get("last_name")
        both = f"{p.family} {p.family2}".lower() if p.family2 else None
        if last and last.lower() == both and rng.random() < 0.08:
            cut = len(p.family)
            rec["last_name"] = f"{last[cut + 1 :]} {last[:cut]}"
