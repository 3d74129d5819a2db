"""nameko: room's worker takes moderation's private notices from moderation.events (stored once for their person,
announced on the live exchange under that person's key, a malformed one dead-lettered), course's reminders to a
mentor from course.events (one notice to the mentor however often redelivered), and serves
restore_message over real RPC (real RabbitMQ vhost, real PostgreSQL)."""
import json
import uuid

import kombu
import pytest
from nameko.standalone.events import event_dispatcher
from room_nameko_helpers import register

from hearth_common import errors, testing
from hearth_common.contracts import examples
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc
from room_service.adapters.live import EXCHANGE, notice_key
from room_service.adapters.repository import uow_factory
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"
QUEUE = "evt-moderation-notice_issued--room.on_notice_issued"


@pytest.fixture
def conv(rooms, room_engine):
    return Conversation(uow_factory(room_engine))


@pytest.fixture
def rpc(worker, amqp_uri):
    client = RpcClient(amqp_uri, timeout=10, caller="moderation-test")
    yield client
    client.close()


def notice_event(person_id, notice_id=None, **fields):
    return examples.envelope("moderation", "notice_issued", person_id=person_id,
                             notice_id=notice_id or str(uuid.uuid4()), **fields)


def test_a_notice_is_stored_once_for_its_person_and_announced_under_their_key_alone(worker, amqp_uri, rooms, conv):
    person, other = register(rooms, "noticed1"), register(rooms, "bystander1")
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        EXCHANGE(channel).declare()
        theirs = kombu.Queue(exclusive=True, exchange=EXCHANGE, routing_key=notice_key(person))(channel)
        theirs.declare()
        others = kombu.Queue(exclusive=True, exchange=EXCHANGE, routing_key=notice_key(other))(channel)
        others.declare()
        event = notice_event(person, "warn-1", kind="warning", text="Please keep it kind.")
        dispatch("moderation", "notice_issued", event)
        dispatch("moderation", "notice_issued", event)  # redelivered
        dispatch("moderation", "notice_issued", notice_event(person, "warn-1", kind="warning"))  # a new event id
        testing.eventually(lambda: conv.list_notices(person)["notices"], what="the stored notice")
        announced = testing.eventually(lambda: theirs.get(no_ack=True), timeout=10, what="the live announcement")
        dispatch("moderation", "notice_issued", notice_event(person, "warn-2"))  # a marker: the three came before
        testing.eventually(lambda: len(conv.list_notices(person)["notices"]) == 2, what="the second notice")
        second = testing.eventually(lambda: theirs.get(no_ack=True), timeout=10, what="the second announcement")
        assert others.get(no_ack=True) is None
    [item] = json.loads(announced.body)
    assert (item["notice"]["notice_id"], item["notice"]["person_id"], item["notice"]["text"]) == (
        "warn-1", person, "Please keep it kind.")
    assert json.loads(second.body)[0]["notice"]["notice_id"] == "warn-2"  # warn-1 was announced once
    assert [n["notice_id"] for n in conv.list_notices(person)["notices"]] == ["warn-2", "warn-1"]
    assert conv.list_notices(other)["notices"] == []


def test_a_course_reminder_redelivered_is_one_notice_announced_to_the_mentor_once(worker, amqp_uri, rooms, conv):
    mentor = register(rooms, "mentor_n1")
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        EXCHANGE(channel).declare()
        theirs = kombu.Queue(exclusive=True, exchange=EXCHANGE, routing_key=notice_key(mentor))(channel)
        theirs.declare()
        event = examples.envelope("course", "mentor_review_overdue", mentor_id=mentor, reminder_id="remind-1")
        dispatch("course", "mentor_review_overdue", event)
        dispatch("course", "mentor_review_overdue", event)  # redelivered
        announced = testing.eventually(lambda: theirs.get(no_ack=True), timeout=10, what="the live announcement")
        marker = examples.envelope("course", "mentor_review_overdue", mentor_id=mentor, reminder_id="remind-2")
        dispatch("course", "mentor_review_overdue", marker)  # after the redelivery: it came before
        testing.eventually(lambda: len(conv.list_notices(mentor)["notices"]) == 2, what="the second reminder")
        second = testing.eventually(lambda: theirs.get(no_ack=True), timeout=10, what="the second announcement")
    [item] = json.loads(announced.body)
    assert (item["notice"]["notice_id"], item["notice"]["kind"]) == ("remind-1", "reminder")
    assert "Group Dynamics Course" in item["notice"]["text"]
    assert json.loads(second.body)[0]["notice"]["notice_id"] == "remind-2"  # remind-1 was announced once
    assert [n["notice_id"] for n in conv.list_notices(mentor)["notices"]] == ["remind-2", "remind-1"]


def test_a_notice_that_breaks_the_contract_is_dead_lettered_at_once_with_nothing_stored(worker, amqp_uri, rooms,
                                                                                         conv):
    person = register(rooms, "noticed2")
    malformed = notice_event(person, kind="scolding")
    malformed["data"]["kind"] = "scolding"
    event_dispatcher({"AMQP_URI": amqp_uri})("moderation", "notice_issued", malformed)
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{QUEUE}")(conn.channel())
        dead = testing.eventually(lambda: dlq.get(no_ack=True), timeout=10, what="the dead-lettered notice")
    assert dead.payload["event_id"] == malformed["event_id"]
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    assert conv.list_notices(person)["notices"] == []


def test_moderation_restores_a_removed_message_over_rpc_idempotently(rpc, rooms, conv, room_engine):
    author, moderator = register(rooms, "poster_r1"), register(rooms, "moderator_r1", role="chat_room_moderator")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "hidden pending review")
    own = conv.post(author, LOUNGE, "I take this back")
    rpc.call("room", "remove_message", message_id=posted["message_id"], moderator_id=moderator, reason="reported")
    conv.delete(author, own["message_id"])
    restored = rpc.call("room", "restore_message", message_id=posted["message_id"], moderator_id=moderator,
                        reason="the reports were mistaken")
    again = rpc.call("room", "restore_message", message_id=posted["message_id"], moderator_id=moderator)
    assert restored == again and (restored["body"], restored["deleted"]) == ("hidden pending review", False)
    assert [(e["message_id"], e["reason"]) for e in testing.outbox_data(room_engine, "message_restored")] == [
        (posted["message_id"], "the reports were mistaken")]
    with pytest.raises(errors.FailedPrecondition, match="its author deleted this message"):
        rpc.call("room", "restore_message", message_id=own["message_id"], moderator_id=moderator)
    with pytest.raises(errors.NotFound):
        rpc.call("room", "restore_message", message_id=str(uuid.uuid4()), moderator_id=moderator)


def test_moderation_may_restore_through_its_client_and_identity_may_not(worker, rabbit_vhost, rooms, conv):
    author, moderator = register(rooms, "poster_r2"), register(rooms, "moderator_r2", role="chat_room_moderator")
    conv.join(author, LOUNGE)
    posted = conv.post(author, LOUNGE, "hidden, then shown")
    conv.delete(moderator, posted["message_id"], moderator=True)
    clients = {service: RpcClient(rabbit_vhost.service_user_uri(service), timeout=10)
               for service in ("moderation", "identity")}
    try:
        with pytest.raises(errors.PermissionDenied, match="'identity' may not call room.restore_message"):
            RoomRpc(clients["identity"]).restore_message(posted["message_id"], moderator)
        assert RoomRpc(clients["moderation"]).restore_message(posted["message_id"], moderator)["deleted"] is False
    finally:
        for client in clients.values():
            client.close()
