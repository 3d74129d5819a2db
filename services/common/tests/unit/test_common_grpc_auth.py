"""Unit tests of the gRPC authentication edge on real grpcio servers (threaded and asyncio): tokens verified once
per call before the handler, public methods, the caller for the handler, and the statuses of refusals."""
from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import time

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health_pb2, health_pb2_grpc

from hearth_common.grpc_server import Authentication, GrpcServer, caller
from hearth_common.tokens import TokenVerifier

SERVICE = "hearth.test.v1.GuardedService"
TIMEOUT = 5.0
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def token(person_id="person-1", minutes=5, key=KEY, kid="k1"):
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": now,
              "exp": now + dt.timedelta(minutes=minutes), "roles": [{"role": "admin", "room_id": None}]}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


def bearer(value):
    return (("authorization", f"Bearer {value}"),)


class Keys:
    """identity's key endpoint as the verifier sees it: can be made unreachable."""

    def __init__(self):
        self.down = False

    def __call__(self):
        if self.down:
            raise ConnectionError("identity is down")
        return {"k1": PEM}


class CountingVerifier(TokenVerifier):
    def __init__(self, keys):
        super().__init__(keys, issuer="hearth-identity", audience="hearth", min_refresh_interval=0.0)
        self.verified = 0

    def verify(self, token):
        self.verified += 1
        return super().verify(token)


def whoami(request, context):
    me = caller()
    return f"{me.person_id}:{','.join(r.role for r in me.roles)}".encode()


def public_whoami(request, context):
    try:
        return caller().person_id.encode()
    except RuntimeError:
        return b"nobody"


async def stream_whoami(request, context):
    for _ in range(3):
        await asyncio.sleep(0)
        yield caller().person_id.encode()


async def flood(request, context):
    """Items as fast as the client takes them: a cancel lands while one is being sent."""
    for i in range(100_000):
        yield caller().person_id.encode() * 64 + str(i).encode()


def plain_stream(request, context):
    yield caller().person_id.encode()


def registration(asyncio_server: bool):
    methods = {
        "Whoami": grpc.unary_unary_rpc_method_handler(whoami),
        "Open": grpc.unary_unary_rpc_method_handler(public_whoami),
        "Collect": grpc.stream_unary_rpc_method_handler(lambda requests, context: b"".join(requests) + whoami(
            None, context)),
    }
    if asyncio_server:
        methods |= {"Stream": grpc.unary_stream_rpc_method_handler(stream_whoami),
                    "Flood": grpc.unary_stream_rpc_method_handler(flood)}
    else:
        methods |= {"Stream": grpc.unary_stream_rpc_method_handler(plain_stream)}
    handler = grpc.method_handlers_generic_handler(SERVICE, methods)
    return (lambda servicer, server: server.add_generic_rpc_handlers((handler,)), None)


@pytest.fixture(scope="module")
def keys():
    return Keys()


@pytest.fixture(scope="module")
def verifier(keys):
    return CountingVerifier(keys)


@pytest.fixture(scope="module", params=[False, True], ids=["threaded", "asyncio"])
def server(request, verifier):
    srv = GrpcServer([registration(request.param)], [SERVICE], address="127.0.0.1:0", asyncio=request.param,
                     authentication=Authentication(verifier, {SERVICE: ["Open"]})).start()
    yield srv
    srv.stop(0)


@pytest.fixture(scope="module")
def channel(server):
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


@pytest.fixture(autouse=True)
def keys_up(keys):
    keys.down = False
    yield
    keys.down = False


def call(channel, method, metadata=None):
    return channel.unary_unary(f"/{SERVICE}/{method}")(b"", metadata=metadata, timeout=TIMEOUT)


def refusal(fn):
    with pytest.raises(grpc.RpcError) as info:
        fn()
    return info.value.code(), info.value.details()


def test_the_handler_learns_its_caller_from_the_verified_token(channel):
    assert call(channel, "Whoami", bearer(token("person-7"))) == b"person-7:admin"


def test_the_token_is_verified_once_per_call(channel, verifier):
    before = verifier.verified
    call(channel, "Whoami", bearer(token()))
    assert verifier.verified - before == 1


@pytest.mark.parametrize("metadata, words", [
    (None, "this call needs an access token: send 'authorization: Bearer <token>'"),
    (bearer("not-a-jwt"), "the access token is malformed; log in again"),
    (bearer(token(minutes=-5)), "the access token has expired; refresh it or log in again"),
    (bearer(token(key=Ed25519PrivateKey.generate())), "the access token is not valid (Signature verification"),
])
def test_a_missing_malformed_expired_or_forged_token_is_unauthenticated_before_the_handler_runs(channel, metadata,
                                                                                                 words):
    code, details = refusal(lambda: call(channel, "Whoami", metadata))
    assert code == grpc.StatusCode.UNAUTHENTICATED and details.startswith(words)


def test_keys_that_cannot_be_fetched_make_the_call_unavailable_not_unauthenticated(channel, keys):
    keys.down = True
    code, details = refusal(lambda: call(channel, "Whoami", bearer(token(kid="k-unknown"))))
    assert code == grpc.StatusCode.UNAVAILABLE and "retry" in details


def test_a_public_method_needs_no_token_and_has_no_caller(channel):
    assert call(channel, "Open") == b"nobody"
    assert call(channel, "Open", bearer("not-a-jwt")) == b"nobody"


def test_health_needs_no_token(channel):
    response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_streams_are_authenticated_too(channel):
    stream = channel.unary_stream(f"/{SERVICE}/Stream")
    assert set(stream(b"", metadata=bearer(token("person-9")), timeout=TIMEOUT)) == {b"person-9"}
    code, _ = refusal(lambda: list(stream(b"", timeout=TIMEOUT)))
    assert code == grpc.StatusCode.UNAUTHENTICATED
    collect = channel.stream_unary(f"/{SERVICE}/Collect")
    assert collect(iter([b"a", b"b"]), metadata=bearer(token("person-3")), timeout=TIMEOUT) == b"abperson-3:admin"
    code, _ = refusal(lambda: collect(iter([b"a"]), timeout=TIMEOUT))
    assert code == grpc.StatusCode.UNAUTHENTICATED


def test_a_stream_whose_keys_cannot_be_fetched_is_unavailable(channel, keys):
    keys.down = True
    stream = channel.unary_stream(f"/{SERVICE}/Stream")
    code, _ = refusal(lambda: list(stream(b"", metadata=bearer(token(kid="k-unknown")), timeout=TIMEOUT)))
    assert code == grpc.StatusCode.UNAVAILABLE


def test_cancelling_a_coroutine_stream_while_it_sends_logs_no_error(server, channel, caplog):
    if server.loop is None:
        pytest.skip("coroutine streams run on the asyncio server only")
    caplog.set_level(logging.INFO)
    method = f"/{SERVICE}/Flood"
    for _ in range(30):
        call = channel.unary_stream(method)(b"", metadata=bearer(token()), timeout=TIMEOUT)
        items = iter(call)
        next(items), next(items)
        call.cancel()
    deadline = time.monotonic() + 10
    while len([r for r in caplog.records if getattr(r, "grpc_method", None) == method]) < 30:
        assert time.monotonic() < deadline, "not every cancelled stream was logged"
        time.sleep(0.02)
    gc.collect()  # a task exception nobody retrieved is reported when the task is collected
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert {r.grpc_code for r in caplog.records if getattr(r, "grpc_method", None) == method} == {"CANCELLED"}


def test_caller_outside_an_authenticated_call_is_a_bug_not_an_anonymous_person():
    with pytest.raises(RuntimeError):
        caller()

