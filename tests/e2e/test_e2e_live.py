"""End-to-end: identity, room-worker and two room-grpc replicas as real processes: cohorts, live streams across
replicas, resuming a stream, moderation's RPC and sanction events."""
import datetime as dt
import threading
import uuid

import grpc
import kombu
import pytest
from e2e_helpers import ADMIN
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_rooms import PASSWORD, T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing
from hearth_common.outbox import event_exchange
from hearth_common.rpc_client import RpcClient

OPEN_ROOM = "adult-24-7-support"


def years_ago(years: int) -> str:
    today = dt.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


class People:
    def __init__(self, identity_target):
        self.identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(identity_target))

    def new(self, name, years=30, kind=ipb.PERSON_KIND_MEMBER):
        person = self.identity.Register(ipb.RegisterRequest(username=name, password=PASSWORD, kind=kind,
                                                            date_of_birth=years_ago(years)), timeout=T).person
        token = self.identity.Login(ipb.LoginRequest(username=name, password=PASSWORD), timeout=T).tokens.access_token
        return person.id, [("authorization", f"Bearer {token}")]


    def moderator(self, name) -> str:
        """A new person whom identity's bootstrap admin makes a chat room moderator everywhere."""
        person_id, _ = self.new(name)
        admin = self.identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T)
        self.identity.GrantRole(ipb.GrantRoleRequest(person_id=person_id, role=ipb.ROLE_CHAT_ROOM_MODERATOR),
                                metadata=[("authorization", f"Bearer {admin.tokens.access_token}")], timeout=T)
        return person_id


def known_to_room(rooms, md, slug=OPEN_ROOM):
    """Waits until room's read model has the person (registration travels by event)."""
    testing.eventually(lambda: "try again" not in " ".join(
        rooms.CheckAccess(rpb.CheckAccessRequest(slug=slug), metadata=md, timeout=T).access.missing))


class Listener:
    """A Subscribe stream read in a thread; items are kept in arrival order."""

    def __init__(self, rooms, md, slug, after_seq=None):
        request = (rpb.SubscribeRequest(slug=slug) if after_seq is None
                   else rpb.SubscribeRequest(slug=slug, after_seq=after_seq))
        self.call = rooms.Subscribe(request, metadata=md)
        self.items = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for item in self.call:
                self.items.append(item)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                raise

    def messages(self):
        return [(i.seq, i.message.body) for i in self.items if i.kind == "message_posted"]

    def close(self):
        self.call.cancel()
        self.thread.join(5)


@pytest.fixture
def world(room_stack):  # noqa: F811  (the fixture imported above)
    identity_target, target_a, target_b = room_stack
    return People(identity_target), room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(target_a)), \
        room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(target_b))


def test_teens_and_adults_never_enter_each_others_rooms(world):
    people, rooms, _ = world
    _, teen = people.new("e2e_teen", years=15)
    _, adult = people.new("e2e_adult", years=30)
    known_to_room(rooms, teen, "teen-24-7-support")
    known_to_room(rooms, adult)
    with pytest.raises(grpc.RpcError) as refused:
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=teen, timeout=T)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "for adults only" in refused.value.details()
    with pytest.raises(grpc.RpcError) as refused:
        rooms.JoinRoom(rpb.JoinRoomRequest(slug="teen-24-7-support"), metadata=adult, timeout=T)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "for teens only" in refused.value.details()
    rooms.JoinRoom(rpb.JoinRoomRequest(slug="teen-24-7-support"), metadata=teen, timeout=T)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=adult, timeout=T)


def test_two_subscribers_on_two_replicas_see_the_same_messages_in_the_same_order(world):
    people, replica_a, replica_b = world
    posters = [people.new(f"e2e_poster_{i}") for i in range(3)]
    for _, md in posters:
        known_to_room(replica_a, md)
        replica_a.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    (_, md_a), (_, md_b) = posters[0], posters[1]
    listen_a, listen_b = Listener(replica_a, md_a, OPEN_ROOM), Listener(replica_b, md_b, OPEN_ROOM)
    try:
        testing.eventually(lambda: listen_a.items and listen_b.items)  # both streams have started

        def post(index, md):
            stub = replica_a if index % 2 == 0 else replica_b  # posts land on both replicas
            for n in range(5):
                stub.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"poster {index} says {n}"),
                                 metadata=md, timeout=T)

        threads = [threading.Thread(target=post, args=(i, md)) for i, (_, md) in enumerate(posters)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        testing.eventually(lambda: len(listen_a.messages()) == 15 and len(listen_b.messages()) == 15)
        assert listen_a.messages() == listen_b.messages()
        seqs = [i.seq for i in listen_a.items]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "every timeline item once, in order, no gap"
    finally:
        listen_a.close()
        listen_b.close()


def test_a_subscriber_that_disconnects_and_resumes_misses_nothing(world):
    people, replica_a, replica_b = world
    (_, reader), (_, early), (_, writer) = people.new("e2e_reader"), people.new("e2e_early"), people.new("e2e_writer")
    for md in (reader, early, writer):
        known_to_room(replica_a, md)
        replica_a.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    first = Listener(replica_a, reader, OPEN_ROOM)
    testing.eventually(lambda: first.items)
    for n in range(3):
        replica_b.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"before {n}"), metadata=early, timeout=T)
    testing.eventually(lambda: len(first.messages()) == 3)
    first.close()
    last_seq = first.items[-1].seq
    for n in range(4):  # while the reader is away
        request = rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"while away {n}")
        replica_b.PostMessage(request, metadata=writer, timeout=T)
    resumed = Listener(replica_b, reader, OPEN_ROOM, after_seq=last_seq)  # and on the other replica
    try:
        testing.eventually(lambda: len(resumed.messages()) == 4)
        replica_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="after"), metadata=writer, timeout=T)
        testing.eventually(lambda: len(resumed.messages()) == 5)
        assert [body for _, body in resumed.messages()] == [f"while away {n}" for n in range(4)] + ["after"]
        assert resumed.items[0].kind == "subscribed" and resumed.items[0].seq == last_seq
        seqs = [i.seq for i in resumed.items[1:]]
        assert seqs == list(range(last_seq + 1, last_seq + 1 + len(seqs)))
    finally:
        resumed.close()


def test_moderation_removes_a_message_and_mutes_through_its_events(world, amqp_uri):
    people, rooms, _ = world
    (person_id, member), (_, watcher) = people.new("e2e_muted"), people.new("e2e_watcher")
    for md in (member, watcher):
        known_to_room(rooms, md)
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    listener = Listener(rooms, watcher, OPEN_ROOM)
    try:
        testing.eventually(lambda: listener.items)
        posted = rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="something to remove"),
                                   metadata=member, timeout=T).message
        moderator = people.moderator("e2e_moderator")
        client = RpcClient(amqp_uri, timeout=10, caller="moderation")
        try:  # moderation authorised the moderator by its matrix; room records whom it names (only moderation
            # may call: deploy/tests/test_deploy_broker_permissions.py proves it with the real broker users)
            removed = client.call("room", "remove_message", message_id=posted.message_id, moderator_id=moderator,
                                  reason="e2e")
        finally:
            client.close()
        assert removed["deleted"] and removed["body"] == ""
        testing.eventually(lambda: any(i.kind == "message_deleted" and i.deletion.message_id == posted.message_id
                               for i in listener.items))

        with kombu.Connection(amqp_uri) as conn:  # moderation's sanction_imposed, as the contract defines it
            producer = kombu.Producer(conn.channel(), exchange=event_exchange("moderation"), serializer="json")
            event_exchange("moderation")(conn.channel()).declare()
            producer.publish({"event_id": str(uuid.uuid4()), "event_type": "sanction_imposed", "source": "moderation",
                              "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(), "seq": 1,
                              "data": {"sanction_id": "e2e-mute-1", "person_id": person_id, "kind": "mute",
                                       "room_slug": None, "expires_at": None, "reason": "e2e"}},
                             routing_key="sanction_imposed", delivery_mode=2)

        def muted():
            try:
                rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="still here"), metadata=member, timeout=T)
                return False
            except grpc.RpcError as exc:
                return exc.code() == grpc.StatusCode.PERMISSION_DENIED and "muted" in exc.details()
        assert testing.eventually(muted)
    finally:
        listener.close()
