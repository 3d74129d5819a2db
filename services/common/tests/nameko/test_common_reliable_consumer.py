"""nameko: the reliable event handler retries a failing event, then dead-letters it; other events flow on; an
event met by a database outage waits for the database instead; an event that breaks its contract is
dead-lettered at once."""
import time
import uuid

import kombu
import pytest
from nameko.standalone.events import event_dispatcher
from sqlalchemy import exc as sa_exc

from hearth_common import testing
from hearth_common.contracts import InvalidEvent, identity
from hearth_common.nameko_deps import reliable_event_handler


def test_a_poison_event_is_retried_then_dead_lettered_and_others_still_flow(container_factory, amqp_uri):
    attempts, handled = [], []

    class ReadModel:
        name = "readmodel_test"

        @reliable_event_handler("identity", "badge_awarded", max_deliveries=3, retry_delay=0.05)
        def on_badge_awarded(self, envelope):
            if envelope["data"].get("poison"):
                attempts.append(envelope["event_id"])
                raise ValueError("cannot apply this event")
            handled.append(envelope["event_id"])

    container = container_factory(ReadModel, {"AMQP_URI": amqp_uri})
    container.start()
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    poison, good = str(uuid.uuid4()), str(uuid.uuid4())
    dispatch("identity", "badge_awarded", {"event_id": poison, "data": {"poison": True}})
    dispatch("identity", "badge_awarded", {"event_id": good, "data": {}})

    queue_name = "evt-identity-badge_awarded--readmodel_test.on_badge_awarded"
    dead = None
    deadline = time.monotonic() + 20
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{queue_name}")(conn.channel())
        while dead is None and time.monotonic() < deadline:
            dead = dlq.get(no_ack=True)
            time.sleep(0.05)
    container.stop()
    assert handled == [good]
    assert attempts == [poison] * 3
    assert dead is not None and dead.payload["event_id"] == poison


def test_an_event_met_by_a_database_outage_waits_for_the_database_and_is_not_dead_lettered(container_factory, amqp_uri):
    attempts, handled = [], []

    class ReadModel:
        name = "readmodel_outage_test"

        # Three deliveries at most, but the outage outlasts six attempts: only waiting in place gets it through.
        @reliable_event_handler("identity", "badge_awarded", max_deliveries=3, retry_delay=0.05, unavailable_wait=0.05)
        def on_badge_awarded(self, envelope):
            attempts.append(envelope["event_id"])
            if len(attempts) <= 6:
                raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
            handled.append(envelope["event_id"])

    container = container_factory(ReadModel, {"AMQP_URI": amqp_uri})
    container.start()
    event = str(uuid.uuid4())
    event_dispatcher({"AMQP_URI": amqp_uri})("identity", "badge_awarded", {"event_id": event, "data": {}})
    deadline = time.monotonic() + 20
    while not handled and time.monotonic() < deadline:
        time.sleep(0.05)
    queue_name = "evt-identity-badge_awarded--readmodel_outage_test.on_badge_awarded"
    with kombu.Connection(amqp_uri) as conn:
        dead = kombu.Queue(f"dlq.{queue_name}")(conn.channel()).get(no_ack=True)
    container.stop()
    assert handled == [event] and attempts == [event] * 7
    assert dead is None



def _dead_letter(amqp_uri, queue_name, timeout=20.0):
    """The first message in the queue's dead-letter queue, waiting for it up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{queue_name}")(conn.channel())
        while time.monotonic() < deadline:
            dead = dlq.get(no_ack=True)
            if dead is not None:
                return dead
            time.sleep(0.05)
    return None


def _badge_awarded(event_id, seq, **data):
    return {"event_id": event_id, "event_type": "badge_awarded", "source": "identity", "seq": seq,
            "data": {"person_id": str(uuid.uuid4()), "badge_slug": "first-post", **data}}


def test_an_event_that_breaks_its_contract_is_dead_lettered_at_once_with_its_reason_logged(
        container_factory, amqp_uri, caplog):
    handled = []

    class ReadModel:
        name = "readmodel_contract_test"

        @reliable_event_handler("identity", "badge_awarded", contract=identity.CONTRACT, max_deliveries=5)
        def on_badge_awarded(self, envelope):
            handled.append(envelope["event_id"])

    container = container_factory(ReadModel, {"AMQP_URI": amqp_uri})
    container.start()
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    malformed, good = str(uuid.uuid4()), str(uuid.uuid4())
    dispatch("identity", "badge_awarded", _badge_awarded(malformed, 1, badge_slug=None))
    dispatch("identity", "badge_awarded", _badge_awarded(good, 2))

    dead = _dead_letter(amqp_uri, "evt-identity-badge_awarded--readmodel_contract_test.on_badge_awarded")
    testing.eventually(lambda: handled, what="the good event handled")
    container.stop()
    assert handled == [good]
    assert dead is not None and dead.payload["event_id"] == malformed
    # Refused on its first delivery, not once the delivery limit ran out.
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    refusals = [r for r in caplog.records if r.getMessage().startswith("event refused as malformed")]
    assert [(r.event_id, r.reason) for r in refusals] == [
        (malformed, "badge_awarded: data.badge_slug must be a non-empty string of at most 64 characters")]


def test_a_handler_that_finds_an_event_malformed_is_not_run_again(container_factory, amqp_uri):
    attempts = []

    class ReadModel:
        name = "readmodel_refusing_test"

        @reliable_event_handler("identity", "badge_awarded", max_deliveries=3, retry_delay=0.05)
        def on_badge_awarded(self, envelope):
            attempts.append(envelope["event_id"])
            raise InvalidEvent("badge_awarded: data.badge_slug names no badge this consumer knows")

    container = container_factory(ReadModel, {"AMQP_URI": amqp_uri})
    container.start()
    event = str(uuid.uuid4())
    event_dispatcher({"AMQP_URI": amqp_uri})("identity", "badge_awarded", _badge_awarded(event, 1))
    dead = _dead_letter(amqp_uri, "evt-identity-badge_awarded--readmodel_refusing_test.on_badge_awarded")
    container.stop()
    assert dead is not None and dead.payload["event_id"] == event
    assert attempts == [event]


def test_binding_a_type_the_contract_does_not_name_fails_when_the_worker_class_is_defined():
    with pytest.raises(ValueError, match="identity.*badge_granted"):
        reliable_event_handler("identity", "badge_granted", contract=identity.CONTRACT)
    with pytest.raises(ValueError, match="room.*badge_awarded"):
        reliable_event_handler("room", "badge_awarded", contract=identity.CONTRACT)
