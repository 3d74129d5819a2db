"""nameko: in an eventlet worker (psycopg2 made green, select patched) the outbox relay waits on its LISTEN
connection without holding up the hub, publishes a committed event at once although its safety poll is an hour
away, and listens again after its connection was cut off; a NotifiedLoop runs its work on a table's insert."""
import json

import kombu
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from nameko.rpc import rpc

from hearth_common import migrations, testing
from hearth_common.db import new_metadata
from hearth_common.events import Event
from hearth_common.nameko_deps import NotifiedLoop, OutboxRelayRunner
from hearth_common.outbox import OUTBOX_CHANNEL, OutboxRelay, define_outbox_table, event_exchange, write_events

SOURCE = "notifyworker"
metadata = new_metadata()
outbox = define_outbox_table(metadata)


@pytest.fixture
def engine():
    url = testing.create_database("hearth_common_outbox_notify_worker")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn)
        migrations.add_outbox_notify(Operations(MigrationContext.configure(conn)))
    yield engine
    engine.dispose()
    testing.drop_database(url)


def listening_backends(engine, channel=OUTBOX_CHANNEL) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND query = :listen"), {"listen": f"LISTEN {channel}"}).scalars())


def test_the_worker_relay_publishes_on_notification_and_listens_again(container_factory, amqp_uri, engine):
    class Producer:
        name = "notifyproducer"
        relay = OutboxRelayRunner(lambda config: OutboxRelay(engine, outbox, SOURCE, amqp_uri), idle_interval=3600)

        @rpc
        def ping(self):
            return "pong"

    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue("test-outbox-notify-worker", exchange=event_exchange(SOURCE), routing_key="#",
                            durable=True)
        bound = queue(conn.channel())
        bound.declare()
        bound.purge()
        got = []

        def published():
            while (message := bound.get(no_ack=True)) is not None:
                got.append(json.loads(message.body)["event_type"])
            return got

        def write(event_type):
            with engine.begin() as c:
                write_events(c, outbox, SOURCE, [Event(event_type, {"person_id": "p"})])

        container = container_factory(Producer, {"AMQP_URI": amqp_uri})
        container.start()
        try:
            testing.eventually(lambda: listening_backends(engine), what="the relay to listen")
            write("person_registered")
            testing.eventually(lambda: published() == ["person_registered"], what="the notified event")

            (first,) = listening_backends(engine)
            with engine.connect() as c:
                assert c.execute(sa.select(sa.func.pg_terminate_backend(first))).scalar()
            testing.eventually(lambda: listening_backends(engine) - {first}, what="the relay to listen again")
            write("role_granted")
            testing.eventually(lambda: published() == ["person_registered", "role_granted"],
                               what="the event after the reconnection")
        finally:
            container.stop()
            bound.delete()


def test_a_notified_loop_runs_its_work_when_a_row_is_inserted(container_factory, amqp_uri, engine):
    """NotifiedLoop (moderation's room actions): the work runs at start, then when the table's insert trigger
    notifies, although its own interval is an hour away."""
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE chores (id serial PRIMARY KEY, done boolean NOT NULL DEFAULT false)"))
        migrations.add_insert_notify(Operations(MigrationContext.configure(conn)), "chores", "hearth_test_chores")

    def do_chores():
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE chores SET done = true WHERE NOT done"))

    class Chores:
        name = "notifiedchores"
        chores = NotifiedLoop(lambda config: engine, "hearth_test_chores", lambda config: do_chores, interval=3600)

        @rpc
        def ping(self):
            return "pong"

    def undone():
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM chores WHERE NOT done")).scalar()

    container = container_factory(Chores, {"AMQP_URI": amqp_uri})
    container.start()
    try:
        testing.eventually(lambda: listening_backends(engine, "hearth_test_chores"), what="the loop to listen")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO chores DEFAULT VALUES"))
        testing.eventually(lambda: undone() == 0, what="the notified work to run")
    finally:
        container.stop()
