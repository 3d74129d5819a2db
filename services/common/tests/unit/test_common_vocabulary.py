"""Unit tests of the shared vocabulary: roles, cohorts and kinds as stored values, and the forms of names."""
from __future__ import annotations

import json
import re

import pytest
from hearth.identity.v1 import identity_pb2
from hearth.room.v1 import room_pb2
from hypothesis import given
from hypothesis import strategies as st

from hearth_common.proto_convert import enum_number, enum_value
from hearth_common.vocabulary import BADGE_SLUG, ROOM_SLUG, USERNAME, Cohort, Kind, Role, values

# --- roles, cohorts, kinds ------------------------------------------------------------------------------


def test_the_values_are_the_ones_stored_and_announced():
    # Stored in identity's tables and carried by every event: changing one is a migration, not an edit.
    assert values(Role) == ("chat_room_moderator", "support_session_leader", "on_spot_host", "admin")
    assert values(Cohort) == ("teen", "adult")
    assert values(Kind) == ("member", "listener")


@pytest.mark.parametrize("member", [*Role, *Cohort, *Kind])
def test_a_member_is_its_plain_string_everywhere(member):
    assert member == member.value and str(member) == member.value and f"{member}" == member.value
    assert json.dumps({"v": member}) == json.dumps({"v": member.value})
    assert {member.value: True}[member]  # a dict keyed by plain strings finds the member, and the reverse
    assert type(member)(member.value) is member


def test_each_role_has_its_display_name():
    assert {role: role.display_name for role in Role} == {
        Role.CHAT_ROOM_MODERATOR: "Chat Room Moderator",
        Role.SUPPORT_SESSION_LEADER: "Support Session Leader",
        Role.ON_SPOT_HOST: "On-spot Host",
        Role.ADMIN: "Admin",
    }
    assert Role("admin").display_name == "Admin"


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        Role("supreme_leader")


@pytest.mark.parametrize(
    "wrapper, prefix, vocabulary",
    [
        (identity_pb2.Role, "ROLE_", Role),
        (identity_pb2.Cohort, "COHORT_", Cohort),
        (identity_pb2.PersonKind, "PERSON_KIND_", Kind),
        (room_pb2.Audience, "AUDIENCE_", Cohort),
    ],
)
def test_the_public_api_enums_name_exactly_the_vocabulary(wrapper, prefix, vocabulary):
    named = {enum_value(wrapper, number, prefix) for number in wrapper.values()} - {""}
    assert named == set(values(vocabulary))
    assert all(enum_value(wrapper, enum_number(wrapper, member, prefix), prefix) == member for member in vocabulary)


# --- the forms of names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["abc", "teen-anxiety-support", "a" * 64, "24-7", "---"])
def test_room_slugs_that_fit(slug):
    assert ROOM_SLUG.fullmatch(slug) and ROOM_SLUG.problem(slug) is None and ROOM_SLUG.refusal(slug, "slug") is None


@pytest.mark.parametrize(
    "slug, problem",
    [
        ("ab", "this one has 2"),
        ("a" * 65, "this one has 65"),
        ("Teen-Room", "'R', 'T' are not allowed"),
        ("teen room", "' ' is not allowed"),
        ("teen_room", "'_' is not allowed"),
        ("teen-room\n", "'\\n' is not allowed"),
        (None, "got nothing instead of text"),
        (42, "got int instead of text"),
    ],
)
def test_room_slugs_that_do_not_fit_say_what_is_wrong(slug, problem):
    assert not ROOM_SLUG.fullmatch(slug)
    assert ROOM_SLUG.problem(slug) == problem
    assert ROOM_SLUG.refusal(slug, "slug") == f"slug must be 3 to 64 characters of a-z, 0-9 and '-'; {problem}"


def test_badge_slugs_may_be_two_characters():
    assert BADGE_SLUG.fullmatch("ab") and not ROOM_SLUG.fullmatch("ab")
    assert BADGE_SLUG.rule == "2 to 64 characters of a-z, 0-9 and '-'"
    assert BADGE_SLUG.problem("Chief Chat") == "' ', 'C' are not allowed"


def test_many_characters_out_of_the_form_are_shown_in_part():
    assert BADGE_SLUG.problem("ABCDEFG") == "'A', 'B', 'C', 'D', 'E', ... are not allowed"


@pytest.mark.parametrize("name", ["alice", "Al1", "a.b-c_d", "Z" + "x" * 31])
def test_usernames_that_fit(name):
    assert USERNAME.fullmatch(name) and USERNAME.problem(name) is None


@pytest.mark.parametrize(
    "name, problem",
    [
        ("al", "this one has 2"),
        ("Z" + "x" * 32, "this one has 33"),
        ("1alice", "this one starts with '1'"),
        ("_alice", "this one starts with '_'"),
        ("al ice", "' ' is not allowed"),
        ("élodie", "'é' is not allowed"),
        ("alice\n", "'\\n' is not allowed"),
    ],
)
def test_usernames_that_do_not_fit_say_what_is_wrong(name, problem):
    assert not USERNAME.fullmatch(name)
    assert USERNAME.refusal(name, "username") == (
        "username must be 3 to 32 characters of letters, digits, '_', '.' or '-', starting with a letter; " + problem
    )


@given(st.text(max_size=70))
def test_problem_is_none_exactly_when_the_regex_matches(text):
    for form in (ROOM_SLUG, BADGE_SLUG, USERNAME):
        assert (form.problem(text) is None) == (form.regex.fullmatch(text) is not None) == form.fullmatch(text)


def test_the_username_pattern_embeds_in_a_larger_one():
    mention = re.compile(rf"@({USERNAME.regex.pattern})\b")
    assert mention.findall("hi @alice and @Bob.k") == ["alice", "Bob.k"]
