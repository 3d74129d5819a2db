"""nameko test fixtures (this directory runs in an eventlet-patched pytest process: make test-nameko)."""
import importlib
import os
import time

import kombu
import pytest

from hearth_common import testing
from hearth_common.outbox import event_exchange


@pytest.fixture(scope="session")
def worker_module(identity_db_url, amqp_uri):
    """identity's nameko module, configured (through its settings) for the throwaway database and vhost."""
    os.environ.update(
        IDENTITY_DATABASE_URL=identity_db_url,
        IDENTITY_AMQP_URI=amqp_uri,
        IDENTITY_ARGON2_TIME_COST="1",
        IDENTITY_ARGON2_MEMORY_KIB="1024",
        IDENTITY_KEY_PASSPHRASE="test-passphrase",
        IDENTITY_COHORT_CHECK_INTERVAL_SECONDS="0.5",
    )
    from identity_service.entrypoints import nameko_service

    return importlib.reload(nameko_service)


@pytest.fixture
def worker(worker_module, container_factory, amqp_uri, identity):
    with testing.running_worker(container_factory, worker_module.IdentityWorker, amqp_uri) as container:
        yield container


@pytest.fixture
def identity_events(amqp_uri):
    """Collects identity events from a queue bound to the events exchange."""
    connection = kombu.Connection(amqp_uri)
    queue = kombu.Queue("test-worker-identity-events", exchange=event_exchange("identity"), routing_key="#")
    bound = queue(connection.channel())
    bound.declare()
    bound.purge()

    class Events:
        def __init__(self):
            self.seen = []

        def _take_one(self):
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                self.seen.append(message)

        def wait_for(self, predicate, timeout=10.0):
            """Collects events until predicate(all seen so far) holds."""
            deadline = time.monotonic() + timeout
            while not predicate(self.seen):
                if time.monotonic() > deadline:
                    raise AssertionError(f"events not seen in {timeout}s; got {self.types()}")
                self._take_one()
            return self.seen

        def settle(self, quiet=1.0):
            """Collects whatever else arrives within `quiet` seconds (to catch duplicates)."""
            deadline = time.monotonic() + quiet
            while time.monotonic() < deadline:
                self._take_one()
            return self.seen

        def types(self):
            return [m.delivery_info["routing_key"] for m in self.seen]

        def of_type(self, event_type):
            return [m for m in self.seen if m.delivery_info["routing_key"] == event_type]

    yield Events()
    bound.delete()
    connection.release()
