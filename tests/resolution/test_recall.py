"""Recall cases: two records of one guest, written differently, come together."""

from __future__ import annotations

from typing import Any

import pytest

from tests.resolution.builders import DE_HOME, guest, resolve, stay, together

# An OTA's booking and the PMS copy of it, which carries the channel's booking number.
_OTA: dict[str, Any] = {
    "source": "booking",
    "email": "x7k2m9qa@guest.booking.com",
    "stay": {"reservation_id": "4388852075", "arrival": "2026-03-01", "departure": "2026-03-03"},
}
_PMS_COPY: dict[str, Any] = {
    "source": "opera",
    "email": "x7k2m9qa@guest.booking.com",
    "stay": {
        "reservation_id": "H003-0008099",
        "channel_reservation_id": "4388852075",
        "arrival": "2026-03-01",
        "departure": "2026-03-03",
    },
}

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
        "a direct booking with her Apple relay address, and her sign-in",
        {
            "source": "mews",
            "first_name": "Ines",
            "last_name": "Moreau",
            "email": "q4w8e2r6t1@privaterelay.appleid.com",
            "email_masked": True,
        },
        {
            "source": "widget",
            "first_name": "Ines",
            "last_name": "Moreau",
            "email": "q4w8e2r6t1@privaterelay.appleid.com",
            "email_masked": True,
            "email_verified": True,
            "social": {"provider": "apple", "subject": "001.b"},
        },
    ),
    (
        "OTA booking and the PMS copy of the same booking",
        {
            "source": "booking",
            "first_name": "Lukasz",
            "last_name": "Wojcik",
            "email": "cq3x46ia@guest.booking.com",
            "stay": stay("2436723433"),
        },
        {
            "source": "opera",
            "first_name": "Lukasz",
            "last_name": "Wójcik",
            "email": "cq3x46ia@guest.booking.com",
            "stay": stay("2436723433"),
        },
    ),
    (
        "OTA booking without an email and the PMS copy of it with the alias",
        {
            "source": "booking",
            "first_name": "KLAUS",
            "last_name": "Wolf",
            "address": {"country": "DE"},
            "stay": stay("1439219432"),
        },
        {
            "source": "apaleo",
            "first_name": "Klaus",
            "last_name": "Wolf",
            "email": "atfp83lf.dizv4i@guest.booking.com",
            "phone": "+4915124528103",
            "stay": stay("1439219432"),
        },
    ),
    (
        "PMS copy naming the OTA booking as its channel number, family name mistyped",
        {
            "source": "expedia",
            "first_name": "Thomas",
            "last_name": "Müller",
            "stay": stay("566901056"),
        },
        {
            "source": "mews",
            "first_name": "Thomas",
            "last_name": "üMller",
            "stay": {**stay("MEWS-88231-A"), "channel_reservation_id": "566901056"},
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
    (
        "dutch surname sorted with its particle after it, on the PMS copy of an OTA booking",
        {**_OTA, "first_name": "Femke", "last_name": "JONG DE"},
        {**_PMS_COPY, "first_name": "Femke", "last_name": "de Jong"},
    ),
    (
        "dutch particles sorted after and glued, on the PMS copy of an OTA booking",
        {**_OTA, "first_name": "Johannes", "last_name": "Meer, van der"},
        {**_PMS_COPY, "first_name": "Johannes", "last_name": "Vandermeer"},
    ),
    (
        "spanish full name with both surnames against the first surname, same booking",
        {**_OTA, "full_name": "Carlos Pérez Rodríguez"},
        {**_PMS_COPY, "first_name": "Carlos", "last_name": "Perez"},
    ),
    (
        "spanish surnames in the other order, same mobile",
        {"first_name": "Lucía", "last_name": "García López", "phone": "+34 612 345 670"},
        {
            "first_name": "Lucia",
            "last_name": "López García",
            "phone": "612345670",
            "nationality": "ES",
        },
    ),
    (
        "compound given name and two surnames in a full name, same booking",
        {**_OTA, "full_name": "María José García López"},
        {**_PMS_COPY, "first_name": "María José", "last_name": "García"},
    ),
    (
        "greek given name in its everyday form with the same email",
        {"first_name": "Georgios", "last_name": "Pappas", "email": "georgios1998@gmail.com"},
        {"first_name": "Yiorgos", "last_name": "Pappas", "email": "Georgios1998@gmail.com"},
    ),
    (
        "greek given name spelt the other way with the same mobile",
        {"first_name": "Vasileios", "last_name": "Makris", "phone": "+30 694 123 4567"},
        {
            "first_name": "Vasilios",
            "last_name": "Makris",
            "phone": "6941234567",
            "nationality": "GR",
        },
    ),
    (
        "dutch tussenvoegsel in the middle-name field against the surname glued",
        {**_OTA, "first_name": "Willem", "last_name": "DEVRIES"},
        {**_PMS_COPY, "first_name": "Willem", "middle_name": "de", "last_name": "Vries"},
    ),
    (
        "korean surname romanised two ways on the PMS copy of an OTA booking",
        {**_OTA, "first_name": "Ji-hoon", "last_name": "RHEE"},
        {**_PMS_COPY, "first_name": "Jihoon", "last_name": "Lee"},
    ),
    (
        "korean surname romanised two ways with the same mobile",
        {"first_name": "Min-jun", "last_name": "Chung", "phone": "+82 10 8066 6737"},
        {
            "first_name": "Min Jun",
            "last_name": "Jung",
            "phone": "010-8066-6737",
            "nationality": "KR",
        },
    ),
    (
        "korean name kept in hangul by one system, with the same mobile",
        {"first_name": "Min-jun", "last_name": "Kim", "phone": "+82 10 8066 6737"},
        {"first_name": "민준", "last_name": "김", "phone": "010-8066-6737", "nationality": "KR"},
    ),
    (
        "korean surname in hangul against its passport form, same birth date",
        {"first_name": "Seo-yeon", "last_name": "Park", "date_of_birth": "1990-04-02"},
        {"first_name": "서연", "last_name": "박", "date_of_birth": "1990-04-02"},
    ),
    (
        "vietnamese name written family first in a full name, with the same mobile",
        {"first_name": "Ha Ngoc", "last_name": "Phan", "phone": "+84 91 157 4419"},
        {"source": "booking", "full_name": "Phan Ngoc Ha", "phone": "+84911574419"},
    ),
    (
        "korean name in the wrong fields and its surname romanised otherwise, same mobile",
        {"first_name": "Ji Hoon", "last_name": "Jung", "phone": "+82 10 5104 9307"},
        {"first_name": "Chung", "last_name": "Ji Hoon", "phone": "+821051049307"},
    ),
    (
        "indian form of address typed before the given name, same mobile",
        {"first_name": "Smt. Priya", "last_name": "Sharma", "phone": "+91 98765 41230"},
        {"first_name": "Priya", "last_name": "Sharma", "phone": "09876541230", "nationality": "IN"},
    ),
    (
        "dutch form of address typed before the given name, same birth date",
        {"first_name": "Dhr. Jan", "last_name": "de Vries", "date_of_birth": "1958-03-12"},
        {"first_name": "Jan", "last_name": "de Vries", "date_of_birth": "1958-03-12"},
    ),
    (
        "german doctor of medicine, same email",
        {"first_name": "Dr. med. Hans", "last_name": "Müller", "email": "h.mueller61@web.de"},
        {"first_name": "Hans", "last_name": "Mueller", "email": "h.mueller61@web.de"},
    ),
    (
        "a reservation system's full name ending in the title MS, same booking",
        {**_OTA, "full_name": "NEMETH/KATALIN MS"},
        {**_PMS_COPY, "first_name": "Katalin", "last_name": "Németh"},
    ),
]


@pytest.mark.parametrize(("case", "first", "second"), RECALL, ids=[t[0] for t in RECALL])
def test_recall_case_links(case: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = guest(**first), guest(**second)
    store, decisions = resolve(a, b)
    assert together(store, a, b), (case, decisions[1])
    assert decisions[1].action == "link"
    assert decisions[1].evidence and decisions[1].matcher_version
