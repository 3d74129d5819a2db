"""nameko tests of the worker kit: the parts every worker shares, and a producer's handlers declared once."""
from __future__ import annotations

import inspect

import pytest

from hearth_common.contracts import identity, moderation
from hearth_common.nameko_deps import event_consumers
from hearth_common.nameko_kit import WorkerKit, event_handlers
from hearth_common.settings import ServiceSettings


def test_event_handlers_bind_every_type_of_the_contract_with_the_queue_names_workers_always_had():
    applied = []

    class Worker(event_handlers(identity.CONTRACT, lambda worker, envelope: applied.append(envelope))):
        name = "chat"

    queues = {c["queue"] for c in event_consumers(Worker)}
    assert queues == {f"evt-identity-{t}--chat.on_{t}" for t in identity.CONTRACT.types}
    Worker().on_person_registered.__wrapped__(Worker(), {"event": 1})  # the handler as written, unwrapped
    assert applied == [{"event": 1}]


def test_event_handlers_take_a_subset_and_refuse_a_type_the_producer_does_not_publish():
    mixin = event_handlers(moderation.CONTRACT, lambda worker, envelope: None, types=["sanction_lifted"])
    assert [name for name, _ in inspect.getmembers(mixin) if name.startswith("on_")] == ["on_sanction_lifted"]
    with pytest.raises(ValueError, match="publishes no 'sanction_appealed'"):
        event_handlers(moderation.CONTRACT, lambda worker, envelope: None, types=["sanction_appealed"])


def test_the_base_worker_has_the_shared_parts_and_backfills_only_a_consumer():
    settings = ServiceSettings(**ServiceSettings.shared("chat", grpc_port=50090, grpc_workers=1))
    kit = WorkerKit(settings, build_relay=lambda settings, engine: None)
    producer, consumer = kit.base(), kit.base(consumes_events=True)
    for base in (producer, consumer):
        assert {"request_id", "calling_service", "relay", "heartbeat", "event_replay", "replay_events"} <= set(
            dir(base))
    assert not hasattr(producer, "backfill") and hasattr(consumer, "backfill")
    # replay_events answers only the callers the broker proves (nameko_deps.ProvenRpc)
    assert [type(e).__name__ for e in producer.replay_events.nameko_entrypoints] == ["ProvenRpc"]


def test_a_worker_mixing_nameko_rpc_with_internal_rpc_does_not_start(container_factory, amqp_uri):
    from nameko.rpc import rpc

    from hearth_common.nameko_deps import internal_rpc

    class Mixed:
        name = "mixed"

        @internal_rpc
        def proven(self):
            return 1

        @rpc
        def claimed(self):
            return 2

    container = container_factory(Mixed, {"AMQP_URI": amqp_uri})
    with pytest.raises(RuntimeError, match="use @internal_rpc .* not nameko's @rpc: claimed"):
        container.start()


def test_the_heartbeat_reads_the_workers_own_broker_connection_and_opens_none(container_factory, amqp_uri, tmp_path,
                                                                              monkeypatch):
    """The worker's health used to open (and close) a broker connection every beat: a pair of lines in the
    broker's log every few seconds per worker. It now reads the connection the worker consumes on."""
    import os
    import time

    import amqp
    import eventlet
    from nameko.rpc import rpc

    from hearth_common.nameko_deps import Heartbeat, broker_connected

    beat = tmp_path / "worker.heartbeat"

    class Beating:
        name = "beating"
        heartbeat = Heartbeat(str(beat), broker_connected, interval=0.1)

        @rpc
        def ping(self):
            return "pong"

    container = container_factory(Beating, {"AMQP_URI": amqp_uri})
    container.start()
    deadline = time.monotonic() + 10
    while not beat.exists():
        assert time.monotonic() < deadline, "no heartbeat while the worker is connected"
        eventlet.sleep(0.05)
    opened = []
    real_connect = amqp.Connection.connect
    monkeypatch.setattr(amqp.Connection, "connect", lambda c, *a, **k: opened.append(1) or real_connect(c, *a, **k))
    first = os.stat(beat).st_mtime_ns
    eventlet.sleep(1.0)  # ten beats
    assert os.stat(beat).st_mtime_ns > first, "the heartbeat stopped while the broker answers"
    assert opened == [], "the heartbeat opened broker connections"

    # The consumer's connection lost (as when the broker goes away): the check says so.
    queue_consumer = next(e for e in container.extensions if type(e).__name__ == "QueueConsumer")
    consumer = next(iter(queue_consumer._consumers.values()))
    assert broker_connected(container)
    consumer.channel.is_open = False
    try:
        assert not broker_connected(container)
    finally:
        consumer.channel.is_open = True


def test_a_worker_with_no_consumer_connection_is_not_reported_connected():
    class Container:
        extensions = ()

    from hearth_common.nameko_deps import broker_connected

    assert not broker_connected(Container())
