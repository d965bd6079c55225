"""Scoring: the match weight of one record pair, the identifier rules, and a profile's score."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.resolution.compare import PairLevels, compare
from app.resolution.model import TF_COMPARISONS, MatchModel
from app.resolution.types import Candidate, NormalisedRecord, PairEvidence

# Personal identifiers: in a population of households a link by score needs one of them to
# agree. Names plus an address are not enough (a father and son of the same name share both).
CORROBORATING = ("dob", "email", "phone", "loyalty", "document", "social")
AGREEING = frozenset({"exact", "swap", "one_part", "tail", "local", "fuzzy"})
_AGREEING_EXACTLY = AGREEING - {"fuzzy"}
# Rules that decide a pair on an identifier alone; "uncorroborated" and
# "verified-emails-differ" only stop a link by score.
STRONG_RULES = frozenset(
    {"relay-same-booking", "same-booking", "loyalty", "social", "document", "verified-email"}
)
# Family-name levels that name the same family (typos and compound surnames included).
_FAMILY_AGREES = frozenset({"exact", "tokens", "jw92", "jw80"})
_NAME_FIELDS = ("given", "family", "name_swap", "namesakes")
_NO_NAME_WEIGHTS = (0.0,) * len(_NAME_FIELDS)
# id_counts entry: profiles holding the incoming record's name (its "names:" keys). A name-only
# address (maria.garcia@) is as common as the name: once more than this many profiles hold the
# name, the tenant has namesakes and the address no longer tells them apart. It scales with the
# tenant: at 3k guests few names reach it, at 10k+ the common ones do.
NAME_HOLDERS = "names"
NAMED_EMAIL_MAX_HOLDERS = 4
_SWAP_PENALTY = 1.0  # bits: given/family crosswise is usually data entry, but slightly less sure


@dataclass(slots=True)
class Scored:
    """One pair's evidence plus the facts the decision rules need."""

    evidence: PairEvidence
    conflicts: frozenset[str]
    agrees: frozenset[str]
    strong: bool  # a deterministic identifier rule says "same guest"
    corroborated: bool  # a personal identifier (dob, email, phone…) agrees
    shared: frozenset[str] = frozenset()  # identifiers other profiles hold as well
    exact_only: bool = False  # only outright agreement corroborates (verified inboxes differ)


def identifier_keys(n: NormalisedRecord) -> dict[str, str]:
    """Comparison -> blocking key of the record's identifiers (for shared-identifier counts)."""
    keys: dict[str, str] = {}
    if n.email and n.email_kind == "real" and not n.email_role:
        keys["email"] = f"email:{n.email}"
    if n.phone:
        keys["phone"] = f"phone:{n.phone}"
    if n.loyalty:
        keys["loyalty"] = f"loyalty:{n.loyalty}"
    if n.document:
        keys["document"] = f"doc:{n.document}"
    if n.social:
        keys["social"] = f"social:{n.social}"
    return keys


def probability(weight: float) -> float:
    """Match probability of a weight in bits (prior included)."""
    if weight > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def score_pair(
    incoming: NormalisedRecord,
    cand: Candidate,
    model: MatchModel,
    id_counts: Mapping[str, int],
    max_profiles: int,
    *,
    households: bool = True,
) -> Scored:
    """Match weight, level per field and deterministic rule for one candidate record."""
    other = cand.record
    pair: PairLevels = compare(incoming, other)
    levels = pair.levels
    fields: dict[str, float] = {}
    shared: set[str] = set()
    total = model.prior_weight
    table = model.weights
    for comp, level in levels.items():
        if level == "null":
            continue
        count = id_counts.get(comp, 0) if level == "exact" else 0
        if count > max_profiles:
            # An identifier held by many profiles (agency phone, info@) identifies nobody.
            levels[comp] = level = "shared"
            weight = 0.0
        elif level != "exact" or comp not in TF_COMPARISONS:
            weight = table[comp][level]  # model.weight() without the call (hot loop)
        elif comp == "given":
            weight = model.weight(comp, level, pair.given_value)
        elif comp == "family":
            weight = model.weight(comp, level, pair.family_value)
        else:
            weight = model.weight(comp, level, pair.street_value)
        if count > 1 and level == "exact":
            # The same identifier on k profiles: at most one of them is this guest, and a number
            # that several guests give (an agency's, a family's) no longer vouches for anyone.
            weight -= math.log2(count)
            shared.add(comp)
        fields[comp] = weight
        total += weight
    holders = id_counts.get(NAME_HOLDERS, 0)
    if holders > 1 and "given" in fields and "family" in fields:
        # The tenant's own term frequency: k profiles already hold this name, and at most one
        # of them is this guest. It grows with the tenant, as namesakes do.
        fields["namesakes"] = -math.log2(holders)
        levels["namesakes"] = f"{holders} profiles"
        total += fields["namesakes"]
    if pair.swapped:
        fields["name_swap"] = -_SWAP_PENALTY
        levels["name_swap"] = "swapped"
        total -= _SWAP_PENALTY
    if (
        levels["email"] == "exact_named"
        and id_counts.get(NAME_HOLDERS, 0) > NAMED_EMAIL_MAX_HOLDERS
    ):
        shared.add("email")  # as good as shared: it does not vouch for the profile either
    verified = incoming.email_verified and other.email_verified
    # Two verified inboxes that differ are two accounts; namesakes have those too. Only an
    # identifier that agrees outright says they are one guest, not one a keystroke away.
    inboxes_differ = verified and levels["email"] == "else"
    corroborated = _corroborated(
        levels, named_email="email" not in shared, fuzzy=not inboxes_differ
    )
    rule = _strong_rule(incoming, other, pair)
    if rule == "verified-email" and levels["email"] == "exact_named" and "email" in shared:
        rule = None  # a name-only inbox of a common name: namesakes have one like it
    if rule is None and inboxes_differ:
        # Two verified personal inboxes that differ, and the given names do not clearly agree
        # (guest1@ and guest5@ of the Example family): two people unless something personal
        # says otherwise.
        rule = None if "given" in pair.agrees or corroborated else "verified-emails-differ"
    if rule is None and households and not corroborated and total > 0:
        rule = "uncorroborated"  # may be reviewed, never linked on score alone
    evidence = PairEvidence(
        other=other.key,
        profile_id=cand.profile_id,
        weight=total,
        probability=probability(total),
        fields=fields,
        levels=levels,
        rule=rule,
    )
    strong = rule in STRONG_RULES
    return Scored(
        evidence,
        pair.conflicts,
        pair.agrees,
        strong,
        corroborated,
        frozenset(shared),
        exact_only=inboxes_differ,
    )


def _corroborated(
    levels: Mapping[str, str], *, named_email: bool = True, fuzzy: bool = True
) -> bool:
    if _identifier_agrees(levels, AGREEING if fuzzy else _AGREEING_EXACTLY):
        return True
    return (
        # A name-only address (maria.garcia@) is typed by namesakes and shared in families: it
        # corroborates only for a name rare in the tenant, and while the phones do not say
        # otherwise (a household's landline that agrees does not).
        named_email
        and levels["email"] == "exact_named"
        and levels["phone"] in ("null", "shared", "exact_fixed")
    )


def _identifier_agrees(levels: Mapping[str, str], agreeing: frozenset[str]) -> bool:
    # A loop, not any(): called for every pair and profile.
    for comp in CORROBORATING:  # noqa: SIM110
        if levels[comp] in agreeing:
            return True
    return False


def personal_agrees(s: Scored) -> bool:
    """A personal identifier (birth date, email, phone, loyalty, document, sign-in) agrees."""
    return _identifier_agrees(s.evidence.levels, AGREEING)


def named_email_only(s: Scored) -> bool:
    """Nothing personal but a name-only address (maria.garcia@) agrees on this pair."""
    return s.evidence.levels["email"] == "exact_named" and not personal_agrees(s)


def another_number(scored: Sequence[Scored]) -> bool:
    """The profile's records give phone numbers and none of them is the incoming record's."""
    differs = False
    for s in scored:
        level = s.evidence.levels["phone"]
        if level in AGREEING or level == "exact_fixed":
            return False
        differs = differs or level == "else"
    return differs


def _same_booking(a: NormalisedRecord, b: NormalisedRecord, pair: PairLevels) -> bool:
    """Two systems' records of one booking (the OTA's and the PMS copy) that name one guest.

    One system's records of one booking are its booker and companions: other people. Across
    systems the booking number says which stay; the name says which of its guests.
    """
    if not a.bookings or not b.bookings or a.source == b.source:
        return False
    if set(a.bookings).isdisjoint(b.bookings):
        return False
    levels = pair.levels
    return levels["family"] in _FAMILY_AGREES and levels["given"] != "else" and not pair.conflicts


def _strong_rule(a: NormalisedRecord, b: NormalisedRecord, pair: PairLevels) -> str | None:
    """The identifier rule that links this pair on its own, if any."""
    levels = pair.levels
    if (
        a.email_kind == "relay"
        and b.email_kind == "relay"
        and a.email == b.email
        and a.reservation is not None
        and b.reservation is not None
        # The PMS copy of an OTA booking carries the OTA's number under its own source name.
        and a.reservation.partition(":")[2] == b.reservation.partition(":")[2]
    ):
        return "relay-same-booking"
    if _same_booking(a, b, pair):
        return "same-booking"
    for comp in ("loyalty", "social", "document"):
        if levels[comp] == "exact":
            return comp
    if (
        levels["email"] in ("exact", "exact_named")
        and a.email_verified
        and b.email_verified
        # Two accounts of one sign-in provider are two people sharing an inbox (a couple).
        and levels["social"] != "else"
    ):
        return "verified-email"
    return None


def profile_weight(model: MatchModel, scored: Sequence[Scored]) -> tuple[float, bool]:
    """(weight, corroborated) of the incoming record against a whole profile.

    A profile is one guest seen several times: the incoming OTA record may share its phone with
    one stay and its city with another. Each comparison takes its best level over the
    profile's records, so evidence spread over the profile adds up, while a field disagrees
    only when no record agrees on it.
    """
    best: dict[str, float] = {}
    best_level: dict[str, str] = {}
    names = -math.inf
    for s in scored:
        fields = s.evidence.fields
        # Names count as one reading per record: "li min" agreeing on the given name and
        # "min li" on the family name must not add up to a full name match.
        names = max(names, sum(map(fields.get, _NAME_FIELDS, _NO_NAME_WEIGHTS)))
        for comp, weight in fields.items():
            if comp not in _NAME_FIELDS and (comp not in best or weight > best[comp]):
                best[comp] = weight
                # Spread evidence is only as good as its parts: a number other guests also
                # gave (an agency's) must not vouch for the profile.
                level = s.evidence.levels[comp]
                weak = comp in s.shared or (s.exact_only and level == "fuzzy")
                best_level[comp] = "null" if weak else level
    total = model.prior_weight + sum(best.values()) + (names if scored else 0.0)
    return total, _corroborated({c: best_level.get(c, "null") for c in CORROBORATING})
