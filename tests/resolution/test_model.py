"""The match model: weights, serialisation, EM training without labels, speed."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from app.resolution import (
    MatchModel,
    NormalisedRecord,
    default_model,
    train,
)
from tests.resolution.builders import guest

GIVEN = [
    "anna",
    "ben",
    "clara",
    "david",
    "emma",
    "felix",
    "greta",
    "hugo",
    "ida",
    "jonas",
    "karl",
    "lena",
    "max",
    "nina",
    "oskar",
    "paula",
    "quirin",
    "rosa",
    "simon",
    "tina",
]
FAMILY = [
    "berg",
    "koch",
    "wolf",
    "roth",
    "lang",
    "kraus",
    "haas",
    "vogt",
    "frank",
    "brandt",
    "keller",
    "huber",
    "lorenz",
    "otto",
    "peters",
    "simon",
    "fuchs",
    "beck",
    "jung",
    "horn",
    "stein",
    "graf",
    "sommer",
    "winter",
    "engel",
    "busch",
    "kuhn",
    "pohl",
    "arndt",
    "seidel",
]


def test_default_weights_have_the_right_sign() -> None:
    model = default_model()
    for comparison, levels in model.weights.items():
        assert levels[next(iter(levels))] > 0, comparison  # best level is evidence for
        assert levels["else"] < 0, comparison  # disagreement is evidence against


def test_tf_makes_common_names_count_less() -> None:
    model = default_model()
    assert model.weight("family", "exact", "smith") < model.weight("family", "exact", "quetsch")


def test_json_round_trip() -> None:
    model = default_model()
    again = MatchModel.from_json(model.to_json())
    assert again == model
    assert again.weights == model.weights


def _typo(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    return value[:i] + rng.choice("aeiourst") + value[i + 1 :]


def _population(seed: int = 5) -> list[NormalisedRecord]:
    rng = random.Random(seed)
    records: list[NormalisedRecord] = []
    for n in range(600):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(20000))
        phone = f"+49151{rng.randrange(10**7, 10**8)}"
        copies = 2 if n % 2 == 0 else 1
        for _ in range(copies):
            noisy_given = _typo(given, rng) if rng.random() < 0.15 else given
            records.append(
                guest(
                    first_name=noisy_given,
                    last_name=family,
                    date_of_birth=dob.isoformat() if rng.random() < 0.85 else None,
                    phone=phone if rng.random() < 0.7 else None,
                    address={"city": rng.choice(["Berlin", "Köln", "Bonn"]), "country": "DE"},
                )
            )
    return records


def test_em_recovers_sensible_parameters() -> None:
    model = train(_population())
    # Matches agree on birth date and phone far more often than non-matches do.
    assert model.m["dob"]["exact"] > 0.7
    assert model.u["dob"]["exact"] < 0.01
    assert model.m["phone"]["exact"] > 0.8
    assert model.u["given"]["exact"] > 0.02  # 20 given names: random pairs often share one
    assert model.m["given"]["exact"] > model.u["given"]["exact"] * 5
    assert 1e-5 < model.prior < 1e-2
    assert model.tf_family  # term frequencies were counted


def test_a_model_stored_before_the_address_comparisons_still_loads() -> None:
    body = json.loads(default_model().to_json())
    for comparison in ("house", "street", "area"):
        del body["m"][comparison], body["u"][comparison]
    body["m"]["location"] = {"full": 0.45, "else": 0.55}
    body.pop("tf_street")
    old = MatchModel.from_json(json.dumps(body))
    assert old.weights["street"] == default_model().weights["street"]
    assert old.weight("street", "exact", "oak st") == default_model().weights["street"]["exact"]


def test_training_on_one_country_never_rewards_disagreement() -> None:
    # Every record is German: no random pair disagrees on the country, so u("else") is ~0.
    model = train(_population())
    for comparison, levels in model.weights.items():
        assert levels["else"] <= 0.0, comparison


def _returning_guests(order: int) -> list[NormalisedRecord]:
    """1,500 guests of three stays each; no two guests share a phone or a birth date."""
    rng = random.Random(11)
    records = [
        guest(
            first_name=given,
            last_name=family,
            date_of_birth=(date(1950, 1, 1) + timedelta(days=n)).isoformat(),
            phone=f"+4917{n:08d}",
        )
        for n, (given, family) in enumerate(
            (rng.choice(GIVEN), rng.choice(FAMILY)) for _ in range(1500)
        )
        for _stay in range(3)
    ]
    return records[::order]


def test_returning_guests_do_not_make_their_own_identifiers_look_common() -> None:
    # One random pair in ~3,000 is a guest and their own other stay, agreeing on everything.
    # Strangers never share a phone here: a learnt u above the shipped one would be the
    # guests' own repeat stays counted as chance agreement, and would differ from one sample
    # of random pairs to the next.
    shipped = default_model()
    for order in (1, -1):
        model = train(_returning_guests(order))
        assert model.u["phone"]["exact"] <= shipped.u["phone"]["exact"]
        assert model.u["dob"]["exact"] <= shipped.u["dob"]["exact"]
