"""Hotel traps: two records of different guests (households, namesakes, shared ids) stay apart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.resolution.builders import DE_HOME, US_HOME, guest, resolve, stay, together

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
            "stay": stay("B-1"),
        },
        {
            "source": "booking",
            "first_name": "Marco",
            "last_name": "Rossi",
            "email": "abc123@guest.booking.com",
            "stay": stay("B-2"),
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
        "booker and companion on one OTA booking, the PMS copy names the companion",
        {
            "source": "booking",
            "first_name": "Hanne",
            "last_name": "Nielsen",
            "stay": stay("5397197094"),
        },
        {
            "source": "mews",
            "first_name": "Peter",
            "last_name": "Nielsen",
            "stay": stay("5397197094"),
        },
    ),
    (
        "father and son of one name on one reservation of one system",
        {"source": "opera", "first_name": "John", "last_name": "Miller", "stay": stay("88231907")},
        {"source": "opera", "first_name": "John", "last_name": "Miller", "stay": stay("88231907")},
    ),
    (
        "short reservation numbers of two systems that happen to agree",
        {"source": "cloudbeds", "first_name": "Maria", "last_name": "Garcia", "stay": stay("1042")},
        {"source": "apaleo", "first_name": "Maria", "last_name": "Garcia", "stay": stay("1042")},
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
    (
        # Given and middle in the first-name field, a two-letter surname: "ha.le" is the
        # name again, which namesakes at another domain also have.
        "namesakes with the same name-only local part at two domains",
        {"first_name": "Ha Thi", "last_name": "Le", "email": "ha.le@sony.co.jp"},
        {"first_name": "Ha Thu", "last_name": "Le", "email": "ha.le@hotmail.com"},
    ),
    (
        "namesakes whose name-only addresses differ by one letter",
        {"first_name": "Ha Ngoc", "last_name": "Vu", "email": "h.vu@yahoo.com.vn"},
        {"first_name": "Ha", "last_name": "Vu", "email": "ha.vu@yahoo.com.vn"},
    ),
    (
        "namesakes with given and middle in one field and the name at two domains",
        {"first_name": "Long Minh", "last_name": "Vu", "email": "long.vu@tata.com"},
        {"first_name": "Long Minh", "last_name": "Vu", "email": "long.vu@yahoo.com.vn"},
    ),
    (
        "a couple whose names look alike, sharing the family mailbox and home",
        {
            "first_name": "Michelle",
            "last_name": "Martin",
            "email": "martinfamily5@gmail.com",
            "phone": "+1 212 396 8019",
            "address": {"line1": "19 Main St", "city": "Chicago", "postcode": "60623"},
        },
        {
            "first_name": "Michael",
            "last_name": "Martin",
            "email": "martinfamily5@gmail.com",
            "phone": "+1 312 614 0789",
            "address": {"line1": "19 Main St", "city": "Chicago", "postcode": "60623"},
        },
    ),
    (
        "brothers with compound given names sharing the first, one household email and home",
        {
            "first_name": "José Luis",
            "last_name": "García Pérez",
            "email": "garciaperez@telefonica.net",
            "address": {"line1": "Calle Mayor 12", "city": "Madrid", "postcode": "28013"},
        },
        {
            "first_name": "José Antonio",
            "last_name": "García Pérez",
            "email": "garciaperez@telefonica.net",
            "address": {"line1": "Calle Mayor 12", "city": "Madrid", "postcode": "28013"},
        },
    ),
    (
        "a couple sharing one email, her compound name holding his first name",
        {
            "first_name": "María José",
            "last_name": "Rodríguez",
            "email": "joseantonio.gonzalez97@telefonica.net",
            "address": {"line1": "Calle Mayor 168", "city": "Barcelona", "postcode": "08674"},
        },
        {
            "first_name": "José Antonio",
            "last_name": "González",
            "email": "joseantonio.gonzalez97@telefonica.net",
            "address": {"line1": "Calle Mayor 168", "city": "Barcelona", "postcode": "08674"},
        },
    ),
    (
        "father and son, the son's suffix in a reservation system's full name",
        {
            "full_name": "SMITH/JOHN JR MR",
            "phone": "+1 617 555 0142",
            "address": {"line1": "12 Oak Street", "city": "Boston", "postcode": "02118"},
        },
        {
            "first_name": "John",
            "last_name": "Smith Sr",
            "phone": "+1 617 555 0142",
            "address": {"line1": "12 Oak Street", "city": "Boston", "postcode": "02118"},
        },
    ),
    (
        "a greek couple, she booked with his mobile",
        {"first_name": "Georgia", "last_name": "Oikonomou", "phone": "+30 698 241 4184"},
        {"first_name": "Georgios", "last_name": "Oikonomou", "phone": "+306982414184"},
    ),
    (
        "a greek couple with a slip in her given name: the surname's form tells them apart",
        {"first_name": "Georgios", "last_name": "Karagiannis", "phone": "+30 699 734 1534"},
        {"first_name": "Goergia", "last_name": "Karagianni", "phone": "+306997341534"},
    ),
    (
        "namesakes with two families' mailboxes a letter apart",
        {"first_name": "Min Ji", "last_name": "Yoon", "email": "chofamily@gmail.com"},
        {"first_name": "Min Ji", "last_name": "Yoon", "email": "choifamily@gmail.com"},
    ),
]


@pytest.mark.parametrize(("case", "first", "second"), TRAPS, ids=[t[0] for t in TRAPS])
def test_trap_stays_apart(case: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = guest(**first), guest(**second)
    store, decisions = resolve(a, b)
    assert not together(store, a, b), case
    assert decisions[1].action in ("new", "review")


# (case, second record, action): the first is Anna Weber at home; each second record is a
# relative of hers. With nothing but the family name and the address in common, the engine's
# own "relative" verdict stands; a shared inbox or landline is left for a person to judge.
RELATIVES: list[tuple[str, dict[str, Any], str]] = [
    ("husband at the same address", {"first_name": "Peter"}, "new"),
    (
        "husband on the household landline",
        {"first_name": "Peter", "phone": "+49 30 1234567"},
        "review",
    ),
    ("husband with the family inbox", {"first_name": "Peter", "email": "webers@web.de"}, "review"),
]


@pytest.mark.parametrize(("case", "second", "action"), RELATIVES, ids=[r[0] for r in RELATIVES])
def test_a_relative_is_queued_for_review_only_when_they_share_a_contact(
    case: str, second: dict[str, Any], action: str
) -> None:
    anna = {
        "first_name": "Anna",
        "last_name": "Weber",
        "email": "webers@web.de",
        "phone": "+49 30 1234567",
        "address": DE_HOME,
    }
    peter = {"last_name": "Weber", "address": DE_HOME, **second}
    _, decisions = resolve(guest(**anna), guest(**peter))
    assert decisions[1].action == action, case
