"""Unit tests of the gRPC server scaffolding on a real grpcio server: errors, request ids, health, reflection, stop."""
from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

import grpc
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from hearth_common import errors
from hearth_common.db import database_unavailable
from hearth_common.grpc_server import GrpcServer, bearer_token, metadata_value, status_for
from hearth_common.logging import current_request_id

SERVICE = "hearth.test.v1.ProbeService"
OTHER_SERVICE = "hearth.test.v1.OtherService"
TIMEOUT = 5.0

CATEGORY_STATUS = [
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
]


class RoomIsFull(errors.FailedPrecondition):
    """A service-specific error: must map through its category."""


class TooManyMessages(errors.ResourceExhausted):
    pass


ERRORS_BY_NAME = {cls.__name__: cls for cls, _ in CATEGORY_STATUS} | {
    "RoomIsFull": RoomIsFull,
    "DomainError": errors.DomainError,
}


class Probe:
    """Behaviours behind the generic handler; bytes in, bytes out."""

    def __init__(self):
        self.slow_started = threading.Event()
        self.slow_release = threading.Event()

    def echo(self, request, context):
        return request

    def fail(self, request, context):
        name = request.decode()
        if name == "ResourceExhausted":
            raise errors.ResourceExhausted("slow down, please", retry_after_seconds=2.5)
        if name == "TooManyMessages":
            raise TooManyMessages("you are posting too fast", retry_after_seconds=0.25)
        if name == "ResourceExhaustedNoHint":
            raise errors.ResourceExhausted("limit reached")
        raise ERRORS_BY_NAME[name](f"the {name} message for a person")

    def boom(self, request, context):
        raise RuntimeError("database exploded")

    def whoami(self, request, context):
        return (current_request_id() or "").encode()

    def token(self, request, context):
        return bearer_token(context).encode()

    def slow(self, request, context):
        self.slow_started.set()
        # Bounded: a broken test cannot hang the run.
        self.slow_release.wait(timeout=10)
        return b"done"

    def stream(self, request, context):
        yield (current_request_id() or "").encode()
        yield b"two"
        if request == b"fail":
            raise errors.NotFound("no more items")

    def forever(self, request, context):
        # Bounded so a broken test cannot hang the run: at most about 10 s of items.
        for i in range(1000):
            yield str(i).encode()
            time.sleep(0.01)

    def collect(self, request_iterator, context):
        items = [r for r in request_iterator]
        if b"bad" in items:
            raise errors.InvalidArgument("a bad item was sent")
        return b"+".join(items)

    def chat(self, request_iterator, context):
        for item in request_iterator:
            if item == b"forbidden":
                raise errors.PermissionDenied("you may not say that")
            yield item.upper()


def registration(probe: Probe, service: str = SERVICE):
    handler = grpc.method_handlers_generic_handler(
        service,
        {
            "Echo": grpc.unary_unary_rpc_method_handler(probe.echo),
            "Fail": grpc.unary_unary_rpc_method_handler(probe.fail),
            "Boom": grpc.unary_unary_rpc_method_handler(probe.boom),
            "Whoami": grpc.unary_unary_rpc_method_handler(probe.whoami),
            "Token": grpc.unary_unary_rpc_method_handler(probe.token),
            "Slow": grpc.unary_unary_rpc_method_handler(probe.slow),
            "Stream": grpc.unary_stream_rpc_method_handler(probe.stream),
            "Forever": grpc.unary_stream_rpc_method_handler(probe.forever),
            "Collect": grpc.stream_unary_rpc_method_handler(probe.collect),
            "Chat": grpc.stream_stream_rpc_method_handler(probe.chat),
        },
    )
    return (lambda servicer, server: server.add_generic_rpc_handlers((handler,)), None)


def unary(channel, name, service=SERVICE):
    return channel.unary_unary(f"/{service}/{name}")


@pytest.fixture(scope="module")
def probe():
    return Probe()


@pytest.fixture(scope="module", params=[False, True], ids=["threaded", "asyncio"])
def server(probe, request):
    srv = GrpcServer([registration(probe)], [SERVICE, OTHER_SERVICE], address="127.0.0.1:0",
                     asyncio=request.param).start()
    yield srv
    probe.slow_release.set()
    srv.stop(0)


@pytest.fixture(scope="module")
def channel(server):
    ch = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    yield ch
    ch.close()


# --- successful calls and request ids -----------------------------------------------------------------------


def test_server_binds_an_ephemeral_port(server):
    assert server.port > 0


def test_unary_call_round_trips_bytes(channel):
    assert unary(channel, "Echo")(b"hello hearth", timeout=TIMEOUT) == b"hello hearth"


def test_response_carries_generated_request_id_matching_the_contextvar(channel):
    body, call = unary(channel, "Whoami").with_call(b"", timeout=TIMEOUT)

    # A call with one answer carries it in the trailing metadata, which goes with the answer (initial metadata
    # a handler sets would be sent by itself first: a batch more per call).
    trailers = dict(call.trailing_metadata())
    assert "x-request-id" in trailers and "x-request-id" not in dict(call.initial_metadata())
    assert len(trailers["x-request-id"]) >= 16
    # The handler saw the same id in the logging contextvar.
    assert body.decode() == trailers["x-request-id"]


def test_each_call_without_request_id_gets_a_fresh_one(channel):
    first, _ = unary(channel, "Whoami").with_call(b"", timeout=TIMEOUT)
    second, _ = unary(channel, "Whoami").with_call(b"", timeout=TIMEOUT)

    assert first and second and first != second


@pytest.mark.parametrize("supplied", ["req-123", "A.b_c-9", "x" * 64])
def test_valid_supplied_request_id_is_echoed(channel, supplied):
    body, call = unary(channel, "Whoami").with_call(b"", metadata=(("x-request-id", supplied),), timeout=TIMEOUT)

    assert dict(call.trailing_metadata())["x-request-id"] == supplied
    assert body.decode() == supplied


@pytest.mark.parametrize("supplied", ["has space", "x" * 65, "semi;colon", "slash/../", "a{b}"])
def test_invalid_supplied_request_id_is_replaced(channel, supplied):
    body, call = unary(channel, "Whoami").with_call(b"", metadata=(("x-request-id", supplied),), timeout=TIMEOUT)

    replaced = dict(call.trailing_metadata())["x-request-id"]
    assert replaced != supplied
    assert replaced and all(c.isalnum() or c in "._-" for c in replaced)
    assert body.decode() == replaced


def test_error_response_still_carries_request_id(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"NotFound", metadata=(("x-request-id", "trace-me"),), timeout=TIMEOUT)

    assert dict(info.value.trailing_metadata())["x-request-id"] == "trace-me"


# --- domain errors to statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize("error_cls, code", CATEGORY_STATUS[:-1], ids=lambda v: getattr(v, "__name__", str(v)))
def test_domain_error_category_maps_to_status_with_message_as_details(channel, error_cls, code):
    name = error_cls.__name__
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(name.encode(), timeout=TIMEOUT)

    assert info.value.code() == code
    assert info.value.details() == f"the {name} message for a person"


def test_service_specific_error_maps_through_its_category(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"RoomIsFull", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == "the RoomIsFull message for a person"


def test_uncategorised_domain_error_is_failed_precondition(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"DomainError", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == "the DomainError message for a person"


def test_resource_exhausted_sets_retry_after_trailer(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"ResourceExhausted", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert info.value.details() == "slow down, please"
    trailers = dict(info.value.trailing_metadata())
    assert float(trailers["retry-after"]) == pytest.approx(2.5)
    assert trailers["x-request-id"]  # kept beside it


def test_resource_exhausted_subclass_sets_retry_after_trailer(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"TooManyMessages", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert float(dict(info.value.trailing_metadata())["retry-after"]) == pytest.approx(0.25)


def test_resource_exhausted_without_hint_has_no_retry_after(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Fail")(b"ResourceExhaustedNoHint", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "retry-after" not in dict(info.value.trailing_metadata() or ())


def test_unexpected_exception_is_internal(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Boom")(b"", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.INTERNAL
    assert "request id" in info.value.details()


def test_unexpected_exception_does_not_leak_its_message_to_the_client(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "Boom")(b"", timeout=TIMEOUT)

    assert "database exploded" not in (info.value.details() or "")


def test_server_keeps_serving_after_an_unexpected_exception(channel):
    with pytest.raises(grpc.RpcError):
        unary(channel, "Boom")(b"", timeout=TIMEOUT)

    assert unary(channel, "Echo")(b"still here", timeout=TIMEOUT) == b"still here"


def test_unknown_method_is_unimplemented(channel):
    with pytest.raises(grpc.RpcError) as info:
        unary(channel, "NoSuchMethod")(b"", timeout=TIMEOUT)

    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


# --- streaming shapes go through the same scaffolding -------------------------------------------------------


def test_unary_stream_yields_items_with_request_id(channel):
    call = channel.unary_stream(f"/{SERVICE}/Stream")(b"ok", metadata=(("x-request-id", "stream-1"),), timeout=TIMEOUT)

    assert list(call) == [b"stream-1", b"two"]
    assert dict(call.initial_metadata())["x-request-id"] == "stream-1"


def test_unary_stream_domain_error_after_items_maps_to_status(channel):
    call = channel.unary_stream(f"/{SERVICE}/Stream")(b"fail", timeout=TIMEOUT)
    received = []
    with pytest.raises(grpc.RpcError) as info:
        for item in call:
            received.append(item)

    assert received[1:] == [b"two"]
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert info.value.details() == "no more items"


def test_stream_unary_success_and_domain_error(channel):
    collect = channel.stream_unary(f"/{SERVICE}/Collect")

    body, call = collect.with_call(iter([b"a", b"b", b"c"]), timeout=TIMEOUT)
    assert body == b"a+b+c"
    assert "x-request-id" in dict(call.trailing_metadata())

    with pytest.raises(grpc.RpcError) as info:
        collect(iter([b"a", b"bad"]), timeout=TIMEOUT)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "a bad item was sent"


def test_stream_stream_success_and_domain_error(channel):
    chat = channel.stream_stream(f"/{SERVICE}/Chat")

    assert list(chat(iter([b"hi", b"there"]), timeout=TIMEOUT)) == [b"HI", b"THERE"]

    call = chat(iter([b"ok", b"forbidden", b"never"]), timeout=TIMEOUT)
    received = []
    with pytest.raises(grpc.RpcError) as info:
        for item in call:
            received.append(item)
    assert received == [b"OK"]
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert info.value.details() == "you may not say that"


# --- access log ---------------------------------------------------------------------------------------------


def _access_records(caplog, method):
    return [r for r in caplog.records if r.getMessage() == "grpc call" and getattr(r, "grpc_method", None) == method]


def _wait_for_access_record(caplog, method, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = _access_records(caplog, method)
        if records:
            return records[-1]
        time.sleep(0.02)
    return None


def test_access_log_line_names_method_and_code(channel, caplog):
    caplog.set_level(logging.INFO, logger="hearth_common.grpc_server")

    unary(channel, "Echo")(b"x", timeout=TIMEOUT)
    with pytest.raises(grpc.RpcError):
        unary(channel, "Fail")(b"PermissionDenied", timeout=TIMEOUT)

    ok = _wait_for_access_record(caplog, f"/{SERVICE}/Echo")
    denied = _wait_for_access_record(caplog, f"/{SERVICE}/Fail")  # on asyncio: logged once the status is sent
    assert ok is not None and ok.grpc_code == "OK"
    assert denied is not None and denied.grpc_code == "PERMISSION_DENIED"
    assert isinstance(denied.duration_ms, float) and denied.duration_ms >= 0


def test_unexpected_exception_is_logged_as_error_with_traceback(channel, caplog):
    caplog.set_level(logging.INFO, logger="hearth_common.grpc_server")

    with pytest.raises(grpc.RpcError):
        unary(channel, "Boom")(b"", timeout=TIMEOUT)

    errors_logged = [r for r in caplog.records if r.levelno == logging.ERROR and "Boom" in r.getMessage()]
    assert errors_logged and errors_logged[-1].exc_info[0] is RuntimeError
    assert _wait_for_access_record(caplog, f"/{SERVICE}/Boom").grpc_code == "INTERNAL"


def test_client_cancelling_a_stream_is_not_logged_as_an_unhandled_error(server, channel, caplog):
    if server.loop is not None:
        pytest.skip("a plain generator on the asyncio server runs in a pool thread that a cancel does not stop; "
                    "streams there are coroutines (room's Subscribe, tested in room's gRPC tests)")
    caplog.set_level(logging.INFO, logger="hearth_common.grpc_server")
    method = f"/{SERVICE}/Forever"

    call = channel.unary_stream(method)(b"", timeout=TIMEOUT)
    items = iter(call)
    assert next(items) == b"0"
    call.cancel()

    record = _wait_for_access_record(caplog, method)
    assert record is not None, "no access-log line for the cancelled stream"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.grpc_code == "CANCELLED"


def test_domain_errors_are_not_logged_as_errors(channel, caplog):
    caplog.set_level(logging.INFO, logger="hearth_common.grpc_server")

    with pytest.raises(grpc.RpcError):
        unary(channel, "Fail")(b"NotFound", timeout=TIMEOUT)

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- health and reflection ----------------------------------------------------------------------------------


def _health(channel, service=""):
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)


def test_health_reports_serving_after_start_and_not_serving_after_set_serving_false(probe):
    srv = GrpcServer([registration(probe)], [SERVICE, OTHER_SERVICE], address="127.0.0.1:0").start()
    ch = grpc.insecure_channel(f"127.0.0.1:{srv.port}")
    try:
        for name in ("", SERVICE, OTHER_SERVICE):
            assert _health(ch, name).status == health_pb2.HealthCheckResponse.SERVING

        srv.set_serving(False)
        for name in ("", SERVICE, OTHER_SERVICE):
            assert _health(ch, name).status == health_pb2.HealthCheckResponse.NOT_SERVING

        srv.set_serving(True)
        assert _health(ch, SERVICE).status == health_pb2.HealthCheckResponse.SERVING
    finally:
        ch.close()
        srv.stop(0)


def test_health_of_unregistered_service_is_not_found(channel):
    with pytest.raises(grpc.RpcError) as info:
        _health(channel, "hearth.nobody.v1.NobodyService")

    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_calls_are_not_wrapped_with_request_ids(channel):
    _, call = health_pb2_grpc.HealthStub(channel).Check.with_call(
        health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT
    )

    assert "x-request-id" not in dict(call.initial_metadata()) | dict(call.trailing_metadata())


def test_reflection_lists_service_names(channel):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    responses = list(
        stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=TIMEOUT)
    )

    assert len(responses) == 1
    names = {s.name for s in responses[0].list_services_response.service}
    assert names == {SERVICE, OTHER_SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}


# --- graceful stop ------------------------------------------------------------------------------------------


def test_stop_lets_in_flight_call_finish_and_refuses_new_calls():
    probe = Probe()
    srv = GrpcServer([registration(probe)], [SERVICE], address="127.0.0.1:0").start()
    target = f"127.0.0.1:{srv.port}"
    ch = grpc.insecure_channel(target)
    stopper = threading.Thread(target=srv.stop, args=(10.0,))
    try:
        in_flight = unary(ch, "Slow").future(b"", timeout=15)
        assert probe.slow_started.wait(timeout=10), "slow handler never started"

        stopper.start()

        # During the grace period new calls are refused (bounded wait for stop to take effect).
        refused = None
        deadline = time.monotonic() + 10
        while refused is None and time.monotonic() < deadline:
            fresh = grpc.insecure_channel(target)
            try:
                unary(fresh, "Echo")(b"new", timeout=1)
            except grpc.RpcError as exc:
                refused = exc
            finally:
                fresh.close()
            if refused is None:
                time.sleep(0.02)
        assert refused is not None, "new calls kept being accepted after stop()"
        # grpcio cancels RPCs that arrive while shutting down, or the connection is refused outright.
        assert refused.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE)
        assert not in_flight.done()

        probe.slow_release.set()
        assert in_flight.result(timeout=10) == b"done"
        stopper.join(timeout=10)
        assert not stopper.is_alive()

        # After stop has returned, calls are refused too.
        fresh = grpc.insecure_channel(target)
        try:
            with pytest.raises(grpc.RpcError) as info:
                unary(fresh, "Echo")(b"late", timeout=2)
            assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        finally:
            fresh.close()
    finally:
        probe.slow_release.set()
        ch.close()
        if stopper.is_alive():
            stopper.join(timeout=10)
        srv.stop(0)


def test_stop_with_a_sleeping_call_completes_it():
    """The plain shape of the brief: a handler sleeping 0.5 s completes although stop() is called meanwhile."""
    started = threading.Event()

    def sleepy(request, context):
        started.set()
        time.sleep(0.5)
        return b"slept"

    handler = grpc.method_handlers_generic_handler(SERVICE, {"Sleepy": grpc.unary_unary_rpc_method_handler(sleepy)})
    srv = GrpcServer(
        [(lambda s, server: server.add_generic_rpc_handlers((handler,)), None)], [SERVICE], address="127.0.0.1:0"
    ).start()
    ch = grpc.insecure_channel(f"127.0.0.1:{srv.port}")
    try:
        in_flight = unary(ch, "Sleepy").future(b"", timeout=15)
        assert started.wait(timeout=10)
        srv.stop(10.0)
        assert in_flight.result(timeout=10) == b"slept"
    finally:
        ch.close()


# --- bearer token parsing -----------------------------------------------------------------------------------


def fake_context(metadata):
    return SimpleNamespace(invocation_metadata=lambda: metadata)


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ((("authorization", "Bearer abc.def.ghi"),), "abc.def.ghi"),
        ((("authorization", "bearer abc"),), "abc"),
        ((("authorization", "BEARER abc"),), "abc"),
        ((("authorization", "Bearer   padded  "),), "padded"),
        ((("authorization", "Basic dXNlcjpwYXNz"),), ""),
        ((("authorization", "Bearer"),), ""),
        ((("authorization", "abc.def.ghi"),), ""),
        ((("authorization", ""),), ""),
        ((("x-request-id", "r1"),), ""),
        ((), ""),
        (None, ""),
    ],
)
def test_bearer_token_parsing(metadata, expected):
    assert bearer_token(fake_context(metadata)) == expected


def test_metadata_value_returns_first_match_or_none():
    ctx = fake_context((("a", "1"), ("b", "2"), ("a", "3")))

    assert metadata_value(ctx, "a") == "1"
    assert metadata_value(ctx, "b") == "2"
    assert metadata_value(ctx, "c") is None


@pytest.mark.parametrize(
    "header, expected",
    [("Bearer tok-123", "tok-123"), ("bearer tok-456", "tok-456"), ("Basic creds", ""), (None, "")],
)
def test_bearer_token_over_a_real_call(channel, header, expected):
    metadata = (("authorization", header),) if header is not None else None

    assert unary(channel, "Token")(b"", metadata=metadata, timeout=TIMEOUT).decode() == expected


@pytest.mark.parametrize("error_cls, code", CATEGORY_STATUS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_status_for_each_category(error_cls, code):
    assert status_for(error_cls("m")) == code


def test_status_for_subclass_and_plain_domain_error():
    assert status_for(RoomIsFull("m")) == grpc.StatusCode.FAILED_PRECONDITION
    assert status_for(errors.DomainError("m")) == grpc.StatusCode.FAILED_PRECONDITION


def _refusal_of_a_handler_raising(error: Exception) -> grpc.RpcError:
    """What a client gets from a method whose handler raises `error`."""

    def handler(request, context):
        raise error

    generic = grpc.method_handlers_generic_handler("t.Db", {"Q": grpc.unary_unary_rpc_method_handler(handler)})
    srv = GrpcServer([(lambda s, server: server.add_generic_rpc_handlers((generic,)), None)], [], address="127.0.0.1:0")
    srv.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{srv.port}") as ch:
            with pytest.raises(grpc.RpcError) as info:
                ch.unary_unary("/t.Db/Q")(b"", timeout=5)
        return info.value
    finally:
        srv.stop(0)


def test_an_unreachable_database_is_unavailable_not_internal():
    refusal = _refusal_of_a_handler_raising(
        sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("db host 10.0.0.5 refused")))
    assert refusal.code() == grpc.StatusCode.UNAVAILABLE
    assert "retry" in refusal.details() and "10.0.0.5" not in refusal.details()



class _DriverError(Exception):
    def __init__(self, pgcode):
        super().__init__("driver error")
        self.pgcode = pgcode


@pytest.mark.parametrize("error, code", [
    (sa.exc.OperationalError("UPDATE", {}, _DriverError("40P01")), grpc.StatusCode.UNAVAILABLE),
    (sa.exc.TimeoutError("QueuePool limit of size 5 overflow 5 reached"), grpc.StatusCode.UNAVAILABLE),
    (sa.exc.OperationalError("SELECT", {}, _DriverError("57014")), grpc.StatusCode.INTERNAL),
    (sa.exc.IntegrityError("INSERT", {}, _DriverError("23505")), grpc.StatusCode.INTERNAL),
], ids=["deadlock", "pool-exhausted", "statement-timeout", "constraint"])
def test_a_database_failure_is_unavailable_exactly_when_the_one_classifier_says_it_passes(error, code):
    """gRPC answers UNAVAILABLE (retry) for what db.database_unavailable calls passing, as nameko handlers wait."""
    assert _refusal_of_a_handler_raising(error).code() == code
    assert database_unavailable(error) is (code == grpc.StatusCode.UNAVAILABLE)
