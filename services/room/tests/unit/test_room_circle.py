"""Unit tests of the Sharing Circle turn queue: raising hands, giving and skipping turns, and its invariants."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_common import errors as common_errors
from room_service.domain.circle import (
    AlreadySpeaking,
    HandNotRaised,
    NobodyWaiting,
    OnlyMembersTakeTurns,
    TurnInProgress,
    TurnQueue,
)

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


def queue(*people):
    circle = TurnQueue("sharing-circle")
    for index, person_id in enumerate(people):
        circle.raise_hand(person_id, "member", NOW + index * SECOND)
    return circle


def waiting(circle):
    return [person_id for person_id, _ in circle.hands]


def test_errors_belong_to_the_categories_that_decide_their_status():
    assert issubclass(OnlyMembersTakeTurns, common_errors.PermissionDenied)
    assert issubclass(AlreadySpeaking, common_errors.FailedPrecondition)
    assert issubclass(HandNotRaised, common_errors.NotFound)
    assert issubclass(NobodyWaiting, common_errors.FailedPrecondition)


def test_a_new_circle_is_empty():
    circle = TurnQueue("sharing-circle")
    assert circle.hands == [] and circle.speaker_id is None and circle.speaker_since is None


# --- raising and lowering hands ---------------------------------------------------------------------


def test_members_queue_in_the_order_they_raise_hands():
    circle = TurnQueue("sharing-circle")
    assert circle.raise_hand("a", "member", NOW) == 1
    assert circle.raise_hand("b", "member", NOW + SECOND) == 2
    assert circle.hands == [("a", NOW), ("b", NOW + SECOND)]


@pytest.mark.parametrize("kind", ["listener", "host", "", "Member"])
def test_only_members_take_turns(kind):
    circle = TurnQueue("sharing-circle")
    with pytest.raises(OnlyMembersTakeTurns) as caught:
        circle.raise_hand("l", kind, NOW)
    assert caught.value.message == (
        "only members take turns in the Sharing Circle; listeners and hosts hold the space"
    )
    assert circle.hands == []


def test_raising_again_keeps_the_place_and_the_time():
    circle = queue("a", "b")
    assert circle.raise_hand("a", "member", NOW + 60 * SECOND) == 1
    assert circle.hands == [("a", NOW), ("b", NOW + SECOND)]


def test_the_speaker_cannot_queue():
    circle = queue("a")
    circle.give_turn(now=NOW)
    with pytest.raises(AlreadySpeaking, match="you have the turn now"):
        circle.raise_hand("a", "member", NOW)
    assert circle.hands == []


def test_after_the_turn_ends_the_speaker_may_queue_again():
    circle = queue("a")
    circle.give_turn(now=NOW)
    circle.end_turn()
    assert circle.raise_hand("a", "member", NOW) == 1


def test_lower_hand():
    circle = queue("a", "b", "c")
    assert circle.lower_hand("b") is True
    assert waiting(circle) == ["a", "c"]
    assert circle.lower_hand("b") is False
    assert circle.lower_hand("nobody") is False


def test_position():
    circle = queue("a", "b")
    assert circle.position("a") == 1
    assert circle.position("b") == 2
    assert circle.position("c") is None
    circle.lower_hand("a")
    assert circle.position("b") == 1


# --- giving turns -----------------------------------------------------------------------------------


def test_give_turn_to_the_first_in_line():
    circle = queue("a", "b")
    assert circle.give_turn(now=NOW + 10 * SECOND) == "a"
    assert (circle.speaker_id, circle.speaker_since) == ("a", NOW + 10 * SECOND)
    assert waiting(circle) == ["b"]


def test_give_turn_to_a_named_waiting_person():
    circle = queue("a", "b", "c")
    assert circle.give_turn("b", now=NOW) == "b"
    assert circle.speaker_id == "b"
    assert waiting(circle) == ["a", "c"]


def test_giving_the_turn_to_a_named_person_ends_the_previous_one():
    circle = queue("a", "b")
    circle.give_turn(now=NOW)
    assert circle.give_turn("b", now=NOW + SECOND) == "b"
    assert (circle.speaker_id, circle.speaker_since) == ("b", NOW + SECOND)
    assert circle.hands == []


def test_next_while_someone_has_the_turn_is_refused_and_changes_nothing():
    circle = queue("a", "b")
    circle.give_turn(now=NOW)
    with pytest.raises(TurnInProgress, match="end it first, or name who is next"):
        circle.give_turn(now=NOW + SECOND)  # a second host, or a double click
    assert (circle.speaker_id, waiting(circle)) == ("a", ["b"])
    circle.end_turn()
    assert circle.give_turn(now=NOW + 2 * SECOND) == "b"


def test_give_turn_with_nobody_waiting():
    circle = TurnQueue("sharing-circle")
    with pytest.raises(NobodyWaiting, match="nobody has raised a hand"):
        circle.give_turn(now=NOW)
    with pytest.raises(NobodyWaiting, match="nobody has raised a hand"):
        circle.give_turn("a", now=NOW)
    assert circle.speaker_id is None


def test_give_turn_to_someone_whose_hand_is_down():
    circle = queue("a")
    with pytest.raises(HandNotRaised, match="has not raised a hand"):
        circle.give_turn("b", now=NOW)
    assert circle.speaker_id is None and waiting(circle) == ["a"]


def test_give_turn_keeps_the_speaker_when_it_fails():
    circle = queue("a")
    circle.give_turn(now=NOW)
    with pytest.raises(NobodyWaiting):
        circle.give_turn("b", now=NOW + SECOND)
    assert (circle.speaker_id, circle.speaker_since) == ("a", NOW)


# --- skipping ---------------------------------------------------------------------------------------


def test_skip_the_first_in_line():
    circle = queue("a", "b")
    assert circle.skip() == "a"
    assert waiting(circle) == ["b"] and circle.speaker_id is None


def test_skip_a_named_person():
    circle = queue("a", "b", "c")
    assert circle.skip("b") == "b"
    assert waiting(circle) == ["a", "c"]


def test_skip_leaves_the_speaker_alone():
    circle = queue("a", "b")
    circle.give_turn(now=NOW)
    circle.skip()
    assert circle.speaker_id == "a" and circle.hands == []


def test_skip_with_nobody_waiting():
    with pytest.raises(NobodyWaiting, match="nobody has raised a hand"):
        TurnQueue("sharing-circle").skip()


def test_skip_someone_whose_hand_is_down():
    circle = queue("a")
    with pytest.raises(HandNotRaised):
        circle.skip("b")
    assert waiting(circle) == ["a"]


# --- ending turns and leaving -----------------------------------------------------------------------


def test_end_turn_returns_who_had_it():
    circle = queue("a")
    circle.give_turn(now=NOW)
    assert circle.end_turn() == "a"
    assert circle.speaker_id is None and circle.speaker_since is None
    assert circle.end_turn() is None


def test_forget_someone_waiting():
    circle = queue("a", "b")
    assert circle.forget("a") is True
    assert waiting(circle) == ["b"]


def test_forget_the_speaker():
    circle = queue("a", "b")
    circle.give_turn(now=NOW)
    assert circle.forget("a") is True
    assert circle.speaker_id is None and circle.speaker_since is None
    assert waiting(circle) == ["b"]


def test_forget_someone_not_involved():
    circle = queue("a")
    circle.give_turn(now=NOW)
    circle.raise_hand("b", "member", NOW)
    assert circle.forget("c") is False
    assert circle.speaker_id == "a" and waiting(circle) == ["b"]


# --- invariants -------------------------------------------------------------------------------------

PEOPLE = st.sampled_from(["a", "b", "c", "d", "e"])
MAYBE_PERSON = st.none() | PEOPLE
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("raise"), PEOPLE),
        st.tuples(st.just("lower"), PEOPLE),
        st.tuples(st.just("give"), MAYBE_PERSON),
        st.tuples(st.just("skip"), MAYBE_PERSON),
        st.tuples(st.just("end"), st.none()),
        st.tuples(st.just("forget"), PEOPLE),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(OPERATIONS)
def test_the_queue_is_first_come_first_served_and_never_holds_anyone_twice(operations):
    circle = TurnQueue("sharing-circle")
    expected: list[str] = []  # a plain model: who waits, in the order they first raised their hands
    for tick, (operation, person_id) in enumerate(operations):
        now = NOW + tick * SECOND
        speaker = circle.speaker_id
        if operation == "raise":
            if person_id == speaker:
                with pytest.raises(AlreadySpeaking):
                    circle.raise_hand(person_id, "member", now)
            else:
                if person_id not in expected:
                    expected.append(person_id)
                assert circle.raise_hand(person_id, "member", now) == expected.index(person_id) + 1
        elif operation == "lower":
            assert circle.lower_hand(person_id) is (person_id in expected)
            if person_id in expected:
                expected.remove(person_id)
        elif operation in ("give", "skip"):
            act = (lambda: circle.give_turn(person_id, now=now)) if operation == "give" else (
                lambda: circle.skip(person_id)
            )
            if operation == "give" and person_id is None and speaker is not None:
                with pytest.raises(TurnInProgress):
                    act()
            elif not expected:
                with pytest.raises(NobodyWaiting):
                    act()
            elif person_id is not None and person_id not in expected:
                with pytest.raises(HandNotRaised):
                    act()
            else:
                earliest = min(circle.hands, key=lambda hand: hand[1])[0]
                chosen = act()
                if person_id is None:
                    assert chosen == expected[0] == earliest
                else:
                    assert chosen == person_id
                expected.remove(chosen)
                if operation == "give":
                    assert (circle.speaker_id, circle.speaker_since) == (chosen, now)
        elif operation == "end":
            assert circle.end_turn() == speaker
        else:
            assert circle.forget(person_id) is (person_id in expected or person_id == speaker)
            if person_id in expected:
                expected.remove(person_id)
            assert circle.speaker_id != person_id

        people = waiting(circle)
        assert people == expected
        assert len(set(people)) == len(people)
        assert circle.speaker_id is None or circle.speaker_id not in people
        times = [raised_at for _, raised_at in circle.hands]
        assert times == sorted(times)
        if operation in ("raise", "lower", "skip") or (operation == "forget" and person_id != speaker):
            assert circle.speaker_id == speaker
