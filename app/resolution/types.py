"""Plain data the resolution core takes and returns: no storage, no web, no settings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

Action = Literal["new", "link", "review"]


# Evidence kept per decision: the strongest pairs explain it; the long tail of weak candidates
# (common names) would multiply storage without explaining anything.
EVIDENCE_PAIRS = 8


@dataclass(frozen=True, slots=True)
class NormalisedRecord:
    """One source record, normalised for comparison."""

    key: str  # "<source>:<source_record_id>", unique within a tenant
    source: str
    given: str | None = None  # folded to ASCII lower case, honorifics removed
    given_canonical: str | None = None  # nickname resolved (bob -> robert)
    middle: str | None = None
    family: str | None = None
    email: str | None = None  # canonical form (case, gmail dots, +tags)
    email_kind: Literal["real", "relay"] | None = None  # relay: an OTA's per-booking alias
    email_verified: bool = False
    phone: str | None = None  # E.164
    date_of_birth: date | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    loyalty: str | None = None
    document: str | None = None  # keyed hash of the canonical document, computed by the caller
    social: str | None = None  # "google:<sub>", "microsoft:<tid>:<oid>", "apple:<sub>"
    reservation: str | None = None  # reservation id, scoped to the source
    # Booking numbers of its stay (its own and the channel's), folded: the PMS copy of an OTA
    # booking carries the OTA's number, so two sources' records of one booking share one.
    bookings: tuple[str, ...] = ()
    # Precomputed comparison helpers (filled by normalise(); decide() must stay cheap).
    given_key: str | None = None  # transliteration-insensitive form (mueller == muller)
    given_groups: frozenset[str] = frozenset()  # nickname groups the given name belongs to
    family_key: str | None = None
    family_tokens: tuple[str, ...] = ()  # compound surnames: "garcia lopez" -> both tokens
    suffix: str | None = None  # generational suffix ("jr", "sr", "ii") kept to split father/son
    phone_nsn: str | None = None  # national significant digits, kept even if not valid
    phone_fixed: bool = False  # a fixed line: households share it, so it is weaker evidence
    email_role: bool = False  # a shared role mailbox (info@, bookings@): not one person's
    email_local: str | None = None  # local part of a real email, for typo-tolerant compare
    address: str | None = None  # folded first address line, abbreviations unified
    document_kind: str | None = None  # "passport:DE": only same-kind documents can disagree
    house: str | None = None  # house number of the first address line ("12", "12a")
    street: str | None = None  # the first address line without numbers ("oak st")
    region: str | None = None  # state / province, folded


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing record found through a blocking key, with the profile it belongs to."""

    record: NormalisedRecord
    profile_id: str


@dataclass(slots=True)  # not frozen: built for every pair scored (see compare.PairLevels)
class PairEvidence:
    """Why the incoming record does or does not match one existing record."""

    other: str  # key of the existing record
    profile_id: str
    weight: float  # total match weight (log2 Bayes factor, prior included)
    probability: float
    fields: dict[str, float]  # per-comparison match weights
    levels: dict[str, str]  # per-comparison level name ("exact", "jw>0.92", "null"…)
    rule: str | None = None  # a deterministic rule that decided, e.g. "loyalty", "relay-alias"

    def as_json(self) -> dict[str, Any]:
        return {
            "other": self.other,
            "profile_id": self.profile_id,
            "weight": round(self.weight, 3),
            "probability": round(self.probability, 6),
            "fields": {k: round(v, 3) for k, v in self.fields.items()},
            "levels": dict(self.levels),
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with an incoming record.

    new: start a profile. link: join `profile_ids[0]`, and merge the other listed profiles
    into it. review: start (or keep) its own profile and queue a review against `review_with`.
    """

    action: Action
    profile_ids: tuple[str, ...] = ()
    review_with: tuple[str, ...] = ()
    evidence: tuple[PairEvidence, ...] = ()
    matcher_version: str = ""
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def strongest_evidence(self, count: int = EVIDENCE_PAIRS) -> tuple[PairEvidence, ...]:
        """The pairs that explain the decision: deciding rules first, then the heaviest."""
        ranked = sorted(self.evidence, key=lambda e: (e.rule is not None, e.weight), reverse=True)
        return tuple(ranked[:count])

    def for_review(self) -> Decision:
        """This review decision with only the evidence a review item shows and ranks by.

        That is the strongest pairs and the likeliest pair of each profile under review: a
        rebuild holds the decision of every uncertain record, and common names bring dozens.
        """
        kept = {id(e) for e in self.strongest_evidence()}
        best: dict[str, PairEvidence] = {}
        for pair in self.evidence:
            if pair.profile_id in self.review_with:
                held = best.get(pair.profile_id)
                if held is None or pair.probability > held.probability:
                    best[pair.profile_id] = pair
        kept.update(id(e) for e in best.values())
        return replace(self, evidence=tuple(e for e in self.evidence if id(e) in kept))
