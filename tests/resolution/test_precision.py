"""Precision at tenant size: the false-merge patterns found at 10k guests (see fp_report.py).

Each table row is a pattern that linked two different guests; the rule that now stops it is
named in the row, and a twin row shows the same guest still linking where the rule allows.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.resolution import Candidate, Thresholds, decide, default_model
from app.resolution.compare import compare
from app.resolution.keys import blocking_keys, name_keys
from tests.resolution.builders import guest, resolve, together

# (case, incoming name and email, expected email level) for the same address on both records.
EMAIL_LEVELS: list[tuple[str, str, str, str, str]] = [
    ("given.family", "Maria", "Garcia", "maria.garcia@gmail.com", "exact_named"),
    ("initial and family", "Maria", "Garcia", "mgarcia@yahoo.com", "exact_named"),
    ("family.given", "Mette", "Hansen", "hansen.mette@hotmail.dk", "exact_named"),
    ("umlaut spelt out", "Thomas", "Müller", "thomas.mueller@outlook.de", "exact_named"),
    (
        "first part of a compound surname",
        "José",
        "Silva Santos",
        "j.silva@uol.com.br",
        "exact_named",
    ),
    ("hyphenated given name", "Hyun-Woo", "Lee", "hyun-woo.lee@hanmail.net", "exact_named"),
    ("household: family name in the plural", "Anna", "Schmidt", "schmidts@web.de", "exact_named"),
    ("household: family mailbox", "Sofie", "Nielsen", "nielsenfamily@gmail.com", "exact_named"),
    ("name and birth year", "Marco", "Rossi", "marco1998@gmail.com", "exact"),
    ("name and a number", "Marie", "Leroy", "marie_leroy48@free.fr", "exact"),
    ("not the name", "Robert", "Miller", "rmiller77@yahoo.com", "exact"),
    ("a word besides the name", "Lea", "Weber", "lea.weber.travel@gmx.de", "exact"),
    # An organisation hands out one address per person: its second Maria Garcia gets another.
    ("an organisation's address", "Maria", "Garcia", "maria.garcia@siemens.com", "exact"),
    (
        "a free provider under a country domain",
        "Lars",
        "Berg",
        "lars.berg@hotmail.no",
        "exact_named",
    ),
    ("a mobile carrier's mailbox", "Yuki", "Sato", "yuki.sato@docomo.ne.jp", "exact_named"),
    ("a household's own domain", "Anna", "Weber", "webers@weber-home.de", "exact_named"),
]


@pytest.mark.parametrize(
    ("case", "first", "last", "email", "level"), EMAIL_LEVELS, ids=[r[0] for r in EMAIL_LEVELS]
)
def test_only_a_name_only_address_is_exact_named(
    case: str, first: str, last: str, email: str, level: str
) -> None:
    a = guest(first_name=first, last_name=last, email=email)
    b = guest(first_name=first, last_name=last, email=email, address={"country": "DE"})
    assert compare(a, b).levels["email"] == level, case


def _decide_with_name_holders(holders: int, **fields: Any) -> str:
    """Decide a namesake pair, with `holders` profiles holding the name in the tenant."""
    a, b = guest(**fields), guest(**fields)
    counts = dict.fromkeys(name_keys(b), holders)
    counts[f"email:{b.email}"] = 1
    decision = decide(
        b,
        [Candidate(a, "P1")],
        model=default_model(),
        thresholds=Thresholds(),
        key_profile_counts=counts,
    )
    return decision.action


SARAH = {"first_name": "Sarah", "last_name": "Smith", "email": "ssmith@yahoo.co.uk"}
MADS = {"first_name": "Mads", "last_name": "Rasmussen", "email": "m.rasmussen@outlook.dk"}
YEAR = {"first_name": "Sarah", "last_name": "Smith", "email": "sarah.smith85@yahoo.co.uk"}
WORK = {"first_name": "Sarah", "last_name": "Smith", "email": "sarah.smith@deloitte.com"}
# A Berlin number: a fixed line (a household's), where a Danish one may be either.
LANDLINE = {**MADS, "phone": "+49 30 1234567"}
# (case, fields of both records, profiles holding the name, expected action)
NAMED_EMAIL: list[tuple[str, dict[str, Any], int, str]] = [
    ("common name: name-only address does not vouch", SARAH, 14, "review"),
    ("name held by a few profiles: still does not vouch", MADS, 5, "review"),
    ("rare name in this tenant: links", MADS, 1, "link"),
    ("same name seen twice: links", MADS, 2, "link"),
    ("common name, but an address with a number: links", YEAR, 14, "link"),
    ("common name, an organisation's address: links", WORK, 14, "link"),
    # Both inboxes verified (social sign-in): a common name's name-only inbox is still one
    # namesakes have too; a rare name's verified inbox is the guest's.
    ("verified, common name: does not vouch", {**SARAH, "email_verified": True}, 14, "review"),
    ("verified, rare name: links", {**MADS, "email_verified": True}, 1, "link"),
    # A landline that agrees says "same household", not "someone else": the address still
    # vouches. One record's own number against another's is a namesake with the same address.
    ("rare name, the same landline as well: links", LANDLINE, 1, "link"),
    ("common name, the same landline as well: does not vouch", LANDLINE, 14, "review"),
]


@pytest.mark.parametrize(
    ("case", "fields", "holders", "action"), NAMED_EMAIL, ids=[r[0] for r in NAMED_EMAIL]
)
def test_name_only_email_vouches_only_for_a_name_rare_in_the_tenant(
    case: str, fields: dict[str, Any], holders: int, action: str
) -> None:
    assert _decide_with_name_holders(holders, **fields) == action, case


def test_compound_surname_counts_holders_of_its_first_part() -> None:
    # "María García Martínez" shares "María García" with every other María García.
    short = guest(first_name="María", last_name="García")
    compound = guest(first_name="María", last_name="García Martínez")
    assert set(name_keys(short)) < set(name_keys(compound))
    assert set(name_keys(compound)) <= set(blocking_keys(compound))


# A profile of one guest with a name-only address: a record with their mobile, one without a
# phone. (case, phone of the incoming record with the same name and address, expected action)
ANOTHER_NUMBER: list[tuple[str, str | None, str]] = [
    ("the profile's number: links", "+45 20 12 34 56", "link"),
    ("no number: links", None, "link"),
    # The pair with the phone-less record alone would link: the profile knows another number.
    ("a number the profile never gave: does not vouch", "+45 31 98 76 54", "review"),
]


@pytest.mark.parametrize(
    ("case", "phone", "action"), ANOTHER_NUMBER, ids=[r[0] for r in ANOTHER_NUMBER]
)
def test_name_only_email_does_not_vouch_against_the_profiles_other_number(
    case: str, phone: str | None, action: str
) -> None:
    with_phone = guest(**MADS, phone="+45 20 12 34 56")
    without = guest(**MADS)
    incoming = guest(**MADS, **({"phone": phone} if phone else {}))
    store, decisions = resolve(with_phone, without, incoming)
    assert together(store, with_phone, without)
    assert decisions[-1].action == action, case


# (case, phone a, phone b, expected level)
PHONES: list[tuple[str, str, str, str]] = [
    ("agencies abroad ending alike", "+34 912 345 678", "+81 3 1234 5678", "else"),
    ("agency numbers of different lengths", "+81 3 1234 5678", "+39 06 1234 5678", "else"),
    ("same number, one without area code", "+49 30 1234567", "1234567", "tail"),
    ("same number, national format", "+44 7700 900123", "07700 900123", "exact"),
]


@pytest.mark.parametrize(("case", "pa", "pb", "level"), PHONES, ids=[r[0] for r in PHONES])
def test_phone_tail_needs_one_number_to_end_the_other(
    case: str, pa: str, pb: str, level: str
) -> None:
    a = guest(first_name="James", last_name="Garcia", phone=pa)
    b = guest(first_name="James", last_name="Garcia", phone=pb)
    assert compare(a, b).levels["phone"] == level, case


# (case, email a, email b, expected level): the name of both guests is Mary Rodríguez.
EMAIL_VARIANTS: list[tuple[str, str, str, str]] = [
    (
        "name-only local at another domain",
        "mrodriguez@icloud.com",
        "mrodriguez@hotmail.com",
        "else",
    ),
    ("typo of a name-only local", "mrodrigez@gmail.com", "mrodriguez@gmail.com", "else"),
    ("personal local at another domain", "sunflower77@icloud.com", "sunflower77@gmx.de", "local"),
    ("typo of a personal local", "sunflower77@gmail.com", "sunflowr77@gmail.com", "fuzzy"),
]


@pytest.mark.parametrize(
    ("case", "ea", "eb", "level"), EMAIL_VARIANTS, ids=[r[0] for r in EMAIL_VARIANTS]
)
def test_near_miss_of_a_name_based_address_says_nothing(
    case: str, ea: str, eb: str, level: str
) -> None:
    a = guest(first_name="Mary", last_name="Rodríguez", email=ea)
    b = guest(first_name="Mary", last_name="Rodriguez", email=eb)
    assert compare(a, b).levels["email"] == level, case


@pytest.mark.parametrize(("subject", "linked"), [("2", False), ("1", True)])
def test_one_verified_inbox_with_two_accounts_of_one_provider_is_not_one_guest(
    subject: str, linked: bool
) -> None:
    # Two Marias sharing a verified inbox, each signed in with her own Google account.
    first = {"source": "widget", "first_name": "Maria", "email_verified": True}
    body = {**first, "email": "mariasouza@bol.com.br"}
    a = guest(**body, last_name="Souza", social={"provider": "google", "subject": "1"})
    b = guest(**body, last_name="Santos", social={"provider": "google", "subject": subject})
    store, decisions = resolve(a, b)
    assert together(store, a, b) is linked
    assert (decisions[1].evidence[0].rule in ("verified-email", "social")) is linked


@pytest.mark.parametrize(("holders", "bits"), [(1, None), (2, -1.0), (8, -3.0)])
def test_a_name_many_profiles_hold_counts_for_less(holders: int, bits: float | None) -> None:
    # The tenant's own name frequency: with k namesakes, at most one of them is this guest.
    a = guest(first_name="Lars", last_name="Nielsen", phone="+45 34 48 17 86")
    b = guest(first_name="Lars", last_name="Nielsen", phone="+45 34 48 17 86")
    counts = dict.fromkeys(name_keys(b), holders)
    decision = decide(
        b,
        [Candidate(a, "P1")],
        model=default_model(),
        thresholds=Thresholds(),
        key_profile_counts=counts,
    )
    fields = decision.evidence[0].fields
    assert fields.get("namesakes") == bits
    assert decision.action == "link"  # the phone still says who he is


def test_namesakes_with_a_front_desk_placeholder_address_stay_apart() -> None:
    # "noemail@" is what the desk types for every guest who gives no address.
    a = guest(first_name="John", last_name="Smith", email="noemail@grandhotel.com")
    b = guest(first_name="John", last_name="Smith", email="noemail@grandhotel.com")
    store, decisions = resolve(a, b)
    assert not together(store, a, b), decisions[1]
