"""Unit tests of room badge-lock policies: parsing, evaluation, explanations, summaries and their invariants."""
import dataclasses
import datetime as dt
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth_common import access_policy as access
from hearth_common import errors as common_errors
from hearth_common.access_policy import (
    AllOf,
    Always,
    AnyOf,
    Badge,
    Cohort,
    Kind,
    Not,
    PersonFacts,
    Role,
    RoleFact,
    badge_slugs,
    describe,
    evaluate,
    explain,
    parse_policy,
    to_dict,
)
from room_service.domain import errors
from room_service.domain.rooms import Room

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
ROOM = "4b0c3c59-6f1e-4a52-9d5b-2b8f0d8f7a10"
OTHER_ROOM = "9d7a1e0e-3f3a-4c1e-8a53-0f4f3d1b2c77"
NAMES = {
    "first-post": "First Post",
    "chief-chat": "Chief Chat",
    "compassion-hero": "Compassion Hero",
    "verified-listener": "Verified Listener",
    "teen-safety-trained": "Teen Safety Trained",
    "trauma-informed": "Trauma Informed",
    "night-owl": "Night Owl",
}
CATALOGUE = (
    "first-post", "chief-chat", "compassion-hero", "verified-listener", "teen-safety-trained", "trauma-informed",
    "group-dynamics-graduate", "support-session-leader-trained", "on-spot-host-trained", "chat-moderator-trained",
    "lgbtq-ally", "grief-companion", "night-owl", "community-guide", "sharing-circle-regular", "welcome-wagon",
    "listener-in-good-standing", "crisis-response-trained",
)
ISSUE_EXAMPLE = AllOf((AnyOf((Badge("chief-chat"), Badge("first-post"))), Badge("compassion-hero")))
ISSUE_EXAMPLE_JSON = {
    "all_of": [{"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]}, {"badge": "compassion-hero"}]
}


def person(*badges, kind="member", cohort="adult", roles=()):
    return PersonFacts("person-1", kind, cohort, frozenset(badges), tuple(roles))


def check(expr, facts):
    return evaluate(expr, facts, ROOM, NOW)


def why(expr, facts, names=NAMES):
    return explain(expr, facts, ROOM, NOW, names)


# --- the issue's example ------------------------------------------------------------------------------


class TestIssueExample:
    def test_parses_from_its_json(self):
        assert parse_policy(ISSUE_EXAMPLE_JSON) == ISSUE_EXAMPLE

    @pytest.mark.parametrize(
        "badges, allowed",
        [
            ((), False),
            (("chief-chat",), False),
            (("compassion-hero",), False),
            (("chief-chat", "compassion-hero"), True),
            (("first-post", "compassion-hero"), True),
            (("chief-chat", "first-post", "compassion-hero", "night-owl"), True),
        ],
    )
    def test_evaluation(self, badges, allowed):
        assert check(ISSUE_EXAMPLE, person(*badges)) is allowed

    def test_explains_everything_missing_with_no_badges(self):
        assert why(ISSUE_EXAMPLE, person()) == ["earn one of: Chief Chat, First Post", "earn: Compassion Hero"]

    def test_omits_the_satisfied_part(self):
        assert why(ISSUE_EXAMPLE, person("first-post")) == ["earn: Compassion Hero"]
        assert why(ISSUE_EXAMPLE, person("compassion-hero")) == ["earn one of: Chief Chat, First Post"]

    def test_explains_nothing_when_allowed(self):
        assert why(ISSUE_EXAMPLE, person("chief-chat", "compassion-hero")) == []

    def test_falls_back_to_slugs_without_names(self):
        assert why(ISSUE_EXAMPLE, person(), names={}) == [
            "earn one of: chief-chat, first-post",
            "earn: compassion-hero",
        ]

    def test_describes_for_the_room_listing(self):
        assert describe(ISSUE_EXAMPLE, NAMES) == "Requires one of Chief Chat or First Post, and Compassion Hero"

    def test_mentions_its_badges(self):
        assert badge_slugs(ISSUE_EXAMPLE) == {"chief-chat", "first-post", "compassion-hero"}


# --- each node --------------------------------------------------------------------------------------


class TestNodes:
    def test_always_lets_everyone_in(self):
        assert check(Always(), person()) is True
        assert why(Always(), person()) == []
        assert describe(Always()) == "Open to everyone"
        assert badge_slugs(Always()) == frozenset()

    def test_badge(self):
        assert check(Badge("night-owl"), person("night-owl")) is True
        assert check(Badge("night-owl"), person("first-post")) is False
        assert why(Badge("night-owl"), person()) == ["earn: Night Owl"]
        assert describe(Badge("night-owl"), NAMES) == "Requires Night Owl"

    def test_kind(self):
        assert check(Kind("listener"), person(kind="listener")) is True
        assert check(Kind("listener"), person(kind="member")) is False
        assert why(Kind("listener"), person(kind="member")) == ["this room is for listeners"]
        assert why(Kind("member"), person(kind="listener")) == ["this room is for members"]
        assert describe(Kind("listener")) == "Requires being a listener"

    def test_cohort(self):
        assert check(Cohort("teen"), person(cohort="teen")) is True
        assert check(Cohort("teen"), person(cohort="adult")) is False
        assert why(Cohort("teen"), person()) == ["this room is for teens"]
        assert why(Cohort("adult"), person(cohort="teen")) == ["this room is for adults"]
        assert describe(Cohort("adult")) == "Requires being an adult"

    def test_role(self):
        leader = RoleFact("support_session_leader")
        assert check(Role("support_session_leader"), person(roles=[leader])) is True
        assert check(Role("support_session_leader"), person()) is False
        assert why(Role("support_session_leader"), person()) == ["be granted the role: Support Session Leader"]
        assert describe(Role("on_spot_host")) == "Requires the On-spot Host role"

    def test_a_different_role_does_not_count(self):
        assert check(Role("admin"), person(roles=[RoleFact("chat_room_moderator")])) is False

    def test_all_of(self):
        policy = AllOf((Kind("listener"), Badge("verified-listener")))
        assert check(policy, person("verified-listener", kind="listener")) is True
        assert check(policy, person("verified-listener")) is False
        assert why(policy, person()) == ["this room is for listeners", "earn: Verified Listener"]
        assert describe(policy, NAMES) == "Requires being a listener and Verified Listener"

    def test_any_of_badges(self):
        policy = AnyOf((Badge("trauma-informed"), Badge("night-owl"), Badge("chief-chat")))
        assert check(policy, person("night-owl")) is True
        assert why(policy, person()) == ["earn one of: Trauma Informed, Night Owl, Chief Chat"]
        assert describe(policy, NAMES) == "Requires one of Trauma Informed, Night Owl or Chief Chat"

    def test_any_of_mixed_alternatives_describes_each(self):
        policy = AnyOf((Badge("verified-listener"), Role("support_session_leader"), Cohort("teen")))
        assert check(policy, person(cohort="teen")) is True
        assert why(policy, person()) == [
            "one of: earn Verified Listener; or be granted the role Support Session Leader; or be a teen"
        ]

    def test_any_of_with_a_partly_met_alternative_names_only_what_is_missing(self):
        policy = AnyOf((AllOf((Kind("listener"), Badge("trauma-informed"))), Badge("compassion-hero")))
        assert why(policy, person("trauma-informed")) == ["one of: be a listener; or earn Compassion Hero"]
        assert why(policy, person()) == [
            "one of: be a listener and earn Trauma Informed; or earn Compassion Hero"
        ]

    def test_not_badge(self):
        policy = Not(Badge("night-owl"))
        assert check(policy, person()) is True
        assert check(policy, person("night-owl")) is False
        assert why(policy, person("night-owl")) == ["this room is not open to holders of: Night Owl"]
        assert describe(policy, NAMES) == "Requires not holding Night Owl"

    def test_not_kind_and_cohort(self):
        assert why(Not(Kind("listener")), person(kind="listener")) == ["this room is not open to listeners"]
        assert why(Not(Cohort("adult")), person(cohort="adult")) == ["this room is not open to adults"]
        assert check(Not(Cohort("adult")), person(cohort="teen")) is True

    def test_not_role(self):
        policy = Not(Role("admin"))
        assert why(policy, person(roles=[RoleFact("admin")])) == [
            "this room is not open to people with the role: Admin"
        ]

    def test_not_any_of_lists_each_thing_that_must_not_hold(self):
        policy = Not(AnyOf((Kind("listener"), Badge("night-owl"), Badge("chief-chat"))))
        assert why(policy, person("night-owl", "chief-chat", kind="listener")) == [
            "this room is not open to listeners",
            "this room is not open to holders of: Night Owl",
            "this room is not open to holders of: Chief Chat",
        ]
        assert why(policy, person("chief-chat")) == ["this room is not open to holders of: Chief Chat"]

    def test_not_all_of_badges(self):
        policy = Not(AllOf((Badge("night-owl"), Badge("chief-chat"))))
        assert check(policy, person("night-owl")) is True
        assert why(policy, person("night-owl", "chief-chat")) == [
            "this room is not open to holders of all of: Night Owl, Chief Chat"
        ]

    def test_double_negation(self):
        policy = Not(Not(Badge("chief-chat")))
        assert check(policy, person()) is False
        assert why(policy, person()) == ["earn: Chief Chat"]

    def test_teen_room_facilitator_policy(self):
        # Teens, or listeners trained in teen safety who hold a leader or host role for this room.
        policy = AnyOf((
            Cohort("teen"),
            AllOf((
                Badge("teen-safety-trained"),
                AnyOf((Role("support_session_leader"), Role("on_spot_host"))),
            )),
        ))
        assert check(policy, person(cohort="teen")) is True
        assert check(policy, person("teen-safety-trained", roles=[RoleFact("on_spot_host", ROOM)])) is True
        assert why(policy, person("teen-safety-trained")) == [
            "one of: be a teen; or either be granted the role Support Session Leader"
            " or be granted the role On-spot Host"
        ]
        assert describe(policy, NAMES) == (
            "Requires one of being a teen or"
            " (Teen Safety Trained, and one of the Support Session Leader role or the On-spot Host role)"
        )

    def test_repeated_needs_are_listed_once(self):
        policy = AllOf((Badge("night-owl"), AllOf((Badge("night-owl"), Kind("listener")))))
        assert why(policy, person()) == ["earn: Night Owl", "this room is for listeners"]

    def test_badge_slugs_include_refused_badges(self):
        policy = AllOf((Not(Badge("night-owl")), AnyOf((Kind("member"), Badge("chief-chat")))))
        assert badge_slugs(policy) == {"night-owl", "chief-chat"}


# --- role scoping and expiry ------------------------------------------------------------------------


class TestRoleGrants:
    POLICY = Role("chat_room_moderator")

    @pytest.mark.parametrize(
        "grant, counts",
        [
            (RoleFact("chat_room_moderator"), True),
            (RoleFact("chat_room_moderator", room_id=ROOM), True),
            (RoleFact("chat_room_moderator", room_id=OTHER_ROOM), False),
            (RoleFact("chat_room_moderator", expires_at=NOW + HOUR), True),
            (RoleFact("chat_room_moderator", expires_at=NOW), False),
            (RoleFact("chat_room_moderator", expires_at=NOW - HOUR), False),
            (RoleFact("chat_room_moderator", room_id=ROOM, expires_at=NOW + HOUR), True),
            (RoleFact("chat_room_moderator", room_id=ROOM, expires_at=NOW - HOUR), False),
            (RoleFact("chat_room_moderator", room_id=OTHER_ROOM, expires_at=NOW + HOUR), False),
        ],
    )
    def test_a_grant_counts_when_global_or_for_this_room_and_unexpired(self, grant, counts):
        assert check(self.POLICY, person(roles=[grant])) is counts
        assert (why(self.POLICY, person(roles=[grant])) == []) is counts

    def test_any_one_counting_grant_is_enough(self):
        grants = [
            RoleFact("chat_room_moderator", room_id=OTHER_ROOM),
            RoleFact("chat_room_moderator", expires_at=NOW - HOUR),
            RoleFact("chat_room_moderator", room_id=ROOM),
        ]
        assert check(self.POLICY, person(roles=grants)) is True

    def test_a_scoped_grant_counts_in_its_own_room_only(self):
        facts = person(roles=[RoleFact("chat_room_moderator", room_id=OTHER_ROOM)])
        assert evaluate(self.POLICY, facts, OTHER_ROOM, NOW) is True
        assert evaluate(self.POLICY, facts, ROOM, NOW) is False

    def test_a_grant_stops_counting_once_it_expires(self):
        facts = person(roles=[RoleFact("chat_room_moderator", expires_at=NOW)])
        assert evaluate(self.POLICY, facts, ROOM, NOW - dt.timedelta(seconds=1)) is True
        assert evaluate(self.POLICY, facts, ROOM, NOW) is False


# --- the JSON form ----------------------------------------------------------------------------------


class TestParse:
    @pytest.mark.parametrize(
        "data, expected",
        [
            (None, Always()),
            ({"always": True}, Always()),
            ({"badge": "chief-chat"}, Badge("chief-chat")),
            ({"kind": "listener"}, Kind("listener")),
            ({"cohort": "teen"}, Cohort("teen")),
            ({"role": "support_session_leader"}, Role("support_session_leader")),
            ({"not": {"kind": "member"}}, Not(Kind("member"))),
            ({"any_of": [{"badge": "night-owl"}]}, AnyOf((Badge("night-owl"),))),
            ({"all_of": ({"cohort": "adult"}, {"role": "admin"})}, AllOf((Cohort("adult"), Role("admin")))),
        ],
    )
    def test_each_form(self, data, expected):
        assert parse_policy(data) == expected

    @pytest.mark.parametrize(
        "data, message",
        [
            (
                {"all_of": [{"badge": "chief-chat"}, {"any_of": [{"badges": "first-post"}]}]},
                "all_of[1].any_of[0]: unknown key 'badges'; expected one of badge, kind, cohort, role, all_of,"
                " any_of, not, always",
            ),
            ({"kind": "guest"}, "kind: unknown kind 'guest'; expected one of member, listener"),
            ({"not": {"cohort": "child"}}, "not.cohort: unknown cohort 'child'; expected one of teen, adult"),
            (
                {"any_of": [{"role": "moderator"}]},
                "any_of[0].role: unknown role 'moderator'; expected one of chat_room_moderator,"
                " support_session_leader, on_spot_host, admin",
            ),
            (
                {"badge": "Chief Chat"},
                "badge: invalid badge slug 'Chief Chat'; expected 2 to 64 characters of a-z, 0-9 and '-'",
            ),
            ({"badge": "x"}, "badge: invalid badge slug 'x'"),
            ({"badge": "a" * 65}, "badge: invalid badge slug"),
            ({"badge": 7}, "badge: invalid badge slug 7"),
            ({"kind": None}, "kind: unknown kind null"),
            ({"all_of": []}, "all_of: must list at least one condition"),
            ({"not": {"any_of": []}}, "not.any_of: must list at least one condition"),
            ({"any_of": {"badge": "night-owl"}}, "any_of: expected a list of conditions, got an object"),
            ({"all_of": ["night-owl"]}, "all_of[0]: expected an object with one of the keys badge, kind"),
            ([{"badge": "night-owl"}], "policy: expected an object with one of the keys"),
            ("night-owl", "policy: expected an object"),
            ({}, "policy: empty object; expected one of the keys badge, kind"),
            (
                {"badge": "night-owl", "kind": "listener"},
                "policy: expected exactly one key, got 2: 'badge', 'kind'; put each condition in its own object",
            ),
            ({"always": False}, "always: must be true, got false"),
            ({"always": "yes"}, "always: must be true, got 'yes'"),
            (
                {"all_of": [{"badge": "night-owl"}, {"always": True}]},
                "all_of[1]: 'always' is only allowed as the whole policy",
            ),
            ({"not": {"always": True}}, "not: 'always' is only allowed as the whole policy"),
            ({"not": None}, "not: expected an object with one of the keys"),
            ({1: "x"}, "policy: unknown key 1; expected one of"),
        ],
    )
    def test_errors_say_where_and_what(self, data, message):
        with pytest.raises(errors.InvalidPolicy) as caught:
            parse_policy(data)
        assert caught.value.message.startswith(message)

    def test_errors_are_invalid_arguments_with_a_path(self):
        with pytest.raises(errors.InvalidPolicy) as caught:
            parse_policy({"all_of": [{"badge": "night-owl"}, {"not": {"kind": "guest"}}]})
        assert common_errors.category_of(caught.value) is common_errors.InvalidArgument
        assert caught.value.path == "all_of[1].not.kind"
        assert caught.value.problem == "unknown kind 'guest'; expected one of member, listener"

    def test_errors_survive_pickling(self):
        error = errors.InvalidPolicy("unknown kind 'guest'", "kind")
        copy = pickle.loads(pickle.dumps(error))
        assert (copy.message, copy.path, copy.problem) == (error.message, error.path, error.problem)

    def test_a_long_bad_value_is_shortened_in_the_message(self):
        with pytest.raises(errors.InvalidPolicy) as caught:
            parse_policy({"badge": "x" * 10_000})
        assert len(caught.value.message) < 200


class TestLimits:
    @staticmethod
    def nots(levels):
        data = {"badge": "night-owl"}
        for _ in range(levels - 1):
            data = {"not": data}
        return data

    def test_depth_up_to_the_limit_is_accepted(self):
        assert isinstance(parse_policy(self.nots(access.MAX_DEPTH)), Not)

    def test_depth_beyond_the_limit_is_refused_where_it_happens(self):
        with pytest.raises(errors.InvalidPolicy) as caught:
            parse_policy(self.nots(access.MAX_DEPTH + 1))
        assert caught.value.path == ".".join(["not"] * access.MAX_DEPTH)
        assert f"nested deeper than {access.MAX_DEPTH} levels" in caught.value.message

    def test_a_very_deep_document_is_refused_without_recursing_through_it(self):
        with pytest.raises(errors.InvalidPolicy, match="nested deeper"):
            parse_policy(self.nots(100_000))

    def test_size_up_to_the_limit_is_accepted(self):
        data = {"any_of": [{"badge": "night-owl"}] * (access.MAX_NODES - 1)}
        assert len(parse_policy(data).items) == access.MAX_NODES - 1

    def test_size_beyond_the_limit_is_refused(self):
        data = {"any_of": [{"badge": "night-owl"}] * access.MAX_NODES}
        with pytest.raises(errors.InvalidPolicy) as caught:
            parse_policy(data)
        assert caught.value.path == f"any_of[{access.MAX_NODES - 1}]"
        assert f"more than {access.MAX_NODES} parts" in caught.value.message

    def test_a_huge_list_is_refused(self):
        with pytest.raises(errors.InvalidPolicy, match="more than"):
            parse_policy({"all_of": [{"kind": "member"}] * 1_000_000})

    def test_nested_nodes_count_towards_the_size(self):
        group = {"all_of": [{"badge": "night-owl"}, {"badge": "chief-chat"}, {"badge": "first-post"}]}
        leaves = [{"kind": "member"}, {"cohort": "teen"}, {"role": "admin"}]
        assert parse_policy({"any_of": [group] * 15 + leaves})  # 1 + 15 * 4 + 3 = 64 parts
        with pytest.raises(errors.InvalidPolicy, match="more than 64") as caught:
            parse_policy({"any_of": [group] * 16})  # 1 + 16 * 4 = 65 parts
        assert caught.value.path == "any_of[15].all_of[2]"


class TestConstructors:
    @pytest.mark.parametrize(
        "build, message",
        [
            (lambda: Badge("Night Owl"), "policy: invalid badge slug 'Night Owl'"),
            (lambda: Kind("guest"), "policy: unknown kind 'guest'"),
            (lambda: Cohort("child"), "policy: unknown cohort 'child'"),
            (lambda: Role("owner"), "policy: unknown role 'owner'"),
            (lambda: AllOf(()), "policy: all_of must list at least one condition"),
            (lambda: AnyOf([]), "policy: any_of must list at least one condition"),
            (lambda: Not(Always()), "policy: 'always' is only allowed as the whole policy"),
            (lambda: AllOf((Badge("night-owl"), Always())), "policy: 'always' is only allowed"),
            (lambda: AnyOf(("night-owl",)), "policy: any_of takes policy conditions, got 'night-owl'"),
        ],
    )
    def test_bad_nodes_cannot_be_built(self, build, message):
        with pytest.raises(errors.InvalidPolicy) as caught:
            build()
        assert caught.value.message.startswith(message)

    def test_lists_become_tuples_so_nodes_stay_hashable(self):
        policy = AllOf([Badge("night-owl"), AnyOf([Kind("member")])])
        assert policy.items == (Badge("night-owl"), AnyOf((Kind("member"),)))
        assert hash(policy) == hash(AllOf((Badge("night-owl"), AnyOf((Kind("member"),)))))

    def test_nodes_are_immutable(self):
        with pytest.raises(dataclasses.FrozenInstanceError):
            Badge("night-owl").slug = "chief-chat"

    def test_person_facts_take_any_iterables(self):
        facts = PersonFacts("p", "member", "adult", ["night-owl"], [RoleFact("admin")])
        assert facts.badges == frozenset({"night-owl"})
        assert facts.roles == (RoleFact("admin"),)


class TestRoundTrip:
    def test_issue_example(self):
        assert to_dict(ISSUE_EXAMPLE) == ISSUE_EXAMPLE_JSON
        assert parse_policy(to_dict(ISSUE_EXAMPLE)) == ISSUE_EXAMPLE

    def test_always(self):
        assert to_dict(Always()) == {"always": True}
        assert parse_policy(to_dict(Always())) == Always()

    def test_every_node(self):
        policy = AllOf((
            Not(Kind("listener")),
            AnyOf((Cohort("teen"), Role("on_spot_host"), Badge("welcome-wagon"))),
        ))
        data = {
            "all_of": [
                {"not": {"kind": "listener"}},
                {"any_of": [{"cohort": "teen"}, {"role": "on_spot_host"}, {"badge": "welcome-wagon"}]},
            ]
        }
        assert to_dict(policy) == data
        assert parse_policy(data) == policy


# --- properties -------------------------------------------------------------------------------------

SLUGS = ("chief-chat", "first-post", "compassion-hero", "night-owl", "verified-listener", "trauma-informed")

leaves = st.one_of(
    st.sampled_from(SLUGS).map(Badge),
    st.sampled_from(access.KINDS).map(Kind),
    st.sampled_from(access.COHORTS).map(Cohort),
    st.sampled_from(access.ROLES).map(Role),
)


def conditions(depth=4, negation=True):
    """Policies at most `depth` levels deep; with at most 3 items a group that stays within MAX_NODES."""
    if depth == 1:
        return leaves
    inner = conditions(depth - 1, negation)
    groups = st.lists(inner, min_size=1, max_size=3).map(tuple)
    options = [leaves, groups.map(AllOf), groups.map(AnyOf)]
    if negation:
        options.append(inner.map(Not))
    return st.one_of(*options)


policies = st.one_of(st.just(Always()), conditions())
grants = st.builds(
    RoleFact,
    role=st.sampled_from(access.ROLES),
    room_id=st.sampled_from((None, ROOM, OTHER_ROOM)),
    expires_at=st.sampled_from((None, NOW - HOUR, NOW, NOW + HOUR)),
)
people = st.builds(
    PersonFacts,
    person_id=st.just("person-1"),
    kind=st.sampled_from(access.KINDS),
    cohort=st.sampled_from(access.COHORTS),
    badges=st.frozensets(st.sampled_from(CATALOGUE)),
    roles=st.lists(grants, max_size=4).map(tuple),
)
names = st.sampled_from(({}, NAMES))
# Policy-shaped JSON with mistakes sprinkled in: wrong values, wrong types, unknown or extra keys.
junk = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.just("Bad Slug"))
leaf_values = st.one_of(st.sampled_from(SLUGS + access.KINDS + access.COHORTS + access.ROLES), junk)
almost_policies = st.recursive(
    st.one_of(
        leaves.map(to_dict),
        st.builds(lambda key, value: {key: value}, st.sampled_from(access.KEYS + ("badges",)), leaf_values),
        junk,
    ),
    lambda children: st.one_of(
        st.builds(
            lambda key, items: {key: items}, st.sampled_from(("all_of", "any_of")), st.lists(children, max_size=3)
        ),
        st.builds(lambda inner: {"not": inner}, children),
        st.dictionaries(st.sampled_from(access.KEYS + ("badges",)), children, max_size=2),
    ),
    max_leaves=12,
)


def located(data, path):
    """The part of a JSON document an error path such as "all_of[1].not.kind" points at."""
    for segment in path.split(".") if path else ():
        key, _, index = segment.partition("[")
        data = data[key]
        if index:
            data = data[int(index.rstrip("]"))]
    return data


class TestProperties:
    @given(policies, people, names)
    def test_explain_is_empty_exactly_when_allowed(self, policy, facts, badge_names):
        reasons = explain(policy, facts, ROOM, NOW, badge_names)
        assert (reasons == []) is evaluate(policy, facts, ROOM, NOW)
        assert all(isinstance(reason, str) and reason for reason in reasons)

    @given(policies)
    def test_parse_of_to_dict_is_the_same_policy(self, policy):
        assert parse_policy(to_dict(policy)) == policy
        assert parse_policy(json.loads(json.dumps(to_dict(policy)))) == policy

    @given(policies)
    def test_to_dict_of_parse_is_the_same_document(self, policy):
        data = to_dict(policy)
        assert to_dict(parse_policy(data)) == data

    @given(conditions(), people)
    def test_not_inverts(self, policy, facts):
        assert check(Not(policy), facts) is (not check(policy, facts))

    @given(st.lists(conditions(3), min_size=1, max_size=3), people)
    def test_groups_agree_with_all_and_any(self, items, facts):
        results = [check(item, facts) for item in items]
        assert check(AllOf(tuple(items)), facts) is all(results)
        assert check(AnyOf(tuple(items)), facts) is any(results)

    @given(conditions(negation=False), people, st.sampled_from(CATALOGUE))
    def test_a_new_badge_never_locks_anyone_out_of_a_policy_without_not(self, policy, facts, badge):
        if check(policy, facts):
            assert check(policy, dataclasses.replace(facts, badges=facts.badges | {badge}))

    @given(policies, people, st.frozensets(st.sampled_from(CATALOGUE)))
    def test_badges_the_policy_does_not_mention_make_no_difference(self, policy, facts, others):
        unmentioned = others - badge_slugs(policy)
        with_them = dataclasses.replace(facts, badges=facts.badges | unmentioned)
        without_them = dataclasses.replace(facts, badges=facts.badges - unmentioned)
        assert check(policy, with_them) is check(policy, facts) is check(policy, without_them)

    @given(policies, people)
    def test_explanations_mention_only_badges_the_policy_mentions(self, policy, facts):
        for reason in explain(policy, facts, ROOM, NOW):
            assert {slug for slug in CATALOGUE if slug in reason} <= badge_slugs(policy)

    @given(policies, names)
    def test_describe_is_one_line(self, policy, badge_names):
        summary = describe(policy, badge_names)
        assert summary and "\n" not in summary
        assert summary.startswith("Open to everyone" if policy == Always() else "Requires ")

    @given(policies)
    def test_badge_slugs_are_exactly_those_in_the_document(self, policy):
        def slugs_in(data):
            if isinstance(data, list):
                return set().union(*map(slugs_in, data))
            ((key, value),) = data.items()
            return {value} if key == "badge" else slugs_in(value) if isinstance(value, (dict, list)) else set()

        assert badge_slugs(policy) == slugs_in(to_dict(policy))

    @settings(max_examples=300)
    @given(almost_policies)
    def test_any_json_either_parses_or_is_refused_as_invalid_policy(self, data):
        try:
            policy = parse_policy(data)
        except errors.InvalidPolicy as error:
            assert error.message == f"{error.path or 'policy'}: {error.problem}"
            located(data, error.path)  # the path leads somewhere real in the document
        else:
            assert parse_policy(to_dict(policy)) == policy


# --- when a room is open: Room.closed_now (entering and speaking both depend on it) --------------------------


def _room(mode: str, **window) -> Room:
    return Room(slug="adult-test-room", name="Test Room", description="", topic="community", audience_cohort="adult",
                audience_kind="both", mode=mode, status="active", capacity=10, access_policy={"always": True}, **window)


@pytest.mark.parametrize("facilitated_open", [False, True])
def test_an_always_open_room_is_never_closed(facilitated_open):
    assert _room("always_open").closed_now(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                                           facilitated_open=facilitated_open) is None


def test_a_facilitated_room_is_open_exactly_while_someone_holds_it_open():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert _room("facilitated").closed_now(now, facilitated_open=True) is None
    assert "open only while a facilitator is here" in _room("facilitated").closed_now(now, facilitated_open=False)


def test_a_pop_up_is_open_from_its_opening_up_to_but_not_at_its_closing():
    opens = dt.datetime(2026, 1, 1, 18, tzinfo=dt.timezone.utc)
    room = _room("pop_up", opens_at=opens, closes_at=opens + dt.timedelta(hours=1))
    closed = room.closed_now(opens - dt.timedelta(seconds=1))
    assert closed == "this pop-up room is closed now; it opens at 2026-01-01T18:00+00:00"
    assert room.closed_now(opens) is None
    assert room.closed_now(opens + dt.timedelta(minutes=59)) is None
    assert room.closed_now(opens + dt.timedelta(hours=1)) == "this pop-up room is closed now"
    assert _room("pop_up").closed_now(opens, facilitated_open=True) == "this pop-up room is closed now"
