"""nameko fixtures for moderation (this directory runs in an eventlet-patched pytest process: make test-nameko)."""
import importlib
import os

import pytest

from hearth_common import testing


@pytest.fixture(scope="session")
def moderation_worker_module(moderation_db_url, amqp_uri):
    """moderation's nameko module, configured (through its settings) for the throwaway database and vhost."""
    os.environ.update(MODERATION_DATABASE_URL=moderation_db_url, MODERATION_AMQP_URI=amqp_uri)
    from moderation_service.entrypoints import nameko_service

    return importlib.reload(nameko_service)


@pytest.fixture
def worker(moderation_worker_module, container_factory, amqp_uri, clean_engine):
    """moderation's worker running in a nameko container on a clean database."""
    with testing.running_worker(container_factory, moderation_worker_module.ModerationWorker, amqp_uri) as container:
        yield container
