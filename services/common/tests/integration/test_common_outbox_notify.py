"""Integration: the outbox relay is woken by the outbox's trigger (LISTEN/NOTIFY) rather than polling: an event
committed is published long before the relay's safety poll would look, also after its listening connection was
cut off; on a table without the trigger the safety poll still publishes it. Real PostgreSQL and RabbitMQ."""
import json

import kombu
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from hearth_common import migrations, testing
from hearth_common.db import new_metadata
from hearth_common.events import Event
from hearth_common.outbox import (
    OUTBOX_CHANNEL,
    OutboxRelay,
    RelayThread,
    define_outbox_table,
    event_exchange,
    write_events,
)

SOURCE = "notifydemo"
HOUR = 3600.0  # a safety poll that never comes within a test
metadata = new_metadata()
outbox = define_outbox_table(metadata)


def outbox_database(notify: bool):
    url = testing.create_database("hearth_common_outbox_notify")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn)
        if notify:
            migrations.add_outbox_notify(Operations(MigrationContext.configure(conn)))
    return engine, url


@pytest.fixture
def engine():
    engine, url = outbox_database(notify=True)
    yield engine
    engine.dispose()
    testing.drop_database(url)


@pytest.fixture
def events(amqp_uri):
    """Reads what the relay published for SOURCE (a queue bound to all its events)."""
    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue("test-outbox-notify", exchange=event_exchange(SOURCE), routing_key="#", durable=True)
        bound = queue(conn.channel())
        bound.declare()
        bound.purge()
        got = []

        def read():
            while (message := bound.get(no_ack=True)) is not None:
                got.append(json.loads(message.body)["event_type"])
            return got

        yield read
        bound.delete()


def write(engine, *event_types):
    with engine.begin() as conn:
        write_events(conn, outbox, SOURCE, [Event(t, {"person_id": "p"}) for t in event_types])


def listening_backends(engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND query = :listen"), {"listen": f"LISTEN {OUTBOX_CHANNEL}"}).scalars())


@pytest.fixture
def relay_thread(engine, amqp_uri):
    started = []

    def start(idle_interval=HOUR, on=None):
        thread = RelayThread(OutboxRelay(on or engine, outbox, SOURCE, amqp_uri), idle_interval=idle_interval)
        thread.start()
        started.append(thread)
        return thread

    yield start
    for thread in started:
        thread.stop()


def test_a_committed_event_is_published_without_waiting_for_the_safety_poll(engine, events, relay_thread):
    relay_thread(idle_interval=HOUR)
    testing.eventually(lambda: listening_backends(engine), what="the relay to listen")
    testing.eventually(lambda: events() == [], what="the empty outbox read")  # nothing to publish yet
    write(engine, "person_registered")
    testing.eventually(lambda: events() == ["person_registered"], what="the notified event to be published")
    write(engine, "role_granted", "badge_awarded")  # one transaction, one statement: one notification
    testing.eventually(lambda: events() == ["person_registered", "role_granted", "badge_awarded"],
                       what="the second transaction's events")
    assert testing.unpublished_events(engine.url.render_as_string(hide_password=False)) == 0


def test_a_lost_listening_connection_is_listened_again(engine, events, relay_thread):
    relay_thread(idle_interval=HOUR)
    testing.eventually(lambda: listening_backends(engine), what="the relay to listen")
    (first,) = listening_backends(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.pg_terminate_backend(first))).scalar()
    testing.eventually(lambda: listening_backends(engine) - {first}, what="the relay to listen again")
    write(engine, "person_registered")
    testing.eventually(lambda: events() == ["person_registered"], what="the event after the reconnection")


def test_without_the_trigger_the_safety_poll_still_publishes(events, relay_thread):
    engine, url = outbox_database(notify=False)
    try:
        relay_thread(idle_interval=0.2, on=engine)
        write(engine, "person_registered")
        testing.eventually(lambda: events() == ["person_registered"], what="the safety poll to publish")
    finally:
        engine.dispose()
        testing.drop_database(url)
