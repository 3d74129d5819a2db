"""nameko: the reliable event handler retries a failing event, then dead-letters it; other events flow on; an
event met by a database outage waits for the database instead."""
import time
import uuid

import kombu
from nameko.standalone.events import event_dispatcher
from sqlalchemy import exc as sa_exc

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

