"""Pairwise comparison: the level each field agrees at, and whether two records conflict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from app.resolution.location import area_level, elsewhere, house_level, street_level
from app.resolution.mailboxes import consumer_domain
from app.resolution.namecompare import (
    clearly_different_given,
    compound_initials,
    crosswise,
    different_compounds,
    family_level,
    gendered_surnames,
    given_level,
    surname_in_middle,
    twin_names,
    two_known_names,
    via_middle,
)
from app.resolution.names import name_key
from app.resolution.types import NormalisedRecord

_SEPARATORS = re.compile(r"[._\-]+")
# Words that make a name-only address a household's ("schmidts", "meier.family", "the.millers").
_HOUSEHOLD_WORDS = ("family", "familie", "famille", "familia", "famiglia", "the", "s")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, four times the cost
# of building one, and a pair is built for every candidate of every record.
@dataclass(slots=True)
class PairLevels:
    """Comparison levels of one pair, plus the facts the decision rules need."""

    levels: dict[str, str]
    swapped: bool  # given and family matched crosswise
    given_value: str | None  # the agreeing name key, for tf adjustment
    family_value: str | None
    street_value: str | None  # the agreeing street, for tf adjustment
    conflicts: frozenset[str]  # "dob", "given", "suffix": on this alone, different people
    agrees: frozenset[str]  # the same three facts, where they clearly agree


def _year_typo(a: int, b: int) -> bool:
    sa, sb = str(a), str(b)
    diffs = [i for i in range(min(len(sa), len(sb))) if sa[i] != sb[i]]
    transposed = len(diffs) == 2 and diffs[1] == diffs[0] + 1 and sa[diffs[0]] == sb[diffs[1]]
    return len(diffs) == 1 or transposed


def dob_level(a: date | None, b: date | None) -> str:
    """Birth-date level: exact, swap (day/month), one_part (typo in one part) or else."""
    if a is None or b is None:
        return "null"
    if a == b:
        return "exact"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "swap"
    if abs((a - b).days) <= 2:
        # Off by a day or two across a month end (31 Jan / 1 Feb): a slip, not another person.
        return "one_part"
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    if same == 2 and (a.year == b.year or _year_typo(a.year, b.year)):
        return "one_part"
    return "else"


def _email_level(a: NormalisedRecord, b: NormalisedRecord) -> str:
    # Relay aliases are per booking and role mailboxes are shared: neither says who the guest is.
    if not a.email or not b.email or a.email_kind != "real" or b.email_kind != "real":
        return "null"
    if a.email_role or b.email_role:
        return "null"
    local = a.email_local
    if a.email == b.email:
        if not local or not (_name_only(local, a) or _name_only(local, b)):
            return "exact"
        # An organisation hands out one address per person (its second Maria Garcia gets
        # another); at a free provider namesakes type the same name-only address.
        if consumer_domain(a.email.rpartition("@")[2]) or _household_address(local, a, b):
            return "exact_named"
        return "exact"
    if a.email_verified and b.email_verified:
        # Two verified addresses both deliver: guest1@ and guest5@ are two inboxes, not a typo.
        return "else"
    if Levenshtein.distance(a.email, b.email, score_cutoff=2) <= 1:
        # jean.bertrand93@ and jean_bertrand93@ are two namesakes more often than one typo.
        named = any(
            _name_derived(x, n) for x in (a.email_local, b.email_local) if x for n in (a, b)
        ) or any(_household(x) for x in (a.email_local, b.email_local) if x)
        return "else" if named else "fuzzy"
    # The same local part at another domain counts only when it is not just the name again
    # (namesakes all own some "pierre.martin@").
    if (
        local
        and local == b.email_local
        and len(local) >= 5
        and not (_name_derived(local, a) or _name_derived(local, b))
    ):
        return "local"
    return "else"


_FAMILY_WORDS = ("family", "familie", "famille", "familia", "famiglia")


def _household(local: str) -> bool:
    """A family's mailbox ("choifamily", "familie.jansen"): "chofamily" is another family's."""
    return any(word in local for word in _FAMILY_WORDS)


def _household_address(local: str, a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """A family's mailbox ("webers", "the.millers", "choifamily"), wherever it is kept."""
    if _household(local):
        return True
    folded = _folded_local(local)
    families = {name_key(f) for n in (a, b) for f in (n.family_key, *n.family_tokens) if f}
    return any(folded in (f"{f}s", f"the{f}", f"the{f}s") for f in families if f)


def _name_parts(n: NormalisedRecord) -> tuple[str, ...]:
    return _parts(n.given, n.family_key, n.family_tokens, n.middle)


@lru_cache(maxsize=65536)
def _parts(
    given: str | None, family: str | None, tokens: tuple[str, ...], middle: str | None
) -> tuple[str, ...]:
    # Cached: decide() compares every candidate pair, and the same guests recur.
    # Each given word counts on its own: "Ha Thi" in the first-name field writes "ha.le@".
    words = (given or "").split()
    parts = [given, *words, family, *tokens, *(middle or "").split()]
    if words and family:
        # Short names ("Ha", "Le", "Vu") are each too short to say much, the full name is not.
        parts += [words[0] + family, family + words[0]]
    return tuple(name_key(p) or "" for p in parts if p)


@lru_cache(maxsize=65536)
def _folded_local(local: str) -> str:
    # Folded like the name keys ("mueller" -> "muller"), separators dropped.
    return name_key(_SEPARATORS.sub("", local)) or ""


def _name_only(local: str, n: NormalisedRecord) -> bool:
    """The local part is nothing but the guest's name: parts and initials, no digits or words.

    "maria.garcia", "mgarcia", "garcia.m" are typed by every Maria Garcia; "maria.garcia84" and
    "maria1984" carry something personal that namesakes rarely share.
    """
    rest = _folded_local(local)
    if not rest.isalpha():
        return False
    parts = _name_parts(n)
    initials = {p[0] for p in parts if p}
    found = False
    for part in sorted({p for p in parts if len(p) >= 2}, key=len, reverse=True):
        if part in rest:
            rest, found = rest.replace(part, "", 1), True
    for word in _HOUSEHOLD_WORDS:
        rest = rest.replace(word, "", 1)  # "schmidts", "the.millers", "meier.family": a household's
    return found and len(rest) <= 2 and all(c in initials for c in rest)


def _name_derived(local: str, n: NormalisedRecord) -> bool:
    """The local part contains the guest's given or family name ("jean.bertrand93")."""
    return _derived(local, _name_parts(n))


@lru_cache(maxsize=65536)
def _derived(local: str, parts: tuple[str, ...]) -> bool:
    folded = _folded_local(local)
    return any(len(part) >= 3 and part in folded for part in parts)


def _phone_level(a: NormalisedRecord, b: NormalisedRecord) -> str:
    if a.phone and b.phone and a.phone == b.phone:
        return "exact_fixed" if a.phone_fixed else "exact"
    na, nb = a.phone_nsn, b.phone_nsn
    if not na or not nb:
        return "null"
    if na == nb:
        if a.phone and b.phone:
            return "tail"
        return "exact_fixed" if a.phone_fixed or b.phone_fixed else "exact"
    if len(na) >= 7 and na[-7:] == nb[-7:]:
        # One side lacks the area code (or was not parsed). Two complete numbers that share
        # only their last digits are two lines: agencies abroad all end in "…12345678".
        complete = a.phone and b.phone and not (na.endswith(nb) or nb.endswith(na))
        return "else" if complete else "tail"
    return "fuzzy" if Levenshtein.distance(na, nb, score_cutoff=2) <= 1 else "else"


def _exact(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "null"
    return "exact" if a == b else "else"


def _social_level(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "null"
    if a == b:
        return "exact"
    # Different providers say nothing; the same provider with another subject is another account.
    return "else" if a.partition(":")[0] == b.partition(":")[0] else "null"


_PLACE_AGREES = frozenset({"exact", "typo", "jw92", "jw80"})


def compare(a: NormalisedRecord, b: NormalisedRecord) -> PairLevels:
    """Compare two records field by field."""
    given = given_level(a.given_key, b.given_key, a.given_groups, b.given_groups)
    if given in ("initial", "else") and (a.middle or b.middle):
        # "F. Juliana Costa" goes by her middle name.
        given = via_middle(a, b, given)
    if given == "else" and compound_initials(a.given, b.given):
        given = "initial"
    family = family_level(a.family_key, b.family_key, a.family_tokens, b.family_tokens)
    if family == "else" and (a.middle or b.middle) and surname_in_middle(a, b):
        family = "tokens"
    swapped = False
    g_val, f_val = a.given_key, a.family_key
    if given not in ("exact", "nickname") and family != "exact":
        given, family, swapped = crosswise(a, b, given, family)
    dob = dob_level(a.date_of_birth, b.date_of_birth)
    document = "null"
    if a.document and b.document:
        same_kind = a.document_kind == b.document_kind or a.document == b.document
        document = ("exact" if a.document == b.document else "else") if same_kind else "null"
    levels = {
        "given": given,
        "family": family,
        "dob": dob,
        "email": _email_level(a, b),
        "phone": _phone_level(a, b),
        "house": house_level(a.house, b.house),
        "street": street_level(a.street, b.street),
        "area": area_level(a, b),
        "loyalty": _exact(a.loyalty, b.loyalty),
        "document": document,
        "social": _social_level(a.social, b.social),
    }
    if (levels["street"] in _PLACE_AGREES or levels["house"] in _PLACE_AGREES) and elsewhere(a, b):
        # "12 Main Street" in two towns is two addresses, as apart as two different streets.
        for comp in ("house", "street"):
            if levels[comp] != "null":
                levels[comp] = "else"
    conflicts: set[str] = set()
    agrees: set[str] = set()
    if dob == "else":
        conflicts.add("dob")
    elif dob != "null":
        agrees.add("dob")
    if a.suffix and b.suffix:
        (agrees if a.suffix == b.suffix else conflicts).add("suffix")
    if given == "else" and clearly_different_given(a, b):
        conflicts.add("given")
    elif not swapped and (
        (given in ("jw92", "jw80") and two_known_names(a, b))
        or (given in ("nickname", "jw92", "jw80") and different_compounds(a, b))
    ):
        # Michael and Michelle look alike to Jaro-Winkler, but a slip of the keyboard rarely
        # makes another name: two names we know, two people. José Luis and José Antonio share
        # a nickname group through José, and are brothers.
        conflicts.add("given")
    elif given in ("jw92", "jw80") and gendered_surnames(a.family_key, b.family_key):
        # "Goergia Karagianni" and "Georgios Karagiannis": the slip hides the given name's
        # gender, the surname's form still tells a wife from her husband.
        conflicts.add("given")
    elif given == "jw80" and dob == "exact" and not swapped and twin_names(a, b):
        # One birth date, one family, names on one stem two keystrokes or more apart
        # (Hiroshi/Hiromi, Nikolaos/Nikoletta): twins, not a guest who mistyped twice.
        conflicts.add("given")
    elif given in ("exact", "nickname", "jw92"):
        agrees.add("given")
    return PairLevels(
        levels, swapped, g_val, f_val, a.street, frozenset(conflicts), frozenset(agrees)
    )
