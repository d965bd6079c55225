"""Decisions on hotel cases: every trap stays apart, every recall case comes together."""

from __future__ import annotations

from typing import Any

import pytest

from app.resolution import Candidate, Thresholds, decide, default_model
from app.resolution.memory import MemoryStore
from tests.resolution.builders import guest, resolve, together

DE_HOME = {"line1": "Lindenstraße 12", "city": "Berlin", "postcode": "10115", "country": "DE"}
US_HOME = {"line1": "12 Oak Street", "city": "Boston", "postcode": "02118", "country": "US"}


def _stay(res: str) -> dict[str, Any]:
    return {"reservation_id": res, "arrival": "2026-03-01", "departure": "2026-03-03"}


# (case, first record, second record): the two records belong to different guests.
TRAPS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "couple sharing an email",
        {
            "first_name": "Anna",
            "last_name": "Schmidt",
            "email": "schmidts@web.de",
            "date_of_birth": "1980-03-01",
            "address": DE_HOME,
        },
        {
            "first_name": "Thomas",
            "last_name": "Schmidt",
            "email": "schmidts@web.de",
            "date_of_birth": "1978-07-12",
            "address": DE_HOME,
        },
    ),
    (
        "couple sharing a phone, no birth dates",
        {"first_name": "Anna", "last_name": "Schmidt", "phone": "+49 30 1234567"},
        {
            "first_name": "Thomas",
            "last_name": "Schmidt",
            "phone": "030 1234567",
            "address": DE_HOME,
        },
    ),
    (
        "father and son, Sr and Jr, same address and phone",
        {
            "first_name": "Robert",
            "last_name": "Smith Sr.",
            "phone": "+1 617 555 0100",
            "address": US_HOME,
            "date_of_birth": "1950-04-02",
        },
        {
            "first_name": "Robert",
            "last_name": "Smith Jr.",
            "phone": "+1 617 555 0100",
            "address": US_HOME,
            "date_of_birth": "1979-11-20",
        },
    ),
    (
        "parent and child, same name, address and email, different birth dates",
        {
            "first_name": "Hans",
            "last_name": "Meier",
            "email": "meier.family@gmx.de",
            "address": DE_HOME,
            "date_of_birth": "1955-06-01",
        },
        {
            "first_name": "Hans",
            "last_name": "Meier",
            "email": "meier.family@gmx.de",
            "address": DE_HOME,
            "date_of_birth": "1986-02-17",
        },
    ),
    (
        "parent and child, same name and address, nothing personal shared",
        {"first_name": "Petra", "last_name": "Müller", "address": DE_HOME},
        {
            "first_name": "Petra",
            "last_name": "Mueller",
            "address": DE_HOME,
            "email": "petra77@gmx.de",
        },
    ),
    (
        "twins: same family name, birth date, address and phone",
        {
            "first_name": "Anna",
            "last_name": "Krüger",
            "date_of_birth": "1990-09-14",
            "phone": "+49 151 0767 7070",
            "address": DE_HOME,
        },
        {
            "first_name": "Lena",
            "last_name": "Krüger",
            "date_of_birth": "1990-09-14",
            "phone": "+49 151 0767 7070",
            "address": DE_HOME,
        },
    ),
    (
        "namesakes with a common name and nothing else",
        {"first_name": "John", "last_name": "Smith", "address": {"country": "GB"}},
        {"first_name": "John", "last_name": "Smith", "address": {"country": "GB", "city": "Leeds"}},
    ),
    (
        "namesakes in one city",
        {
            "first_name": "Maria",
            "last_name": "Garcia",
            "address": {"city": "Madrid", "country": "ES"},
            "phone": "+34 612 000 111",
        },
        {
            "first_name": "Maria",
            "last_name": "Garcia",
            "address": {"city": "Madrid", "country": "ES"},
            "phone": "+34 612 999 222",
        },
    ),
    (
        "one OTA alias on two bookings",
        {
            "source": "booking",
            "first_name": "Marco",
            "last_name": "Rossi",
            "email": "abc123@guest.booking.com",
            "stay": _stay("B-1"),
        },
        {
            "source": "booking",
            "first_name": "Marco",
            "last_name": "Rossi",
            "email": "abc123@guest.booking.com",
            "stay": _stay("B-2"),
        },
    ),
    (
        "agency mailbox and phone on two different guests",
        {
            "first_name": "Antonio",
            "last_name": "Greco",
            "email": "rejser@nordicbiz.dk",
            "phone": "+45 33 12 34 56",
        },
        {
            "first_name": "Toni",
            "last_name": "Fernández",
            "email": "rejser@nordicbiz.dk",
            "phone": "+45 33 12 34 56",
        },
    ),
    (
        "namesakes whose name-based emails collide",
        {
            "first_name": "Sarah",
            "last_name": "Smith",
            "email": "ssmith@gmail.com",
            "phone": "+44 7400 111222",
            "address": {"city": "Bristol", "country": "GB"},
        },
        {
            "first_name": "Sarah",
            "last_name": "Smith",
            "email": "ssmith@gmail.com",
            "phone": "+44 7400 333444",
            "date_of_birth": "1985-12-27",
        },
    ),
]


@pytest.mark.parametrize(("case", "first", "second"), TRAPS, ids=[t[0] for t in TRAPS])
def test_trap_stays_apart(case: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = guest(**first), guest(**second)
    store, decisions = resolve(a, b)
    assert not together(store, a, b), case
    assert decisions[1].action in ("new", "review")


# (case, first record, second record): the two records are the same guest.
RECALL: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "nickname with the same email",
        {"first_name": "Robert", "last_name": "Miller", "email": "rmiller77@yahoo.com"},
        {"first_name": "Bob", "last_name": "Miller", "email": "RMiller77@yahoo.com"},
    ),
    (
        "umlaut transliteration with birth date",
        {
            "first_name": "Jürgen",
            "last_name": "Müller",
            "date_of_birth": "1966-01-31",
            "address": DE_HOME,
        },
        {"first_name": "Juergen", "last_name": "Mueller", "date_of_birth": "1966-01-31"},
    ),
    (
        "accents and phone formats",
        {
            "first_name": "José",
            "last_name": "García",
            "phone": "+34 612 34 56 78",
            "address": {"country": "ES"},
        },
        {
            "first_name": "Jose",
            "last_name": "Garcia",
            "phone": "612345678",
            "address": {"country": "Spain"},
        },
    ),
    (
        "given and family swapped",
        {
            "first_name": "Wei",
            "last_name": "Zhang",
            "date_of_birth": "1988-02-24",
            "phone": "+86 131 2862 8204",
        },
        {"first_name": "Zhang", "last_name": "Wei", "date_of_birth": "1988-02-24"},
    ),
    (
        "typo in the family name",
        {
            "first_name": "Katherine",
            "last_name": "Johnson",
            "date_of_birth": "1975-05-05",
            "phone": "+1 617 555 0199",
        },
        {"first_name": "Katherine", "last_name": "Jonhson", "date_of_birth": "1975-05-05"},
    ),
    (
        "initial with phone and birth date",
        {
            "first_name": "John",
            "last_name": "Carter",
            "date_of_birth": "1970-10-10",
            "phone": "+1 617 555 0142",
        },
        {
            "first_name": "J.",
            "last_name": "Carter",
            "date_of_birth": "1970-10-10",
            "phone": "(617) 555-0142",
            "address": {"country": "US"},
        },
    ),
    (
        "married name with the same birth date and email",
        {
            "first_name": "Julia",
            "last_name": "Schulz",
            "date_of_birth": "1984-08-08",
            "email": "julia.s84@gmx.de",
        },
        {
            "first_name": "Julia",
            "last_name": "Becker",
            "date_of_birth": "1984-08-08",
            "email": "julia.s84@gmx.de",
        },
    ),
    (
        "moved house, same phone and birth date",
        {
            "first_name": "Oliver",
            "last_name": "Brown",
            "phone": "+44 7700 900123",
            "date_of_birth": "1969-03-03",
            "address": {"line1": "1 High St", "city": "Leeds", "country": "GB"},
        },
        {
            "first_name": "Oliver",
            "last_name": "Brown",
            "phone": "07700 900123",
            "date_of_birth": "1969-03-03",
            "address": {"line1": "9 Mill Lane", "city": "York", "country": "GB"},
        },
    ),
    (
        "walk-in with name, phone and birth date",
        {
            "first_name": "Keiko",
            "last_name": "Watanabe",
            "phone": "+81 90 1148 3438",
            "date_of_birth": "1952-02-08",
            "email": "kwatanabe@gmail.com",
        },
        {
            "source": "walkin",
            "first_name": "Keiko",
            "last_name": "Watanabe",
            "phone": "090-1148-3438",
            "nationality": "JP",
            "date_of_birth": "1952-02-08",
        },
    ),
    (
        "work and personal email, same phone",
        {
            "first_name": "Claire",
            "last_name": "Dubois",
            "email": "claire.dubois@orange.fr",
            "phone": "+33 6 12 34 56 78",
        },
        {
            "first_name": "Claire",
            "last_name": "Dubois",
            "email": "c.dubois@accenture.com",
            "phone": "06 12 34 56 78",
            "address": {"country": "FR"},
        },
    ),
    (
        "Apple sign-in without a name the second time",
        {
            "source": "widget",
            "first_name": "Lea",
            "last_name": "Weber",
            "email": "x9@privaterelay.appleid.com",
            "social": {"provider": "apple", "subject": "001.a"},
        },
        {
            "source": "widget",
            "email": "x9@privaterelay.appleid.com",
            "social": {"provider": "apple", "subject": "001.a"},
        },
    ),
    (
        "OTA booking and the PMS copy of the same booking",
        {
            "source": "booking",
            "first_name": "Lukasz",
            "last_name": "Wojcik",
            "email": "cq3x46ia@guest.booking.com",
            "stay": _stay("2436723433"),
        },
        {
            "source": "opera",
            "first_name": "Lukasz",
            "last_name": "Wójcik",
            "email": "cq3x46ia@guest.booking.com",
            "stay": _stay("2436723433"),
        },
    ),
    (
        "loyalty number",
        {"first_name": "Ana", "last_name": "Costa", "loyalty_number": "LY-123-456"},
        {
            "first_name": "Ana",
            "last_name": "Costa",
            "loyalty_number": "ly123456",
            "email": "ana.costa@uol.com.br",
        },
    ),
    (
        "passport",
        {
            "first_name": "Jan",
            "last_name": "Nowak",
            "document": {"type": "passport", "number": "ZS 123 456", "country": "PL"},
        },
        {
            "first_name": "Jan",
            "last_name": "Nowak",
            "document": {"type": "Passport", "number": "ZS123456"},
        },
    ),
    (
        "verified email on both sides",
        {
            "source": "widget",
            "first_name": "Min",
            "last_name": "Wang",
            "email": "m.w.88@163.com",
            "email_verified": True,
            "social": {"provider": "google", "subject": "1"},
        },
        {
            "source": "widget",
            "first_name": "Min",
            "last_name": "Wang",
            "email": "m.w.88@163.com",
            "email_verified": True,
            "social": {"provider": "facebook", "subject": "2"},
        },
    ),
]


@pytest.mark.parametrize(("case", "first", "second"), RECALL, ids=[t[0] for t in RECALL])
def test_recall_case_links(case: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = guest(**first), guest(**second)
    store, decisions = resolve(a, b)
    assert together(store, a, b), (case, decisions[1])
    assert decisions[1].action == "link"
    assert decisions[1].evidence and decisions[1].matcher_version


def test_shared_identifier_on_many_profiles_stops_linking() -> None:
    phone = "+49 89 54321000"
    names = [
        ("Anna", "Berg"),
        ("Bruno", "Koch"),
        ("Carla", "Wolf"),
        ("Dieter", "Roth"),
        ("Eva", "Lang"),
        ("Felix", "Kraus"),
        ("Greta", "Haas"),
        ("Hugo", "Vogt"),
        ("Ida", "Frank"),
        ("Jonas", "Brandt"),
    ]
    people = [guest(first_name=g, last_name=f, phone=phone) for g, f in names]
    # Shares only the agency phone with a profile that has her name: not enough once the
    # number sits on ten profiles.
    newcomer = guest(first_name="Anna", last_name="Berg", phone=phone)
    store, _ = resolve(*people, newcomer)
    assert len({store.profile_of[p.key] for p in [*people, newcomer]}) == 11


def test_key_profile_count_over_cap_disables_an_identifier() -> None:
    a = guest(first_name="Ana", last_name="Lopez", loyalty_number="LY1")
    b = guest(first_name="Ana", last_name="Lopez", loyalty_number="LY1")
    kwargs: dict[str, Any] = {"model": default_model(), "thresholds": Thresholds()}
    linked = decide(b, [Candidate(a, "P1")], key_profile_counts={"loyalty:LY1": 1}, **kwargs)
    shared = decide(b, [Candidate(a, "P1")], key_profile_counts={"loyalty:LY1": 30}, **kwargs)
    assert linked.action == "link" and linked.evidence[0].rule == "loyalty"
    assert shared.action != "link" and shared.evidence[0].levels["loyalty"] == "shared"


def test_do_not_merge_rule_wins_over_a_strong_identifier() -> None:
    a = guest(first_name="Ana", last_name="Lopez", loyalty_number="LY2")
    b = guest(first_name="Ana", last_name="Lopez", loyalty_number="LY2")
    decision = decide(
        b,
        [Candidate(a, "P1")],
        model=default_model(),
        thresholds=Thresholds(),
        key_profile_counts={},
        separated=[frozenset((a.key, b.key))],
    )
    assert decision.action == "new"


def test_a_weak_link_never_joins_two_different_people() -> None:
    # Twins with a shared phone, each already a profile; then "A. Krüger" with that phone.
    anna = guest(
        first_name="Anna",
        last_name="Krüger",
        date_of_birth="1990-09-14",
        phone="+49 151 0767 7070",
        email="anna.k@web.de",
    )
    andreas = guest(
        first_name="Andreas",
        last_name="Krüger",
        date_of_birth="1990-09-14",
        phone="+49 151 0767 7070",
        email="andreas.k@web.de",
    )
    initial = guest(first_name="A.", last_name="Krüger", phone="+49 151 0767 7070")
    store, decisions = resolve(anna, andreas, initial)
    assert not together(store, anna, andreas)
    assert decisions[2].action == "review"


def test_profile_with_a_typo_record_still_links() -> None:
    # One record of the profile carries a typo'd birth date; the others agree with the newcomer.
    base = {
        "first_name": "Emma",
        "last_name": "Louca",
        "phone": "+61 2 9876 5432",
        "email": "emma.l@bigpond.com",
    }
    a = guest(**base, date_of_birth="1959-03-08")
    b = guest(**base, date_of_birth="1959-03-18")
    c = guest(**{**base, "email": None}, date_of_birth="1959-03-08")
    store, _ = resolve(a, b, c)
    assert together(store, a, b) and together(store, a, c)


def test_different_verified_inboxes_with_only_the_family_name_stay_apart() -> None:
    # Integration bug: guest1@ and guest5@ of the "Example" family were linked.
    first = {"first_name": "Guest1", "last_name": "Example", "email_verified": True}
    a = guest(**first, email="guest1@example.com")
    b = guest(**{**first, "first_name": "Guest5"}, email="guest5@example.com")
    store, decisions = resolve(a, b)
    assert not together(store, a, b)
    assert decisions[1].evidence[0].levels["email"] == "else"  # two inboxes, not a typo


def _weber(first: str, dob: str, **extra: Any) -> dict[str, Any]:
    body = {"first_name": first, "last_name": "Weber", "email": "webers@example.com"}
    return {**body, "email_verified": True, "date_of_birth": dob, **extra}


def test_shared_verified_inbox_of_a_couple_goes_to_review_with_honest_evidence() -> None:
    maria, peter = guest(**_weber("Maria", "1983-11-20")), guest(**_weber("Peter", "1979-07-02"))
    store, decisions = resolve(maria, peter)
    assert decisions[1].action == "review" and not together(store, maria, peter)
    ev = decisions[1].evidence[0]
    assert ev.rule == "verified-email"
    # The rule decided; the probability stays the Fellegi-Sunter one of the weight.
    assert ev.probability == pytest.approx(1 / (1 + 2**-ev.weight))
    assert ev.weight < 0 and ev.probability < 0.5


def test_shared_verified_inbox_with_name_variants_of_one_person_links() -> None:
    a = guest(**_weber("Margaret", "1983-11-20"))
    b = guest(**_weber("Greta", "1983-11-20", address=DE_HOME))
    store, decisions = resolve(a, b)
    assert decisions[1].action == "link" and together(store, a, b)
    assert decisions[1].evidence[0].rule == "verified-email"


def test_pms_copy_of_an_ota_booking_with_names_crosswise_and_a_nickname_links() -> None:
    ota = guest(
        source="booking",
        first_name="William",
        last_name="Smith",
        email="4n168wqj@guest.booking.com",
        stay=_stay("86323790"),
    )
    pms = guest(
        source="apaleo",
        first_name="Smith",
        last_name="Will",
        email="4n168wqj@guest.booking.com",
        stay=_stay("86323790"),
        address={"line1": "147 Maple Ave", "city": "Denver", "country": "US"},
    )
    store, decisions = resolve(ota, pms)
    assert together(store, ota, pms), decisions[1]
    assert decisions[1].evidence[0].levels["name_swap"] == "swapped"


def test_crosswise_reading_needs_both_names_close() -> None:
    # Petra Meyer and "Meyer, Peter" are two people, not one written the wrong way round.
    a = guest(first_name="Petra", last_name="Meyer", phone="+45 33 12 34 56")
    b = guest(first_name="Meyer", last_name="Peter", phone="+45 33 12 34 56")
    decision = resolve(a, b)[1][1]
    assert "name_swap" not in decision.evidence[0].levels


@pytest.mark.parametrize(("households", "linked"), [(True, False), (False, True)])
def test_replaced_given_name_is_a_twin_only_in_a_population_of_households(
    households: bool, linked: bool
) -> None:
    # Same family, birth date and full address, another given name: in hotel data a twin; in a
    # register of independent people with keying noise (FEBRL) a replaced name.
    home = {"line1": "20 Jacka Crescent", "city": "Nambour", "postcode": "4306", "country": "AU"}
    a = guest(first_name="Samir", last_name="Webb", date_of_birth="1958-02-12", address=home)
    b = guest(first_name="Silas", last_name="Webb", date_of_birth="1958-02-12", address=home)
    store = MemoryStore(thresholds=Thresholds(households=households))
    store.add(a)
    assert (store.add(b).action == "link") is linked


def test_a_birth_date_off_by_a_day_across_a_month_end_is_a_typo() -> None:
    base = {"first_name": "Ines", "last_name": "Kowalski", "phone": "+48 512 345 678"}
    a, b = guest(**base, date_of_birth="1980-01-31"), guest(**base, date_of_birth="1980-02-01")
    store, decisions = resolve(a, b)
    assert together(store, a, b) and decisions[1].evidence[0].levels["dob"] == "one_part"


def test_phone_and_a_one_key_surname_slip_links() -> None:
    # Went to review at p 0.97-0.99: Jaro-Winkler put "thpmas" below its 0.92 band.
    a = guest(first_name="Sarah", last_name="Thomas", phone="+44 7405 338583")
    b = guest(first_name="Sarah", last_name="Thpmas", phone="07405 338583", address=US_HOME)
    store, decisions = resolve(a, b)
    assert together(store, a, b) and decisions[1].evidence[0].levels["family"] == "jw92"


def test_names_crosswise_with_a_slip_on_each_side_are_read_crosswise() -> None:
    home = {"line1": "23 Chippindall Cct", "city": "Moura", "postcode": "4152", "country": "AU"}
    a = guest(first_name="Ethan", last_name="White", date_of_birth="1941-11-06", address=home)
    b = guest(first_name="Whiet", last_name="Ethgn", date_of_birth="1941-11-06", address=home)
    decision = resolve(a, b)[1][1]
    assert decision.evidence[0].levels["name_swap"] == "swapped"


def test_new_family_name_at_the_same_home_with_a_typo_in_the_street_links() -> None:
    # House number, street and postcode agree though the line is keyed "crotonstreet" and the
    # suburb is typo'd; a one-level location comparison saw only the postcode.
    home = {"line1": "80 Croton St", "city": "Werrington", "postcode": "2066", "country": "AU"}
    typo = {**home, "line1": "80 crotonstreet", "city": "Werringtom"}
    a = guest(first_name="Erin", last_name="Nguyen", date_of_birth="1956-12-12", address=home)
    b = guest(first_name="Erin", last_name="Fassina", date_of_birth="1956-12-12", address=typo)
    for households in (True, False):
        store = MemoryStore(thresholds=Thresholds(households=households))
        store.add(a)
        assert store.add(b).action == "link", households
