"""nameko: room's worker serves moderation under eventlet: remove_message / remove_person over real RPC, and
sanction events from moderation.events muting people; and course's question of who blocks a post's author (real
RabbitMQ vhost, real PostgreSQL)."""
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import dummy, entrypoint_hook
from room_nameko_helpers import register

from hearth_common import blocks, errors, testing
from hearth_common.nameko_deps import ServiceRpc
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc
from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain.sanctions import Muted
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"        # always open, every adult
GOOD_NEWS = "adult-community-good-news"  # always open, every adult


@pytest.fixture
def rpc(worker, amqp_uri):
    client = RpcClient(amqp_uri, timeout=10, caller="moderation-test")
    yield client
    client.close()


@pytest.fixture
def conv(rooms, room_engine):
    """The conversation use cases on the same (clean, seeded) database the worker uses."""
    return Conversation(uow_factory(room_engine))


outbox = testing.outbox_data


def members_of(engine, slug):
    with engine.connect() as conn:
        return set(conn.execute(sa.select(orm.members.c.person_id).where(orm.members.c.room_slug == slug)).scalars())


def test_moderation_removes_a_message_over_rpc_idempotently(rpc, rooms, conv, room_engine):
    author, moderator = register(rooms, "poster"), register(rooms, "moderator1", role="chat_room_moderator")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "something that breaks the rules")

    removed = rpc.call("room", "remove_message", message_id=posted["message_id"], moderator_id=moderator,
                       reason="breaks rule 3")
    assert removed["message_id"] == posted["message_id"]
    assert removed["deleted"] is True and removed["body"] == ""
    events = outbox(room_engine, "message_deleted")
    assert [(e["message_id"], e["author_id"], e["deleted_by"], e["by_moderation"], e["reason"]) for e in events] == [
        (posted["message_id"], author, moderator, True, "breaks rule 3")
    ]

    again = rpc.call("room", "remove_message", message_id=posted["message_id"], moderator_id=moderator,
                     reason="breaks rule 3")  # e.g. moderation retried after a timeout
    assert again["deleted"] is True and again["message_id"] == posted["message_id"]
    assert len(outbox(room_engine, "message_deleted")) == 1
    history = conv.history(author, LOUNGE)["messages"]
    assert [(m["message_id"], m["deleted"], m["body"]) for m in history] == [(posted["message_id"], True, "")]


def test_moderation_removes_over_rpc_under_the_name_it_gives_its_own_hides_included(rpc, rooms, conv, room_engine):
    """Room does not re-check the role of the person moderation names (moderation's matrix authorised them, and
    only moderation reaches these RPCs); it records the name, moderation's own for a hide pending review."""
    author, leader = register(rooms, "poster2"), register(rooms, "leader2", role="support_session_leader")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "fine message")
    removed = rpc.call("room", "remove_message", message_id=posted["message_id"], moderator_id="service:moderation",
                       reason="hidden pending review")
    assert removed["deleted"] and outbox(room_engine, "message_deleted")[0]["deleted_by"] == "service:moderation"
    assert rpc.call("room", "remove_person", room_slug=LOUNGE, person_id=author, moderator_id=leader) is True
    assert members_of(room_engine, LOUNGE) == set()


def test_removing_an_unknown_message_is_not_found(rpc, rooms):
    with pytest.raises(errors.NotFound):
        rpc.call("room", "remove_message", message_id=str(uuid.uuid4()), moderator_id=str(uuid.uuid4()))
    with pytest.raises(errors.InvalidArgument, match="message_id must be a UUID"):
        rpc.call("room", "remove_message", message_id="not-a-uuid", moderator_id=str(uuid.uuid4()))


def test_moderation_removes_a_person_from_a_room_over_rpc(rpc, rooms, conv, room_engine):
    person, bystander = register(rooms, "removed1"), register(rooms, "stays1")
    moderator = register(rooms, "moderator2", role="chat_room_moderator")
    conv.join(person, LOUNGE)
    conv.join(bystander, LOUNGE)

    assert rpc.call("room", "remove_person", room_slug=LOUNGE, person_id=person, moderator_id=moderator,
                    reason="harassment") is True
    assert members_of(room_engine, LOUNGE) == {bystander}
    left = outbox(room_engine, "member_left")
    assert [(e["room_slug"], e["person_id"], e["reason"], e["removed_by"], e["note"]) for e in left] == [
        (LOUNGE, person, "removed", moderator, "harassment")
    ]

    assert rpc.call("room", "remove_person", room_slug=LOUNGE, person_id=person, moderator_id=moderator,
                    reason="harassment") is False
    assert len(outbox(room_engine, "member_left")) == 1
    with pytest.raises(errors.NotFound):
        rpc.call("room", "remove_person", room_slug="no-such-room", person_id=person, moderator_id=moderator)


class SteppingClock:
    """Real time, moved 3 s on per reading, so the posts made while waiting never reach the posting rate."""

    def __init__(self):
        self.offset = dt.timedelta()

    def __call__(self):
        self.offset += dt.timedelta(seconds=3)
        return dt.datetime.now(dt.timezone.utc) + self.offset


def test_a_sanction_imposed_on_moderation_events_mutes_the_person(worker, amqp_uri, rooms, room_engine):
    conv = Conversation(uow_factory(room_engine), clock=SteppingClock())
    person = register(rooms, "muted1")
    conv.join(person, LOUNGE)
    conv.join(person, GOOD_NEWS)
    sanction_id = str(uuid.uuid4())
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})

    def send(seq, event_type, **data):
        envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "moderation",
                    "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(), "request_id": "req-mod-1",
                    "seq": seq, "data": {"sanction_id": sanction_id, "person_id": person, **data}}
        dispatch("moderation", event_type, envelope)

    refusals = []

    def post_refused_as_muted(slug):
        try:
            conv.post(person, slug, "can anyone hear me?")
        except Muted as exc:
            refusals.append(str(exc))
            return True
        return False

    send(1, "sanction_imposed", kind="mute", room_slug=LOUNGE, expires_at=None, reason="flooding")
    testing.eventually(lambda: post_refused_as_muted(LOUNGE))
    assert "muted in this room" in refusals[-1]
    # a room mute holds in that room only; the person still reads it
    testing.eventually(lambda: _posts(conv, person, GOOD_NEWS))
    assert [m["body"] for m in conv.history(person, GOOD_NEWS)["messages"]][-1] == "hello again"
    conv.history(person, LOUNGE)  # raises if reading were refused too

    send(2, "sanction_lifted")
    testing.eventually(lambda: _posts(conv, person, LOUNGE))


def _posts(conv, person, slug):
    try:
        conv.post(person, slug, "hello again")
    except Muted:
        return False
    return True


# --- who may call: the broker user that sent the request, and service_rpc.RPC_CALLERS ----------------------


@pytest.fixture(scope="module")
def service_uris(rabbit_vhost):
    """Broker users of the services on the test vhost (every permission: what they may call is up to room)."""
    return {service: rabbit_vhost.service_user_uri(service) for service in ("moderation", "identity", "course")}


class ModerationProbe:
    """A worker calling room as moderation's worker will: through ServiceRpc, on moderation's broker user."""

    name = "moderation_probe"
    rpc = ServiceRpc()

    @dummy
    def remove(self, message_id, moderator_id):
        return RoomRpc(self.rpc).remove_message(message_id, moderator_id, reason="from a worker")

    @dummy
    def room_exists(self, slug):
        return RoomRpc(self.rpc).room_exists(slug)


def test_moderation_removes_through_its_own_worker_and_client(worker, service_uris, container_factory, rooms, conv):
    author, moderator = register(rooms, "poster3"), register(rooms, "moderator3", role="chat_room_moderator")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "to be removed by moderation's worker")
    probe = container_factory(ModerationProbe, {"AMQP_URI": service_uris["moderation"]})
    probe.start()
    with entrypoint_hook(probe, "remove") as remove:
        assert remove(posted["message_id"], moderator)["deleted"] is True
        with pytest.raises(errors.NotFound):  # room's refusal, as its category
            remove(str(uuid.uuid4()), moderator)
    with entrypoint_hook(probe, "room_exists") as room_exists:  # the table lets moderation remove, not look up
        with pytest.raises(errors.PermissionDenied, match="'moderation' may not call room.get_room"):
            room_exists(LOUNGE)


def test_identity_looks_rooms_up_and_only_moderation_removes(worker, service_uris, rooms, conv, room_engine):
    author = register(rooms, "poster4")
    moderator = register(rooms, "moderator4", role="chat_room_moderator")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "stays up")
    clients = {service: RpcClient(uri, timeout=10) for service, uri in service_uris.items()}
    try:
        identity = RoomRpc(clients["identity"])
        assert identity.get_room(LOUNGE)["slug"] == LOUNGE and identity.room_exists(LOUNGE) is True
        assert identity.room_exists("no-such-room") is False
        for service in ("identity", "course"):
            with pytest.raises(errors.PermissionDenied, match=f"'{service}' may not call room.remove_message"):
                RoomRpc(clients[service]).remove_message(posted["message_id"], moderator)
            with pytest.raises(errors.PermissionDenied, match=f"'{service}' may not call room.remove_person"):
                RoomRpc(clients[service]).remove_person(LOUNGE, author, moderator)
        assert RoomRpc(clients["moderation"]).remove_person(LOUNGE, author, moderator, "spam") is True
    finally:
        for client in clients.values():
            client.close()
    assert outbox(room_engine, "message_deleted") == []


def test_course_asks_who_blocks_an_author_and_no_other_service_may(worker, service_uris, rooms, conv):
    sam, kim, lee = (register(rooms, name) for name in ("blk_sam", "blk_kim", "blk_lee"))
    conv.set_personal_filter(sam, "block", True, target_id=kim)
    conv.set_personal_filter(lee, "mute", True, target_id=kim)  # a mute is room's alone: no block
    clients = {service: RpcClient(uri, timeout=10) for service, uri in service_uris.items()}
    try:
        course = RoomRpc(clients["course"])
        assert course.blockers_of(kim, [sam, lee]) == {sam}
        assert course.blockers_of(sam, [kim, lee]) == set()  # one way
        with pytest.raises(errors.InvalidArgument, match="person_ids"):
            course.blockers_of(kim, [sam] * (blocks.ASKED_MAX + 1))
        for service in ("identity", "moderation"):
            with pytest.raises(errors.PermissionDenied, match=f"'{service}' may not call room.blockers_of"):
                RoomRpc(clients[service]).blockers_of(kim, [sam])
    finally:
        for client in clients.values():
            client.close()


def test_the_broker_refuses_a_worker_a_call_its_topic_permissions_leave_out(worker, rabbit_vhost, container_factory):
    reply_key = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    restricted = rabbit_vhost.service_user_uri(  # as make_definitions writes moderation's: its RPCs and replies
        "moderation", topic_permissions={"nameko-rpc": (rf"^({reply_key}|room\.remove_message|room\.remove_person)$",
                                                        ".*")})
    probe = container_factory(ModerationProbe, {"AMQP_URI": restricted})
    probe.start()
    with entrypoint_hook(probe, "room_exists") as room_exists:
        with pytest.raises(errors.PermissionDenied, match="the broker refused room.get_room"):
            room_exists(LOUNGE)
