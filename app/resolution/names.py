"""Person-name folding: transliteration, honorifics, suffixes and full-name splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nameparser import HumanName
from unidecode import unidecode

# German umlauts have two accepted ASCII spellings (ü -> u or ue). We fold to the plain vowel
# and compare a "key" that also collapses ae/oe/ue, so Müller, Mueller and Muller all meet.
_UMLAUT_DIGRAPHS = re.compile(r"(?<=[a-z])([aou])e")
_NON_NAME = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")

HONORIFICS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "herr",
        "frau",
        "fraulein",
        "sr",
        "sra",
        "srta",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "mister",
        "missus",
        "doctor",
        "dott",
        "ing",
        "dipl",
        "mag",
        "master",
        "mstr",  # the reservation systems' MSTR: a boy
    }
)
# Forms of address of other languages, typed before the given name ("Dhr. Jan", "Smt. Priya",
# "Dr. med. Hans"). Some are names or initials on their own ("Pan", "Fr"), so they are dropped
# only when a name follows.
TITLES_BEFORE_A_NAME = frozenset(
    {
        "dhr",  # Dutch: de heer
        "mevr",
        "mw",
        "hr",  # German, Scandinavian: Herr
        "fr",
        "sig",  # Italian: signor, signora, signorina
        "sigra",
        "signa",
        "shri",  # Indian: shri, shrimati, kumari
        "sri",
        "smt",
        "kum",
        "pan",  # Polish: pan, pani
        "pani",
        "bay",  # Turkish: bay, bayan
        "bayan",
        "sheikh",
        "sheikha",
        "eng",  # engineer, in Arabic-speaking and Latin American countries
        "ir",  # Dutch: ingenieur, doctorandus
        "drs",
        "med",  # "Dr. med."
        "dna",  # Spanish: doña
        "sayin",
    }
)
_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "jnr": "jr",
    "sr": "sr",
    "senior": "sr",
    "snr": "sr",
    "ii": "ii",
    "iii": "iii",
    "iv": "iv",
    "2nd": "ii",
    "3rd": "iii",
}
_DROP_SUFFIXES = frozenset(["phd", "md", "esq", "mba", "dds", "cpa", "msc", "bsc"])
# The reservation systems append the title to the given name ("JOHN MR", "MARIA MRS").
_TRAILING_TITLES = frozenset(["mr", "mrs", "ms", "miss", "mstr", "mx", "dr", "mme", "mlle"])


def fold(value: str | None) -> str | None:
    """ASCII lower case with punctuation dropped and hyphens as spaces; None when empty."""
    if not value:
        return None
    text = unidecode(value.replace("ß", "ss")).lower().replace("-", " ").replace("'", "")
    text = _SPACES.sub(" ", _NON_NAME.sub(" ", text)).strip()
    return text or None


def name_key(folded: str | None) -> str | None:
    """Spelling-insensitive form: umlaut digraphs collapsed, spaces dropped (von der -> vonder)."""
    if not folded:
        return None
    return _UMLAUT_DIGRAPHS.sub(r"\1", folded).replace(" ", "")


# Surname particles that Dutch, Flemish and German registers sort after the name ("Jong, de",
# "Berg van den"): the same surname as "de Jong". "le" and "la" stay out, being whole surnames.
PARTICLES = frozenset(
    {
        "van",
        "von",
        "vom",
        "zu",
        "de",
        "der",
        "den",
        "het",
        "ter",
        "ten",
        "te",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "di",
        "del",
        "della",
    }
)


def particles_first(tokens: list[str]) -> list[str]:
    """A surname with its trailing particles put back in front: "jong de" -> "de jong"."""
    end = len(tokens)
    while end > 1 and tokens[end - 1] in PARTICLES:
        end -= 1
    if end == len(tokens) or tokens[0] in PARTICLES:
        return tokens
    return tokens[end:] + tokens[:end]


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name split into folded parts."""

    given: str | None
    middle: str | None
    family: str | None
    suffix: str | None


def _strip_tokens(tokens: list[str]) -> tuple[list[str], str | None]:
    """Drop honorifics and degrees; pull out a generational suffix."""
    suffix: str | None = None
    kept: list[str] = []
    for i, token in enumerate(tokens):
        if token in _SUFFIXES and kept:
            suffix = _SUFFIXES[token]
        elif (
            kept
            and (token in _DROP_SUFFIXES or (token in _TRAILING_TITLES and i == len(tokens) - 1))
        ) or (
            not kept
            and (token in HONORIFICS or (token in TITLES_BEFORE_A_NAME and i + 1 < len(tokens)))
        ):
            continue
        else:
            kept.append(token)
    return kept, suffix


def _split_full(full: str) -> tuple[str | None, str | None, str | None]:
    """Split a full name with nameparser ("Last, First" and titles handled)."""
    parsed = HumanName(full)
    last = parsed.last
    # "SMITH/JOHN JR MR", "John Smith III": a generational suffix tells father from son, keep
    # it. nameparser also reads a trailing "MS" (the title) as a degree: that one goes.
    generational = [t for t in (fold(parsed.suffix) or "").split() if t in _SUFFIXES]
    if last and generational:
        last = " ".join([last, *generational])
    return parsed.first or None, parsed.middle or None, last or None


def _whole_name_in_one_field(first: str | None, last: str | None) -> str | None:
    """The whole name, when a record has put it into its only name field.

    "SMITH, John" or the reservation systems' "SMITH/JOHN MR" as the surname, "John Smith" as
    the given name. A lone surname without a comma or slash stays a surname: "Garcia Lopez"
    and "van Dijk" are family names.
    """
    if bool(first) == bool(last):
        return None
    lone = first or last or ""
    if "/" in lone or "," in lone:
        return lone
    if last:
        return None
    # "Mr John" and "Mary-Ann" are a given name alone, and "sachi n" a slip of the keyboard.
    named, _ = _strip_tokens([fold(word) or "" for word in lone.split()])
    return lone if len(named) >= 2 and len(named[-1]) >= 2 else None


def parse_name(
    first: str | None, middle: str | None, last: str | None, full: str | None
) -> PersonName:
    """Fold and clean the name parts, splitting `full` when first or last is missing."""
    if not full and (whole := _whole_name_in_one_field(first, last)):
        full, first, last = whole, None, None
    if full and "/" in full:
        # The reservation systems' "SMITH/JOHN MR": the surname first, then the given names.
        full = full.replace("/", ", ", 1)
    if full and not (first and last):
        f_first, f_middle, f_last = _split_full(full)
        first = first or f_first
        middle = middle or f_middle
        last = last or f_last
    given_tokens, _ = _strip_tokens((fold(first) or "").split())
    family_tokens, suffix = _strip_tokens((fold(last) or "").split())
    middle_tokens, middle_suffix = _strip_tokens((fold(middle) or "").split())
    family_tokens = particles_first(family_tokens)
    if middle_tokens and family_tokens and all(t in PARTICLES for t in middle_tokens):
        # Dutch registers keep the tussenvoegsel apart ("Willem", "de", "Vries"); systems
        # with no field for it put it in the middle name. It is part of the surname.
        family_tokens, middle_tokens = middle_tokens + family_tokens, []
    return PersonName(
        given=" ".join(given_tokens) or None,
        middle=" ".join(middle_tokens) or None,
        family=" ".join(family_tokens) or None,
        suffix=suffix or middle_suffix,
    )
