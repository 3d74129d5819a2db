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

from hearth_common.person_visibility import ADMIN, MODERATOR, NOT_CARRIED, PEER, SELF, SHOWN, VIEWERS
from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server
from room_service.service_layer.person_fields import TABLE

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
ROOM = "teen-community-hangout"
# Every message that carries a person.
PERSON_MESSAGES = (pb.Member, pb.Message, pb.Mention, pb.MemberChange, pb.Hand, pb.TurnQueueResponse)


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
    """A teen (the subject) in a teen room with a teen peer; an adult peer outside; an adult moderator and an admin
    let in by audited grants (the only way staff of the other cohort read a teen room)."""
    ids = {
        "subject": person(rooms, "tia_teen", "teen"),
        "teen peer": person(rooms, "tom_teen", "teen"),
        "adult peer": person(rooms, "abe_adult", "adult"),
        "moderator": person(rooms, "mod_mia", "adult", "chat_room_moderator"),
        "admin": person(rooms, "ada_admin", "adult", "admin"),
    }
    for staff in ("moderator", "admin"):
        stub.GrantCohortAccess(pb.GrantCohortAccessRequest(person_id=ids[staff], slug=ROOM, reason="covering a shift"),
                               metadata=md(ids["admin"]), timeout=T)
    for who in ("teen peer", "moderator", "admin"):
        stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md(ids[who]), timeout=T)
    joined = stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md(ids["subject"]), timeout=T).member
    posted = stub.PostMessage(pb.PostMessageRequest(slug=ROOM, body="hi @tom_teen and @abe_adult"),
                              metadata=md(ids["subject"]), timeout=T).message
    return ids, joined, posted


def callers(viewer):
    return {PEER: ["teen peer", "adult peer"], SELF: ["subject"], MODERATOR: ["moderator"], ADMIN: ["admin"]}[viewer]


def people_seen(stub, api, caller_md, ids, joined, posted):
    """The (person_id, username) pairs an API answers this caller about the subject; raises RpcError if refused."""
    if api == "JoinRoom":
        return [(joined.person_id, joined.username)]  # the subject's own answer, from the scene
    if api == "PostMessage":
        return [(posted.author_id, posted.author_username)] + [(m.person_id, m.username) for m in posted.mentions]
    if api == "ListMembers":
        return [(m.person_id, m.username) for m in
                stub.ListMembers(pb.ListMembersRequest(slug=ROOM), metadata=caller_md, timeout=T).members]
    if api == "ListMessages":
        page = stub.ListMessages(pb.ListMessagesRequest(slug=ROOM), metadata=caller_md, timeout=T)
        return [(m.author_id, m.author_username) for m in page.messages]
    if api == "Subscribe":
        stream = stub.Subscribe(pb.SubscribeRequest(slug=ROOM, after_seq=0), metadata=caller_md, timeout=T)
        seen = []
        for event in stream:
            if event.WhichOneof("body") == "member":
                seen.append((event.member.person_id, event.member.username))
            if event.WhichOneof("body") == "message":
                seen.append((event.message.author_id, event.message.author_username))
                break  # the subject's message is the last item of the scene
        stream.cancel()
        return seen
    if api == "GetTurnQueue":
        queue = stub.GetTurnQueue(pb.GetTurnQueueRequest(slug=ROOM), metadata=caller_md, timeout=T)
        return [(h.person_id, "") for h in queue.hands]  # no session here: what matters is who may ask
    raise AssertionError(f"the table names {api}, which this test does not know how to call")


def test_no_api_carries_a_field_the_table_says_is_not_carried():
    for r in TABLE.rows:
        if set(r.seen.values()) == {NOT_CARRIED}:
            for message in PERSON_MESSAGES:
                named = [f for f in message.DESCRIPTOR.fields_by_name if r.field in f.split("_") or r.field == f]
                assert not named, (message, r.field)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_a_teen_to_those_the_table_says_and_refuses_everyone_else(stub, scene, viewer):
    ids, joined, posted = scene
    subject = (ids["subject"], "tia_teen")
    shown_rows = [r for r in TABLE.rows if set(r.seen.values()) != {NOT_CARRIED}]
    apis = sorted({api for r in shown_rows for api in r.apis})
    for who in callers(viewer):
        for api in apis:
            if api in ("JoinRoom", "PostMessage") and viewer != SELF:
                continue  # these answer the caller about themselves (and the people their post mentions)
            cells = {r.seen[viewer] for r in shown_rows if api in r.apis}
            assert cells == {SHOWN}
            if who == "adult peer":
                # The other cohort: refused the room whole, the same refusal whoever is in it.
                with pytest.raises(grpc.RpcError) as refused:
                    people_seen(stub, api, md(ids[who]), ids, joined, posted)
                assert refused.value.code() in (grpc.StatusCode.PERMISSION_DENIED,
                                                grpc.StatusCode.FAILED_PRECONDITION), api
                assert "tia" not in refused.value.details()
                continue
            seen = people_seen(stub, api, md(ids[who]), ids, joined, posted)
            if api != "GetTurnQueue":
                assert subject in seen, (api, who)


def test_a_mention_of_an_adult_outside_the_room_reads_as_a_teens_would(scene):
    _, _, posted = scene
    assert [m.username for m in posted.mentions] == ["tom_teen"]  # abe_adult is not in the room: plain text
