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


def test_a_swapped_name_with_her_birth_date_ranks_above_her_namesakes() -> None:
    from app.resolution.memory import MemoryStore
    from app.resolution.neighbours import NEIGHBOURS_PER_RECORD
    from tests.resolution.builders import guest

    store = MemoryStore(neighbours=NEIGHBOURS_PER_RECORD)
    for n in range(40):  # namesakes, each a guest of their own, with lower profile ids than hers
        store.add(
            guest(
                first_name="Meiling",
                last_name="Chen",
                date_of_birth=f"{1940 + n}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                phone=f"+86139{n:08d}",
            )
        )
    assert len(store.members) == 40
    her = guest("opera", first_name="Meiling", last_name="CHEN", date_of_birth="1956-11-05")
    store.add(her)
    walk_in = guest("walkin", full_name="Chen Meiling", date_of_birth="1956-11-05")
    decision = store.add(walk_in)
    assert decision.action == "link"
    assert store.profile_of[walk_in.key] == store.profile_of[her.key]
