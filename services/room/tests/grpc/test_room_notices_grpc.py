"""gRPC: private notices and restored messages on two real room-grpc servers (one database, one broker vhost). A
notice is stored as room-worker stores it (the same use case, publishing on the live exchange as the worker
does) and reaches its person's streams on both replicas, in any room, and their list; nobody else's."""
import threading
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from test_room_grpc_api import T, known_person, token_for
from test_room_live_grpc import (  # noqa: F401  (live_replicas, replicas: fixtures)
    ROOM,
    live_replicas,
    member,
    read,
    replicas,
    stream,
    wait_for,
)

from hearth_common.contracts import examples
from room_service.adapters.live import NoticePublisher
from room_service.bootstrap import build_conversation

OTHER_ROOM = "adult-community-lounge"


@pytest.fixture
def worker_side(room_settings, room_engine, amqp_uri):
    """room-worker's conversation: stores notices and publishes them on the live exchange."""
    conversation, _ = build_conversation(room_settings, room_engine)
    conversation.notices.deliver = NoticePublisher(amqp_uri)
    return conversation


def notice_event(person_id, notice_id=None, **fields):
    return examples.envelope("moderation", "notice_issued", person_id=person_id,
                             notice_id=notice_id or str(uuid.uuid4()), **fields)


def notices(items):
    return [i for i in items if i.kind == "notice"]


def test_a_notice_reaches_every_stream_of_its_person_on_both_replicas_and_their_list_and_nobody_else(
        replicas, rooms, worker_side):  # noqa: F811
    a, b = replicas
    person, md = member(rooms, b)
    a.JoinRoom(pb.JoinRoomRequest(slug=OTHER_ROOM), metadata=md, timeout=T)
    _, other_md = member(rooms, a)
    call_b, items_b, thread_b = stream(b, md)
    call_a_items = []
    call_a = a.Subscribe(pb.SubscribeRequest(slug=OTHER_ROOM), metadata=md)
    thread_a = threading.Thread(target=read, args=(call_a, call_a_items), daemon=True)
    thread_a.start()
    wait_for(lambda: call_a_items and call_a_items[0].kind == "subscribed")
    call_o, items_o, thread_o = stream(a, other_md)

    assert worker_side.receive_notice(notice_event(person, "care-1", kind="care", room_slug=ROOM,
                                                   resources=("Samaritans: call 116 123",)))
    wait_for(lambda: notices(items_b) and notices(call_a_items))
    for got in (notices(items_b)[0], notices(call_a_items)[0]):
        assert (got.seq, got.room_slug) == (0, "")  # no item of any room's timeline
        assert (got.notice.notice_id, got.notice.kind, got.notice.room_slug, list(got.notice.resources)) == (
            "care-1", "care", ROOM, ["Samaritans: call 116 123"])
    # Posting afterwards still reaches everyone: the other member sees the post, never the notice.
    posted = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="after the notice"), metadata=other_md,
                           timeout=T).message
    wait_for(lambda: any(i.seq == posted.seq for i in items_o) and any(i.seq == posted.seq for i in items_b))
    listed = a.ListNotices(pb.ListNoticesRequest(), metadata=md, timeout=T)
    assert [n.notice_id for n in listed.notices] == ["care-1"] and not listed.notices[0].HasField("read_at")
    for call, thread in ((call_b, thread_b), (call_a, thread_a), (call_o, thread_o)):
        call.cancel()
        thread.join(5)
    assert notices(items_o) == [] and len(notices(items_b)) == 1 and len(notices(call_a_items)) == 1
    assert list(b.ListNotices(pb.ListNoticesRequest(), metadata=other_md, timeout=T).notices) == []


def test_a_notice_whose_live_notification_was_lost_reaches_the_stream_from_the_table(replicas, rooms,  # noqa: F811
                                                                                     worker_side):
    _, b = replicas
    person, md = member(rooms, b)
    call, items, thread = stream(b, md)
    worker_side.notices.deliver = None  # as if the worker died between commit and publish
    worker_side.receive_notice(notice_event(person, "warn-1", kind="warning"))
    worker_side.receive_notice(notice_event(person, "warn-1", kind="warning"))  # the same notice again
    wait_for(lambda: notices(items))
    call.cancel()
    thread.join(5)
    assert [n.notice.notice_id for n in notices(items)] == ["warn-1"]


def test_only_the_person_marks_their_notice_read_and_another_id_is_not_found(replicas, rooms,  # noqa: F811
                                                                             worker_side):
    a, _ = replicas
    person = known_person(rooms)
    md = [("authorization", f"Bearer {token_for(person)}")]
    other_md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    worker_side.receive_notice(notice_event(person, "help-1", kind="help_coming"))
    for caller, notice_id in ((other_md, "help-1"), (md, "no-such-notice")):
        with pytest.raises(grpc.RpcError) as refused:
            a.MarkNoticeRead(pb.MarkNoticeReadRequest(notice_id=notice_id), metadata=caller, timeout=T)
        assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    read_notice = a.MarkNoticeRead(pb.MarkNoticeReadRequest(notice_id="help-1"), metadata=md, timeout=T).notice
    assert read_notice.HasField("read_at")
    with pytest.raises(grpc.RpcError) as bad_page:
        a.ListNotices(pb.ListNoticesRequest(limit=101), metadata=md, timeout=T)
    assert bad_page.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_restored_message_is_announced_live_with_its_body_and_back_in_history(replicas, rooms,  # noqa: F811
                                                                                worker_side):
    a, b = replicas
    author, author_md = member(rooms, a)
    _, reader_md = member(rooms, b)
    moderator = known_person(rooms, kind="listener")
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2,
                                "data": {"person_id": moderator, "grant_id": str(uuid.uuid4()),
                                         "role": "chat_room_moderator", "room_id": None, "expires_at": None}})
    posted = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="hidden pending review"), metadata=author_md,
                           timeout=T).message
    call, items, thread = stream(b, reader_md)
    worker_side.delete(moderator, posted.message_id, moderator=True, reason="reported three times")
    worker_side.restore_message(moderator, posted.message_id, "the reports were mistaken")
    wait_for(lambda: any(i.kind == "message_restored" for i in items))
    call.cancel()
    thread.join(5)
    [restored] = [i for i in items if i.kind == "message_restored"]
    assert (restored.message.message_id, restored.message.body, restored.message.seq, restored.message.deleted) == (
        posted.message_id, "hidden pending review", posted.seq, False)
    assert [i.kind for i in items[1:]] == ["message_deleted", "message_restored"]
    history = b.ListMessages(pb.ListMessagesRequest(slug=ROOM), metadata=reader_md, timeout=T).messages
    assert [(m.message_id, m.body, m.deleted) for m in history if m.message_id == posted.message_id] == [
        (posted.message_id, "hidden pending review", False)]
