"""Name comparisons: given and family levels, names written crosswise, middle names."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from app.resolution.genders import opposite_genders
from app.resolution.names import name_key
from app.resolution.nicknames import nickname_groups
from app.resolution.types import NormalisedRecord

_jw = JaroWinkler.similarity
_GIVEN_LEVELS = frozenset({"exact", "nickname", "jw92", "jw80", "initial", "else"})
_FAMILY_LEVELS = frozenset({"exact", "tokens", "jw92", "jw80", "else"})
# How close a level is, for comparing a straight reading of the names with a crosswise one.
_RANK = {"exact": 0, "nickname": 1, "tokens": 1, "jw92": 2, "jw80": 3}


# Cached: the same pairs of names recur across the candidates of every record. An entry is
# ~300 bytes; the guests of a neighbourhood recur close together, so a small cache does.
_NAME_PAIRS = 4096
# Twins' names on one stem: at least 4 letters alike before the endings ("hiro"-shi and
# "hiro"-mi), endings of at most 5.
_TWIN_STEM = 4
_TWIN_ENDING = 5


@lru_cache(maxsize=_NAME_PAIRS)
def given_level(a: str | None, b: str | None, ga: frozenset[str], gb: frozenset[str]) -> str:
    """Given-name level: exact, nickname, jw92, jw80, initial or else."""
    if not a or not b:
        return "null"
    if len(a) == 1 or len(b) == 1:
        # An initial agreeing with an initial is still only an initial.
        return "initial" if initial_fits(a, b, ga, gb) else "else"
    if a == b:
        return "exact"
    if opposite_forms(a, b):
        return "else"
    if ga & gb or a in gb or b in ga:
        return "nickname"
    if gendered_pair(a, b) or opposite_genders(a, b):
        return "else"
    if min(len(a), len(b)) <= 3:
        # Jaro-Winkler flatters short names ("li"/"lei" are twins, not a typo); allow only a
        # one-keystroke slip of the same length ("ned"/"nde", "zac"/"zqc"), a letter dropped
        # after the first ("jse"/"jose") or a prefix.
        if a.startswith(b) or b.startswith(a):
            return "jw92"
        one_slip = len(a) == len(b) and OSA.distance(a, b, score_cutoff=1) <= 1
        return "jw80" if one_slip or _short_slip(a, b) else "else"
    sim = _jw(a, b)
    if sim >= 0.92 or a.startswith(b) or b.startswith(a):
        return "jw92"
    return "jw80" if sim >= 0.8 or OSA.distance(a, b, score_cutoff=1) <= 1 else "else"


# Korean surnames have several romanisations in use at once (Revised, McCune-Reischauer and
# the passport's own): one guest is Lee on the passport and Yi or Rhee on a booking form. A
# name kept in Hangul by a Korean system transliterates letter by letter (김 "gim", 박 "bag",
# 최 "coe", 권 "gweon"): those forms join their rows too.
_ROMANISED_SURNAMES = """
kim gim
lee yi rhee rhie ri
park pak bak bag
jung chung jeong cheong
choi choe coe
yoon yun
kang gang
cho jo
lim im rim
shin sin
kwon gwon gweon
seo suh
jang chang
bae pae
baek paek paik
ryu yoo ryoo
moon mun
ahn an
jeon chun
"""
SURNAME_SPELLINGS: dict[str, int] = {
    name: row
    for row, line in enumerate(_ROMANISED_SURNAMES.strip().splitlines())
    for name in line.split()
}


def same_surname_spelt_otherwise(a: str, b: str) -> bool:
    """Two romanisations of one Korean surname ("lee" / "rhee", "jung" / "chung")."""
    row = SURNAME_SPELLINGS.get(a)
    return row is not None and row == SURNAME_SPELLINGS.get(b)


@lru_cache(maxsize=_NAME_PAIRS)
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
    if len(ta) > 1 and sorted(ta) == sorted(tb):
        return "tokens"  # "garcia lopez" vs "lopez garcia": one system sorts the parts
    if same_surname_spelt_otherwise(a, b):
        return "jw92"
    sim = _jw(a, b)
    if sim >= 0.92 or (min(len(a), len(b)) >= 5 and _one_slip(a, b)):
        # One slipped key in a longer surname ("thpmas") is a typo, whatever Jaro-Winkler says.
        return "jw92"
    return "jw80" if sim >= 0.8 else "else"


@lru_cache(maxsize=4096)
def _first_word_key(given: str | None) -> str | None:
    words = (given or "").split()
    return name_key(words[0]) if len(words) > 1 else None


def initial_fits(a: str, b: str, ga: frozenset[str], gb: frozenset[str]) -> bool:
    """An initial stands for the other name, or for the full name a nickname is short for
    ("J." for "Pepe", who is José)."""
    if len(a) == 1 and len(b) == 1:
        return a == b
    initial, name, groups = (a, b, gb) if len(a) == 1 else (b, a, ga)
    return name[0] == initial or any(full[0] == initial for full in groups)


_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=_NAME_PAIRS)
def compound_initials(a: str | None, b: str | None) -> bool:
    """One folded given name is the initials of the other, a double name: "jp" or "j p" (from
    "J.P.") for "jean pierre". Only letters that cannot be a name of their own ("jo" can)."""
    if not a or not b:
        return False
    for short, full in ((a, b), (b, a)):
        parts, letters = full.split(), short.replace(" ", "")
        initials_only = all(len(t) == 1 for t in short.split()) or not _VOWELS & set(letters)
        spelled = letters == "".join(part[0] for part in parts)
        if 2 <= len(parts) == len(letters) and initials_only and spelled:
            return True
    return False


def via_middle(a: NormalisedRecord, b: NormalisedRecord, level: str) -> str:
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


def surname_in_middle(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """One record's surname is the other's first surname, which a full-name split read as a
    middle name: "Carlos Pérez Rodríguez" gives middle "perez", family "rodriguez"."""
    for x, y in ((a, b), (b, a)):
        if not x.middle or not y.family_tokens:
            continue
        middle = x.middle.split()
        both = (*middle, *x.family_tokens)
        if y.family_tokens[0] in middle and all(len(t) > 2 and t in both for t in y.family_tokens):
            return True
    return False


def middle_explains(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """True when one record's given name is the other's middle name (goes by the middle)."""
    ag, bg = a.given_key or "", b.given_key or ""
    am, bm = (a.middle or "").replace(" ", ""), (b.middle or "").replace(" ", "")
    return bool((am and am == bg) or (bm and bm == ag) or (am and bm and am == bm and not ag))


def _is_initial_of(x: str, y: str) -> bool:
    """One is a single letter and the other a longer name starting with it."""
    short, long = sorted((x, y), key=len)
    return len(short) == 1 < len(long) and long[0] == short


def _one_slip(x: str, y: str) -> bool:
    return min(len(x), len(y)) >= 4 and OSA.distance(x, y, score_cutoff=1) <= 1


def crosswise(
    a: NormalisedRecord, b: NormalisedRecord, given: str, family: str
) -> tuple[str, str, bool]:
    """(given, family, swapped): the crosswise reading when it fits better than the straight one.

    Asian name order and OTA forms filled the wrong way round put the family name in the given
    field. Both sides must agree closely, a nickname counting as close ("smith, will" /
    "william smith"); a looser side would pair Petra Meyer with Meyer Peter.
    """
    if not (a.given_key and a.family_key and b.given_key and b.family_key):
        return given, family, False
    cross_g = given_level(a.given_key, b.family_key, a.given_groups, nickname_groups(b.family_key))
    if cross_g in ("jw80", "else") and same_surname_spelt_otherwise(a.given_key, b.family_key):
        cross_g = "jw92"  # "Chung, Ji Hoon" in the wrong fields against "Ji Hoon Jung"
    cross_f = family_level(a.family_key, b.given_key, a.family_tokens, tuple(b.given_key.split()))
    family_groups = nickname_groups(a.family_key)
    nickname = a.family_key in b.given_groups or family_groups & b.given_groups
    if cross_f in ("jw80", "else") and nickname:
        cross_f = "jw92"  # "will" in the family field for "william": a nickname, crosswise
    elif cross_f in ("jw80", "else") and _first_word_key(b.given) == a.family_key:
        # "Phan Ngoc Ha" read as given "phan", family "ha" against "Ha Ngoc" / "Phan": the
        # first given word, as the other way round a prefix of the given name counts too.
        cross_f = "jw92"
    rank_g, rank_f = _RANK.get(cross_g, 9), _RANK.get(cross_f, 9)
    # One slipped keystroke is close too ("ethgn" for "ethan"), but "petra" is not "peter".
    if rank_g == 3 and _one_slip(a.given_key, b.family_key):
        rank_g = 2
    if rank_f == 3 and _one_slip(a.family_key, b.given_key):
        rank_f = 2
    # "L. Zhang" for "Zhang Li": the given name's initial, the family name written first.
    if cross_g == "initial" and rank_f == 0:
        rank_g = 2
    elif rank_g == 0 and _is_initial_of(a.family_key, b.given_key):
        cross_g, cross_f, rank_g, rank_f = "initial", "exact", 2, 0
    ranks = sorted((rank_g, rank_f))
    straight = sorted((_RANK.get(given, 9), _RANK.get(family, 9)))
    if ranks[1] <= 2 and ranks < straight:
        return (
            cross_g if cross_g in _GIVEN_LEVELS else "jw92",
            cross_f if cross_f in _FAMILY_LEVELS else "jw92",
            True,
        )
    return given, family, False


def two_known_names(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """Each given name is a name we know, in no group with the other, and more than one slip
    apart ("michael" / "michelle"); not one name typed twice."""
    ga, gb = a.given_groups, b.given_groups
    if not (ga and gb) or ga & gb:
        return False
    x, y = sorted((a.given_key or "", b.given_key or ""), key=len)
    # "Jo" may be short for "Johannes" without the table knowing it.
    return not y.startswith(x) and clearly_different_given(a, b)


def twin_names(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """Two names on one stem with endings of their own (Hiroshi/Hiromi, Nikolaos/Nikoletta,
    Min-jun/Min-ji), neither standing for the other. A slip keeps the length of what it
    mistypes ("Brigitte"/"Brigirre") or leaves no common stem ("Martina"/"Mratnia")."""
    x, y = a.given_key or "", b.given_key or ""
    if a.given_groups & b.given_groups or middle_explains(a, b):
        return False
    stem = next(
        (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y))
    )
    tails = (len(x) - stem, len(y) - stem)
    return (
        stem >= _TWIN_STEM
        and tails[0] != tails[1]
        # An ending, not a second name glued on ("Venkata"/"Venkataprakash").
        and max(tails) <= _TWIN_ENDING
        and OSA.distance(x, y, score_cutoff=2) > 1
    )


def clearly_different_given(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """Two given names that are not one name misspelt, shortened or replaced by the middle one.

    "Lotte" is short for "Charlotte" and "Mn" a slip for "Min"; "Anna" and "Lena" are two people.
    """
    x, y = a.given_key or "", b.given_key or ""
    if not x or not y or middle_explains(a, b):
        return False
    if len(x) == 1 or len(y) == 1:
        return not initial_fits(x, y, a.given_groups, b.given_groups)
    if different_compounds(a, b):
        return True
    # "Lena Elisabeth" is also "Elna" mistyped: any two parts of the names may be the one name.
    return _different_given_part(x, y) and all(
        _different_given_part(p, q) for p in _parts(a) for q in _parts(b)
    )


def different_compounds(a: NormalisedRecord, b: NormalisedRecord) -> bool:
    """Two compound given names that share a part and differ clearly in the rest: "José Luis"
    and "José Antonio", "María José" and "José Antonio" are brothers, a couple, two people."""
    pa, pb = _parts(a), _parts(b)
    if len(pa) < 2 or len(pb) < 2:
        return False
    rest_a = [p for p in pa if p not in pb]
    rest_b = [q for q in pb if q not in pa]
    # Only names we know, in no common group: "Ha Eun" / "Ha Eyn" is a slip, "Gabi" "Gabriel".
    return bool(rest_a and rest_b) and all(
        _two_names(p, q) and _different_given_part(p, q) for p in rest_a for q in rest_b
    )


def _two_names(x: str, y: str) -> bool:
    gx, gy = nickname_groups(x), nickname_groups(y)
    return bool(gx and gy and not gx & gy)


def _parts(n: NormalisedRecord) -> tuple[str, ...]:
    return _given_parts(n.given)


@lru_cache(maxsize=4096)
def _given_parts(given: str | None) -> tuple[str, ...]:
    return tuple(name_key(part) or part for part in (given or "").split())


@lru_cache(maxsize=_NAME_PAIRS)
def _different_given_part(x: str, y: str) -> bool:
    if gendered_pair(x, y) or opposite_genders(x, y):
        return True
    short, long = sorted((x, y), key=len)
    if len(short) >= 3 and short in long:
        return False
    if len(short) <= 3:
        return not _short_slip(x, y)
    return OSA.distance(x, y, score_cutoff=2) > 1


def _known_apart(x: str, y: str) -> bool:
    short, long = sorted((x, y), key=len)
    known = nickname_groups(short)
    return bool(known) and not known & nickname_groups(long)


# Masculine and feminine forms of one name: Mario/Maria, Paolo/Paola, Daniel/Daniela,
# Louis/Louise, Michel/Michelle, Giovanni/Giovanna, Ioannis/Ioanna, Dimitrios/Dimitra,
# Johan/Johanna, Sven/Svenja, Leon/Leonie, Frederik/Frederikke, Paul/Paulina/Pauline. In a
# household sharing a phone, or twins sharing a birth date, they are two people. A pair the
# nickname table puts in one group (Ann/Anne) never gets here, unless `_OPPOSITE_FORMS` lists it.
_FEMININE_ENDINGS = (
    ("o", "a"),
    ("i", "a"),
    ("is", "a"),
    ("ios", "a"),
    ("us", "a"),
    ("os", "a"),
    ("", "a"),
    ("", "e"),
    ("", "le"),
    ("", "na"),
    ("", "ne"),
    ("", "ja"),
    ("", "ie"),
    ("", "ke"),
    ("", "ina"),
    ("", "ine"),
    ("", "ia"),
)
# Masculine and feminine forms no ending above tells apart, two of them in one nickname group:
# Jean/Jeanne and Michel/Michèle are French couples, Andreas/Andrea German ones, and Andrea,
# a man's name only in Italy, is not how anyone writes an Italian's name in English or German.
_OPPOSITE_FORMS = frozenset(
    frozenset(pair)
    for pair in (
        ("jean", "jeanne"),
        ("michel", "michele"),
        ("francis", "frances"),
        *((male, "andrea") for male in ("andrew", "andreas", "andre", "andres", "andrei")),
        *((male, "andrea") for male in ("andrey", "andriy", "andy")),
    )
)
# Surnames with a masculine and a feminine form: Kowalski / Kowalska, Karagiannis / Karagianni,
# Papadopoulos / Papadopoulou, Ivanov / Ivanova, Novak / Novakova.
_FEMININE_SURNAMES = (
    ("ski", "ska"),
    ("cki", "cka"),
    ("dzki", "dzka"),
    ("os", "ou"),
    ("is", "i"),
    ("as", "a"),
    ("ov", "ova"),
    ("ev", "eva"),
    ("in", "ina"),
    ("", "ova"),
)


@lru_cache(maxsize=_NAME_PAIRS)
def gendered_surnames(x: str | None, y: str | None) -> bool:
    """True when one surname is the other's masculine or feminine form (a couple, siblings)."""
    if not x or not y or min(len(x), len(y)) < 5:
        return False
    for masc, fem in _FEMININE_SURNAMES:
        for a, b in ((x, y), (y, x)):
            stem = a[: len(a) - len(masc)] if masc else a
            if a.endswith(masc) and b == stem + fem and len(stem) >= 3:
                return True
    return False


def opposite_forms(x: str, y: str) -> bool:
    """True for a masculine and a feminine form the nickname table may group as one name."""
    return frozenset((x, y)) in _OPPOSITE_FORMS


def gendered_pair(x: str, y: str) -> bool:
    """True when one given name is the other's masculine or feminine form."""
    if opposite_forms(x, y):
        return True
    shortest = min(len(x), len(y))
    if shortest < 3:
        return False
    if shortest == 3 and not _known_apart(x, y):
        # "Jan"/"Jana" and "Dan"/"Dana" are two people, "Ann"/"Anna" one name: a short name
        # counts only when the table knows it and puts the other name in no group with it.
        return False
    for masc, fem in _FEMININE_ENDINGS:
        for a, b in ((x, y), (y, x)):
            stem = a[: len(a) - len(masc)] if masc else a
            if a.endswith(masc) and b == stem + fem and len(stem) >= 3:
                return True
    return False


def _short_slip(x: str, y: str) -> bool:
    """A typo, not another short name: two letters swapped ("ned"/"nde") or one dropped after
    the first ("jse"/"jose", "ema"/"emma"). "Tom"/"Tim" and "Li"/"Lei" stay two people."""
    short, long = sorted((x, y), key=len)
    if len(short) == len(long):
        return sorted(x) == sorted(y) and OSA.distance(x, y, score_cutoff=1) <= 1
    return (
        len(short) == 3
        and len(long) == 4
        and short[0] == long[0]
        and OSA.distance(x, y, score_cutoff=1) <= 1
    )
