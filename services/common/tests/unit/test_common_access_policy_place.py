"""Unit tests: the access-policy language explains a refusal in the words of the place it guards (room's door,
course's enrolment), and a policy read again is parsed alike; the language itself is tested at length in room's
test_room_access_policy."""
import datetime as dt

import pytest

from hearth_common.access_policy import InvalidPolicy, evaluate, explain, parse_policy
from hearth_common.people import PersonFacts

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def facts(**fields) -> PersonFacts:
    return PersonFacts(**({"person_id": "p-1", "kind": "listener", "cohort": "adult"} | fields))


def test_a_course_refusal_says_course_and_names_what_is_missing():
    policy = parse_policy({"all_of": [{"kind": "listener"}, {"not": {"cohort": "teen"}},
                                      {"any_of": [{"badge": "verified-listener"}, {"badge": "first-post"}]}]})
    teen_member = facts(kind="member", cohort="teen")
    missing = explain(policy, teen_member, "", NOW, {"verified-listener": "Verified Listener"}, place="course")
    assert missing == ["this course is for listeners", "this course is not open to teens",
                       "earn one of: Verified Listener, first-post"]
    assert not evaluate(policy, teen_member, "", NOW)


def test_a_room_refusal_still_says_room_and_nothing_is_missing_when_the_policy_holds():
    policy = parse_policy({"cohort": "adult"})
    assert explain(policy, facts(cohort="teen"), "r", NOW) == ["this room is for adults"]
    assert explain(policy, facts(), "r", NOW) == [] and evaluate(policy, facts(), "r", NOW)


def test_a_policy_read_again_is_the_same_policy_and_a_bad_one_is_refused_every_time():
    # Parsed policies are kept by their JSON form: values that compare equal in Python but differ in JSON
    # (true and 1, "1" and 1) are different policies, and a refused one is refused again.
    assert parse_policy({"always": True}) == parse_policy({"always": True})
    for _ in range(2):
        with pytest.raises(InvalidPolicy):
            parse_policy({"always": 1})
    assert parse_policy({"badge": "first-post"}) != parse_policy({"badge": "chief-chat"})
    assert parse_policy({"any_of": [{"badge": "first-post"}, {"badge": "chief-chat"}]}) == parse_policy(
        {"any_of": [{"badge": "first-post"}, {"badge": "chief-chat"}]})
    with pytest.raises(InvalidPolicy):
        parse_policy({"badge": 1})


def test_a_policy_nested_past_any_depth_is_refused_not_a_crash():
    deep: dict = {"badge": "first-post"}
    for _ in range(5000):
        deep = {"not": deep}
    with pytest.raises(InvalidPolicy):
        parse_policy(deep)
