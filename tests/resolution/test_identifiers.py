"""Identifier rules: shared identifiers, key counts, do-not-merge, verified inboxes, profiles."""

from __future__ import annotations

from typing import Any

import pytest

from app.resolution import Candidate, Thresholds, decide, default_model
from tests.resolution.builders import DE_HOME, guest, resolve, together


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


def test_namesakes_with_different_verified_inboxes_and_near_phones_stay_apart() -> None:
    # Two Anna Schulzes of Munich, each signed in with her own inbox; their mobile numbers
    # differ in one digit. A phone one keystroke away is a typo's evidence, not a person's.
    body = {"first_name": "Anna", "last_name": "Schulz", "email_verified": True,
            "address": {"city": "München", "country": "DE"}}  # fmt: skip
    a = guest(**body, email="anna.schulz@gmail.com", phone="+49 151 23456789")
    b = guest(**body, email="schulz.anna@web.de", phone="+49 151 23456788")
    store, decisions = resolve(a, b)
    assert not together(store, a, b)
    assert decisions[1].evidence[0].levels["phone"] == "fuzzy"


def test_one_guest_with_two_verified_inboxes_and_the_same_phone_links() -> None:
    body = {"first_name": "Anna", "last_name": "Schulz", "email_verified": True,
            "address": {"city": "München", "country": "DE"}}  # fmt: skip
    a = guest(**body, email="anna.schulz@gmail.com", phone="+49 151 23456789")
    b = guest(**body, email="a.schulz@siemens.com", phone="+49 151 23456789")
    store, _ = resolve(a, b)
    assert together(store, a, b)
