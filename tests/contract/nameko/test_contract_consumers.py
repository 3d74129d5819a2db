"""Contract, under eventlet: every event type a worker binds is one its producer's contract names; each bound
type, sent as its producer publishes it, changes the consumer's state (nothing is bound and ignored); an event
that breaks the contract is dead-lettered at once."""
import importlib
import json
import os

import kombu
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from hearth_common.contracts import BY_SOURCE, examples
from hearth_common.nameko_deps import event_consumers

# Every nameko worker class, by the service it is.
WORKERS = {"identity": ("identity_service.entrypoints.nameko_service", "IdentityWorker"),
           "room": ("room_service.entrypoints.nameko_service", "RoomWorker"),
           "moderation": ("moderation_service.entrypoints.nameko_service", "ModerationWorker")}


def worker_class(service: str):
    module, name = WORKERS[service]
    return getattr(importlib.import_module(module), name)


def bindings(worker) -> list[tuple[str, str]]:
    """(source, event type) of each event queue the worker consumes, in its producer's contract order."""
    bound = {(c["exchange"].removesuffix(".events"), c["routing_key"]) for c in event_consumers(worker)}
    order = [(source, event_type) for source, contract in BY_SOURCE.items() for event_type in contract.types]
    return sorted(bound, key=lambda binding: order.index(binding) if binding in order else -1)


@pytest.mark.parametrize("service", sorted(WORKERS))
def test_every_type_a_worker_binds_is_in_its_producers_contract(service):
    for consumer in event_consumers(worker_class(service)):
        source = consumer["exchange"].removesuffix(".events")
        assert source in BY_SOURCE, f"{consumer['queue']}: no contract for {source!r}"
        assert consumer["routing_key"] in BY_SOURCE[source].types, consumer["queue"]


def consumer_state(engine) -> dict[str, list[str]]:
    """Every row of the consumer's tables but its inbox and outbox (without the time they were written)."""
    with engine.connect() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names()
                  if t not in ("inbox", "outbox") and not t.startswith("alembic")]
        return {table: sorted(json.dumps({k: v for k, v in row._mapping.items() if k != "updated_at"},
                                         default=str, sort_keys=True)
                              for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')))
                for table in tables}


def purged(worker, amqp_uri):
    """The worker class, its event queues emptied: another consumer's test published to them too (room and
    moderation both bind identity's events), and what waits there would reach this test's worker."""
    with kombu.Connection(amqp_uri) as conn:
        for consumer in event_consumers(worker):
            try:
                kombu.Queue(consumer["queue"])(conn.channel()).purge()
            except Exception:  # the queue does not exist yet: nothing waits in it
                pass
    return worker


@pytest.fixture
def room_worker(room_engine, amqp_uri):
    """room's worker class, configured (through its settings) for the contract tier's database and vhost."""
    os.environ.update(ROOM_DATABASE_URL=room_engine.url.render_as_string(False), ROOM_AMQP_URI=amqp_uri)
    from room_service.entrypoints import nameko_service

    testing.truncate_all(room_engine)
    return purged(importlib.reload(nameko_service).RoomWorker, amqp_uri), room_engine


@pytest.fixture
def moderation_worker(moderation_engine, amqp_uri):
    """moderation's worker class, configured (through its settings) for the contract tier's database and vhost."""
    os.environ.update(MODERATION_DATABASE_URL=moderation_engine.url.render_as_string(False),
                      MODERATION_AMQP_URI=amqp_uri)
    from moderation_service.entrypoints import nameko_service

    testing.truncate_all(moderation_engine)
    return purged(importlib.reload(nameko_service).ModerationWorker, amqp_uri), moderation_engine


def applies_every_event_type_it_binds(service, worker, engine, container_factory, amqp_uri):
    bound = bindings(worker)
    assert bound, f"{service}'s worker binds no event"
    with testing.running_worker(container_factory, worker, amqp_uri):
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
        for seq, (source, event_type) in enumerate(bound, start=1):
            before = consumer_state(engine)
            dispatch(source, event_type, examples.envelope(source, event_type, seq))
            testing.eventually(lambda: consumer_state(engine) != before, timeout=10,
                               what=f"an effect of {source}'s {event_type} on {service}")


def test_room_applies_every_event_type_it_binds(room_worker, container_factory, amqp_uri):
    applies_every_event_type_it_binds("room", *room_worker, container_factory, amqp_uri)


def test_moderation_applies_every_event_type_it_binds(moderation_worker, container_factory, amqp_uri):
    applies_every_event_type_it_binds("moderation", *moderation_worker, container_factory, amqp_uri)


def test_room_dead_letters_an_event_that_breaks_its_contract_at_once(room_worker, container_factory, amqp_uri):
    worker, engine = room_worker
    malformed = examples.envelope("identity", "person_registered", 1)
    malformed["data"]["kind"] = "visitor"
    queue = "evt-identity-person_registered--room.on_person_registered"
    with testing.running_worker(container_factory, worker, amqp_uri):
        before = consumer_state(engine)
        event_dispatcher({"AMQP_URI": amqp_uri})("identity", "person_registered", malformed)
        with kombu.Connection(amqp_uri) as conn:
            dlq = kombu.Queue(f"dlq.{queue}")(conn.channel())
            dead = testing.eventually(lambda: dlq.get(no_ack=True), timeout=10, what="the dead-lettered event")
    assert dead.payload["event_id"] == malformed["event_id"]
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    assert consumer_state(engine) == before
