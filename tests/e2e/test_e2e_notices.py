"""End-to-end: identity, room-worker and two room-grpc replicas as real processes: a private notice published on
moderation.events as moderation publishes it reaches its person's streams on both replicas and their list, and
no other member's; a message hidden pending review and restored comes back live and in history."""
import uuid

import kombu
from hearth.room.v1 import room_pb2 as rpb
from test_e2e_live import OPEN_ROOM, Listener, known_to_room, world  # noqa: F401  (world: a fixture)
from test_e2e_rooms import T, room_stack  # noqa: F401  (fixture)

from hearth_common import errors, testing
from hearth_common.contracts import examples
from hearth_common.outbox import event_exchange
from hearth_common.rpc_client import RpcClient

OTHER_ROOM = "adult-community-lounge"


def publish_as_moderation(amqp_uri, envelope):
    """An event on moderation.events, as moderation's outbox relay publishes it (routing key = its type)."""
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        event_exchange("moderation")(channel).declare()
        kombu.Producer(channel, exchange=event_exchange("moderation"), serializer="json").publish(
            envelope, routing_key=envelope["event_type"], delivery_mode=2)


def test_a_notice_reaches_its_persons_streams_on_both_replicas_and_their_list_and_no_one_elses(
        world, amqp_uri):  # noqa: F811
    people, rooms_a, rooms_b = world
    (person_id, person), (_, watcher) = people.new("e2e_noticed"), people.new("e2e_bystander")
    for md in (person, watcher):
        known_to_room(rooms_a, md)
        rooms_a.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    rooms_a.JoinRoom(rpb.JoinRoomRequest(slug=OTHER_ROOM), metadata=person, timeout=T)
    listeners = {"person_b": Listener(rooms_b, person, OPEN_ROOM), "person_a": Listener(rooms_a, person, OTHER_ROOM),
                 "watcher": Listener(rooms_b, watcher, OPEN_ROOM)}
    try:
        for listener in listeners.values():
            testing.eventually(lambda listener=listener: listener.items, what="the first item of each stream")
        notice_id = str(uuid.uuid4())
        publish_as_moderation(amqp_uri, examples.envelope(
            "moderation", "notice_issued", seq=1, notice_id=notice_id, person_id=person_id, kind="care",
            text="We are here for you. A trained moderator will reach out.", room_slug=OPEN_ROOM,
            resources=("Samaritans: call 116 123",)))

        def notices(name):
            return [i.notice for i in listeners[name].items if i.kind == "notice"]

        testing.eventually(lambda: notices("person_b") and notices("person_a"), timeout=20,
                           what="the notice on both of the person's streams")
        for name in ("person_b", "person_a"):
            [got] = notices(name)
            assert (got.notice_id, got.kind, got.room_slug, list(got.resources)) == (
                notice_id, "care", OPEN_ROOM, ["Samaritans: call 116 123"])
        listed = testing.eventually(
            lambda: rooms_b.ListNotices(rpb.ListNoticesRequest(), metadata=person, timeout=T).notices)
        assert [n.notice_id for n in listed] == [notice_id]
        # A post after the notice reaches the bystander: their stream is live, and carried no notice before it.
        posted = rooms_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="after the notice"),
                                     metadata=person, timeout=T).message
        testing.eventually(lambda: any(i.seq == posted.seq for i in listeners["watcher"].items))
        assert notices("watcher") == []
        assert list(rooms_a.ListNotices(rpb.ListNoticesRequest(), metadata=watcher, timeout=T).notices) == []
        read = rooms_a.MarkNoticeRead(rpb.MarkNoticeReadRequest(notice_id=notice_id), metadata=person, timeout=T)
        assert read.notice.HasField("read_at")
    finally:
        for listener in listeners.values():
            listener.close()


def test_a_message_hidden_pending_review_and_restored_comes_back_live_and_in_history(world, amqp_uri):  # noqa: F811
    people, rooms_a, rooms_b = world
    (_, author), (_, watcher) = people.new("e2e_reviewed"), people.new("e2e_reader")
    for md in (author, watcher):
        known_to_room(rooms_a, md)
        rooms_a.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    listener = Listener(rooms_b, watcher, OPEN_ROOM)
    try:
        testing.eventually(lambda: listener.items)
        posted = rooms_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="reported, but fine"),
                                     metadata=author, timeout=T).message
        moderator = people.moderator("e2e_reviewer")
        client = RpcClient(amqp_uri, timeout=10, caller="moderation")
        try:
            def hide():  # the role reaches room's read model through identity's events
                try:
                    return client.call("room", "remove_message", message_id=posted.message_id,
                                       moderator_id=moderator, reason="hidden pending review")
                except errors.PermissionDenied:
                    return None

            testing.eventually(hide, what="the moderator's role to reach room")
            restored = client.call("room", "restore_message", message_id=posted.message_id, moderator_id=moderator,
                                   reason="the reports were mistaken")
        finally:
            client.close()
        assert (restored["body"], restored["deleted"]) == ("reported, but fine", False)
        testing.eventually(lambda: any(i.kind == "message_restored" for i in listener.items))
        [item] = [i for i in listener.items if i.kind == "message_restored"]
        assert (item.message.message_id, item.message.body, item.message.seq) == (
            posted.message_id, "reported, but fine", posted.seq)
        history = rooms_b.ListMessages(rpb.ListMessagesRequest(slug=OPEN_ROOM), metadata=watcher, timeout=T).messages
        assert [(m.body, m.deleted) for m in history if m.message_id == posted.message_id] == [
            ("reported, but fine", False)]
    finally:
        listener.close()
