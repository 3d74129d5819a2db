"""Unit: common's read model of people (identity's events, applied in any order) and the authorisation helpers."""
import datetime as dt

import pytest

from hearth_common import errors, people
from hearth_common.contracts import InvalidEvent, examples, identity
from hearth_common.people import Actor, KnownPerson, PersonFacts, RoleFact

NOW = dt.datetime(2026, 6, 15, 18, 0, tzinfo=dt.timezone.utc)
ROOM, OTHER_ROOM = "sharing-circle", "night-owls"
HOUR = dt.timedelta(hours=1)


def facts(*roles: RoleFact) -> PersonFacts:
    return PersonFacts("p", "listener", "adult", roles=roles)


# --- authorisation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("roles, admin, moderates, staff", [
    ((), False, False, False),
    ((RoleFact("admin"),), True, True, True),
    ((RoleFact("admin", None, NOW - HOUR),), False, False, False),
    ((RoleFact("chat_room_moderator"),), False, True, True),
    ((RoleFact("chat_room_moderator", ROOM),), False, True, True),
    ((RoleFact("chat_room_moderator", OTHER_ROOM),), False, False, False),
    ((RoleFact("chat_room_moderator", ROOM, NOW),), False, False, False),  # expires_at is the first instant without
    ((RoleFact("chat_room_moderator", ROOM, NOW + HOUR),), False, True, True),
    ((RoleFact("support_session_leader"),), False, False, True),
    ((RoleFact("on_spot_host", ROOM),), False, False, True),
    ((RoleFact("on_spot_host", OTHER_ROOM),), False, False, False),
])
def test_roles_count_for_every_room_or_their_own_until_they_expire(roles, admin, moderates, staff):
    person = facts(*roles)
    assert people.is_admin(person, NOW) is admin
    assert people.may_moderate(person, ROOM, NOW) is moderates
    assert people.is_staff(person, ROOM, NOW) is staff


def test_a_role_scoped_to_a_room_is_not_held_for_every_room():
    person = facts(RoleFact("chat_room_moderator", ROOM))
    assert person.has_role("chat_room_moderator", ROOM, NOW)
    assert not person.has_role("chat_room_moderator", None, NOW)
    assert not people.is_staff(person, None, NOW)
    assert person.has_any_role(people.MODERATOR_ROLES, ROOM, NOW)


def test_an_actor_is_a_person_or_a_named_service():
    assert Actor(person_id="p-1").label == "p-1"
    assert Actor.calling_service("course").label == "service:course"
    for name in ("", "Course", "9lives", "x" * 41, None):
        with pytest.raises(errors.InvalidArgument, match="caller must be the calling service's name"):
            Actor.calling_service(name)


# --- the read model ---------------------------------------------------------------------------------


def event(event_type, seq, **data):
    return examples.envelope("identity", event_type, seq, **data)


def test_registration_makes_the_person_known_with_kind_and_cohort():
    person = KnownPerson(examples.PERSON)
    assert not person.known
    assert person.apply(event("person_registered", 1, kind="listener", cohort="adult"))
    assert person.known
    assert (person.username, person.facts().kind, person.facts().cohort) == ("robin", "listener", "adult")


def test_each_fact_keeps_the_seq_of_the_event_that_set_it_so_an_older_event_never_wins():
    person = KnownPerson(examples.PERSON)
    assert person.apply(event("badge_revoked", 7))
    assert not person.apply(event("badge_awarded", 3))
    assert person.facts().badges == frozenset()
    assert person.apply(event("cohort_changed", 9))
    assert person.apply(event("person_registered", 2))  # the username arrives; the newer cohort stays
    assert (person.username, person.cohort, person.cohort_seq) == ("robin", "adult", 9)


def test_a_role_grant_carries_its_scope_and_expiry_and_a_revocation_ends_it():
    person = KnownPerson(examples.PERSON)
    person.apply(event("role_granted", 1, room_id=ROOM, expires_at=NOW + HOUR))
    assert person.facts().roles == (RoleFact("chat_room_moderator", ROOM, NOW + HOUR),)
    assert people.may_moderate(person.facts(), ROOM, NOW)
    assert not people.may_moderate(person.facts(), ROOM, NOW + HOUR)
    assert person.apply(event("role_revoked", 2))
    assert person.facts().roles == ()


def test_a_parsed_event_is_applied_as_its_envelope_is():
    parsed, raw = KnownPerson(examples.PERSON), KnownPerson(examples.PERSON)
    envelope = event("badge_awarded", 4)
    assert parsed.apply(identity.parse(envelope)) and raw.apply(envelope)
    assert parsed.facts() == raw.facts()


def test_other_event_types_change_nothing_and_a_malformed_event_is_refused():
    person = KnownPerson(examples.PERSON)
    assert not person.apply(examples.envelope("room", "member_joined"))
    assert not person.apply({"event_type": "password_changed", "seq": 1, "data": {}})
    with pytest.raises(InvalidEvent, match="badge_awarded: data.badge_slug is missing"):
        person.apply({"event_id": "e1", "event_type": "badge_awarded", "seq": 1,
                      "data": {"person_id": examples.PERSON}})
    assert person.facts() == PersonFacts(examples.PERSON, "", "")


# --- applying identity's events to a stored read model ------------------------------------------------


class StoredPeople:
    """A PeoplePort over a dict, recording the order of calls (the row is locked before the event is claimed)."""

    def __init__(self):
        self.rows: dict[str, KnownPerson] = {}
        self.calls: list[str] = []

    def lock_new(self, person_id):
        self.calls.append("lock_new")

    def get(self, person_id, *, lock=False):
        return self.rows.get(person_id)

    def save(self, person):
        self.rows[person.person_id] = person


def test_identity_event_is_applied_once_per_event_id_after_the_persons_row_is_locked():
    stored, claimed = StoredPeople(), set()

    def claim(envelope):
        stored.calls.append("claim")
        new = envelope["event_id"] not in claimed
        claimed.add(envelope["event_id"])
        return new

    registered = event("person_registered", 1, kind="listener", cohort="adult")
    person, changed = people.apply_identity_event(stored, claim, registered)
    assert changed and stored.rows[examples.PERSON] is person and person.known
    assert stored.calls == ["lock_new", "claim"]
    assert people.apply_identity_event(stored, claim, registered) is None  # a redelivery
    _, changed = people.apply_identity_event(stored, claim, {**event("badge_awarded", 3), "event_id": "e2"})
    assert changed and stored.rows[examples.PERSON].facts().badges


def test_an_event_that_is_not_identitys_is_left_alone_and_a_malformed_one_refused_before_anything_is_stored():
    stored = StoredPeople()
    assert people.apply_identity_event(stored, lambda e: True, examples.envelope("room", "member_joined")) is None
    with pytest.raises(InvalidEvent):
        people.apply_identity_event(stored, lambda e: True, {"event_id": "e1", "event_type": "badge_awarded",
                                                             "seq": 1, "data": {"person_id": examples.PERSON}})
    assert stored.calls == [] and stored.rows == {}
