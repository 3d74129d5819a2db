"""Integration: the outbox relay publishes exactly what was committed to the real RabbitMQ, and loses nothing."""
import json

import kombu
import pytest
import sqlalchemy as sa

from hearth_common.outbox import OutboxRelay, event_exchange
from identity_service.adapters import orm
from identity_service.domain import errors
from identity_service.service_layer.services import Actor

ADULT_DOB = "1990-04-02"


@pytest.fixture
def event_queue(amqp_uri):
    """A durable queue bound to every identity event, drained by the test."""
    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue("test-identity-events", exchange=event_exchange("identity"), routing_key="#", durable=True)
        queue(conn.channel()).declare()
        queue(conn.channel()).purge()
        yield queue
        queue(conn.channel()).delete()


def drain(amqp_uri, queue):
    messages = []
    with kombu.Connection(amqp_uri) as conn:
        bound = queue(conn.channel())
        while (message := bound.get(no_ack=True)) is not None:
            messages.append(message)
    return messages


def unpublished(engine):
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.published_at.is_(None))
        ).scalar_one()


def committed_payloads(engine):
    """What a consumer should receive: each committed envelope plus its outbox sequence number."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(orm.outbox.c.seq, orm.outbox.c.payload).order_by(orm.outbox.c.seq))
        return [{**payload, "seq": seq} for seq, payload in rows]


def test_relay_publishes_exactly_what_was_committed_in_order(identity, clean_identity_db, amqp_uri, event_queue):
    alice = identity.register("Alice", "a long enough password", ADULT_DOB, "member")
    with pytest.raises(errors.UsernameTaken):  # rolled back: must never be published
        identity.register("alice", "a long enough password", ADULT_DOB, "member")
    identity.award_badge(Actor(service="course"), alice["id"], "first-post", "first message", "k1")
    relay = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    try:
        assert relay.publish_pending() == 2
        assert relay.publish_pending() == 0
    finally:
        relay.close()
    messages = drain(amqp_uri, event_queue)
    assert [json.loads(m.body) for m in messages] == committed_payloads(clean_identity_db)
    assert [m.delivery_info["routing_key"] for m in messages] == ["person_registered", "badge_awarded"]
    assert all(m.properties["delivery_mode"] == 2 for m in messages)
    assert unpublished(clean_identity_db) == 0


def test_broker_unreachable_keeps_events_until_it_returns(identity, clean_identity_db, amqp_uri, event_queue):
    identity.register("Bobby", "a long enough password", ADULT_DOB, "member")
    dead = OutboxRelay(clean_identity_db, orm.outbox, "identity", "amqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(Exception):
        dead.publish_pending()
    assert unpublished(clean_identity_db) == 1
    relay = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    try:
        assert relay.publish_pending() == 1
    finally:
        relay.close()
    assert [m.delivery_info["routing_key"] for m in drain(amqp_uri, event_queue)] == ["person_registered"]


def test_a_failure_mid_batch_republishes_rather_than_loses(identity, clean_identity_db, amqp_uri, event_queue):
    for name in ("Cyan", "Dina", "Eddy"):
        identity.register(name, "a long enough password", ADULT_DOB, "member")
    relay = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    producer = relay._ensure_producer()
    real_publish, calls = producer.publish, []

    def publish_then_crash(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("connection lost mid-batch")
        return real_publish(*args, **kwargs)

    producer.publish = publish_then_crash
    with pytest.raises(ConnectionError):
        relay.publish_pending()
    assert unpublished(clean_identity_db) == 3  # nothing is marked until the whole batch is confirmed
    relay.close()
    retry = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    try:
        assert retry.publish_pending() == 3
    finally:
        retry.close()
    ids = [json.loads(m.body)["event_id"] for m in drain(amqp_uri, event_queue)]
    assert set(ids) == {p["event_id"] for p in committed_payloads(clean_identity_db)}
    assert len(ids) == 5  # two delivered twice: at least once, never lost


def test_one_relay_publishes_at_a_time_so_events_leave_in_order(identity, clean_identity_db, amqp_uri, event_queue):
    for name in ("Fern", "Gale", "Hope"):
        identity.register(name, "a long enough password", ADULT_DOB, "member")
    first = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    second = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri)
    try:
        with clean_identity_db.begin() as conn:  # the first relay is mid-batch, holding the source's lock
            assert conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(first.lock_key))).scalar()
            assert second.publish_pending() == 0
        assert second.publish_pending() == 3  # it takes over once the lock is free
    finally:
        first.close()
        second.close()
    seqs = [json.loads(m.body)["seq"] for m in drain(amqp_uri, event_queue)]
    assert seqs == sorted(seqs) and len(seqs) == 3


def test_replay_publishes_the_published_events_again_as_they_first_went_out(identity, clean_identity_db, amqp_uri,
                                                                              event_queue):
    alice = identity.register("Alicia", "a long enough password", ADULT_DOB, "member")
    identity.award_badge(Actor(service="course"), alice["id"], "first-post", "first message", "k1")
    relay = OutboxRelay(clean_identity_db, orm.outbox, "identity", amqp_uri, batch_size=1)
    try:
        assert relay.publish_pending() == 1 and relay.publish_pending() == 1
        first = drain(amqp_uri, event_queue)
        identity.register("Bernard", "a long enough password", ADULT_DOB, "member")  # committed, not yet published

        assert relay.replay() == 2  # in batches of one; the unpublished event is the relay's, not the replay's
        again = drain(amqp_uri, event_queue)
        assert [json.loads(m.body) for m in again] == [json.loads(m.body) for m in first] == committed_payloads(
            clean_identity_db)[:2]
        assert [(m.delivery_info["routing_key"], m.properties["message_id"]) for m in again] == [
            (m.delivery_info["routing_key"], m.properties["message_id"]) for m in first]
        assert unpublished(clean_identity_db) == 1

        badge_seq = committed_payloads(clean_identity_db)[1]["seq"]
        assert relay.replay(from_seq=badge_seq) == 1
        assert relay.replay(event_types=["person_registered"]) == 1
        assert [m.delivery_info["routing_key"] for m in drain(amqp_uri, event_queue)] == [
            "badge_awarded", "person_registered"]
    finally:
        relay.close()
