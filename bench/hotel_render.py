"""How a person's true details get written down by different systems: the noise."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Any

import phonenumbers
from hotel_people import Address, Person
from hotel_pools import DEFAULT_TITLES, NICKNAMES, TITLES, TRANSLIT_EXPAND
from unidecode import unidecode

# Profiles of how careful each kind of system is with names; probabilities per record.
NOISE: dict[str, dict[str, float]] = {
    "pms": {
        "nick": 0.07,
        "fold": 0.15,
        "swap_asian": 0.10,
        "swap": 0.01,
        "typo": 0.04,
        "initial": 0.04,
        "upper": 0.08,
        "lower": 0.02,
        "full_only": 0.0,
        "courtesy": 0.3,
    },
    "opera": {
        "nick": 0.05,
        "fold": 0.25,
        "swap_asian": 0.10,
        "swap": 0.01,
        "typo": 0.03,
        "initial": 0.03,
        "upper": 0.30,
        "lower": 0.0,
        "full_only": 0.0,
        "courtesy": 0.4,
    },
    "ota": {
        "nick": 0.15,
        "fold": 0.50,
        "swap_asian": 0.35,
        "swap": 0.03,
        "typo": 0.06,
        "initial": 0.03,
        "upper": 0.20,
        "lower": 0.06,
        "full_only": 0.08,
        "courtesy": 0.1,
    },
    "widget": {
        "nick": 0.25,
        "fold": 0.10,
        "swap_asian": 0.05,
        "swap": 0.0,
        "typo": 0.01,
        "initial": 0.01,
        "upper": 0.0,
        "lower": 0.10,
        "full_only": 0.15,
        "courtesy": 0.0,
    },
    "walkin": {
        "nick": 0.06,
        "fold": 0.25,
        "swap_asian": 0.15,
        "swap": 0.02,
        "typo": 0.08,
        "initial": 0.02,
        "upper": 0.15,
        "lower": 0.03,
        "full_only": 0.10,
        "courtesy": 0.0,
    },
}

_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def typo(text: str, rng: random.Random) -> str:
    """One or two keyboard slips: substitution, deletion, transposition or doubling."""
    for _ in range(1 if rng.random() < 0.8 else 2):
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        if kind < 0.35:
            j = _NEIGHBOURS.find(text[i].lower())
            repl = _NEIGHBOURS[max(0, min(25, j + rng.choice((-1, 1))))] if j >= 0 else "e"
            text = text[:i] + repl + text[i + 1 :]
        elif kind < 0.6:
            text = text[:i] + text[i + 1 :]
        elif kind < 0.85:
            text = text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
        else:
            text = text[:i] + text[i] + text[i:]
    return text


def fold(text: str, rng: random.Random) -> str:
    """Drop diacritics the way a keyboard or a feed does: Müller → Mueller or Muller."""
    if rng.random() < 0.5:
        text = "".join(TRANSLIT_EXPAND.get(c, c) for c in text)
    return str(unidecode(text))


def _case(text: str, rng: random.Random, noise: dict[str, float]) -> str:
    roll = rng.random()
    if roll < noise["upper"]:
        return text.upper()
    if roll < noise["upper"] + noise["lower"]:
        return text.lower()
    return text


def _given_variant(p: Person, rng: random.Random, noise: dict[str, float]) -> str:
    given = p.given
    if given in NICKNAMES and rng.random() < noise["nick"]:
        return rng.choice(NICKNAMES[given])
    if "-" in given and rng.random() < 0.5:  # Korean: Min-jun / Minjun / Min Jun
        given = given.replace("-", rng.choice(["", " "]))
        given = given if " " in given else given.capitalize()
    if p.country.code == "CN" and len(given) > 5 and rng.random() < 0.3:
        given = given[:4] + " " + given[4:].capitalize()
    return given


def _family_variant(p: Person, day: date, rng: random.Random) -> str:
    family = p.family_at(day)
    if p.family2 and family == p.family:
        roll = rng.random()
        if roll < 0.5:
            family = f"{family} {p.family2}"
        elif roll < 0.55:
            family = f"{family}-{p.family2}"
    return family


def render_name(p: Person, day: date, rng: random.Random, kind: str) -> dict[str, Any]:
    """Name fields of one record: title, first, middle, last or only a full name."""
    noise = NOISE[kind]
    given, family = _given_variant(p, rng, noise), _family_variant(p, day, rng)
    middle = p.middle if p.middle and rng.random() < 0.45 else None
    if p.middle and middle is None and rng.random() < 0.15:
        given = f"{given} {p.middle}"
    if rng.random() < noise["initial"]:
        given = given[0] + "."
    if rng.random() < noise["fold"]:
        given, family = fold(given, rng), fold(family, rng)
    if rng.random() < noise["typo"]:
        given = typo(given, rng)
    if rng.random() < noise["typo"] * 1.3:
        family = typo(family, rng)
    if p.suffix and rng.random() < 0.55:
        family = f"{family} {p.suffix}" if rng.random() < 0.7 else f"{family}, {p.suffix}"
    title = None
    if p.prof_title and rng.random() < 0.5:
        if rng.random() < 0.3:
            given = f"{p.prof_title} {given}"
        else:
            title = p.prof_title
    elif rng.random() < noise["courtesy"]:
        male, female = TITLES.get(p.country.code, DEFAULT_TITLES)
        title = rng.choice(male if p.gender == "M" else female)
    given, family = _case(given, rng, noise), _case(family, rng, noise)
    asian = p.country.family_first
    if rng.random() < (noise["swap_asian"] if asian else noise["swap"]):
        given, family = family, given
    out: dict[str, Any] = {"title": title}
    if rng.random() < noise["full_only"]:
        if asian and rng.random() < 0.5:
            out["full_name"] = f"{family} {given}"
        elif rng.random() < 0.2:
            out["full_name"] = f"{family.upper()}, {given}"
        else:
            out["full_name"] = f"{given} {family}"
        return out
    out.update(first_name=given, middle_name=middle, last_name=family)
    return out


def render_phone(e164: str, rng: random.Random) -> tuple[str, bool]:
    """A phone number as typed; True when the country code was left out."""
    number = phonenumbers.parse(e164)
    fmt = phonenumbers.PhoneNumberFormat
    roll = rng.random()
    if roll < 0.30:
        return e164, False
    if roll < 0.55:
        return phonenumbers.format_number(number, fmt.INTERNATIONAL), False
    if roll < 0.65:
        return "00" + phonenumbers.format_number(number, fmt.INTERNATIONAL)[1:], False
    national = phonenumbers.format_number(number, fmt.NATIONAL)
    if roll < 0.88:
        return national, True
    if roll < 0.94:
        return "".join(c for c in national if c.isdigit()), True
    digits = "".join(
        c
        for c in phonenumbers.format_number(number, fmt.INTERNATIONAL)[1:]
        if c.isdigit() or c == " "
    )
    return "+" + digits.replace(" ", rng.choice(["-", ".", "/"])), False


def render_email(email: str, rng: random.Random) -> str:
    """An email as entered: mostly exact, sometimes capitalised, rarely mistyped."""
    roll = rng.random()
    if roll < 0.05:
        local, _, domain = email.partition("@")
        return f"{local.title()}@{domain.capitalize()}"
    if roll < 0.07:
        return email.upper()
    if roll < 0.08:
        local, _, domain = email.partition("@")
        return f"{typo(local, rng)}@{domain}"
    return email


_ABBREV = (
    ("straße", "str."),
    ("Straße", "Str."),
    ("Street", "St"),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("Lane", "Ln"),
    ("Boulevard", "Blvd"),
    ("avenue", "av."),
    ("Avenida", "Av."),
    ("Calle", "C/"),
    ("Rua", "R."),
    ("Via", "V."),
)


def render_address(a: Address, rng: random.Random, detail: float = 1.0) -> dict[str, Any]:
    """An address as a system stores it; `detail` < 1 drops the street part more often."""
    street = a.street
    if rng.random() < 0.3:
        for long, short in _ABBREV:
            if long in street:
                street = street.replace(long, short)
                break
    if rng.random() < 0.15:
        street = fold(street, rng)
    number_first = a.country in {"US", "GB", "FR"}
    line1 = f"{a.number} {street}" if number_first else f"{street} {a.number}"
    if a.country == "FR" and rng.random() < 0.5:
        line1 = f"{a.number}, {street}"
    city = a.city if rng.random() < 0.8 else rng.choice([a.city.upper(), fold(a.city, rng)])
    postcode = a.postcode if rng.random() < 0.9 else a.postcode.replace(" ", "").replace("-", "")
    country = a.country
    if rng.random() < 0.08:
        country = {
            "DE": "Germany",
            "GB": "United Kingdom",
            "US": "USA",
            "FR": "France",
            "ES": "Spain",
            "IT": "Italy",
        }.get(a.country, a.country)
    out: dict[str, Any] = {"country": country}
    if rng.random() < detail:
        out.update(
            line1=_case(line1, rng, NOISE["pms"]), line2=a.line2, city=city, postcode=postcode
        )
    elif rng.random() < 0.5:
        out["city"] = city
    return {k: v for k, v in out.items() if v}


def render_dob(dob: date, rng: random.Random) -> date:
    """A birth date as keyed in: day and month swapped or off by one, now and then."""
    roll = rng.random()
    if roll < 0.015 and dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month)
    if roll < 0.025:
        return dob + timedelta(days=rng.choice((-1, 1)))
    if roll < 0.03:
        return date(dob.year + rng.choice((-1, 1, -10, 10)), dob.month, min(dob.day, 28))
    return dob


def rand_token(rng: random.Random, n: int) -> str:
    """A random lowercase token (OTA aliases, ids)."""
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))
