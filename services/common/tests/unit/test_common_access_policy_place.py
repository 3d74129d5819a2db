"""Unit tests: the access-policy language explains a refusal in the words of the place it guards (room's door,
course's enrolment); the language itself is tested at length in room's test_room_access_policy."""
import datetime as dt

from hearth_common.access_policy import evaluate, explain, parse_policy
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
