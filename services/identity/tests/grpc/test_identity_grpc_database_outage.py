"""gRPC: identity-grpc with its database cut (through a TcpProxy in front of the real PostgreSQL) answers
UNAVAILABLE before the caller's deadline, reports NOT_SERVING, and serves again by itself once it is back."""
import dataclasses
from concurrent import futures

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common import testing
from hearth_common.db import DatabaseReadiness
from identity_service.bootstrap import build_service
from identity_service.entrypoints.grpc_server import build_server, make_grpc_engine

DEADLINE = 5
PASSWORD = "a long enough password"


@pytest.fixture
def proxy(identity_db_url):
    proxy = testing.TcpProxy.in_front_of(identity_db_url)
    yield proxy
    proxy.close()


@pytest.fixture
def served(identity_settings, identity, room_catalogue, proxy):
    """identity-grpc as its main() starts it, its database reached through the proxy, with two call threads."""
    settings = dataclasses.replace(identity_settings, database_url=proxy.url(identity_settings.database_url),
                                   grpc_workers=2)
    engine = make_grpc_engine(settings)
    server = build_server(settings, build_service(settings, engine, rooms=room_catalogue))
    server.start(readiness=DatabaseReadiness.from_settings(engine, settings))
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield identity_pb2_grpc.IdentityServiceStub(channel), health_pb2_grpc.HealthStub(channel)
    server.stop(grace=1)
    engine.dispose()


def register(stub, username) -> grpc.StatusCode:
    request = pb.RegisterRequest(username=username, password=PASSWORD, date_of_birth="1990-04-02",
                                 kind=pb.PERSON_KIND_MEMBER)
    try:
        stub.Register(request, timeout=DEADLINE)
        return grpc.StatusCode.OK
    except grpc.RpcError as error:
        return error.code()


def health(health_stub):
    return health_stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=DEADLINE).status


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
def test_registrations_while_the_database_is_cut_answer_unavailable_and_are_not_written(served, proxy, cut):
    stub, health_stub = served
    assert register(stub, "before_cut") == grpc.StatusCode.OK

    getattr(proxy, cut)()
    names = [f"cut_{i}" for i in range(40)]  # twenty times the server's call threads
    with futures.ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda name: register(stub, name), names))
    assert set(codes) == {grpc.StatusCode.UNAVAILABLE}, codes
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.NOT_SERVING, timeout=DEADLINE,
                       what="health to report NOT_SERVING")

    proxy.restore()
    testing.eventually(lambda: register(stub, "after_cut") == grpc.StatusCode.OK, timeout=DEADLINE, interval=0.2,
                       what="a registration to succeed again")
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.SERVING, timeout=DEADLINE,
                       what="health to report SERVING")
    assert register(stub, "before_cut") == grpc.StatusCode.ALREADY_EXISTS
    assert {register(stub, name) for name in names[:5]} == {grpc.StatusCode.OK}  # none of them was written


def test_a_database_that_closes_its_connections_shows_as_not_serving_without_any_call(served, proxy):
    """Health learns of a stop or a restart from the connection it holds open (closed under it), not from a poll:
    the health interval (10 s) is longer than the wait here."""
    stub, health_stub = served
    assert health(health_stub) == health_pb2.HealthCheckResponse.SERVING
    proxy.refuse()
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.NOT_SERVING, timeout=DEADLINE,
                       what="health to report NOT_SERVING")
    proxy.restore()
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.SERVING, timeout=DEADLINE,
                       what="health to report SERVING")
    assert register(stub, "after_restart") == grpc.StatusCode.OK
