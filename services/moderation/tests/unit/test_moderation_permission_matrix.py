"""Unit: the permission matrix (domain/permissions.MATRIX), tried through the real use cases: every action as every
role, in its scope and out of it, the rules above the matrix (nobody on themselves or an admin; only one's own
cohort unless an admin, a person of the other cohort named by id, or their warning, sanction or message named by
its id, answered as an unknown id), and the service README's table printed from the same data."""
import dataclasses
import datetime as dt
import pathlib

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from hearth_common.contracts import identity as roles
from hearth_common.people import PersonFacts, RoleFact
from moderation_service.domain import permissions as perms
from moderation_service.domain.errors import (
    MessageNotKnown,
    NotPermitted,
    PersonNotKnown,
    SanctionNotFound,
    WarningNotFound,
)
from moderation_service.domain.ladder import DEFAULT_LADDER

README = pathlib.Path(__file__).parents[2] / "README.md"
EVERY_ROOM = None


@dataclasses.dataclass(frozen=True)
class Profile:
    """A caller: a role (or none), its grant's room (None: every room), the room of a live session they lead."""

    name: str
    role: str
    grant_room: str | None = None
    live_room: str | None = None
    session_ended: bool = False


PROFILES = (
    Profile("admin", roles.ADMIN),
    Profile("moderator of every room", roles.CHAT_ROOM_MODERATOR),
    Profile("moderator of ROOM", roles.CHAT_ROOM_MODERATOR, grant_room=ROOM),
    Profile("session leader live in ROOM", roles.SUPPORT_SESSION_LEADER, live_room=ROOM),
    Profile("on-spot host live in ROOM", roles.ON_SPOT_HOST, live_room=ROOM),
    Profile("session leader whose session ended", roles.SUPPORT_SESSION_LEADER, session_ended=True),
    Profile("member", perms.MEMBER),
)
# Where each action can be tried: in ROOM, in another room, or in every room at once.
PLACES = {
    perms.WARN: (ROOM, OTHER_ROOM, EVERY_ROOM),
    perms.MUTE: (ROOM, OTHER_ROOM, EVERY_ROOM),
    perms.KICK: (ROOM, OTHER_ROOM),
    perms.ROOM_BAN: (ROOM, OTHER_ROOM),
    perms.GLOBAL_BAN: (EVERY_ROOM,),
    perms.REMOVE_MESSAGE: (ROOM, OTHER_ROOM),
    perms.MUTE_EXCHANGE: (ROOM, OTHER_ROOM),
    perms.LIFT: (ROOM, OTHER_ROOM, EVERY_ROOM),
    perms.VOID_WARNING: (ROOM, OTHER_ROOM, EVERY_ROOM),
    perms.VIEW_RECORD: (EVERY_ROOM,),
    perms.SET_LADDER: (EVERY_ROOM,),
}
assert set(PLACES) == set(perms.ACTIONS)
UNTARGETED = (perms.SET_LADDER,)


def expected(action: str, profile: Profile, where: str | None) -> bool:
    """What the matrix says, read from its scope words."""
    scope = perms.MATRIX[action][profile.role]
    if scope == perms.EVERYWHERE or scope == perms.ANY_GRANT:
        return True
    if scope == perms.COVERED:
        return profile.grant_room is None or profile.grant_room == where
    if scope == perms.SESSION:
        return where is not None and where == profile.live_room
    return False


def make_caller(world, profile: Profile, cohort: str = "adult") -> str:
    person = world.person(profile.name.replace(" ", "_")[:30], cohort, "listener")
    if profile.role != perms.MEMBER:
        world.grant(person, profile.role, profile.grant_room)
    if profile.live_room:
        world.start_session(person, profile.live_room)
    if profile.session_ended:
        world.end_session(world.start_session(person, ROOM), person)
    return person


def act(action: str, sanctions, world, caller: str, target: str, where: str | None, admin: str):
    """Does `action` as `caller` on `target` there, through the use case a client calls."""
    match action:
        case perms.WARN:
            return sanctions.issue_warning(caller, target, "unkind", None, where)
        case perms.MUTE:
            return sanctions.impose(caller, target, "mute", where, 10, "cool off")
        case perms.KICK:
            return sanctions.kick(caller, where, target, "take a break")
        case perms.ROOM_BAN:
            return sanctions.impose(caller, target, "ban", where, 60, "repeated abuse")
        case perms.GLOBAL_BAN:
            return sanctions.impose(caller, target, "ban", None, None, "threats")
        case perms.REMOVE_MESSAGE:
            return sanctions.remove_message(caller, world.post(target, "add me on snap", where), "contact details")
        case perms.MUTE_EXCHANGE:
            return sanctions.mute_exchange(caller, where, [target, world.member("other_side", where)], 5, "cool off")
        case perms.LIFT:
            mute = sanctions.impose(admin, target, "mute", where, 60, "cool off")
            return sanctions.lift(caller, mute["id"], "calmer now")
        case perms.VOID_WARNING:
            warning = sanctions.issue_warning(admin, target, "unkind", None, where)
            return sanctions.void_warning(caller, warning["id"], "overturned")
        case perms.VIEW_RECORD:
            return sanctions.record(caller, target)
        case perms.SET_LADDER:
            return sanctions.set_ladder(caller, DEFAULT_LADDER.to_dict())
    raise AssertionError(action)


@pytest.fixture(autouse=True)
def sessions_in_world(world, sanctions):
    world.sessions = sanctions


CASES = [(action, profile, where) for action in perms.ACTIONS for profile in PROFILES for where in PLACES[action]]


@pytest.mark.parametrize("action, profile, where", CASES,
                         ids=[f"{a}-{p.name}-{w or 'every room'}" for a, p, w in CASES])
def test_every_action_as_every_role_in_and_out_of_scope(sanctions, world, action, profile, where):
    admin = world.admin("admin_setup")
    target = world.person("target_tess")
    for room in (ROOM, OTHER_ROOM):
        world.join(target, room)
    caller = make_caller(world, profile)
    if expected(action, profile, where):
        act(action, sanctions, world, caller, target, where, admin)
    else:
        with pytest.raises(NotPermitted):
            act(action, sanctions, world, caller, target, where, admin)


TARGETED = [(action, profile) for action in perms.ACTIONS if action not in UNTARGETED for profile in PROFILES
            if profile.role != perms.MEMBER]


@pytest.mark.parametrize("action, profile", TARGETED, ids=[f"{a}-{p.name}" for a, p in TARGETED])
@pytest.mark.parametrize("whom", ["themselves", "an admin", "the other cohort"])
def test_nobody_acts_on_themselves_or_an_admin_and_only_admins_across_cohorts(sanctions, world, action, profile,
                                                                             whom):
    admin = world.admin("admin_setup")
    caller = make_caller(world, profile)
    target = {"themselves": caller, "an admin": world.admin("admin_target"),
              "the other cohort": world.person("teen_tia", "teen")}[whom]
    where = PLACES[action][0]
    for room in (ROOM, OTHER_ROOM):
        world.join(target, room)
    allowed = whom == "the other cohort" and profile.role == roles.ADMIN
    if allowed:
        act(action, sanctions, world, caller, target, where, admin)
    elif whom == "the other cohort" and expected(action, profile, where):
        # one who may do this here, naming a person of the other cohort (or their item) by id, is answered as for
        # an id nobody knows (issue 17 §2; test_a_person_of_the_other_cohort_is_answered_as_an_unknown_id,
        # test_an_item_of_the_other_cohort_is_answered_as_an_unknown_id)
        with pytest.raises(BY_PERSON_ID.get(action) or BY_ITEM_ID[action]):
            act(action, sanctions, world, caller, target, where, admin)
    else:  # (to lift or void on an admin, nothing can be imposed on one in the first place: that step refuses)
        with pytest.raises(NotPermitted):
            act(action, sanctions, world, caller, target, where, admin)


# The actions naming their person by a person id: a refusal by cohort would tell who is a teen (issue 17 §2).
BY_PERSON_ID = dict.fromkeys((perms.WARN, perms.MUTE, perms.KICK, perms.ROOM_BAN, perms.GLOBAL_BAN,
                              perms.MUTE_EXCHANGE, perms.VIEW_RECORD), PersonNotKnown)
# The actions naming a warning, sanction or message by its own id, and their answer for an id that does not exist.
BY_ITEM_ID = {perms.VOID_WARNING: WarningNotFound, perms.LIFT: SanctionNotFound, perms.REMOVE_MESSAGE: MessageNotKnown}
assert set(BY_PERSON_ID) | set(BY_ITEM_ID) | set(UNTARGETED) == set(perms.ACTIONS)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000017"
ADULT_MODERATORS = [p for p in PROFILES if p.role == roles.CHAT_ROOM_MODERATOR]


@pytest.mark.parametrize("profile", ADULT_MODERATORS, ids=[p.name for p in ADULT_MODERATORS])
@pytest.mark.parametrize("action", BY_PERSON_ID)
def test_a_person_of_the_other_cohort_is_answered_as_an_unknown_id(sanctions, world, action, profile):
    """An adult moderator naming a teen by id (from identity's GetPerson) gets exactly the answer an id nobody
    knows gets, the id aside: the same error, the same message (issue 17 §2)."""
    admin = world.admin("admin_setup")
    caller = make_caller(world, profile)
    teen = world.person("teen_tia", "teen")
    where = PLACES[action][0]
    for room in (ROOM, OTHER_ROOM):
        world.join(teen, room)
    teens = refusal_of(action, sanctions, world, caller, teen, where, admin)
    assert teens == refusal_of(action, sanctions, world, caller, UNKNOWN_ID, where, admin)
    assert teens[0] is (PersonNotKnown if expected(action, profile, where) else NotPermitted)  # (may not, anyone)


def refusal_of(action, sanctions, world, caller, person_id, where, admin):
    with pytest.raises((NotPermitted, PersonNotKnown)) as refused:
        act(action, sanctions, world, caller, person_id, where, admin)
    return type(refused.value), str(refused.value).replace(person_id, "<id>")


def item_of(action: str, sanctions, world, person_id: str, where: str | None, admin: str) -> str:
    """The id of an item of `person_id` that `action` names: a warning, a mute, a message."""
    match action:
        case perms.VOID_WARNING:
            return sanctions.issue_warning(admin, person_id, "unkind", None, where)["id"]
        case perms.LIFT:
            return sanctions.impose(admin, person_id, "mute", where, 60, "cool off")["id"]
        case perms.REMOVE_MESSAGE:
            return world.post(person_id, "add me on snap", where)
    raise AssertionError(action)


def act_on_item(action: str, sanctions, caller: str, item_id: str):
    match action:
        case perms.VOID_WARNING:
            return sanctions.void_warning(caller, item_id, "overturned")
        case perms.LIFT:
            return sanctions.lift(caller, item_id, "calmer now")
        case perms.REMOVE_MESSAGE:
            return sanctions.remove_message(caller, item_id, "contact details")
    raise AssertionError(action)


@pytest.mark.parametrize("profile", ADULT_MODERATORS, ids=[p.name for p in ADULT_MODERATORS])
@pytest.mark.parametrize("action", BY_ITEM_ID)
@pytest.mark.parametrize("where", [ROOM, OTHER_ROOM])
def test_an_item_of_the_other_cohort_is_answered_as_an_unknown_id(sanctions, world, action, profile, where):
    """An adult moderator naming a teen's warning, sanction or message by its id gets exactly the answer an id
    that does not exist gets, the id aside: the same error, the same message (issue 17 §2; silent on items: the
    teen's side), in a room they moderate or not (a refusal naming the teen's room would tell its cohort). The
    item is real: an admin acts on it."""
    admin = world.admin("admin_setup")
    caller = make_caller(world, profile)
    teen = world.person("teen_tia", "teen")
    world.join(teen, where)
    item = item_of(action, sanctions, world, teen, where, admin)
    unknown = "00000000-0000-4000-8000-000000000071" if action != perms.REMOVE_MESSAGE else "m-unknown-17"
    answers = []
    for item_id in (item, unknown):
        with pytest.raises(errors.DomainError) as refused:
            act_on_item(action, sanctions, caller, item_id)
        answers.append((type(refused.value), str(refused.value).replace(item_id, "<id>")))
    assert answers[0] == answers[1]
    assert answers[0][0] is BY_ITEM_ID[action]
    act_on_item(action, sanctions, admin, item)


@pytest.mark.parametrize("action", BY_ITEM_ID)
def test_an_item_of_ones_own_cohort_out_of_scope_keeps_the_matrix_refusal(sanctions, world, action):
    """Only the other cohort's items are hidden: a moderator of ROOM naming an adult's item in another room is
    told the matrix's refusal, which names no cohort they do not share."""
    admin = world.admin("admin_setup")
    caller = make_caller(world, Profile("moderator of ROOM", roles.CHAT_ROOM_MODERATOR, grant_room=ROOM))
    adult = world.member("adult_ada", OTHER_ROOM)
    item = item_of(action, sanctions, world, adult, OTHER_ROOM, admin)
    with pytest.raises(NotPermitted, match=f"in {OTHER_ROOM}"):
        act_on_item(action, sanctions, caller, item)


def test_the_readme_shows_the_matrix_from_the_same_table():
    assert perms.matrix_table() in README.read_text(), "paste permissions.matrix_table() into the README"


@pytest.mark.parametrize("scope", [perms.SESSION, perms.ANY_GRANT])
def test_a_grant_held_anywhere_counts_until_it_expires_wherever_it_was_given(scope):
    now = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)
    role = roles.Role.SUPPORT_SESSION_LEADER.value

    def leader(*grants):
        return PersonFacts("p1", "member", "adult", roles=grants)

    here = perms.Where(ROOM)
    for grant, holds in ((RoleFact(role, OTHER_ROOM), True), (RoleFact(role), True),
                         (RoleFact(role, OTHER_ROOM, now + dt.timedelta(minutes=1)), True),
                         (RoleFact(role, OTHER_ROOM, now), False),
                         (RoleFact(role, None, now - dt.timedelta(days=1)), False)):
        assert perms.scope_allows(scope, role, leader(grant), here, [ROOM], now) is holds, grant
