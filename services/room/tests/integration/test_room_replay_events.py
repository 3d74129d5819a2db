"""Integration test of room-replay-events: room's published events published again, unchanged, on the real broker."""
import contextvars
import json

import kombu
from room_integration_helpers import register

from hearth_common.outbox import event_exchange
from room_service.bootstrap import build_conversation, build_relay
from room_service.entrypoints import replay_events

LOUNGE = "adult-community-lounge"


def test_room_replay_events_publishes_the_published_events_again_with_their_ids(rooms, room_settings, room_engine,
                                                                              amqp_uri, monkeypatch, capsys):
    settings = room_settings.__class__(**{**room_settings.__dict__, "amqp_uri": amqp_uri})
    conversation, _ = build_conversation(settings, room_engine)
    ann, bob = register(rooms), register(rooms)
    conversation.join(ann, LOUNGE)
    conversation.join(bob, LOUNGE)
    with kombu.Connection(amqp_uri) as connection:
        queue = kombu.Queue("test-room-replay", exchange=event_exchange("room"), routing_key="#",
                            auto_delete=False)(connection.channel())
        queue.declare()
        queue.purge()
        relay = build_relay(settings, room_engine)
        try:
            assert relay.publish_pending() == 2
        finally:
            relay.close()
        first = [json.loads(queue.get(no_ack=True).body) for _ in range(2)]

        monkeypatch.setenv("ROOM_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("ROOM_AMQP_URI", amqp_uri)
        # in a context of its own, as the command's process: its request id stays there
        assert contextvars.copy_context().run(replay_events.main, ["--type", "member_joined"]) == 0
        again = []
        while (message := queue.get(no_ack=True)) is not None:
            again.append(json.loads(message.body))
        queue.delete()
    assert [e["event_type"] for e in first] == ["member_joined", "member_joined"]
    assert again == first  # same ids, seqs and data: consumers that had them ignore them
    assert "room-replay-events: replayed 2 events of type member_joined" in capsys.readouterr().out
