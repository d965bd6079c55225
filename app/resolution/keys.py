"""Blocking keys: the strings the store indexes to find candidate records cheaply."""

from __future__ import annotations

from functools import lru_cache

import jellyfish

from app.resolution.types import NormalisedRecord

# Identifier keys: sharing one is strong evidence and may link on its own (subject to rules).
STRONG_KINDS = frozenset({"email", "loyalty", "social", "doc", "phone", "booking"})


@lru_cache(maxsize=65536)
def phonetic(name: str) -> str:
    """Metaphone code of a name key (cached: the same surnames recur all day)."""
    return jellyfish.metaphone(name) or name[:4]


def key_kind(key: str) -> str:
    """The kind prefix of a blocking key ("email", "relay", "fdob"…)."""
    return key.partition(":")[0]


def is_strong_key(key: str) -> bool:
    """True for identifier keys (email, loyalty, social, doc, phone)."""
    return key_kind(key) in STRONG_KINDS


def name_keys(n: NormalisedRecord) -> list[str]:
    """Order-free phonetic name keys ("names:…"): the profiles holding one share the name.

    A compound surname also gets a key with its first part alone: "María García Martínez" is
    often recorded as "María García", and she shares that name with every other María García.
    """
    if not n.given_canonical or not n.family_key:
        return []
    pg = phonetic(n.given_canonical.replace(" ", ""))
    families = [n.family_key]
    if len(n.family_tokens) > 1 and len(n.family_tokens[0]) > 2:
        families.append(n.family_tokens[0])
    return ["names:" + ":".join(sorted((pg, phonetic(f)))) for f in families]


def blocking_keys(n: NormalisedRecord) -> list[str]:
    """All keys of a record: identifiers first, then blocking keys for probabilistic matches."""
    keys: list[str] = []
    if n.email:
        # A relay alias identifies one booking: it gets its own kind so it never counts as an
        # email identifier.
        kind = "relay" if n.email_kind == "relay" else "role" if n.email_role else "email"
        keys.append(f"{kind}:{n.email}")
    if n.loyalty:
        keys.append(f"loyalty:{n.loyalty}")
    if n.social:
        keys.append(f"social:{n.social}")
    if n.document:
        keys.append(f"doc:{n.document}")
    if n.phone:
        keys.append(f"phone:{n.phone}")
    keys.extend(f"booking:{b}" for b in n.bookings)

    given = n.given_key
    family = n.family_key
    dob = n.date_of_birth
    pg = phonetic(n.given_canonical.replace(" ", "")) if n.given_canonical else None
    pf = phonetic(family) if family else None
    if pf and dob:
        keys.append(f"fdob:{pf}:{dob.year}")
    if pg and dob:
        # Survives a change of family name (marriage) and family-name typos.
        keys.append(f"gdob:{pg}:{dob.isoformat()}")
    if given and family and dob:
        keys.append(f"idob:{given[0]}{family[0]}:{dob.isoformat()}")
    if pg and pf:
        # Order-free pair: catches given/family swapped between fields (the raw given name too,
        # since a family name in the given field has no nickname canonical).
        keys.extend(name_keys(n))
        raw = phonetic(given) if given else pg
        if raw != pg:
            keys.append("names:" + ":".join(sorted((raw, pf))))
        if dob:
            # Order-free too: "Chen Meiling" typed given-first shares no other birth-date key
            # with her stored "Meiling CHEN", and a common name alone ranks her among namesakes.
            keys.append(f"ndob:{':'.join(sorted((pg, pf)))}:{dob.isoformat()}")
    if dob and family:
        keys.append(f"dobf:{dob.isoformat()}:{family[0]}")
    if dob and n.city:
        keys.append(f"dobcity:{dob.isoformat()}:{n.city}")
    if dob and n.address:
        keys.append(f"dobaddr:{dob.isoformat()}:{n.address}")
    if pg and n.address:
        keys.append(f"gaddr:{pg}:{n.address}")
    if pf and n.postcode:
        keys.append(f"fpc:{pf}:{n.postcode}")
    if dob and n.postcode:
        keys.append(f"dobpc:{dob.isoformat()}:{n.postcode}")
    if n.phone_nsn and len(n.phone_nsn) >= 7:
        keys.append(f"tail:{n.phone_nsn[-7:]}")
    if n.email_local and len(n.email_local) >= 5 and not n.email_role:
        keys.append(f"elocal:{n.email_local}")
    if pf and n.address:
        keys.append(f"faddr:{pf}:{n.address}")
    if n.postcode:
        # Records with little else (no birth date, a typo'd family name) still share where
        # they live: the given name, the house or the street within one postcode.
        if pg:
            keys.append(f"gpc:{pg}:{n.postcode}")
        if n.house:
            keys.append(f"hpc:{n.house}:{n.postcode}")
        if n.street:
            keys.append(f"spc:{phonetic(n.street.replace(' ', ''))}:{n.postcode}")
    return keys
