"""gRPC: every room API that returns a person, called as every kind of caller, shows each field of a person exactly
as the table in room_service/service_layer/person_fields.py (and so the README) says (issue 17 §2): a teen room's
people are shown to those who may read it and to nobody else, and no API carries a kind, cohort, age or date of
birth."""
import dataclasses
import datetime as dt
import uuid

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc

from hearth_common.person_visibility import ADMIN, MODERATOR, NOT_CARRIED, PEER, REFUSED, SELF, SHOWN, VIEWERS
from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server
from room_service.service_layer.person_fields import GRANTS, HANDS, PEOPLE, SESSIONS, TABLE

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
ROOM = "teen-community-hangout"
CIRCLE = "teen-sharing-circle"
# Every message that carries a person.
PERSON_MESSAGES = (pb.Member, pb.Message, pb.Mention, pb.MemberChange, pb.TurnChange, pb.Hand, pb.TurnQueueResponse,
                   pb.SupportSession, pb.PersonalFilter, pb.CohortGrant, pb.GetHostingFiguresResponse,
                   pb.HostingTeam, pb.HostedSession)
# Fields named like a person's but about something else: a filter's kind (mute or block), a session's kind
# (scheduled or unplanned).
NOT_A_PERSONS = {(pb.PersonalFilter, "kind"), (pb.SupportSession, "kind")}
# The APIs behind a room's door: the other cohort is refused them whole, whatever the table says of a peer.
BEHIND_THE_DOOR = set(PEOPLE) | set(HANDS) | set(SESSIONS)
# The APIs that answer the caller about themselves (the scene's own answers): asked as the subject only.
OWN_ANSWERS = ("JoinRoom", "PostMessage", "RaiseHand", "StartUnplannedSession")
# Writes that return a person as one of the table's reads shows them to the same caller, behind the same check.
UNTABLED = {
    "EditMessage", "DeleteMessage", "HeartMessage",  # the message as ListMessages shows it
    "LowerHand", "GiveTurn", "SkipTurn", "EndTurn",  # the queue as GetTurnQueue shows it
    "ScheduleSession", "StartSession", "EndSession", "CancelSession",  # the session as ListSessions (EndSession:
    # who attended, to its leader)
    "GrantCohortAccess", "RevokeCohortAccess",  # admins only: the grant as ListCohortGrants shows it
}

def md(person_id):
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": []}
    return [("authorization", f"Bearer {jwt.encode(claims, KEY, algorithm='EdDSA', headers={'kid': 'test-key'})}")]


@pytest.fixture
def stub(room_settings, room_engine, rooms, amqp_uri):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server, live = build_server(dataclasses.replace(room_settings, amqp_uri=amqp_uri), room_engine, verifier)
    live.start()
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield room_pb2_grpc.RoomServiceStub(channel)
    server.stop(grace=1)
    live.stop()


def person(rooms, username, cohort, role=None):
    person_id = str(uuid.uuid4())
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered", "seq": 1,
                                "data": {"person_id": person_id, "username": username, "kind": "member",
                                         "cohort": cohort}})
    if role:
        rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2,
                                    "data": {"person_id": person_id, "grant_id": str(uuid.uuid4()), "role": role,
                                             "room_id": None, "expires_at": None}})
    return person_id



@pytest.fixture
def scene(stub, rooms):
    """A teen (the subject, an On-spot Host) in a teen room and a teen Sharing Circle with a teen peer; an adult
    peer outside; an adult moderator and an admin let in by audited grants (the only way staff of the other cohort
    read a teen room). The subject posts, raises a hand in the circle and starts a session in the room."""
    ids = {
        "subject": person(rooms, "tia_teen", "teen", "on_spot_host"),
        "teen peer": person(rooms, "tom_teen", "teen"),
        "adult peer": person(rooms, "abe_adult", "adult"),
        "moderator": person(rooms, "mod_mia", "adult", "chat_room_moderator"),
        "admin": person(rooms, "ada_admin", "adult", "admin"),
    }
    for slug in (ROOM, CIRCLE):
        for staff in ("moderator", "admin"):
            stub.GrantCohortAccess(pb.GrantCohortAccessRequest(person_id=ids[staff], slug=slug,
                                                               reason="covering a shift"),
                                   metadata=md(ids["admin"]), timeout=T)
        for who in ("moderator", "admin", "teen peer"):
            stub.JoinRoom(pb.JoinRoomRequest(slug=slug), metadata=md(ids[who]), timeout=T)
            if who == "moderator" and slug == CIRCLE:  # a circle is open while a facilitator is checked in
                stub.CheckIn(pb.CheckInRequest(slug=slug, checked_in=True), metadata=md(ids[who]), timeout=T)
    own = md(ids["subject"])
    joined = stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=own, timeout=T).member
    posted = stub.PostMessage(pb.PostMessageRequest(slug=ROOM, body="hi @tom_teen and @abe_adult"),
                              metadata=own, timeout=T).message
    stub.JoinRoom(pb.JoinRoomRequest(slug=CIRCLE), metadata=own, timeout=T)
    raised = stub.RaiseHand(pb.RaiseHandRequest(slug=CIRCLE), metadata=own, timeout=T)
    started = stub.StartUnplannedSession(pb.StartUnplannedSessionRequest(slug=ROOM, topic="Drop-in check-in",
                                                                         duration_minutes=30),
                                         metadata=own, timeout=T).session
    return ids, {"JoinRoom": joined, "PostMessage": posted, "RaiseHand": raised, "StartUnplannedSession": started}


def callers(viewer, api):
    if viewer == SELF and api in GRANTS:
        return ["moderator"]  # the person a grant shows is the staff member let across
    return {PEER: ["teen peer", "adult peer"], SELF: ["subject"], MODERATOR: ["moderator"], ADMIN: ["admin"]}[viewer]


def expected(ids):
    """Each field of the table as the subject (for a grant: the staff member and the admin) should be shown."""
    return {"person_id": ids["subject"], "username": "tia_teen", "hand.person_id": ids["subject"],
            "session.leader_id": ids["subject"], "filter.person_id": ids["subject"], "filter.username": "tia_teen",
            "grant.person_id": ids["moderator"], "grant.granted_by": ids["admin"],
            "figures.person_id": ids["subject"], "figures.quota_minutes": 30}  # a teen leader's quota


def set_filter(stub, caller_md, on, username="tia_teen"):
    request = pb.SetPersonalFilterRequest(kind="mute", on=on, username=username)
    return stub.SetPersonalFilter(request, metadata=caller_md, timeout=T).filter


def people_seen(stub, api, caller_md, ids, own):
    """The people an API answers this caller (dicts of the table's field names); raises RpcError if refused."""
    if api == "JoinRoom":
        return [{"person_id": own[api].person_id, "username": own[api].username}]
    if api == "PostMessage":
        posted = own[api]
        return ([{"person_id": posted.author_id, "username": posted.author_username}]
                + [{"person_id": m.person_id, "username": m.username} for m in posted.mentions])
    if api == "ListMembers":
        return [{"person_id": m.person_id, "username": m.username} for m in
                stub.ListMembers(pb.ListMembersRequest(slug=ROOM), metadata=caller_md, timeout=T).members]
    if api == "ListMessages":
        page = stub.ListMessages(pb.ListMessagesRequest(slug=ROOM), metadata=caller_md, timeout=T)
        return [{"person_id": m.author_id, "username": m.author_username} for m in page.messages]
    if api == "Subscribe":
        stream = stub.Subscribe(pb.SubscribeRequest(slug=ROOM, after_seq=0), metadata=caller_md, timeout=T)
        seen = []
        for event in stream:
            if event.WhichOneof("body") == "member":
                seen.append({"person_id": event.member.person_id, "username": event.member.username})
            if event.WhichOneof("body") == "message":
                seen.append({"person_id": event.message.author_id, "username": event.message.author_username})
                break  # the subject's message is the scene's only one
        stream.cancel()
        return seen
    if api in ("RaiseHand", "GetTurnQueue"):
        queue = own[api] if api == "RaiseHand" else stub.GetTurnQueue(pb.GetTurnQueueRequest(slug=CIRCLE),
                                                                      metadata=caller_md, timeout=T)
        return [{"hand.person_id": h.person_id} for h in queue.hands] + [{"hand.person_id": queue.speaker_id}]
    if api == "StartUnplannedSession":
        return [{"session.leader_id": own[api].leader_id}]
    if api == "ListSessions":
        sessions = stub.ListSessions(pb.ListSessionsRequest(slug=ROOM), metadata=caller_md, timeout=T).sessions
        return [{"session.leader_id": s.leader_id} for s in sessions]
    if api == "SetPersonalFilter":
        found = set_filter(stub, caller_md, True)
        set_filter(stub, caller_md, False)  # undone: a mute would hide the subject from the caller's next reads
        return [{"filter.person_id": found.person_id, "filter.username": found.username}]
    if api == "ListPersonalFilters":
        try:
            set_filter(stub, caller_md, True)
        except grpc.RpcError as refused:  # oneself: nobody's list holds them
            assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.details()
        listed = stub.ListPersonalFilters(pb.ListPersonalFiltersRequest(), metadata=caller_md, timeout=T).filters
        seen = [{"filter.person_id": f.person_id, "filter.username": f.username} for f in listed]
        if seen:
            set_filter(stub, caller_md, False)
        return seen
    if api == "ListCohortGrants":
        grants = stub.ListCohortGrants(pb.ListCohortGrantsRequest(slug=ROOM), metadata=caller_md, timeout=T).grants
        return [{"grant.person_id": g.person_id, "grant.granted_by": g.granted_by} for g in grants]
    if api == "GetHostingFigures":
        figures = stub.GetHostingFigures(pb.GetHostingFiguresRequest(person_id=ids["subject"]), metadata=caller_md,
                                         timeout=T)
        return [{"figures.person_id": figures.person_id, "figures.quota_minutes": figures.quota_minutes}]
    raise AssertionError(f"the table names {api}, which this test does not know how to call")


def test_every_api_that_returns_a_person_is_in_the_table():
    """Every RPC whose answer holds a message that carries a person is in a row of the table (so the test below
    calls it), or is named here as answering only its caller about themselves or only staff's writes."""
    carriers = {m.DESCRIPTOR.full_name for m in PERSON_MESSAGES}

    def carries(message, seen=()):
        if message.full_name in carriers:
            return True
        return any(f.message_type is not None and f.message_type.full_name not in seen
                   and carries(f.message_type, (*seen, message.full_name)) for f in message.fields)

    tabled = {api for r in TABLE.rows for api in r.apis}
    returning = {m.name for m in pb.DESCRIPTOR.services_by_name["RoomService"].methods if carries(m.output_type)}
    assert {"ListPersonalFilters", "SetPersonalFilter", "GetTurnQueue", "ListSessions", "ListCohortGrants",
            "GetHostingFigures"} <= tabled
    assert returning - tabled - UNTABLED == set(), "add them to person_fields.TABLE (and to people_seen here)"


def test_no_api_carries_a_field_the_table_says_is_not_carried():
    for r in TABLE.rows:
        if set(r.seen.values()) == {NOT_CARRIED}:
            for message in PERSON_MESSAGES:
                named = [f for f in message.DESCRIPTOR.fields_by_name if (r.field in f.split("_") or r.field == f)
                         and (message, f) not in NOT_A_PERSONS]
                assert not named, (message, r.field)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_a_teen_to_those_the_table_says_and_refuses_everyone_else(stub, scene, viewer):
    ids, own = scene
    wanted = expected(ids)
    rows = [r for r in TABLE.rows if set(r.seen.values()) != {NOT_CARRIED}]
    for api in sorted({api for r in rows for api in r.apis}):
        if api in OWN_ANSWERS and viewer != SELF:
            continue  # these answer the caller about themselves (and the people their post mentions)
        cells = {r.field: r.seen[viewer] for r in rows if api in r.apis}
        assert len(set(cells.values())) == 1, (api, cells)  # an API shows a caller all its fields or none
        for who in callers(viewer, api):
            if (who == "adult peer" and api in BEHIND_THE_DOOR) or set(cells.values()) == {REFUSED}:
                # The other cohort is refused the room whole (the same refusal whoever is in it); the rest as the
                # table says. A refusal names nobody.
                try:
                    seen = people_seen(stub, api, md(ids[who]), ids, own)
                except grpc.RpcError as refused:
                    assert refused.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION,
                                              grpc.StatusCode.INVALID_ARGUMENT), (api, who, refused.code())
                    assert "tia" not in refused.details() and ids["subject"] not in refused.details(), (api, who)
                    continue
                assert api == "ListPersonalFilters", (api, who, "answered where the table says refused", seen)
                assert not seen, (api, who)  # one's own list never holds oneself
                continue
            assert set(cells.values()) == {SHOWN}, (api, cells)
            seen = people_seen(stub, api, md(ids[who]), ids, own)
            assert {field: wanted[field] for field in cells} in [{f: s.get(f) for f in cells} for s in seen], (
                api, who, seen)


def test_an_adult_naming_a_teen_in_their_mute_list_is_answered_as_for_an_adult(stub, scene):
    """No "is this a teen" oracle: the same status and filter fields as for an adult they share no room with."""
    ids, _ = scene
    adult = md(ids["adult peer"])
    teen = set_filter(stub, adult, True)
    other = set_filter(stub, adult, True, username="mod_mia")
    assert (teen.person_id, teen.username) == (ids["subject"], "tia_teen")
    assert (teen.kind, teen.HasField("created_at")) == (other.kind, other.HasField("created_at")) == ("mute", True)


def test_a_mention_of_an_adult_outside_the_room_reads_as_a_teens_would(scene):
    _, own = scene
    assert [m.username for m in own["PostMessage"].mentions] == ["tom_teen"]  # abe_adult is not in the room
