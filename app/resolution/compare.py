"""Pairwise comparison: the level each field agrees at, and whether two records conflict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from app.resolution.types import NormalisedRecord

_jw = JaroWinkler.similarity


@dataclass(frozen=True, slots=True)
class PairLevels:
    """Comparison levels of one pair, plus the facts the decision rules need."""

    levels: dict[str, str]
    swapped: bool  # given and family matched crosswise
    given_value: str | None  # the agreeing name key, for tf adjustment
    family_value: str | None
    conflicts: frozenset[str]  # "dob", "given", "suffix": on this alone, different people
    agrees: frozenset[str]  # the same three facts, where they clearly agree


def given_level(a: str | None, b: str | None, ga: frozenset[str], gb: frozenset[str]) -> str:
    """Given-name level: exact, nickname, jw92, jw80, initial or else."""
    if not a or not b:
        return "null"
    if len(a) == 1 or len(b) == 1:
        # An initial agreeing with an initial is still only an initial.
        return "initial" if a[0] == b[0] else "else"
    if a == b:
        return "exact"
    if ga & gb or a in gb or b in ga:
        return "nickname"
    if min(len(a), len(b)) <= 3:
        # Jaro-Winkler flatters short names ("li"/"lei" are twins, not a typo); allow only a
        # one-keystroke slip of the same length ("ned"/"nde", "zac"/"zqc") or a prefix.
        if a.startswith(b) or b.startswith(a):
            return "jw92"
        same_len = len(a) == len(b)
        return "jw80" if same_len and OSA.distance(a, b, score_cutoff=1) <= 1 else "else"
    sim = _jw(a, b)
    if sim >= 0.92 or a.startswith(b) or b.startswith(a):
        return "jw92"
    return "jw80" if sim >= 0.8 or OSA.distance(a, b, score_cutoff=1) <= 1 else "else"


def family_level(a: str | None, b: str | None, ta: tuple[str, ...], tb: tuple[str, ...]) -> str:
    """Family-name level: exact, tokens (compound surname part), jw92, jw80 or else."""
    if not a or not b:
        return "null"
    if a == b:
        return "exact"
    # "garcia" vs "garcia lopez": one form omits a part. "garcia perez" vs "garcia alvarez"
    # differ in the second surname, which makes them different people.
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if short and len(short) < len(long) and all(len(t) > 2 and t in long for t in short):
        return "tokens"
    sim = _jw(a, b)
    if sim >= 0.92:
        return "jw92"
    return "jw80" if sim >= 0.8 else "else"


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
        return "exact_named" if local and _name_derived(local, a) else "exact"
    if Levenshtein.distance(a.email, b.email, score_cutoff=2) <= 1:
        # jean.bertrand93@ and jean_bertrand93@ are two namesakes more often than one typo.
        return "else" if local and _name_derived(local, a) else "fuzzy"
    # The same local part at another domain counts only when it is not just the name again
    # (namesakes all own some "pierre.martin@").
    if local and local == b.email_local and len(local) >= 5 and not _name_derived(local, a):
        return "local"
    return "else"


def _name_derived(local: str, n: NormalisedRecord) -> bool:
    return any(part and len(part) >= 3 and part in local for part in (n.family_key, n.given_key))


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
        return "tail"
    return "fuzzy" if Levenshtein.distance(na, nb, score_cutoff=2) <= 1 else "else"


def _exact(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "null"
    return "exact" if a == b else "else"


_DIGITS = re.compile(r"\d+")


def _same_address(a: str, b: str) -> bool:
    if a == b:
        return True
    # House numbers must agree: "kirchweg 67" and "kirchweg 86" are neighbours, not one home.
    if set(_DIGITS.findall(a)) != set(_DIGITS.findall(b)):
        return False
    return bool(fuzz.token_sort_ratio(a, b, score_cutoff=85))


def location_level(a: NormalisedRecord, b: NormalisedRecord) -> str:
    """Finest agreeing level of address / postcode / city / country, else a disagreement."""
    if a.address and b.address and _same_address(a.address, b.address):
        return "address"
    if a.postcode and b.postcode and a.postcode == b.postcode:
        return "postcode"
    if a.city and b.city and (a.city == b.city or fuzz.ratio(a.city, b.city, score_cutoff=90)):
        return "city"
    if a.country and b.country:
        return "country" if a.country == b.country else "else"
    if (a.city and b.city) or (a.postcode and b.postcode):
        return "else"
    return "null"


def _social_level(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "null"
    if a == b:
        return "exact"
    # Different providers say nothing; the same provider with another subject is another account.
    return "else" if a.partition(":")[0] == b.partition(":")[0] else "null"


def compare(a: NormalisedRecord, b: NormalisedRecord) -> PairLevels:
    """Compare two records field by field."""
    given = given_level(a.given_key, b.given_key, a.given_groups, b.given_groups)
    if given in ("initial", "else") and (a.middle or b.middle):
        # "F. Juliana Costa" goes by her middle name.
        given = _via_middle(a, b, given)
    family = family_level(a.family_key, b.family_key, a.family_tokens, b.family_tokens)
    swapped = False
    g_val, f_val = a.given_key, a.family_key
    if given not in ("exact", "nickname") and family != "exact":
        cross_g = given_level(a.given_key, b.family_key, a.given_groups, frozenset())
        cross_f = family_level(
            a.family_key, b.given_key, a.family_tokens, tuple((b.given or "").split())
        )
        if cross_g in ("exact", "jw92") and cross_f in ("exact", "jw92", "tokens"):
            given, family, swapped = cross_g, cross_f, True
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
        "location": location_level(a, b),
        "loyalty": _exact(a.loyalty, b.loyalty),
        "document": document,
        "social": _social_level(a.social, b.social),
    }
    conflicts: set[str] = set()
    agrees: set[str] = set()
    if dob == "else":
        conflicts.add("dob")
    elif dob != "null":
        agrees.add("dob")
    if a.suffix and b.suffix:
        (agrees if a.suffix == b.suffix else conflicts).add("suffix")
    if given == "else" and not _middle_explains(a, b):
        conflicts.add("given")
    elif given in ("exact", "nickname", "jw92"):
        agrees.add("given")
    return PairLevels(levels, swapped, g_val, f_val, frozenset(conflicts), frozenset(agrees))


def _via_middle(a: NormalisedRecord, b: NormalisedRecord, level: str) -> str:
    # Only for an initial: "F. Juliana" is Juliana, but "Andreas Hans" is not his father Hans.
    pairs: list[tuple[str | None, str | None]] = []
    if a.middle and a.given_key and len(a.given_key) == 1:
        pairs.append((a.middle.split()[0], b.given_key))
    if b.middle and b.given_key and len(b.given_key) == 1:
        pairs.append((a.given_key, b.middle.split()[0]))
    for x, y in pairs:
        found = given_level(x, y, frozenset(), frozenset())
        if found in ("exact", "jw92"):
            return found
    return level


def _middle_explains(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """True when one record's given name is the other's middle name (goes by the middle)."""
    ag, bg = a.given_key or "", b.given_key or ""
    am, bm = (a.middle or "").replace(" ", ""), (b.middle or "").replace(" ", "")
    return bool((am and am == bg) or (bm and bm == ag) or (am and bm and am == bm and not ag))
