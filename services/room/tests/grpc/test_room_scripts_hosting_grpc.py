"""gRPC: hearts given and taken back, the facilitation script library, sessions that name a script, and hosting
figures, over a real room-grpc server on the real PostgreSQL: statuses and messages a client acts on."""
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from test_room_grpc_api import T, known_person, stub, token_for  # noqa: F401  (stub: a fixture)

LOUNGE = "adult-community-lounge"


def grant(rooms, person_id, role):
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2, "data": {
        "person_id": person_id, "grant_id": str(uuid.uuid4()), "role": role, "room_id": None, "expires_at": None}})


def person(rooms, *roles, cohort="adult", kind="listener"):
    person_id = known_person(rooms, cohort=cohort, kind=kind)
    for role in roles:
        grant(rooms, person_id, role)
    return person_id, [("authorization", f"Bearer {token_for(person_id)}")]


def refused(call, code, words):
    with pytest.raises(grpc.RpcError) as caught:
        call()
    assert caught.value.code() == code and words in caught.value.details(), caught.value.details()


def test_a_heart_once_per_person_never_ones_own_and_taken_back(stub, rooms):  # noqa: F811
    _, author = person(rooms, kind="member")
    _, fan = person(rooms, kind="member")
    for md in (author, fan):
        stub.JoinRoom(pb.JoinRoomRequest(slug=LOUNGE), metadata=md, timeout=T)
    said = stub.PostMessage(pb.PostMessageRequest(slug=LOUNGE, body="a good day"), metadata=author, timeout=T).message
    for _ in range(2):
        hearted = stub.HeartMessage(pb.HeartMessageRequest(message_id=said.message_id, hearted=True), metadata=fan,
                                    timeout=T).message
        assert (hearted.hearts, hearted.hearted_by_me) == (1, True)
    refused(lambda: stub.HeartMessage(pb.HeartMessageRequest(message_id=said.message_id, hearted=True),
                                      metadata=author, timeout=T),
            grpc.StatusCode.FAILED_PRECONDITION, "you cannot heart your own message")
    taken = stub.HeartMessage(pb.HeartMessageRequest(message_id=said.message_id, hearted=False), metadata=fan,
                              timeout=T).message
    assert (taken.hearts, taken.hearted_by_me) == (0, False)
    stub.DeleteMessage(pb.DeleteMessageRequest(message_id=said.message_id), metadata=author, timeout=T)
    refused(lambda: stub.HeartMessage(pb.HeartMessageRequest(message_id=said.message_id, hearted=True), metadata=fan,
                                      timeout=T),
            grpc.StatusCode.FAILED_PRECONDITION, "takes no hearts")


def test_the_library_is_read_by_anyone_and_kept_by_admins(stub, rooms):  # noqa: F811
    _, member = person(rooms, kind="member")
    _, admin = person(rooms, "admin")
    circles = stub.ListScripts(pb.ListScriptsRequest(session_type="sharing_circle", cohort="teen"), metadata=member,
                               timeout=T).scripts
    assert [s.script_id for s in circles] == ["sharing-circle-teen"]
    script = stub.GetScript(pb.GetScriptRequest(script_id="sharing-circle-adult"), metadata=member, timeout=T).script
    assert "what is shared here stays here" in script.opening and len(script.prompts) >= 3
    refused(lambda: stub.GetScript(pb.GetScriptRequest(script_id="no-such-script"), metadata=member, timeout=T),
            grpc.StatusCode.NOT_FOUND, "no-such-script")
    refused(lambda: stub.ListScripts(pb.ListScriptsRequest(session_type="party"), metadata=member, timeout=T),
            grpc.StatusCode.INVALID_ARGUMENT, "session_type")
    new = pb.Script(script_id="grief-check-in", session_type="support_session", audience_cohort="adult",
                    title="Grief check-in", opening="Welcome.", prompts=["Who are you remembering today?"],
                    closing="Thank you.")
    refused(lambda: stub.PutScript(pb.PutScriptRequest(script=new), metadata=member, timeout=T),
            grpc.StatusCode.PERMISSION_DENIED, "only an admin")
    put = stub.PutScript(pb.PutScriptRequest(script=new), metadata=admin, timeout=T)
    assert put.created and put.script.title == "Grief check-in" and put.script.updated_at.seconds > 0
    new.title = "x"
    refused(lambda: stub.PutScript(pb.PutScriptRequest(script=new), metadata=admin, timeout=T),
            grpc.StatusCode.INVALID_ARGUMENT, "title")
    new.title = "Grief check-in"
    new.prompts.extend(["And then?"] * 20)  # 21: refused at the edge, before any work
    refused(lambda: stub.PutScript(pb.PutScriptRequest(script=new), metadata=admin, timeout=T),
            grpc.StatusCode.INVALID_ARGUMENT, "prompts")


def test_a_session_names_its_script_and_the_leader_reads_their_hosting(stub, rooms):  # noqa: F811
    leader_id, leader = person(rooms, "on_spot_host")
    _, member = person(rooms, kind="member")
    _, admin = person(rooms, "admin")
    for md in (leader, member):
        stub.JoinRoom(pb.JoinRoomRequest(slug=LOUNGE), metadata=md, timeout=T)
    refused(lambda: stub.StartUnplannedSession(pb.StartUnplannedSessionRequest(
        slug=LOUNGE, topic="Drop-in chat", duration_minutes=30, script_id="no-such-script"), metadata=leader,
        timeout=T), grpc.StatusCode.INVALID_ARGUMENT, "no-such-script")
    refused(lambda: stub.StartUnplannedSession(pb.StartUnplannedSessionRequest(
        slug=LOUNGE, topic="Drop-in chat", duration_minutes=30, script_id="on-spot-check-in-teen"), metadata=leader,
        timeout=T), grpc.StatusCode.INVALID_ARGUMENT, "written for teen rooms")
    session = stub.StartUnplannedSession(pb.StartUnplannedSessionRequest(
        slug=LOUNGE, topic="Drop-in chat", duration_minutes=30, script_id="on-spot-check-in"), metadata=leader,
        timeout=T).session
    assert session.script_id == "on-spot-check-in"
    ended = stub.EndSession(pb.EndSessionRequest(session_id=session.session_id), metadata=leader, timeout=T).session
    assert ended.script_id == "on-spot-check-in"

    own = stub.GetHostingFigures(pb.GetHostingFiguresRequest(), metadata=leader, timeout=T)
    assert (own.person_id, own.quota_minutes, own.met) == (leader_id, 60, False)
    [hosted] = own.sessions
    assert (hosted.session_id, hosted.team, hosted.others_attending, hosted.counted, hosted.script_id) == (
        session.session_id, "community", 1, True, "on-spot-check-in")
    assert [(t.team, t.quota_minutes) for t in own.teams] == [("community", 60)]
    by_admin = stub.GetHostingFigures(pb.GetHostingFiguresRequest(person_id=leader_id, month=own.month),
                                      metadata=admin, timeout=T)
    assert by_admin == own
    refused(lambda: stub.GetHostingFigures(pb.GetHostingFiguresRequest(person_id=leader_id), metadata=member,
                                           timeout=T), grpc.StatusCode.PERMISSION_DENIED, "your own")
    refused(lambda: stub.GetHostingFigures(pb.GetHostingFiguresRequest(month="June"), metadata=leader, timeout=T),
            grpc.StatusCode.INVALID_ARGUMENT, "YYYY-MM")
