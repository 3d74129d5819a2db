"""Fixtures for tests/compose: the stack `make test-compose` brought up, reached from the host."""
import os
import shlex
import subprocess

import grpc
import pytest

COMPOSE = shlex.split(os.environ.get("COMPOSE", "docker-compose"))


def compose(*args: str, check: bool = True, timeout: float = 120) -> str:
    result = subprocess.run([*COMPOSE, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {result.stderr}")
    return result.stdout


def psql(sql: str, database: str = "identity", user: str = "postgres") -> str:
    return compose("exec", "-T", "postgres", "psql", "-U", user, "-d", database, "-tAc", sql).strip()


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
