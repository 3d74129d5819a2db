"""Integration: a stopping gRPC server (real grpcio servers on loopback): health NOT_SERVING first, open streams
told at once to resume elsewhere, in-flight unary calls finished; the common client channel rides through it."""
from __future__ import annotations

import asyncio
import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from hearth_common.clients.channel import channel_target, open_channel
from hearth_common.grpc_server import DRAINING_MESSAGE, GrpcServer

SERVICE = "hearth.test.v1.DrainProbe"
TIMEOUT = 5.0
GRACE = 20.0  # long: every stop below must return well inside it


class Probe:
    def __init__(self):
        self.slow_started = threading.Event()
        self.slow_release = threading.Event()

    def echo(self, request, context):
        return request

    def slow(self, request, context):
        self.slow_started.set()
        self.slow_release.wait(timeout=15)  # bounded: a broken test cannot hang the run
        return b"finished"

    async def quiet(self, request, context):
        """A coroutine stream that sends one item, then waits (like a room with nobody posting)."""
        yield b"first"
        await asyncio.sleep(30)
        yield b"late"

    def ticking(self, request, context):
        """A threaded stream sending an item every 50 ms (bounded to about 15 s)."""
        for i in range(300):
            yield str(i).encode()
            time.sleep(0.05)


def registration(probe: Probe):
    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Echo": grpc.unary_unary_rpc_method_handler(probe.echo),
        "Slow": grpc.unary_unary_rpc_method_handler(probe.slow),
        "Quiet": grpc.unary_stream_rpc_method_handler(probe.quiet),
        "Ticking": grpc.unary_stream_rpc_method_handler(probe.ticking),
    })
    return (lambda servicer, server: server.add_generic_rpc_handlers((handler,)), None)


def serve(probe: Probe, asyncio_server: bool, address: str = "127.0.0.1:0") -> GrpcServer:
    return GrpcServer([registration(probe)], [SERVICE], address=address, asyncio=asyncio_server).start()


def call(channel, name):
    return channel.unary_unary(f"/{SERVICE}/{name}")


def stream(channel, name):
    return channel.unary_stream(f"/{SERVICE}/{name}")


def stopping(server: GrpcServer, **kwargs) -> tuple[threading.Thread, dict]:
    """Stops `server` in a thread; the dict gets how long the stop took."""
    took: dict = {}

    def run():
        started = time.monotonic()
        server.stop(GRACE, **kwargs)
        took["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, took


@pytest.fixture
def probe():
    p = Probe()
    yield p
    p.slow_release.set()


@pytest.mark.parametrize("asyncio_server", [False, True], ids=["threaded", "asyncio"])
def test_health_turns_not_serving_first_while_calls_are_still_served_during_the_drain_delay(probe, asyncio_server):
    server = serve(probe, asyncio_server)
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=TIMEOUT).status == \
            health_pb2.HealthCheckResponse.SERVING
        thread, took = stopping(server, drain_delay=1.0)
        try:
            deadline = time.monotonic() + TIMEOUT
            while health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=TIMEOUT).status != \
                    health_pb2.HealthCheckResponse.NOT_SERVING:
                assert time.monotonic() < deadline, "health never said NOT_SERVING"
                time.sleep(0.02)
            assert call(channel, "Echo")(b"still here", timeout=TIMEOUT) == b"still here"
        finally:
            thread.join(GRACE + 5)
    assert not thread.is_alive() and took["seconds"] < GRACE


@pytest.mark.parametrize(("asyncio_server", "method"), [(False, "Ticking"), (True, "Quiet")],
                         ids=["threaded", "asyncio"])
def test_an_open_stream_ends_at_once_with_unavailable_and_how_to_resume(probe, asyncio_server, method):
    server = serve(probe, asyncio_server)
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        responses = stream(channel, method)(b"", timeout=GRACE + 10)
        assert next(responses)  # the stream is open
        thread, took = stopping(server)
        with pytest.raises(grpc.RpcError) as ended:
            for _ in responses:
                pass
        thread.join(GRACE + 5)
    assert ended.value.code() == grpc.StatusCode.UNAVAILABLE
    assert ended.value.details() == DRAINING_MESSAGE and "after_seq" in DRAINING_MESSAGE
    assert not thread.is_alive() and took["seconds"] < GRACE  # not held for the grace


@pytest.mark.parametrize("asyncio_server", [False, True], ids=["threaded", "asyncio"])
def test_an_in_flight_unary_call_finishes_while_new_calls_are_refused(probe, asyncio_server):
    server = serve(probe, asyncio_server)
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        in_flight = call(channel, "Slow").future(b"", timeout=GRACE + 10)
        assert probe.slow_started.wait(TIMEOUT)
        thread, took = stopping(server)
        time.sleep(0.3)  # the stop has begun and waits for the call
        assert thread.is_alive()
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as fresh, pytest.raises(grpc.RpcError) as refused:
            call(fresh, "Echo")(b"", timeout=TIMEOUT)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        probe.slow_release.set()
        assert in_flight.result(timeout=TIMEOUT) == b"finished"
        thread.join(GRACE + 5)
    assert not thread.is_alive() and took["seconds"] < GRACE


def test_the_common_channel_keeps_answering_while_one_of_two_replicas_stops(probe):
    first, second = serve(probe, True), serve(probe, True)
    channel = open_channel([f"127.0.0.1:{first.port}", f"127.0.0.1:{second.port}"])
    try:
        echo = call(channel, "Echo")
        answers = [echo(str(i).encode(), timeout=TIMEOUT) for i in range(10)]
        thread, _ = stopping(first)
        answers += [echo(str(i).encode(), timeout=TIMEOUT) for i in range(10, 40)]  # none may fail
        thread.join(GRACE + 5)
        assert answers == [str(i).encode() for i in range(40)]
    finally:
        channel.close()
        second.stop(0)


def test_channel_target_names_every_replica():
    assert channel_target("room-grpc:50052") == "room-grpc:50052"
    assert channel_target("dns:///room-grpc:50052") == "dns:///room-grpc:50052"
    assert channel_target("127.0.0.1:1, 127.0.0.1:2") == "ipv4:127.0.0.1:1,127.0.0.1:2"
    assert channel_target(["127.0.0.1:1", "127.0.0.1:2"]) == "ipv4:127.0.0.1:1,127.0.0.1:2"


@pytest.mark.parametrize("asyncio_server", [False, True], ids=["threaded", "asyncio"])
def test_a_clients_health_watch_ends_with_the_server_and_holds_none_of_its_threads(probe, asyncio_server):
    server = serve(probe, asyncio_server)
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(), timeout=GRACE + 10)
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        started = time.monotonic()
        server.stop(GRACE)
        assert time.monotonic() - started < GRACE  # the watch did not hold the stop
        threads_done = threading.Thread(target=server.pool.shutdown, kwargs={"wait": True})
        threads_done.start()
        threads_done.join(TIMEOUT)  # a thread left waiting would keep the process from exiting
        assert not threads_done.is_alive()
