"""gRPC: personal mute and block on two real room-grpc servers (one database, one broker vhost): the list, its
statuses, a stream on one replica that follows a change made through the other, history, the muted person
told nothing and the blocked person told only that they cannot reach."""
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from test_room_grpc_api import T, token_for
from test_room_live_grpc import ROOM, live_replicas, replicas, stream, wait_for  # noqa: F401  (fixtures)
from test_room_notices_grpc import worker_side  # noqa: F401  (a fixture)

from hearth_common.contracts import examples
from room_service.domain import filters as flt


def person(rooms, stub, username, cohort="adult", join=True):
    """A person room knows, by a unique username; in ROOM unless `join` is False. Returns (id, metadata)."""
    person_id = str(uuid.uuid4())
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered", "seq": 1,
                                "data": {"person_id": person_id, "username": username, "kind": "member",
                                         "cohort": cohort}})
    md = [("authorization", f"Bearer {token_for(person_id)}")]
    if join:
        stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md, timeout=T)
    return person_id, md


def set_filter(stub, md, kind, on, **who):
    return stub.SetPersonalFilter(pb.SetPersonalFilterRequest(kind=kind, on=on, **who), metadata=md, timeout=T).filter


def post(stub, md, body, **fields):
    return stub.PostMessage(pb.PostMessageRequest(slug=ROOM, body=body, **fields), metadata=md, timeout=T).message


def bodies(items):
    return [i.message.body for i in items if i.kind == "message_posted"]


def test_a_mute_made_on_one_replica_reaches_the_stream_on_the_other_and_the_history(replicas, rooms):  # noqa: F811
    a, b = replicas
    tag = uuid.uuid4().hex[:6]
    _, sam = person(rooms, b, f"sam{tag}")
    kim_id, kim = person(rooms, a, f"kim{tag}")
    _, lee = person(rooms, a, f"lee{tag}")
    call, items, thread = stream(b, sam)
    kim_call, kim_items, kim_thread = stream(a, kim)
    muted = set_filter(a, sam, "mute", True, username=f"KIM{tag}")
    assert (muted.person_id, muted.username, muted.kind) == (kim_id, f"kim{tag}", "mute")
    # The change went out on the broker before this answer, ahead of kim's post below: b's stream has it first.
    post(a, kim, "from kim, hidden")
    post(a, lee, "from lee")
    wait_for(lambda: "from lee" in bodies(items) and "from lee" in bodies(kim_items))
    assert bodies(items) == ["from lee"]
    assert bodies(kim_items) == ["from kim, hidden", "from lee"]  # kim sees their own: nothing tells them
    history = b.ListMessages(pb.ListMessagesRequest(slug=ROOM), metadata=sam, timeout=T).messages
    assert [m.body for m in history] == ["from lee"]
    assert list(a.ListPersonalFilters(pb.ListPersonalFiltersRequest(), metadata=kim, timeout=T).filters) == []
    listed = a.ListPersonalFilters(pb.ListPersonalFiltersRequest(), metadata=sam, timeout=T).filters
    assert [(f.person_id, f.kind) for f in listed] == [(kim_id, "mute")]

    assert set_filter(a, sam, "mute", False, person_id=kim_id).kind == ""  # undone on the other replica
    # The stream on b follows the change: kim's next message reaches it (the change travels the broker, so the
    # test posts until it shows rather than racing it).
    n = 0

    def kim_shows():
        nonlocal n
        n += 1
        post(a, kim, f"kim again {n}")
        wait_for(lambda: f"kim again {n}" in bodies(kim_items))
        return any(body.startswith("kim again") for body in bodies(items))

    wait_for(kim_shows)
    assert len(b.ListMessages(pb.ListMessagesRequest(slug=ROOM), metadata=sam, timeout=T).messages) >= 3
    for c, t in ((call, thread), (kim_call, kim_thread)):
        c.cancel()
        t.join(5)


def test_a_block_refuses_mentions_replies_and_hearts_saying_only_that(replicas, rooms):  # noqa: F811
    a, b = replicas
    tag = uuid.uuid4().hex[:6]
    sam_id, sam = person(rooms, a, f"sam{tag}")
    _, kim = person(rooms, b, f"kim{tag}")
    hello = post(a, sam, "hello all")
    set_filter(a, sam, "block", True, username=f"kim{tag}")
    for attempt in (lambda: post(b, kim, f"hey @sam{tag}"),
                    lambda: post(b, kim, "hey", reply_to=hello.message_id),
                    lambda: b.HeartMessage(pb.HeartMessageRequest(message_id=hello.message_id, hearted=True),
                                           metadata=kim, timeout=T)):
        with pytest.raises(grpc.RpcError) as caught:
            attempt()
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert caught.value.details() == flt.CANNOT_REACH
        assert sam_id not in caught.value.details() and "block" not in caught.value.details()
    assert post(b, kim, "a message to the room").body == "a message to the room"
    set_filter(a, sam, "block", False, username=f"kim{tag}")
    assert post(b, kim, f"sorry @sam{tag}", reply_to=hello.message_id).mentions[0].person_id == sam_id


def test_the_lists_refusals(replicas, rooms):  # noqa: F811
    a, _ = replicas
    tag = uuid.uuid4().hex[:6]
    sam_id, sam = person(rooms, a, f"sam{tag}")

    def code(**request):
        with pytest.raises(grpc.RpcError) as caught:
            a.SetPersonalFilter(pb.SetPersonalFilterRequest(**request), metadata=sam, timeout=T)
        return caught.value.code()

    assert code(kind="mute", on=True, person_id=sam_id) == grpc.StatusCode.INVALID_ARGUMENT
    assert code(kind="mute", on=True, username="nobody-at-all") == grpc.StatusCode.NOT_FOUND
    assert code(kind="ignore", on=True, username="nobody-at-all") == grpc.StatusCode.INVALID_ARGUMENT
    assert code(kind="mute", on=True) == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as caught:
        a.ListPersonalFilters(pb.ListPersonalFiltersRequest(), timeout=T)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_moderators_notice_reaches_the_person_who_blocked_them(replicas, rooms, worker_side):  # noqa: F811
    """Never hidden: a warning a moderator gives as a moderator comes on the stream and in ListNotices of the
    person who blocked them; the moderator's ordinary @mention of that person is refused as anyone's."""
    a, b = replicas
    tag = uuid.uuid4().hex[:6]
    sam_id, sam = person(rooms, a, f"sam{tag}")
    mia_id, mia = person(rooms, b, f"mia{tag}")
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2,
                                "data": {"person_id": mia_id, "grant_id": str(uuid.uuid4()),
                                         "role": "chat_room_moderator", "room_id": None, "expires_at": None}})
    set_filter(a, sam, "block", True, username=f"mia{tag}")
    call, items, thread = stream(b, sam)
    assert worker_side.receive_notice(examples.envelope(
        "moderation", "notice_issued", person_id=sam_id, notice_id=f"warn-{tag}", kind="warning", room_slug=ROOM,
        text="Please keep it kind.", resources=()))
    wait_for(lambda: any(i.kind == "notice" for i in items))
    call.cancel()
    thread.join(5)
    [got] = [i for i in items if i.kind == "notice"]
    assert (got.notice.notice_id, got.notice.kind) == (f"warn-{tag}", "warning")
    listed = a.ListNotices(pb.ListNoticesRequest(), metadata=sam, timeout=T).notices
    assert [n.notice_id for n in listed] == [f"warn-{tag}"]
    with pytest.raises(grpc.RpcError) as caught:
        post(b, mia, f"@sam{tag} please keep it kind")
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_naming_a_teen_or_an_adult_answers_the_same(replicas, rooms):  # noqa: F811
    """The other cohort is no oracle: an adult blocking a teen they share no room with gets what blocking an adult
    they share no room with gets (status, message, the filter's fields), only the person's id and name differ."""
    a, _ = replicas
    tag = uuid.uuid4().hex[:6]
    _, sam = person(rooms, a, f"sam{tag}")
    targets = {cohort: person(rooms, a, f"{cohort}{tag}", cohort=cohort, join=False)[0] for cohort in ("teen", "adult")}

    def answers(cohort):
        seen = []
        for kind, on in (("block", True), ("block", True), ("mute", False), ("block", False)):
            try:
                got = set_filter(a, sam, kind, on, username=f"{cohort}{tag}")
            except grpc.RpcError as refused:
                seen.append((refused.code(), refused.details()))
                continue
            assert (got.person_id, got.username) == (targets[cohort], f"{cohort}{tag}")
            seen.append((grpc.StatusCode.OK, got.kind, got.HasField("created_at")))
        return seen

    assert answers("teen") == answers("adult") == [
        (grpc.StatusCode.OK, "block", True), (grpc.StatusCode.OK, "block", True),
        (grpc.StatusCode.FAILED_PRECONDITION, "you have blocked this person; unblock them to see their messages again"),
        (grpc.StatusCode.OK, "", False)]
