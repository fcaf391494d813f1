"""The draw's maths (experts/draw.py): determinism, the commitment, the candidate list's hash, and
a replay that says what differs."""

import hashlib
import secrets

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from experts import draw

seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)
candidate_lists = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=60, unique=True)


def _record(seed, candidates):
    return {
        "seed_sha256": draw.seed_sha256(seed),
        "candidates_sha256": draw.candidates_sha256(candidates),
        "draw_order": draw.draw_order(seed, candidates),
    }


@given(seeds, candidate_lists, st.randoms())
def test_the_same_seed_and_list_give_the_same_order_in_any_input_order(seed, candidates, random):
    shuffled = list(candidates)
    random.shuffle(shuffled)
    order = draw.draw_order(seed, candidates)
    assert order == draw.replay(seed, shuffled)
    assert sorted(order) == sorted(candidates)  # a permutation


@given(seeds, candidate_lists)
def test_a_replay_of_the_published_record_reproduces_it(seed, candidates):
    verification = draw.verify(seed, candidates, _record(seed, candidates))
    assert verification.reproduces and verification.codes == []


@given(seeds, candidate_lists, st.integers(min_value=1, max_value=10**9))
def test_a_changed_candidate_list_changes_the_hash_and_fails_verification(seed, candidates, extra):
    changed = [*candidates, extra] if extra not in candidates else candidates[1:] or [extra + 1]
    assert draw.candidates_sha256(changed) != draw.candidates_sha256(candidates)
    verification = draw.verify(seed, changed, _record(seed, candidates))
    assert not verification.reproduces
    assert "candidates_mismatch" in verification.codes
    assert "seed_mismatch" not in verification.codes


@given(seeds, seeds, candidate_lists)
def test_another_seed_fails_its_commitment(seed, other, candidates):
    if seed == other:
        return
    verification = draw.verify(other, candidates, _record(seed, candidates))
    assert "seed_mismatch" in verification.codes


@settings(max_examples=30)
@given(seeds, st.lists(st.integers(min_value=1, max_value=10**6), min_size=8, max_size=40, unique=True))
def test_the_order_depends_on_the_list_not_only_on_the_ids(seed, candidates):
    """Dropping one candidate re-keys everyone (the list's hash is in every key)."""
    smaller = sorted(candidates)[1:]
    keys = {i: draw.draw_key(seed, draw.candidates_sha256(candidates), i) for i in smaller}
    other_keys = {i: draw.draw_key(seed, draw.candidates_sha256(smaller), i) for i in smaller}
    assert all(keys[i] != other_keys[i] for i in smaller)


def test_the_procedure_replays_by_hand_with_sha256():
    seed = "ab" * 32
    candidates = [42, 3, 17]
    text = "3\n17\n42"
    list_sha = hashlib.sha256(text.encode()).hexdigest()
    assert draw.candidates_sha256(candidates) == list_sha
    assert draw.seed_sha256(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    by_hand = sorted(candidates, key=lambda i: hashlib.sha256(f"{seed}:{list_sha}:{i}".encode()).hexdigest())
    assert draw.draw_order(seed, candidates) == by_hand


def test_seats_then_reserves_in_order():
    order = [5, 1, 9, 7, 3, 2]
    assert draw.split(order, 3, 2) == ([5, 1, 9], [7, 3])
    assert draw.split(order, 5, 3) == ([5, 1, 9, 7, 3], [2])


def test_a_reordered_record_fails_naming_the_position():
    seed = secrets.token_bytes(32).hex()
    candidates = list(range(1, 11))
    record = _record(seed, candidates)
    record["draw_order"] = (
        record["draw_order"][:3]
        + record["draw_order"][4:3:-1]
        + record["draw_order"][3:4]
        + record["draw_order"][5:]
    )
    verification = draw.verify(seed, candidates, record)
    assert verification.codes == ["order_mismatch"]
    with translation.override("en"):
        assert "from position 4 on" in str(verification.differences[0].message)


def test_the_candidate_difference_names_the_missing_and_extra_ids():
    seed = "01" * 32
    record = _record(seed, [1, 2, 3, 4])
    verification = draw.verify(seed, [1, 2, 3, 5], record)
    with translation.override("en"):
        message = str(verification.differences[0].message)
    assert "missing: 4" in message and "not in the record: 5" in message


@pytest.mark.parametrize(
    ("seed", "candidates"),
    [("not hex", [1, 2]), ("ab" * 31, [1, 2]), ("ab" * 32, [1, 1]), ("ab" * 32, ["x"]), ("ab" * 32, [0])],
)
def test_unreadable_input_is_refused_with_a_message(seed, candidates):
    with pytest.raises(draw.InvalidDrawInput) as error:
        draw.verify(seed, candidates, {})
    assert str(error.value.message)


def test_candidates_are_read_from_lines_commas_or_json():
    assert draw.parse_candidates("3\n17, 42") == [3, 17, 42]
    assert draw.parse_candidates("[42, 3, 17]") == [3, 17, 42]
