"""Columns of other systems' exports read under the generic record's names.

An export names the birth date `dob`, the phone `mobile` and the postcode `zip`, or writes the
address fields at the top of the line. Dropping such a column as unknown would lose the very
fields that recognise the guest; where the meaning is unambiguous and the generic field is
not also given, the column is read as that field.
"""

from __future__ import annotations

import re
from typing import Any

_TOP = {
    "first_name": ("firstname", "first", "given_name", "givenname", "given", "forename"),
    "middle_name": ("middlename", "middle"),
    "last_name": ("lastname", "last", "surname", "family_name", "familyname", "family"),
    "full_name": ("name", "fullname", "guest_name", "guestname"),
    "date_of_birth": ("dob", "birth_date", "birthdate", "birthday", "date_birth"),
    "phone": (
        "phone_number",
        "phonenumber",
        "mobile",
        "mobile_phone",
        "mobile_number",
        "cell",
        "telephone",
        "tel",
    ),
    "email": ("email_address", "emailaddress", "e_mail", "mail"),
    "loyalty_number": ("loyalty_id", "loyalty", "membership_number", "member_number"),
}
_ADDRESS = {
    "line1": ("street", "street_address", "address1", "address_line1", "address_line_1"),
    "line2": ("address2", "address_line2", "address_line_2"),
    "city": ("town",),
    "postcode": ("zip", "zipcode", "zip_code", "postal_code", "postalcode", "post_code"),
    "region": ("state", "province", "county"),
    "country": ("country_code", "countrycode"),
}
_STAY = {
    "reservation_id": ("reservation_number", "booking_id", "booking_number", "confirmation"),
    "arrival": ("check_in", "checkin", "arrival_date"),
    "departure": ("check_out", "checkout", "departure_date"),
}
# Address fields written at the top of the line, under their own or another system's name.
_FLAT_ADDRESS = {
    alias: field for field, aliases in _ADDRESS.items() for alias in (field, *aliases)
} | {"address_line": "line1"}


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: field for field, aliases in table.items() for alias in aliases}


_BY_BLOCK = {"": _index(_TOP), "address": _index(_ADDRESS), "stay": _index(_STAY)}
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _plain(name: str) -> str:
    return _SEPARATORS.sub("_", name.strip().lower()).strip("_")


def read_as_known(item: dict[str, Any], block: str, parent: dict[str, Any], name: str) -> str:
    """Move the unknown column `name` of `parent` (the line, or its `block`) to the generic
    field it means: that field's pointer, or "" when it means none or that field is taken."""
    plain = _plain(name)
    field = _BY_BLOCK.get(block, {}).get(plain)
    if field is not None and field not in parent:
        parent[field] = parent.pop(name)
        return f"/{block}/{field}" if block else f"/{field}"
    address = item.get("address", {})
    field = _FLAT_ADDRESS.get(plain) if not block else None
    if field is not None and isinstance(address, dict) and field not in address:
        item["address"] = {**address, field: parent.pop(name)}
        return f"/address/{field}"
    return ""
