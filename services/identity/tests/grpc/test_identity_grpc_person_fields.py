"""gRPC: every identity API that returns a person, called as every kind of caller, shows or hides each field exactly as
the table in identity_service/service_layer/person_fields.py (and so the README) says (issue 17 §2)."""
import datetime as dt

import grpc
import pytest
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common.person_visibility import ADMIN, MODERATOR, NOT_CARRIED, PEER, SELF, SHOWN, VIEWERS
from identity_service.entrypoints.grpc_server import build_server
from identity_service.service_layer.person_fields import TABLE
from identity_service.service_layer.services import Actor

T = 5
PASSWORD = "a long enough password"
TEEN_DOB = (dt.date.today() - dt.timedelta(days=365 * 15)).isoformat()
ADULT_DOB = "1990-04-02"
SETUP = Actor(service="test-setup")


@pytest.fixture
def stub(identity_settings, identity):
    srv = build_server(identity_settings, identity).start()
    with grpc.insecure_channel(f"127.0.0.1:{srv.port}") as channel:
        yield identity_pb2_grpc.IdentityServiceStub(channel)
    srv.stop(grace=1)


def register(stub, username, dob):
    request = pb.RegisterRequest(username=username, password=PASSWORD, date_of_birth=dob, kind=pb.PERSON_KIND_MEMBER)
    return stub.Register(request, timeout=T).person


def login(stub, username):
    return stub.Login(pb.LoginRequest(username=username, password=PASSWORD), timeout=T)


def auth(username, stub):
    return [("authorization", f"Bearer {login(stub, username).tokens.access_token}")]


@pytest.fixture
def people(stub, identity):
    """A teen and an adult to be looked up, and a caller of every other kind (an adult peer, a teen peer, a chat
    room moderator for every room, an admin)."""
    subjects = {"teen": register(stub, "Subject_Teen", TEEN_DOB), "adult": register(stub, "Subject_Adult", ADULT_DOB)}
    callers = {
        "adult peer": register(stub, "Peer_Adult", ADULT_DOB),
        "teen peer": register(stub, "Peer_Teen", TEEN_DOB),
        "moderator": register(stub, "Staff_Mod", ADULT_DOB),
        "admin": register(stub, "Staff_Admin", ADULT_DOB),
    }
    identity.grant_role(SETUP, callers["moderator"].id, "chat_room_moderator")
    identity.grant_role(SETUP, callers["admin"].id, "admin")
    return subjects, callers


def callers_of(viewer, subject_name, callers):
    """(label, username) of each caller standing in this relation to the subject."""
    if viewer == SELF:
        return [("self", subject_name)]
    if viewer == PEER:
        return [(label, callers[label].username) for label in ("adult peer", "teen peer")]
    return [(viewer, callers[{MODERATOR: "moderator", ADMIN: "admin"}[viewer]].username)]


COHORTS = {"teen": pb.COHORT_TEEN, "adult": pb.COHORT_ADULT}


def check_field(person, field, cell, cohort_name, expected):
    if cell == NOT_CARRIED:
        assert field not in pb.Person.DESCRIPTOR.fields_by_name
        return
    if field == "cohort":
        wanted = COHORTS[cohort_name] if cell == SHOWN else pb.COHORT_UNSPECIFIED
        assert person.cohort == wanted, f"cohort {cell}: got {pb.Cohort.Name(person.cohort)}"
    elif field == "registered_at":
        assert person.HasField("registered_at") == (cell == SHOWN)
    else:
        assert (getattr(person, field) == getattr(expected, field)) == (cell == SHOWN)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("lookup", ["id", "username"])
def test_get_person_shows_each_field_as_the_table_says(stub, people, viewer, lookup):
    subjects, callers = people
    for cohort_name, subject in subjects.items():
        for label, caller in callers_of(viewer, subject.username, callers):
            request = pb.GetPersonRequest(**{lookup: getattr(subject, lookup)})
            person = stub.GetPerson(request, metadata=auth(caller, stub), timeout=T).person
            for r in TABLE.rows:
                if "GetPerson" in r.apis or r.seen[viewer] == NOT_CARRIED:
                    check_field(person, r.field, r.seen[viewer], cohort_name, subject)


@pytest.mark.parametrize("api", ["Register", "Login"])
def test_own_person_from_register_and_login_shows_the_self_column(stub, api):
    for cohort_name, dob in (("teen", TEEN_DOB), ("adult", ADULT_DOB)):
        name = f"Own_{api}_{cohort_name}"
        person = register(stub, name, dob)
        if api == "Login":
            person = login(stub, name).person
        for r in TABLE.rows:
            if api in r.apis:
                check_field(person, r.field, r.seen[SELF], cohort_name, person)


def test_a_peer_cannot_tell_a_teen_from_an_adult_by_any_answer_or_error(stub, people):
    subjects, callers = people
    md = auth(callers["adult peer"].username, stub)
    seen = []
    for subject in subjects.values():
        person = stub.GetPerson(pb.GetPersonRequest(username=subject.username), metadata=md, timeout=T).person
        seen.append((person.kind, person.cohort, sorted(f.name for f, _ in person.ListFields())))
    assert seen[0] == seen[1]
    with pytest.raises(grpc.RpcError) as unknown:
        stub.GetPerson(pb.GetPersonRequest(username="Nobody_Here"), metadata=md, timeout=T)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("viewer", VIEWERS)
def test_list_roles_shows_room_scoped_grants_as_the_table_says(stub, identity, people, viewer):
    subjects, callers = people
    [r] = [r for r in TABLE.rows if "ListRoles" in r.apis]
    for subject in subjects.values():
        identity.grant_role(SETUP, subject.id, "on_spot_host", room_id="teen-lounge")
        identity.grant_role(SETUP, subject.id, "support_session_leader")
        for _, caller in callers_of(viewer, subject.username, callers):
            grants = stub.ListRoles(pb.ListRolesRequest(person_id=subject.id), metadata=auth(caller, stub),
                                    timeout=T).grants
            assert [g.room_id for g in grants if g.role == pb.ROLE_SUPPORT_SESSION_LEADER] == [""]  # every room
            scoped = [g.room_id for g in grants if g.role == pb.ROLE_ON_SPOT_HOST]
            assert scoped == (["teen-lounge"] if r.seen[viewer] == SHOWN else []), (viewer, caller)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_list_person_badges_shows_the_badges_as_the_table_says_alike_for_a_teen_and_an_adult(stub, identity, people,
                                                                                               viewer):
    subjects, callers = people
    [r] = [r for r in TABLE.rows if "ListPersonBadges" in r.apis]
    assert not set(pb.BadgeAward.DESCRIPTOR.fields_by_name) & {"cohort", "age", "date_of_birth", "section"}
    for subject in subjects.values():
        identity.award_badge(SETUP, subject.id, "teen-safety-trained", "completed the course teen-safety",
                             f"award-{subject.id}")
    answers = []
    for subject in subjects.values():
        for label, caller in callers_of(viewer, subject.username, callers):
            awards = stub.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=subject.id),
                                           metadata=auth(caller, stub), timeout=T).awards
            assert [a.badge.slug for a in awards] == (["teen-safety-trained"] if r.seen[viewer] == SHOWN else []), (
                viewer, label)
            answers.append((label, [(a.badge.slug, a.awarded_by, a.reason, sorted(f.name for f, _ in a.ListFields()))
                                    for a in awards]))
    # The teen's answer and the adult's are the same to each caller (but for "self", who is each subject).
    if viewer != SELF:
        half = len(answers) // 2
        assert answers[:half] == answers[half:]
