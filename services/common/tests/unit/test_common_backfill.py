"""Unit: backfill's pieces without I/O: which producers a consumer asks, what a producer's replay is given, and
the generic replay-events command."""
import contextvars
import types

import pytest

from hearth_common import backfill, errors


def consumer_queue(source, event_type, service="room"):
    queue = f"evt-{source}-{event_type}--{service}.on_{event_type}"
    return {"queue": queue, "exchange": f"{source}.events", "routing_key": event_type, "arguments": {}}


class FakeRelay:
    def __init__(self, last_published=7, replayed=3):
        self.last_published = last_published
        self.replayed = replayed
        self.calls = []

    def last_published_seq(self):
        return self.last_published

    def replay(self, from_seq=1, event_types=None, *, through_seq=None, routing_key=None):
        self.calls.append({"from_seq": from_seq, "event_types": event_types, "through_seq": through_seq,
                           "routes": {t: routing_key(t) for t in event_types or ["x"]} if routing_key else None})
        return self.replayed


def test_a_consumer_asks_each_producer_for_the_event_types_it_binds():
    consumers = [consumer_queue("identity", "role_granted"), consumer_queue("moderation", "sanction_imposed"),
                 consumer_queue("identity", "person_registered")]
    assert backfill.event_types_by_source(consumers) == {"identity": ["person_registered", "role_granted"],
                                                          "moderation": ["sanction_imposed"]}


def test_a_replay_for_a_consumer_goes_to_its_queues_alone_and_stops_at_what_was_published_when_asked():
    relay = FakeRelay(last_published=7, replayed=3)
    answer = backfill.serve_replay(relay, "room", ["person_registered", "role_granted"], since_seq=2)
    assert answer == {"replayed": 3, "through_seq": 7}
    assert relay.calls == [{"from_seq": 2, "event_types": ["person_registered", "role_granted"], "through_seq": 7,
                            "routes": {"person_registered": "replay.room.person_registered",
                                       "role_granted": "replay.room.role_granted"}}]


@pytest.mark.parametrize("consumer, event_types, since_seq", [
    ("room.#", ["role_granted"], 1),          # a routing-key wildcard would reach other consumers' queues
    ("", ["role_granted"], 1),
    (None, ["role_granted"], 1),
    ("room", [], 1),
    ("room", "role_granted", 1),             # a string, not a list of types
    ("room", ["role.*"], 1),
    ("room", [7], 1),
    ("room", ["role_granted"], 0),
    ("room", ["role_granted"], "1"),
    ("room", ["role_granted"], True),
])
def test_a_malformed_replay_request_is_refused_before_anything_is_published(consumer, event_types, since_seq):
    relay = FakeRelay()
    with pytest.raises(errors.InvalidArgument):
        backfill.serve_replay(relay, consumer, event_types, since_seq)
    assert relay.calls == []


@pytest.fixture
def command(monkeypatch):
    """Runs the generic replay-events command for a service `demo` against a fake relay."""
    monkeypatch.setattr(backfill, "configure_logging", lambda *args: None)  # keeps pytest's own log handlers
    relay = FakeRelay(replayed=5)

    def run(*argv):
        settings = types.SimpleNamespace(log_level="INFO")
        # In a context of its own: the command sets the process's request id, which must not leak into other tests.
        return contextvars.copy_context().run(backfill.replay_events_command, "demo", lambda: settings,
                                              lambda s: relay, ["person_registered", "role_granted"], list(argv))

    return run, relay


def test_the_replay_command_replays_to_every_consumer_by_default(command, capsys):
    run, relay = command
    assert run() == 0
    assert capsys.readouterr().out.strip() == "demo-replay-events: replayed 5 events from seq 1"
    assert relay.calls == [{"from_seq": 1, "event_types": None, "through_seq": None, "routes": None}]


def test_the_replay_command_replays_some_types_to_one_consumer(command, capsys):
    run, relay = command
    assert run("--from-seq", "4", "--type", "role_granted", "--to", "room") == 0
    said = capsys.readouterr().out.strip()
    assert said == "demo-replay-events: replayed 5 events of type role_granted from seq 4 to room"
    assert relay.calls[0]["routes"] == {"role_granted": "replay.room.role_granted"}


@pytest.mark.parametrize("argv", [["--from-seq", "0"], ["--type", "nonsense"], ["--to", "room.#"]])
def test_the_replay_command_refuses_bad_flags(command, argv):
    run, relay = command
    with pytest.raises(SystemExit) as exited:
        run(*argv)
    assert exited.value.code == 2 and relay.calls == []


def test_the_replay_command_says_a_failure_is_safe_to_retry(command, capsys):
    run, relay = command

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    relay.replay = broken
    assert run() == 1
    assert "failed (ConnectionError: broker down); nothing is lost, run it again" in capsys.readouterr().err
