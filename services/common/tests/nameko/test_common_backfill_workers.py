"""nameko: a consumer's worker started after its producer published asks the producer, by itself, to replay what
it missed (EventBackfillRunner → the producer's replay_events RPC, served with EventReplay), once; a producer
that is not running yet is asked again until it answers."""
import logging

import pytest
import sqlalchemy as sa
from nameko.rpc import rpc

from hearth_common import testing
from hearth_common.backfill import define_backfill_table
from hearth_common.errors import DomainError
from hearth_common.events import Event
from hearth_common.nameko_backfill import EventBackfillRunner, EventReplay
from hearth_common.nameko_deps import reliable_event_handler, rpc_errors
from hearth_common.outbox import OutboxRelay, define_outbox_table, write_events

metadata = sa.MetaData()
outbox = define_outbox_table(metadata)
backfills = define_backfill_table(metadata)


@pytest.fixture
def engine():
    url = testing.create_database("hearth_common_backfill_workers")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    metadata.create_all(engine)  # the producer's outbox and the consumer's backfills, in one test database
    yield engine
    engine.dispose()
    testing.drop_database(url)


def services(engine, amqp_uri, handled, producer_name, consumer_name):
    class Producer:
        name = producer_name
        event_replay = EventReplay(lambda config: OutboxRelay(engine, outbox, producer_name, amqp_uri))

        @rpc(expected_exceptions=DomainError)
        @rpc_errors
        def replay_events(self, consumer, event_types, since_seq=1):
            return self.event_replay(consumer, event_types, since_seq)

    class Consumer:
        name = consumer_name
        backfill = EventBackfillRunner(lambda config: engine, table=backfills, first_retry=0.2, longest_retry=0.5)

        @reliable_event_handler(producer_name, "person_registered")
        def on_person_registered(self, envelope):
            handled.append((envelope["event_type"], envelope["seq"]))

    return Producer, Consumer


def publish(engine, amqp_uri, source, *event_types):
    with engine.begin() as conn:
        write_events(conn, outbox, source, [Event(t, {"person_id": "p"}) for t in event_types])
    relay = OutboxRelay(engine, outbox, source, amqp_uri)
    try:
        while relay.publish_pending():
            pass
    finally:
        relay.close()


def recorded(engine):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(backfills.c.source, backfills.c.replayed)).all()]


def test_a_consumer_started_after_its_producer_published_gets_what_it_missed_once(container_factory, amqp_uri,
                                                                                   engine):
    handled = []
    Producer, Consumer = services(engine, amqp_uri, handled, "bfproducer", "bfconsumer")
    container_factory(Producer, {"AMQP_URI": amqp_uri}).start()
    publish(engine, amqp_uri, "bfproducer", "person_registered", "role_granted", "person_registered")  # to nobody

    first = container_factory(Consumer, {"AMQP_URI": amqp_uri})
    first.start()
    testing.eventually(lambda: len(handled) == 2, what="the consumer to receive the replayed events")
    assert sorted(handled) == [("person_registered", 1), ("person_registered", 3)]
    assert testing.eventually(lambda: recorded(engine)) == [("bfproducer", 2)]
    first.stop()

    # Started again, it asks for nothing (a replay would bring seqs 1 and 3 once more, ahead of seq 4).
    container_factory(Consumer, {"AMQP_URI": amqp_uri}).start()
    publish(engine, amqp_uri, "bfproducer", "person_registered")
    testing.eventually(lambda: ("person_registered", 4) in handled, what="the next event")
    assert handled[2:] == [("person_registered", 4)]


def test_a_consumer_asks_again_until_a_producer_that_was_down_answers(container_factory, amqp_uri, engine, caplog):
    handled = []
    Producer, Consumer = services(engine, amqp_uri, handled, "bflate", "bfwaiting")
    publish(engine, amqp_uri, "bflate", "person_registered")  # the producer ran once, before the consumer existed

    with caplog.at_level(logging.INFO, logger="hearth_common.backfill"):
        container_factory(Consumer, {"AMQP_URI": amqp_uri}).start()
        testing.eventually(lambda: "producer not there to replay its events yet" in caplog.text,
                           what="the consumer to ask, and nobody to answer")
    assert recorded(engine) == []

    container_factory(Producer, {"AMQP_URI": amqp_uri}).start()
    testing.eventually(lambda: handled == [("person_registered", 1)], what="the replay once the producer is up")
    assert testing.eventually(lambda: recorded(engine)) == [("bflate", 1)]


def test_a_producer_that_never_answers_holds_up_no_other_producers_replay(container_factory, amqp_uri, engine):
    """A producer deployed but not serving (its RPC queue there, nobody consuming it: the call waits for its
    timeout) is asked on its own: the consumer's other producer replays at once."""
    import kombu

    handled = []
    Producer, _ = services(engine, amqp_uri, handled, "bfanswers", "bfboth")

    class Consumer:
        name = "bfboth"
        backfill = EventBackfillRunner(lambda config: engine, table=backfills, first_retry=0.2, longest_retry=0.5,
                                       rpc_timeout=300)

        # "bfabsent" sorts first: asked one after the other, its call would hold up bfanswers' for 300 s.
        @reliable_event_handler("bfabsent", "person_registered")
        def on_absent(self, envelope):
            handled.append(("bfabsent", envelope["seq"]))

        @reliable_event_handler("bfanswers", "person_registered")
        def on_answers(self, envelope):
            handled.append(("bfanswers", envelope["seq"]))

    with kombu.Connection(amqp_uri) as connection:  # the silent producer's RPC queue, as its last run left it
        exchange = kombu.Exchange("nameko-rpc", type="topic", durable=True)
        kombu.Queue("rpc-bfabsent", exchange, routing_key="bfabsent.*", durable=True)(connection.channel()).declare()
    try:
        container_factory(Producer, {"AMQP_URI": amqp_uri}).start()
        publish(engine, amqp_uri, "bfanswers", "person_registered")  # before the consumer existed
        container_factory(Consumer, {"AMQP_URI": amqp_uri}).start()
        testing.eventually(lambda: handled == [("bfanswers", 1)], timeout=30,
                           what="the answering producer's replay while the other is still being asked")
        assert testing.eventually(lambda: recorded(engine)) == [("bfanswers", 1)]
    finally:
        with kombu.Connection(amqp_uri) as connection:
            kombu.Queue("rpc-bfabsent")(connection.channel()).delete()
