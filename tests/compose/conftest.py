"""Fixtures for tests/compose: the stack `make test-compose` brought up, reached from the host."""
import grpc
import pytest
from compose_helpers import compose


@pytest.fixture(scope="session")
def grpc_targets():
    """host:port of each identity-grpc replica."""
    targets = []
    for index in (1, 2):
        out = compose("port", "--index", str(index), "identity-grpc", "50051").strip()
        targets.append("127.0.0.1:" + out.rsplit(":", 1)[1])
    return targets


@pytest.fixture(scope="session")
def channels(grpc_targets):
    chans = [grpc.insecure_channel(t) for t in grpc_targets]
    yield chans
    for c in chans:
        c.close()
