"""Unit tests of the seeded room catalogue: vocabularies, coverage per cohort, badge-lock grammar and safety rules."""
from __future__ import annotations

import ast
import collections
import itertools
import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest

import room_service.domain
import room_service.seed
from hearth_common import access_policy as access
from identity_service.seed import STARTER_BADGES
from room_service.domain import rooms
from room_service.domain.rooms import BADGE_NAMES
from room_service.seed import STARTER_ROOMS, TOPICS

BADGE_SLUGS = frozenset(badge.slug for badge in STARTER_BADGES)
COHORTS = ("adult", "teen")
KINDS = ("member", "listener")
ROLES = frozenset({"chat_room_moderator", "support_session_leader", "on_spot_host", "admin"})
FACILITATOR_ROLES = frozenset({"support_session_leader", "on_spot_host"})
SLUG = re.compile(r"[a-z0-9-]{3,64}")
ACTIVE = [room for room in STARTER_ROOMS if room.status == "active"]

# Topic rooms where a listener must hold a specific training badge before entering.
LISTENER_BADGE_BY_TOPIC = {
    "trauma": "trauma-informed",
    "grief": "grief-companion",
    "lgbtq": "lgbtq-ally",
    "self-harm-recovery": "crisis-response-trained",
    "personality-disorders": "listener-in-good-standing",
}
# Topics where someone may arrive in crisis, so the description must point to emergency help.
CRISIS_TOPICS = frozenset({
    "general-support", "trauma", "personality-disorders", "depression", "bipolar",
    "self-harm-recovery", "eating-concerns", "substance-recovery", "panic",
})
REQUIRED_TOPICS_PER_COHORT = (
    "trauma", "personality-disorders", "relationships", "anxiety", "depression", "lgbtq", "loneliness", "grief",
)
# Wording that would read as a clinical promise from a peer-support room.
FORBIDDEN_PHRASES = ("cure", "guarantee", "diagnose you", "treatment plan", "will fix", "therapist-led")


def _ids(rooms):
    return [room.slug for room in rooms]


# --- the policy grammar -------------------------------------------------------------------------------


def validate_policy(policy) -> None:
    """Raise AssertionError unless policy follows the badge-lock grammar with known badges and roles."""
    assert isinstance(policy, dict) and len(policy) == 1, f"a clause is a one-key dict, got {policy!r}"
    (key, value), = policy.items()
    if key == "always":
        assert value is True, policy
    elif key == "badge":
        assert value in BADGE_SLUGS, f"unknown badge {value!r}"
    elif key == "kind":
        assert value in KINDS, policy
    elif key == "cohort":
        assert value in COHORTS, policy
    elif key == "role":
        assert value in ROLES, policy
    elif key in ("all_of", "any_of"):
        assert isinstance(value, list) and value, f"{key} needs a non-empty list, got {value!r}"
        for clause in value:
            validate_policy(clause)
    elif key == "not":
        validate_policy(value)
    else:
        raise AssertionError(f"unknown clause {key!r}")


def atoms(policy, key: str) -> set[str]:
    """Every value of the given leaf clause (badge, role, kind, cohort) anywhere in the policy."""
    (clause, value), = policy.items()
    if clause == key:
        return {value}
    if clause in ("all_of", "any_of"):
        return set().union(*(atoms(child, key) for child in value))
    if clause == "not":
        return atoms(value, key)
    return set()


class Person(NamedTuple):
    cohort: str
    kind: str
    badges: frozenset
    roles: frozenset


def admits(policy, person: Person) -> bool:
    (clause, value), = policy.items()
    if clause == "always":
        return True
    if clause == "badge":
        return value in person.badges
    if clause == "kind":
        return person.kind == value
    if clause == "cohort":
        return person.cohort == value
    if clause == "role":
        return value in person.roles
    if clause == "all_of":
        return all(admits(child, person) for child in value)
    if clause == "any_of":
        return any(admits(child, person) for child in value)
    if clause == "not":
        return not admits(value, person)
    raise AssertionError(clause)


def _subsets(values):
    values = sorted(values)
    return [frozenset(combo) for size in range(len(values) + 1) for combo in itertools.combinations(values, size)]


def everyone(policy) -> list[Person]:
    """Every distinguishable person for this policy: it only reads the badges and roles it names."""
    return [
        Person(cohort, kind, badges, roles)
        for cohort in COHORTS
        for kind in KINDS
        for badges in _subsets(atoms(policy, "badge"))
        for roles in _subsets(atoms(policy, "role") | FACILITATOR_ROLES)
    ]


def admitted(room) -> list[Person]:
    return [person for person in everyone(room.access_policy) if admits(room.access_policy, person)]


class TestPolicyHelpers:
    def test_the_validator_refuses_unknown_badges_clauses_and_empty_lists(self):
        for bad in ({"badge": "gold-star"}, {"colour": "red"}, {"any_of": []}, {"always": 1},
                    {"kind": "staff"}, {"role": "moderator"}, {"cohort": "adult", "kind": "member"}):
            with pytest.raises(AssertionError):
                validate_policy(bad)

    def test_the_evaluator_reads_advanced_room_locks(self):
        policy = {"all_of": [{"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]},
                             {"badge": "compassion-hero"}, {"not": {"kind": "listener"}}]}
        member = Person("adult", "member", frozenset({"first-post", "compassion-hero"}), frozenset())
        assert admits(policy, member)
        assert not admits(policy, member._replace(badges=frozenset({"first-post"})))
        assert not admits(policy, member._replace(kind="listener"))


# --- size, identity and vocabulary ------------------------------------------------------------------------


def test_there_are_at_least_150_rooms():
    assert len(STARTER_ROOMS) >= 150


def test_slugs_and_names_are_unique():
    slugs = collections.Counter(room.slug for room in STARTER_ROOMS)
    names = collections.Counter(room.name for room in STARTER_ROOMS)
    assert [slug for slug, count in slugs.items() if count > 1] == []
    assert [name for name, count in names.items() if count > 1] == []


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_slug_matches_the_pattern_and_names_its_cohort(room):
    assert SLUG.fullmatch(room.slug)
    assert room.slug.startswith(f"{room.audience_cohort}-")
    assert room.name.strip() == room.name and room.name
    if room.audience_cohort == "teen":
        assert "Teen" in room.name


def test_the_vocabularies_are_the_documented_ones():
    assert set(rooms.COHORTS) == {"adult", "teen"}
    assert set(rooms.AUDIENCE_KINDS) == {"member", "listener", "both"}
    assert set(rooms.MODES) == {"always_open", "pop_up", "facilitated"}
    assert set(rooms.STATUSES) == {"active", "archived"}
    assert set(access.ROLES) == ROLES
    assert len(set(TOPICS)) == len(TOPICS)
    assert all(SLUG.fullmatch(topic) for topic in TOPICS)


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_every_field_is_in_its_allowed_set(room):
    assert room.topic in TOPICS
    assert room.audience_cohort in {"adult", "teen"}
    assert room.audience_kind in {"member", "listener", "both"}
    assert room.mode in {"always_open", "pop_up", "facilitated"}
    assert room.status in {"active", "archived"}
    assert type(room.capacity) is int and 5 <= room.capacity <= 300
    assert isinstance(room.access_policy, dict)


def test_every_topic_has_at_least_one_room():
    used = {room.topic for room in STARTER_ROOMS}
    assert set(TOPICS) - used == set()


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }


def test_the_catalogue_is_data_that_the_domain_does_not_import():
    seed = Path(room_service.seed.__file__)
    assert seed.with_name("rooms.json").is_file()
    imported = _imported(seed)
    assert {name.split(".")[0] for name in imported} <= {
        "__future__", "collections", "dataclasses", "typing", "hearth_common", "room_service"
    }
    assert all(name.startswith("room_service.domain.") for name in imported if name.startswith("room_service"))
    for module in Path(room_service.domain.__file__).parent.glob("*.py"):
        assert not [name for name in _imported(module) if name.startswith("room_service.seed")], module.name


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"slug": "Adult Lounge"}, r"room 0 \(Adult Lounge\): slug must be 3 to 64 characters"),
        ({"access_policy": {"badge": "Chief Chat"}}, r"room 0 \(adult-lounge\): badge: invalid badge slug"),
        ({"mode": "sometimes"}, r"room 0 \(adult-lounge\): mode must be"),
        ({"topic": "gardening"}, r"room adult-lounge: topic 'gardening' is not one of the catalogue's topics"),
    ],
)
def test_the_loader_refuses_a_room_the_domain_refuses_naming_it(change, refusal):
    room = STARTER_ROOMS[0]._replace(slug="adult-lounge")._replace(**change)
    with pytest.raises(room_service.seed.SeedError, match=refusal):
        room_service.seed.parse_catalogue({"topics": list(TOPICS), "rooms": [room._asdict()]})


# --- descriptions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_description_is_one_or_two_plain_sentences(room):
    text = room.description
    assert 40 <= len(text) <= 400
    assert text[-1] in ".!"
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 2, text
    assert "  " not in text
    lowered = text.lower()
    assert not [phrase for phrase in FORBIDDEN_PHRASES if phrase in lowered]


@pytest.mark.parametrize(
    "room", [room for room in ACTIVE if room.topic in CRISIS_TOPICS],
    ids=_ids(room for room in ACTIVE if room.topic in CRISIS_TOPICS),
)
def test_crisis_adjacent_rooms_point_to_emergency_help(room):
    assert "emergency services" in room.description
    if room.audience_cohort == "teen":
        assert "trusted adult" in room.description


# --- coverage ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
class TestCoveragePerCohort:
    def rooms(self, cohort, **fields):
        return [
            room for room in ACTIVE
            if room.audience_cohort == cohort and all(getattr(room, k) == v for k, v in fields.items())
        ]

    def test_several_24_7_rooms(self, cohort):
        rooms = self.rooms(cohort, topic="general-support", mode="always_open")
        assert len(rooms) >= 3
        assert all("24/7" in room.name and room.capacity >= 100 for room in rooms)

    def test_community_rooms(self, cohort):
        assert len(self.rooms(cohort, topic="community")) >= 3

    def test_newcomer_rooms(self, cohort):
        assert self.rooms(cohort, topic="new-members")

    def test_a_members_only_facilitated_sharing_circle(self, cohort):
        name = "Sharing Circle" if cohort == "adult" else "Teen Sharing Circle"
        (circle,) = [room for room in self.rooms(cohort, topic="sharing-circle") if room.name == name]
        assert (circle.audience_kind, circle.mode) == ("member", "facilitated")
        for room in self.rooms(cohort, topic="sharing-circle"):
            assert room.capacity <= 15

    @pytest.mark.parametrize("topic", REQUIRED_TOPICS_PER_COHORT)
    def test_topic_room(self, cohort, topic):
        assert self.rooms(cohort, topic=topic, mode="always_open")

    def test_listener_support_room_for_listeners_only(self, cohort):
        name = "Listener Support Room" if cohort == "adult" else "Teen Listener Support Room"
        (room,) = [room for room in self.rooms(cohort, topic="listener-support") if room.name == name]
        assert room.audience_kind == "listener"
        people = admitted(room)
        assert people and all(p.kind == "listener" and "verified-listener" in p.badges for p in people)

    def test_listener_lounges_and_debriefs(self, cohort):
        assert len(self.rooms(cohort, topic="listener-support", audience_kind="listener")) >= 3

    def test_pop_up_special_events(self, cohort):
        assert len(self.rooms(cohort, topic="special-event", mode="pop_up")) >= 3

    def test_facilitator_rooms_locked_by_training(self, cohort):
        rooms = self.rooms(cohort, topic="facilitators")
        assert len(rooms) >= 2
        for room in rooms:
            assert atoms(room.access_policy, "badge") | atoms(room.access_policy, "role")
            assert not any(admits(room.access_policy, Person(cohort, kind, frozenset(), frozenset()))
                           for kind in KINDS)

    def test_an_advanced_room_needs_chief_chat_or_first_post_plus_compassion_hero(self, cohort):
        def lets_in(room, *badges):
            return admits(room.access_policy, Person(cohort, "member", frozenset(badges), frozenset()))

        assert [
            room for room in self.rooms(cohort)
            if lets_in(room, "chief-chat", "compassion-hero") and lets_in(room, "first-post", "compassion-hero")
            and not lets_in(room, "chief-chat", "first-post") and not lets_in(room, "compassion-hero")
        ]


def test_at_least_eight_archived_rooms_across_both_cohorts():
    archived = [room for room in STARTER_ROOMS if room.status == "archived"]
    assert len(archived) >= 8
    assert {room.audience_cohort for room in archived} == set(COHORTS)


# --- badge locks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_policy_follows_the_grammar_and_is_json(room):
    validate_policy(room.access_policy)
    assert json.loads(json.dumps(room.access_policy)) == room.access_policy


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_the_room_domain_parses_the_policy_back_to_the_same_json(room):
    assert access.to_dict(access.parse_policy(room.access_policy)) == room.access_policy


def test_refusals_name_each_badge_as_identity_does():
    assert {slug: BADGE_NAMES[slug] for slug in rooms.KNOWN_BADGE_NAMES} == {b.slug: b.name for b in STARTER_BADGES}
    assert BADGE_NAMES["some-new-badge"] == "Some New Badge"  # one an admin adds later reads as its words


def test_every_badge_in_a_policy_exists_in_identity():
    used = set().union(*(atoms(room.access_policy, "badge") for room in STARTER_ROOMS))
    assert used and used <= BADGE_SLUGS


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_the_policy_pins_the_cohort_so_cohorts_never_mix(room):
    policy = room.access_policy
    top = policy["all_of"] if "all_of" in policy else [policy]
    assert {"cohort": room.audience_cohort} in top
    people = admitted(room)
    assert people, "nobody can enter"
    assert {person.cohort for person in people} == {room.audience_cohort}


@pytest.mark.parametrize("room", STARTER_ROOMS, ids=_ids(STARTER_ROOMS))
def test_audience_kind_matches_who_the_policy_admits(room):
    people = admitted(room)
    members = [p for p in people if p.kind == "member"]
    listeners = [p for p in people if p.kind == "listener"]
    if room.audience_kind == "listener":
        assert listeners and not members
    elif room.audience_kind == "member":
        assert members
        # A listener enters a members' room only as its facilitator or moderator.
        assert all(p.roles for p in listeners)
        assert all(not admits(room.access_policy, p._replace(roles=frozenset())) for p in listeners)
    else:
        assert members and listeners


@pytest.mark.parametrize(
    "room", [room for room in STARTER_ROOMS if room.audience_cohort == "teen"],
    ids=_ids(room for room in STARTER_ROOMS if room.audience_cohort == "teen"),
)
def test_teen_rooms_admit_listeners_and_facilitators_only_with_teen_safety_training(room):
    for person in admitted(room):
        via_role = not admits(room.access_policy, person._replace(roles=frozenset()))
        if person.kind == "listener" or via_role:
            assert "teen-safety-trained" in person.badges, person


@pytest.mark.parametrize(
    "room", [room for room in ACTIVE if room.topic in LISTENER_BADGE_BY_TOPIC],
    ids=_ids(room for room in ACTIVE if room.topic in LISTENER_BADGE_BY_TOPIC),
)
def test_sensitive_topic_rooms_need_the_matching_training_for_listeners(room):
    required = LISTENER_BADGE_BY_TOPIC[room.topic]
    for person in admitted(room):
        if person.kind == "listener":
            assert required in person.badges, person


@pytest.mark.parametrize(
    "room", [room for room in STARTER_ROOMS if room.mode == "facilitated"],
    ids=_ids(room for room in STARTER_ROOMS if room.mode == "facilitated"),
)
def test_a_facilitated_room_can_let_a_facilitator_in(room):
    assert [person for person in admitted(room) if person.roles & FACILITATOR_ROLES]


def test_the_welcome_rooms_keep_out_regulars_unless_they_welcome_newcomers():
    for slug, cohort in (("adult-welcome-room", "adult"), ("teen-welcome-room", "teen")):
        (room,) = [room for room in STARTER_ROOMS if room.slug == slug]
        newcomer = Person(cohort, "member", frozenset(), frozenset())
        regular = newcomer._replace(badges=frozenset({"chief-chat"}))
        assert admits(room.access_policy, newcomer)
        assert not admits(room.access_policy, regular)
        assert admits(room.access_policy, regular._replace(badges=frozenset({"chief-chat", "welcome-wagon"})))
