"""Integration: backfill on the real PostgreSQL and RabbitMQ: a consumer's queues declared ahead of its worker, a
replay that reaches the asking consumer's queues alone, and a first-start backfill asked of each producer once."""
import json
import threading

import kombu
import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.backfill import (
    EventBackfill,
    ProducerUnavailable,
    declare_consumer_queues,
    define_backfill_table,
    serve_replay,
)
from hearth_common.events import Event
from hearth_common.outbox import OutboxRelay, define_outbox_table, write_events

metadata = sa.MetaData()
outbox = define_outbox_table(metadata)
backfills = define_backfill_table(metadata)


def consumer_queue(service, event_type, source="demo"):
    queue = f"evt-{source}-{event_type}--{service}.on_{event_type}"
    return {"queue": queue, "exchange": f"{source}.events", "routing_key": event_type,
            "arguments": {"x-queue-type": "quorum"}}


ROOM = [consumer_queue("room", "person_registered"), consumer_queue("room", "role_granted")]
OTHER = [consumer_queue("other", "role_granted")]


@pytest.fixture
def engine():
    url = testing.create_database("hearth_common_backfill")
    engine = sa.create_engine(url)
    metadata.create_all(engine)  # test schema only; services create theirs with Alembic
    yield engine
    engine.dispose()
    testing.drop_database(url)


@pytest.fixture
def vhost():
    vhost = testing.RabbitVhost("hearth_common_backfill").create()
    yield vhost.uri
    vhost.delete()


def take(amqp_uri, queue):
    """Every message waiting in `queue`, as (event_type, seq), acked."""
    got = []
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            body = json.loads(message.body)
            got.append((body["event_type"], body["seq"]))
    return got


def publish(engine, amqp_uri, *event_types):
    with engine.begin() as conn:
        write_events(conn, outbox, "demo", [Event(t, {"person_id": "p"}) for t in event_types])
    relay = OutboxRelay(engine, outbox, "demo", amqp_uri)
    try:
        while relay.publish_pending():
            pass
    finally:
        relay.close()
    return relay


def test_queues_declared_ahead_of_the_worker_keep_what_is_published_meanwhile(engine, vhost):
    assert declare_consumer_queues(vhost, "room", ROOM) == 2
    assert declare_consumer_queues(vhost, "room", ROOM) == 2  # again, as every migrate step does: no change
    publish(engine, vhost, "person_registered", "role_granted", "badge_awarded")
    assert take(vhost, ROOM[0]["queue"]) == [("person_registered", 1)]
    assert take(vhost, ROOM[1]["queue"]) == [("role_granted", 2)]


def test_a_replay_to_one_consumer_reaches_its_queues_only_and_stops_where_it_was_asked(engine, vhost):
    relay = publish(engine, vhost, "person_registered", "role_granted", "role_granted")  # before any queue
    declare_consumer_queues(vhost, "room", ROOM)
    declare_consumer_queues(vhost, "other", OTHER)

    answer = serve_replay(relay, "room", ["person_registered", "role_granted"], since_seq=2)
    assert answer == {"replayed": 2, "through_seq": 3}
    assert take(vhost, ROOM[0]["queue"]) == []
    assert take(vhost, ROOM[1]["queue"]) == [("role_granted", 2), ("role_granted", 3)]
    assert take(vhost, OTHER[0]["queue"]) == []  # another consumer bound to the same type hears nothing of it

    assert relay.replay(1, ["role_granted"], through_seq=2) == 1  # what was published later is the relay's
    assert take(vhost, OTHER[0]["queue"]) == [("role_granted", 2)] and take(vhost, ROOM[1]["queue"]) == [
        ("role_granted", 2)]


def test_a_consumer_asks_each_producer_once_and_again_later_one_that_could_not_answer(engine, vhost):
    consumers = ROOM + [consumer_queue("room", "sanction_imposed", source="moderation")]
    asked, moderation_up = [], False

    def ask_replay(source, consumer, event_types):
        asked.append((source, consumer, event_types))
        if source == "moderation" and not moderation_up:
            raise ProducerUnavailable("no moderation worker is running")
        return {"replayed": 4, "through_seq": 9}

    backfill = EventBackfill(engine, backfills, "room", consumers, ask_replay, vhost)
    assert backfill.run_once() == {"moderation": ["sanction_imposed"]}
    assert asked == [("demo", "room", ["person_registered", "role_granted"]),
                     ("moderation", "room", ["sanction_imposed"])]
    # the consumer's queues (with their replay bindings) exist before it asks
    assert take(vhost, consumers[2]["queue"]) == []

    moderation_up = True
    asked.clear()
    assert backfill.run_once() == {}
    assert asked == [("moderation", "room", ["sanction_imposed"])]
    asked.clear()
    assert backfill.run_once() == {} and asked == []  # a later start asks nothing
    with engine.connect() as conn:
        rows = conn.execute(sa.select(backfills.c.source, backfills.c.through_seq, backfills.c.replayed)
                            .order_by(backfills.c.source)).all()
    assert [tuple(r) for r in rows] == [("demo", 9, 4), ("moderation", 9, 4)]


def test_two_replicas_starting_together_ask_a_producer_once(engine, vhost):
    asking, answer_now, asked = threading.Event(), threading.Event(), []

    def slow_producer(source, consumer, event_types):
        asked.append(source)
        asking.set()
        assert answer_now.wait(20)
        return {"replayed": 1, "through_seq": 1}

    first = EventBackfill(engine, backfills, "room", ROOM, slow_producer, vhost)
    second = EventBackfill(engine, backfills, "room", ROOM, slow_producer, vhost)
    results = {}
    replica = threading.Thread(target=lambda: results.setdefault("first", first.run_once()))
    replica.start()
    assert asking.wait(20)
    assert second.run_once() == {"demo": ["person_registered", "role_granted"]}  # the first is asking: wait
    answer_now.set()
    replica.join(20)
    assert results == {"first": {}}
    assert second.run_once() == {} and asked == ["demo"]  # recorded by the first: nobody asks again


def test_no_transaction_stays_open_while_the_producer_answers(engine, vhost):
    seen = []

    def producer_watching_the_consumers_database(source, consumer, event_types):
        with engine.connect() as conn:  # what the consumer's own sessions are doing while it waits for the answer
            seen.extend(conn.execute(sa.text(
                "SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).scalars())
        return {"replayed": 0, "through_seq": 0}

    assert EventBackfill(engine, backfills, "room", ROOM, producer_watching_the_consumers_database, vhost
                         ).run_once() == {}
    assert seen and "idle in transaction" not in seen  # the lock is held by an idle session, not a transaction


def test_an_upgrade_that_binds_a_new_event_type_is_replayed_that_type_alone(engine, vhost):
    asked = []

    def ask_replay(source, consumer, event_types):
        asked.append((source, event_types))
        return {"replayed": 1, "through_seq": 20}

    assert EventBackfill(engine, backfills, "room", ROOM, ask_replay, vhost).run_once() == {}
    upgraded = ROOM + [consumer_queue("room", "badge_awarded")]  # the next release binds one more type
    asked.clear()
    assert EventBackfill(engine, backfills, "room", upgraded, ask_replay, vhost).run_once() == {}
    assert asked == [("demo", ["badge_awarded"])]
    asked.clear()
    assert EventBackfill(engine, backfills, "room", upgraded, ask_replay, vhost).run_once() == {} and asked == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(backfills.c.event_types)).scalar_one() == [
            "badge_awarded", "person_registered", "role_granted"]


def test_a_row_recorded_before_types_were_kept_is_asked_again_for_every_type(engine, vhost):
    with engine.begin() as conn:  # as a consumer that backfilled before this release left it
        conn.execute(sa.insert(backfills).values(source="demo", through_seq=5, replayed=2,
                                                 completed_at=sa.func.now(), event_types=None))
    asked = []
    backfill = EventBackfill(engine, backfills, "room", ROOM, lambda *a: asked.append(a) or {"replayed": 0,
                                                                                            "through_seq": 5}, vhost)
    assert backfill.run_once() == {}
    assert asked == [("demo", "room", ["person_registered", "role_granted"])]
