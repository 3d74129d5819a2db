"""Shared pytest fixtures: real PostgreSQL databases and RabbitMQ vhosts for every test tier."""
import logging

import pytest

from hearth_common import db, testing


@pytest.fixture(scope="session")
def rabbit_vhost():
    vhost = testing.RabbitVhost().create()
    yield vhost
    vhost.delete()


@pytest.fixture(scope="session")
def amqp_uri(rabbit_vhost):
    return rabbit_vhost.uri


@pytest.fixture(autouse=True)
def _logging_restored():
    """A test that runs a command in-process (a migrate step, replay-events) configures logging as the process
    would: its handler writes to the stderr pytest captured for that test, closed once the test ends. Put back
    what was there, so later tests' records are neither lost nor reported as logging errors."""
    root = logging.getLogger()
    chatty = ("kombu", "amqp", "nameko", "alembic.runtime.migration")
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in chatty}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.fixture(autouse=True, scope="module")
def _idle_connections_released():
    """The engines a test module made give back their idle PostgreSQL connections when it ends (a disposed engine
    opens new ones if it is used again). Servers and stacks built in-process keep their pools until the garbage
    collector finds them, and the tiers run in one process: without this the shared server's 100 connections
    filled up with idle ones by the end-to-end tests."""
    before = {id(engine) for engine in db.made_engines()}
    yield
    for engine in db.made_engines():
        if id(engine) not in before:
            engine.dispose()
