"""gRPC: hostile input to room's real grpc.aio server (PostgreSQL behind it) is refused at the edge, cheaply:
garbage bytes and oversized fields are INVALID_ARGUMENT, before authentication, with one warning line each."""
import dataclasses
import logging
import time

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc
from test_room_grpc_api import PEM, T, known_person, token_for

from hearth_common.testing import eventually
from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server

GARBAGE = [b"\xff\xff\xff\xff", b"\x0a\x05ab", b"\x0a\x02\xff\xfe"]  # corrupt wire format; bad UTF-8 in a string


@pytest.fixture
def server(room_settings, room_engine, rooms, amqp_uri):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    srv, live = build_server(dataclasses.replace(room_settings, amqp_uri=amqp_uri), room_engine, verifier)
    live.start()
    srv.start()
    yield srv
    srv.stop(grace=1)
    live.stop()


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


def raw(channel, method):
    """A caller sending whatever bytes it likes to a method, reading the answer as the method's response."""
    return channel.unary_unary(f"/hearth.room.v1.RoomService/{method}", request_serializer=None,
                               response_deserializer=lambda data: data)


def refused(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as info:
        call(*args, timeout=T, **kwargs)
    return info.value.code(), info.value.details()


def edge_lines(caplog):
    """What the call left in the log at warning or above, and the server's lines about calls (grpc.aio sends
    the status before the call's line is written: waited for)."""
    eventually(lambda: [r for r in caplog.records if r.name == "hearth_common.grpc_server"], timeout=5)
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    calls = [r for r in caplog.records if r.name == "hearth_common.grpc_server"]
    return loud, calls


@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_bytes_are_invalid_argument_before_authentication_with_one_warning(channel, caplog, garbage):
    caplog.set_level(logging.INFO)
    code, details = refused(raw(channel, "PostMessage"), garbage)  # no token at all
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details == "the request is not a valid hearth.room.v1.PostMessageRequest"
    loud, calls = edge_lines(caplog)
    assert [r.getMessage() for r in loud] == ["grpc call refused"] and loud == calls
    assert loud[0].levelno == logging.WARNING and loud[0].exc_info is None
    assert (loud[0].grpc_method, loud[0].grpc_code) == ("/hearth.room.v1.RoomService/PostMessage", "INVALID_ARGUMENT")


def test_garbage_bytes_to_the_streaming_method_are_refused_the_same_way(channel, caplog):
    caplog.set_level(logging.INFO)
    stream = channel.unary_stream("/hearth.room.v1.RoomService/Subscribe", request_serializer=None,
                                  response_deserializer=lambda data: data)
    code, details = refused(lambda **kw: list(stream(GARBAGE[0], **kw)))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "not a valid hearth.room.v1.SubscribeRequest" in details
    loud, _ = edge_lines(caplog)
    assert [r.getMessage() for r in loud] == ["grpc call refused"]


def test_a_17000_character_slug_is_refused_naming_the_field_and_its_limit_never_echoing_it(channel, caplog, rooms):
    caplog.set_level(logging.INFO)
    stub = room_pb2_grpc.RoomServiceStub(channel)
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    for metadata in (md, None):  # before authentication: the same answer with or without a token
        caplog.clear()
        code, details = refused(stub.PostMessage, pb.PostMessageRequest(slug="a" * 17_000, body="hi"),
                                metadata=metadata)
        assert (code, details) == (grpc.StatusCode.INVALID_ARGUMENT, "slug is 17000 characters; at most 64")
        loud, calls = edge_lines(caplog)
        assert len(loud) == 1 and loud == calls and loud[0].refusal == details


def test_nested_fields_and_trimmed_text_are_measured_as_the_domain_measures_them(channel, rooms):
    stub = room_pb2_grpc.RoomServiceStub(channel)
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    spec = pb.RoomSpec(slug="a-room", name="n" * 101, topic="t", access_policy_json='{"always": true}')
    assert refused(stub.CreateRoom, pb.CreateRoomRequest(room=spec), metadata=md) == (
        grpc.StatusCode.INVALID_ARGUMENT, "room.name is 101 characters; at most 100")
    # A body of the longest length, padded with spaces the domain trims, passes the edge (the caller is no
    # member of the room: the domain answers).
    body = " " * 50 + "b" * 2000 + " " * 50
    code, _ = refused(stub.PostMessage, pb.PostMessageRequest(slug="lounge", body=body), metadata=md)
    assert code != grpc.StatusCode.INVALID_ARGUMENT


def test_a_request_past_the_largest_legal_one_is_cut_off_by_grpc_before_it_is_read(channel, server):
    code, _ = refused(raw(channel, "PostMessage"), b"\x12" + b"\xff\xff\x7f" + b"x" * (2 * 1024 * 1024))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert 64 * 1024 <= server.limits.receive_limit(["hearth.room.v1.RoomService"]) < 256 * 1024


def test_a_flood_of_refused_requests_writes_a_bounded_number_of_lines_and_says_how_many_it_held_back(channel,
                                                                                                      caplog):
    caplog.set_level(logging.INFO)
    call = raw(channel, "GetRoom")
    started = time.monotonic()
    flood = [call.future(GARBAGE[0], timeout=T) for _ in range(300)]
    assert all(f.exception().code() == grpc.StatusCode.INVALID_ARGUMENT for f in flood)

    def edge():
        lines = [r for r in caplog.records if r.name == "hearth_common.grpc_server"]
        logged = [r for r in lines if r.getMessage() == "grpc call refused"]
        counts = [r for r in lines if r.getMessage() == "log lines suppressed"]
        return lines, len(logged) + sum(r.suppressed for r in counts), counts

    # A refusal is answered before its line is written or counted, and what was held back is told with the next
    # line the bucket lets through (it refills at 5 a second): one more refusal now and then, until every one
    # is accounted for (on a loaded machine the flood's last lines may come after the first probe's).
    sent = 300
    for _ in range(30):
        time.sleep(0.3)
        refused(call, GARBAGE[0])
        sent += 1
        settle = time.monotonic() + 1
        while edge()[1] != sent and time.monotonic() < settle:
            time.sleep(0.05)
        if edge()[1] == sent:
            break
    elapsed = time.monotonic() - started
    lines, accounted, counts = edge()
    assert accounted == sent  # every refusal logged or counted, none twice
    assert len(lines) <= 20 + 2 * (5 * elapsed + 1)  # the burst, then the rate (a count at most once a line)
    assert counts and all(r.log_kind == "unparsable" for r in counts)
