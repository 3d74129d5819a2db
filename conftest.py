"""Shared pytest fixtures: real PostgreSQL databases and RabbitMQ vhosts for every test tier."""
import pytest
from hearth_common import testing


@pytest.fixture(scope="session")
def rabbit_vhost():
    vhost = testing.RabbitVhost().create()
    yield vhost
    vhost.delete()


@pytest.fixture(scope="session")
def amqp_uri(rabbit_vhost):
    return rabbit_vhost.uri
