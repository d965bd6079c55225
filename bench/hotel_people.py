"""The true population behind the synthetic hotel data: people, households and traps."""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers
from hotel_pools import AGENCIES, COMPANIES, COUNTRIES, NAMESAKES, NATIONALITY_WEIGHTS, Country
from unidecode import unidecode

START = date(2022, 1, 1)
END = date(2025, 12, 31)
SPAN_DAYS = (END - START).days


@dataclass
class Address:
    """A postal address as the guest would write it."""

    street: str
    number: str
    city: str
    postcode: str
    country: str
    line2: str | None = None


@dataclass
class Person:
    """One real guest: the truth every source record is a noisy view of."""

    guest_id: str
    country: Country
    gender: str
    given: str
    family: str
    dob: date
    phone: str | None
    email: str
    address: Address
    middle: str | None = None
    family2: str | None = None  # maternal surname (ES, BR)
    maiden: str | None = None  # family name used before `married_on`
    married_on: date | None = None
    suffix: str | None = None
    prof_title: str | None = None
    email_work: str | None = None
    new_email: str | None = None  # switched personal address on `email_changed_on`
    email_changed_on: date | None = None
    new_address: Address | None = None
    moved_on: date | None = None
    loyalty: str | None = None
    passport: str | None = None
    new_passport: str | None = None  # renewed half-way through the span
    social: dict[str, str] = field(default_factory=dict)
    apple_relay: str | None = None
    agency: int | None = None
    business: bool = False
    walk_in_type: bool = False
    traps: list[str] = field(default_factory=list)

    def family_at(self, day: date) -> str:
        """Family name in use on a given day (maiden name before the wedding)."""
        if self.maiden and self.married_on and day < self.married_on:
            return self.maiden
        return self.family

    def address_at(self, day: date) -> Address:
        """Address on a given day (after a move, the new one)."""
        if self.new_address and self.moved_on and day >= self.moved_on:
            return self.new_address
        return self.address

    def email_at(self, day: date) -> str:
        """Personal email on a given day."""
        if self.new_email and self.email_changed_on and day >= self.email_changed_on:
            return self.new_email
        return self.email


def _rand_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _zipf_choice(rng: random.Random, pool: tuple[str, ...]) -> str:
    # Real name frequencies are heavy-tailed: the first names of each pool are common.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(pool))]
    return rng.choices(pool, weights)[0]


def make_phone(rng: random.Random, region: str) -> str:
    """A valid mobile number of the region, in E.164."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    for _ in range(50):
        candidate = national[:3] + _rand_digits(rng, len(national) - 3)
        number = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"+{example.country_code}{national}"


def make_landline(rng: random.Random, region: str) -> str:
    """A valid fixed-line number of the region, in E.164 (shared household phones)."""
    kind = phonenumbers.PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return make_phone(rng, region)
    national = str(example.national_number)
    for _ in range(50):
        candidate = national[:3] + _rand_digits(rng, len(national) - 3)
        number = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return make_phone(rng, region)


def make_address(rng: random.Random, country: Country) -> Address:
    """A plausible home address in the country."""
    city, prefix = rng.choice(country.cities)
    width = {
        "US": 5,
        "DE": 5,
        "FR": 5,
        "ES": 5,
        "IT": 5,
        "JP": 7,
        "CN": 6,
        "KR": 5,
        "BR": 8,
        "DK": 4,
        "PL": 5,
    }.get(country.code, 5)
    if country.code == "GB":
        postcode = f"{prefix} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" + rng.choice(
            "ABDEFGHJLNPQRSTUWXYZ"
        )
    else:
        postcode = prefix + _rand_digits(rng, width - len(prefix))
        if country.code == "PL":
            postcode = postcode[:2] + "-" + postcode[2:]
        elif country.code == "JP":
            postcode = postcode[:3] + "-" + postcode[3:]
        elif country.code == "BR":
            postcode = postcode[:5] + "-" + postcode[5:]
    line2 = {
        "US": "Apt 4B",
        "GB": "Flat 3",
        "DE": "2. OG",
        "FR": "3e étage",
        "BR": "Bloco B",
        "ES": "2º izq.",
        "IT": "Scala A",
        "PL": "m. 12",
        "DK": "2. tv.",
    }
    line2 = line2.get(country.code, "#301")
    return Address(
        street=rng.choice(country.streets),
        number=str(rng.randint(1, 180)),
        city=city,
        postcode=postcode,
        country=country.code,
        line2=line2 if rng.random() < 0.12 else None,
    )


def _ascii_local(*parts: str) -> str:
    return "".join(unidecode(p).lower().replace(" ", "").replace("'", "") for p in parts)


def make_email(rng: random.Random, given: str, family: str, country: Country, dob: date) -> str:
    """A personal email address shaped like real ones."""
    g, f = _ascii_local(given), _ascii_local(family)
    local = rng.choice(
        [
            f"{g}.{f}",
            f"{g}{f}",
            f"{g[0]}.{f}",
            f"{g[0]}{f}",
            f"{g}.{f}{dob.year % 100:02d}",
            f"{g}{dob.year}",
            f"{f}.{g}",
            f"{g}_{f}{rng.randint(1, 99)}",
            f"{g}{rng.randint(1, 999)}",
        ]
    )
    return f"{local}@{rng.choice(country.mail)}"


def _passport(rng: random.Random) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return rng.choice(string.ascii_uppercase) + "".join(rng.choice(alphabet) for _ in range(8))


def _day(rng: random.Random, lo: float = 0.1, hi: float = 0.9) -> date:
    return START + timedelta(days=int(SPAN_DAYS * rng.uniform(lo, hi)))


def make_person(
    rng: random.Random, guest_id: str, country: Country | None = None, gender: str | None = None
) -> Person:
    """One independent person with all their identifiers."""
    if country is None:
        codes = list(NATIONALITY_WEIGHTS)
        country = COUNTRIES[rng.choices(codes, [NATIONALITY_WEIGHTS[c] for c in codes])[0]]
    gender = gender or rng.choice("MF")
    given = _zipf_choice(rng, country.male if gender == "M" else country.female)
    family = _zipf_choice(rng, country.family)
    dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 62))
    p = Person(
        guest_id=guest_id,
        country=country,
        gender=gender,
        given=given,
        family=family,
        dob=dob,
        phone=make_phone(rng, country.code) if rng.random() < 0.92 else None,
        email=make_email(rng, given, family, country, dob),
        address=make_address(rng, country),
    )
    if country.double_surname:
        p.family2 = _zipf_choice(rng, country.family)
    if rng.random() < 0.10 and country.code in {"US", "GB", "DE", "IT", "FR", "BR", "PL"}:
        pool = country.male if gender == "M" else country.female
        p.middle = rng.choice([n for n in pool if n != given])
    if rng.random() < 0.05:
        p.prof_title = rng.choice(["Dr.", "Dr.", "Prof.", "Dr. med."])
    p.business = rng.random() < 0.3
    if p.business:
        p.email_work = f"{_ascii_local(given)}.{_ascii_local(family)}@{rng.choice(COMPANIES)}"
        if rng.random() < 0.25:
            p.agency = rng.randrange(len(AGENCIES))
    if rng.random() < 0.06:
        p.new_email, p.email_changed_on = make_email(rng, given, family, country, dob), _day(rng)
    if rng.random() < 0.10:
        p.new_address, p.moved_on = make_address(rng, country), _day(rng)
    if rng.random() < 0.22:
        p.loyalty = "LY" + _rand_digits(rng, 8)
    if rng.random() < 0.7:
        p.passport = _passport(rng)
        if rng.random() < 0.05:
            p.new_passport = _passport(rng)
    p.walk_in_type = rng.random() < 0.06
    for provider, share in (
        ("google", 0.18),
        ("apple", 0.12),
        ("facebook", 0.04),
        ("microsoft", 0.03),
    ):
        if rng.random() < share:
            p.social[provider] = _social_subject(rng, provider)
    if "apple" in p.social and rng.random() < 0.6:
        p.apple_relay = f"{_rand_alnum(rng, 10)}@privaterelay.appleid.com"
    return p


def _rand_alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def _social_subject(rng: random.Random, provider: str) -> str:
    if provider == "google":
        return "1" + _rand_digits(rng, 20)
    if provider == "apple":
        return f"00{_rand_digits(rng, 4)}.{_rand_alnum(rng, 32)}.{_rand_digits(rng, 4)}"
    if provider == "facebook":
        return _rand_digits(rng, 16)
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _couple(rng: random.Random, ids: list[str]) -> list[Person]:
    a = make_person(rng, ids[0], gender="M" if rng.random() < 0.85 else "F")
    b = make_person(
        rng,
        ids[1],
        country=a.country if rng.random() < 0.9 else None,
        gender="F" if a.gender == "M" else rng.choice("MF"),
    )
    b.dob = a.dob + timedelta(days=rng.randint(-3000, 3000))
    b.address, b.new_address, b.moved_on = a.address, a.new_address, a.moved_on
    if rng.random() < 0.65:
        if rng.random() < 0.3:  # married during the span: earlier records carry the maiden name
            b.maiden, b.married_on = b.family, _day(rng, 0.2, 0.8)
        b.family, b.family2 = a.family, a.family2
    if rng.random() < 0.35:
        b.email = (
            a.email
            if rng.random() < 0.5
            else (f"{_ascii_local(a.family)}.family@{rng.choice(a.country.mail)}")
        )
        a.email = b.email
        a.new_email = b.new_email = None
        b.traps.append("shared_email")
        a.traps.append("shared_email")
    if rng.random() < 0.35:
        a.phone = b.phone = make_landline(rng, a.country.code)
        a.traps.append("shared_phone")
        b.traps.append("shared_phone")
    for p in (a, b):
        p.traps.append("couple")
    return [a, b]


def _parent_child(rng: random.Random, ids: list[str]) -> list[Person]:
    parent = make_person(rng, ids[0])
    child = make_person(rng, ids[1], country=parent.country, gender=parent.gender)
    child.given, child.family, child.family2 = parent.given, parent.family, parent.family2
    gap = timedelta(days=rng.randint(22 * 365, 38 * 365))
    # Children old enough to book their own room: born before 2006.
    child.dob = min(parent.dob + gap, date(2005, 12, 31) - timedelta(days=rng.randint(0, 4000)))
    parent.dob = child.dob - gap
    child.address, child.new_address, child.moved_on = parent.address, None, None
    child.email = make_email(rng, child.given, child.family, child.country, child.dob)
    if parent.country.code in {"US", "GB"} and rng.random() < 0.5:
        parent.suffix, child.suffix = "Sr.", "Jr."
    if rng.random() < 0.3:
        child.phone = parent.phone = make_landline(rng, parent.country.code)
    parent.traps.append("parent")
    child.traps.append("child")
    return [parent, child]


def _twins(rng: random.Random, ids: list[str]) -> list[Person]:
    a = make_person(rng, ids[0])
    b = make_person(rng, ids[1], country=a.country)
    pool = b.country.male if b.gender == "M" else b.country.female
    while b.given == a.given:
        b.given = rng.choice(pool)
    b.family, b.family2, b.dob = a.family, a.family2, a.dob
    b.address, b.new_address, b.moved_on = a.address, a.new_address, a.moved_on
    b.phone = a.phone = a.phone or make_landline(rng, a.country.code)
    b.email = make_email(rng, b.given, b.family, b.country, b.dob)
    for p in (a, b):
        p.traps.append("twin")
    return [a, b]


def _namesake(rng: random.Random, guest_id: str) -> Person:
    code, gender, given, family = rng.choice(NAMESAKES)
    p = make_person(rng, guest_id, country=COUNTRIES[code], gender=gender)
    p.given, p.family, p.middle = given, family, None
    p.email = make_email(rng, given, family, p.country, p.dob)
    p.traps.append("namesake")
    return p


def make_population(
    rng: random.Random, n_guests: int, rename: Callable[[list[Person]], None] | None = None
) -> list[Person]:
    """People with households and look-alikes in realistic proportions; `rename` may change
    names before work addresses are made from them."""
    people: list[Person] = []
    while len(people) < n_guests:
        ids = [f"G{len(people) + i + 1:06d}" for i in range(2)]
        roll = rng.random()
        if roll < 0.075 and len(people) + 2 <= n_guests:
            people.extend(_couple(rng, ids))
        elif roll < 0.095 and len(people) + 2 <= n_guests:
            people.extend(_parent_child(rng, ids))
        elif roll < 0.105 and len(people) + 2 <= n_guests:
            people.extend(_twins(rng, ids))
        elif roll < 0.165:
            people.append(_namesake(rng, ids[0]))
        else:
            people.append(make_person(rng, ids[0]))
    if rename is not None:
        rename(people)
    _assign_work_emails(people)
    return people


def _assign_work_emails(people: list[Person]) -> None:
    """Work addresses from each person's final name, one per person at each company.

    A company hands its second John Smith "john.smith2@": two guests never share a work
    address, unlike a name-only address at a free provider, which namesakes type alike.
    """
    used: set[str] = set()
    for p in people:
        if not p.email_work:
            continue
        company = p.email_work.rpartition("@")[2]
        local = f"{_ascii_local(p.given)}.{_ascii_local(p.family)}"
        address, n = f"{local}@{company}", 2
        while address in used:
            address, n = f"{local}{n}@{company}", n + 1
        used.add(address)
        p.email_work = address
