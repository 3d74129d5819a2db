"""End-to-end: automod at post time over the real processes (identity, room-worker, two room-grpc replicas).
Issue 14's scenario (c): a teen posts a phone number in a teen room and is refused with the explanation, nothing
stored; and a rule set published on moderation.events, as moderation publishes it, applies to the next posts on
every replica, with no call from room to moderation."""
import datetime as dt
import shutil
import subprocess
import urllib.parse
import uuid

import grpc
import kombu
import pytest
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_live import People, known_to_room
from test_e2e_rooms import T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing
from hearth_common.automod import DEFAULT_RULE_SET
from hearth_common.automod.rules import TEEN_CONTACT
from hearth_common.contracts import moderation
from hearth_common.outbox import event_exchange

TEEN_ROOM = "teen-community-hangout"
ADULT_ROOM = "adult-24-7-support"
QUEUE = "evt-moderation-automod_rules_changed--room.on_automod_rules_changed"


def publish_rule_set(amqp_uri: str, version: int, *rules: dict) -> None:
    """moderation's automod_rules_changed on moderation.events (routing key = type), its envelope as the relay
    publishes it."""
    rule_set = {"version": version, "rules": DEFAULT_RULE_SET.to_dict()["rules"] + list(rules)}
    payload = moderation.AutomodRulesChanged(version=version, rule_set=rule_set, changed_by=str(uuid.uuid4()),
                                             changed_at=dt.datetime.now(dt.timezone.utc))
    envelope = payload.event(id=str(uuid.uuid4()), request_id="e2e-automod").envelope("moderation") | {
        "seq": version}
    with kombu.Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:  # routed on return
        kombu.Producer(conn.channel()).publish(envelope, exchange=event_exchange("moderation"),
                                               routing_key=payload.TYPE, serializer="json", delivery_mode=2,
                                               declare=[event_exchange("moderation")])


def handled(amqp_uri: str, queue: str) -> bool:
    """Whether room-worker has handled (committed and acked) everything published to its queue: the broker counts
    nothing ready or unacknowledged there."""
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(amqp_uri).path[1:]) or "/"
    listed = subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", "list_queues", "-p", vhost,
                             "name", "messages"], check=True, capture_output=True, text=True, timeout=60).stdout
    return any(line.split() == [queue, "0"] for line in listed.splitlines())


def bodies(rooms, md, slug):
    return [m.body for m in rooms.ListMessages(rpb.ListMessagesRequest(slug=slug), metadata=md, timeout=T).messages]


def test_a_teens_phone_number_is_refused_and_a_published_rule_set_applies_to_the_next_posts(
        room_stack, e2e_env):  # noqa: F811  (the fixture imported above)
    identity_target, *room_targets = room_stack
    env, _, _ = e2e_env
    people = People(identity_target)
    replicas = [room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(target)) for target in room_targets]
    rooms = replicas[0]

    # (c) a teen posts a phone number in a teen room: refused with the explanation, nothing stored
    _, teen = people.new("e2e_automod_teen", years=15)
    known_to_room(rooms, teen, TEEN_ROOM)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=TEEN_ROOM), metadata=teen, timeout=T)
    with pytest.raises(grpc.RpcError) as info:
        rooms.PostMessage(rpb.PostMessageRequest(slug=TEEN_ROOM, body="text me on 07700 900123 x"), metadata=teen,
                          timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and info.value.details() == TEEN_CONTACT
    assert bodies(rooms, teen, TEEN_ROOM) == []
    rooms.PostMessage(rpb.PostMessageRequest(slug=TEEN_ROOM, body="hi everyone"), metadata=teen, timeout=T)
    assert bodies(replicas[1], teen, TEEN_ROOM) == ["hi everyone"]

    # moderation publishes a rule set: the next posts on either replica are judged by it
    _, adult = people.new("e2e_automod_adult")
    known_to_room(rooms, adult, ADULT_ROOM)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=ADULT_ROOM), metadata=adult, timeout=T)
    publish_rule_set(env["IDENTITY_AMQP_URI"], 1, {
        "id": "no-durian", "kind": "word", "pattern": "durian", "action": "block",
        "explanation": "Durian talk is not for this room.", "scope": f"room:{ADULT_ROOM}", "exempt_roles": []})

    testing.eventually(lambda: handled(env["IDENTITY_AMQP_URI"], QUEUE), what="room-worker to keep the rule set")
    for replica in replicas:  # the next post on each replica: no wait, no reload of the set per post
        with pytest.raises(grpc.RpcError) as info:
            replica.PostMessage(rpb.PostMessageRequest(slug=ADULT_ROOM, body="durian?"), metadata=adult, timeout=T)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert info.value.details() == "Durian talk is not for this room."
    replicas[1].PostMessage(rpb.PostMessageRequest(slug=ADULT_ROOM, body="mango?"), metadata=adult, timeout=T)
    assert bodies(rooms, adult, ADULT_ROOM) == ["mango?"]
