"""Which stored profiles an incoming record is scored against when its keys name many."""

from __future__ import annotations

from app.resolution.neighbours import best_neighbours


def test_profiles_sharing_more_keys_come_first() -> None:
    holders = {
        "names:MLR:ANA": ["p1", "p2", "p3"],
        "area:berlin": ["p2", "p3"],
        "dobcity:1980-02-01:berlin": ["p3"],
    }
    assert best_neighbours(holders, holders, limit=2) == ["p3", "p2"]


def test_a_rare_identifier_outweighs_a_common_name_and_city() -> None:
    holders = {
        "names:MLR:ANA": [f"p{i}" for i in range(40)],
        "area:berlin": [f"p{i}" for i in range(20)],
        "phone:+4915123456789": ["p39"],
    }
    assert best_neighbours(holders, holders, limit=3)[0] == "p39"


def test_an_identifier_many_profiles_hold_counts_like_a_name() -> None:
    agency = [f"p{i}" for i in range(9)]  # more than eight holders: an agency's number
    holders = {"phone:+34912345678": agency, "names:GRS:MR": ["p8", "p20"], "area:madrid": ["p20"]}
    assert best_neighbours(holders, holders, limit=1) == ["p20"]


def test_ties_are_broken_by_profile_id_not_by_lookup_order() -> None:
    one = {"names:SM:JN": ["b", "a", "c"]}
    other = {"names:SM:JN": ["c", "a", "b"]}
    first, second = best_neighbours(one, one, limit=2), best_neighbours(other, other, limit=2)
    assert first == second == ["a", "b"]
