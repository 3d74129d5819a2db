"""Fixtures for tests/compose: the stack `make test-compose` brought up, reached from the host."""
import grpc
import pytest
from compose_helpers import replica_targets


@pytest.fixture(scope="session")
def grpc_targets():
    """host:port of each identity-grpc replica."""
    return replica_targets("identity-grpc", 50051)


@pytest.fixture(scope="session")
def channels(grpc_targets):
    chans = [grpc.insecure_channel(t) for t in grpc_targets]
    yield chans
    for c in chans:
        c.close()
