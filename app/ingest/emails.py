"""Email syntax verdicts: email_validator's, without its cost for a plain ASCII address."""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

# What email_validator accepts for certain (it checks much more, slowly): a dot-atom local part
# of RFC 5322 atext, and a domain of at least two letter-digit-hyphen labels, none with "--"
# (no Punycode, nothing IDNA could refuse). The letter that ends a top-level domain, lengths and
# special-use names (.local, .test…) are checked in code.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
_PLAIN = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+")
_MAX_ADDRESS = 254
_MAX_LABEL = 63
# Unusual addresses are few, and replays and a guest's later bookings repeat them.
_VERDICTS = 4096


def email_problem(address: str) -> str | None:
    """None when email_validator accepts `address` (no DNS lookup), else its message."""
    if _plainly_valid(address):
        return None
    return _validator_verdict(address)


def _plainly_valid(address: str) -> bool:
    if len(address) > _MAX_ADDRESS or _PLAIN.fullmatch(address) is None:
        return False
    domain = address.rpartition("@")[2].lower()
    if not domain[-1].isalpha() or any(len(label) > _MAX_LABEL for label in domain.split(".")):
        return False
    return not any(domain == d or domain.endswith("." + d) for d in SPECIAL_USE_DOMAIN_NAMES)


@lru_cache(maxsize=_VERDICTS)
def _validator_verdict(address: str) -> str | None:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None
