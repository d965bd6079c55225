"""Files from other systems: unambiguous slips are mended, the rest dropped, never guessed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.bulk.lenient import read_lenient

BASE = {"source": "pms", "source_record_id": "R1", "first_name": "Anna", "last_name": "Müller"}
STAY = {"reservation_id": "X1", "arrival": "2026-01-01", "departure": "2026-01-03"}

# (case, fields over BASE, what the record then holds, the repair reported)
MENDED: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "day first, dotted",
        {"date_of_birth": "14.03.1985"},
        {"date_of_birth": date(1985, 3, 14)},
        "/date_of_birth: date read",
    ),
    (
        "month first, day over 12",
        {"date_of_birth": "03/14/1985"},
        {"date_of_birth": date(1985, 3, 14)},
        "/date_of_birth: date read",
    ),
    (
        "compact",
        {"date_of_birth": "19850314"},
        {"date_of_birth": date(1985, 3, 14)},
        "/date_of_birth: date read",
    ),
    ("empty birth date", {"date_of_birth": ""}, {"date_of_birth": None}, "/date_of_birth: dropped"),
    (
        "no birth date written as a word",
        {"date_of_birth": "unknown"},
        {"date_of_birth": None},
        "/date_of_birth: dropped",
    ),
    (
        "phone as a number",
        {"phone": 4930123456},
        {"phone": "4930123456"},
        "/phone: number read as text",
    ),
    (
        "record id as a number",
        {"source_record_id": 123},
        {"source_record_id": "123"},
        "/source_record_id: number",
    ),
    ("not an email address", {"email": "anna at example"}, {"email": None}, "/email: dropped"),
    ("a column of its own", {"adults": 2}, {"first_name": "Anna"}, "/adults: dropped"),
    ("address as one line", {"address": "Hauptstr. 5, 10115 Berlin"}, {}, "/address: address line"),
]


@pytest.mark.parametrize(
    ("case", "fields", "expected", "repair"), MENDED, ids=[m[0] for m in MENDED]
)
def test_a_slip_is_mended_and_reported(
    case: str, fields: dict[str, Any], expected: dict[str, Any], repair: str
) -> None:
    record, errors, repairs = read_lenient({**BASE, **fields})
    assert record is not None and not errors, (case, errors)
    for name, value in expected.items():
        assert getattr(record, name) == value, case
    assert any(r.startswith(repair) for r in repairs), repairs


def test_times_on_stay_dates_are_cut_and_a_stay_without_dates_goes() -> None:
    record, _, repairs = read_lenient(
        {**BASE, "stay": {**STAY, "arrival": "2026-01-01T15:00:00", "adults": 2}}
    )
    assert record is not None and record.stay is not None
    assert record.stay.arrival == date(2026, 1, 1)
    assert {r.split(":")[0] for r in repairs} == {"/stay/arrival", "/stay/adults"}
    record, _, repairs = read_lenient({**BASE, "stay": {**STAY, "arrival": "soon"}})
    assert record is not None and record.stay is None and "/stay: dropped (missing)" in repairs
    both = {**STAY, "arrival": "soon", "departure": "later"}
    record, _, repairs = read_lenient({**BASE, "stay": both})
    assert (
        record is not None
        and record.stay is None
        and repairs.count("/stay: dropped (missing)") == 1
    )


@pytest.mark.parametrize(
    "fields", [{"source_record_id": None}, {"source": ""}, {"source_record_id": ["R1"]}]
)
def test_a_line_without_its_identity_fails(fields: dict[str, Any]) -> None:
    record, errors, repairs = read_lenient({**BASE, **fields})
    assert record is None and errors and not repairs


def test_a_valid_line_is_read_as_it_is() -> None:
    record, errors, repairs = read_lenient({**BASE, "date_of_birth": "1985-03-14"})
    assert record is not None and not errors and not repairs


# (case, columns as another system's export names them, what the record then holds)
RENAMED: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "names and birth date",
        {"Given Name": "Anna", "surname": "Meier", "DOB": "1985-03-14"},
        {"first_name": "Anna", "last_name": "Meier", "date_of_birth": date(1985, 3, 14)},
    ),
    ("one name column", {"name": "Anna Meier"}, {"full_name": "Anna Meier"}),
    (
        "contact columns",
        {"mobile": "+49 171 1234567", "email_address": "anna@example.com"},
        {"phone": "+49 171 1234567", "email": "anna@example.com"},
    ),
    (
        "address at the top of the line",
        {"street": "Hauptstr. 5", "zip": "10115", "city": "Berlin", "country": "DE"},
        {
            "address": {
                "line1": "Hauptstr. 5",
                "postcode": "10115",
                "city": "Berlin",
                "country": "DE",
            }
        },
    ),
    (
        "address block of another system",
        {"address": {"address1": "Hauptstr. 5", "postal_code": "10115", "state": "BE"}},
        {"address": {"line1": "Hauptstr. 5", "postcode": "10115", "region": "BE"}},
    ),
    (
        "stay of another system",
        {"stay": {"confirmation": "X1", "check_in": "2026-01-01", "check_out": "2026-01-03"}},
        {
            "stay": {
                "reservation_id": "X1",
                "arrival": date(2026, 1, 1),
                "departure": date(2026, 1, 3),
            }
        },
    ),
]


@pytest.mark.parametrize(("case", "columns", "expected"), RENAMED, ids=[r[0] for r in RENAMED])
def test_another_systems_column_is_read_as_the_field_it_means(
    case: str, columns: dict[str, Any], expected: dict[str, Any]
) -> None:
    bare = {k: v for k, v in BASE.items() if k in ("source", "source_record_id")}
    record, errors, repairs = read_lenient({**bare, **columns})
    assert record is not None and not errors, (case, errors)
    held = record.model_dump(exclude_none=True)
    for name, value in expected.items():
        assert held[name] == value, (case, held)
    assert repairs and all(": read as /" in r for r in repairs), repairs


def test_a_column_is_not_read_over_the_field_it_would_fill() -> None:
    record, _, repairs = read_lenient({**BASE, "mobile": "+49 171 1", "phone": "+49 30 2"})
    assert record is not None and record.phone == "+49 30 2"
    assert repairs == ["/mobile: dropped (extra_forbidden)"]
