"""nameko fixtures for room (this directory runs in an eventlet-patched pytest process: make test-nameko)."""
import importlib
import os

import pytest

from hearth_common import testing


@pytest.fixture(scope="session")
def room_worker_module(room_db_url, amqp_uri):
    """room's nameko module, configured (through its settings) for the throwaway database and vhost."""
    os.environ.update(ROOM_DATABASE_URL=room_db_url, ROOM_AMQP_URI=amqp_uri, ROOM_SESSION_SWEEP_SECONDS="0.5")
    from room_service.entrypoints import nameko_service

    return importlib.reload(nameko_service)


@pytest.fixture
def worker(room_worker_module, container_factory, amqp_uri, rooms):
    """room's worker running in a nameko container on the clean, seeded database."""
    with testing.running_worker(container_factory, room_worker_module.RoomWorker, amqp_uri) as container:
        yield container
