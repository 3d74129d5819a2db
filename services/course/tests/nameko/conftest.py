"""nameko fixtures for course (this directory runs in an eventlet-patched pytest process: make test-nameko)."""
import importlib
import os

import pytest

from hearth_common import testing


@pytest.fixture(scope="session")
def course_worker_module(course_db_url, amqp_uri):
    """course's nameko module, configured (through its settings) for the throwaway database and vhost."""
    os.environ.update(COURSE_DATABASE_URL=course_db_url, COURSE_AMQP_URI=amqp_uri)
    from course_service.entrypoints import nameko_service

    return importlib.reload(nameko_service)


@pytest.fixture
def worker(course_worker_module, container_factory, amqp_uri, clean_engine):
    """course's worker running in a nameko container on a clean database."""
    with testing.running_worker(container_factory, course_worker_module.CourseWorker, amqp_uri) as container:
        yield container
