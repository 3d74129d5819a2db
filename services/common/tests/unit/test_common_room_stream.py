"""Unit: RoomStream resumes a room's stream after the breaks a replica restart or a proxy causes, each item once."""
from __future__ import annotations

import grpc
import pytest
from hearth.room.v1 import room_pb2

from hearth_common.clients.room_stream import RoomStream


class Break(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode):
        self._code = code

    def code(self) -> grpc.StatusCode:
        return self._code


class Call:
    """One Subscribe call: its items, then the status it ends with (None: ended by the server)."""

    def __init__(self, items, ending):
        self.items, self.ending = items, ending

    def __iter__(self):
        yield from self.items
        if self.ending is not None:
            raise Break(self.ending)

    def cancel(self):
        pass


class Stub:
    """Answers each Subscribe with the next scripted call, and keeps the requests."""

    def __init__(self, *calls):
        self.calls, self.requests = list(calls), []

    def Subscribe(self, request, metadata=()):
        self.requests.append(request)
        return self.calls.pop(0)


def item(seq: int, kind: str = "message_posted") -> room_pb2.RoomEvent:
    return room_pb2.RoomEvent(seq=seq, kind=kind)


@pytest.mark.parametrize("code", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNKNOWN])
def test_a_broken_stream_is_resumed_after_the_last_seq_and_each_item_comes_once(code):
    stub = Stub(Call([item(5, "subscribed"), item(6), item(7)], code),
                Call([item(7, "subscribed"), item(8)], None))
    stream = RoomStream(stub, "lobby", backoff=0)
    assert [(i.seq, i.kind) for i in stream] == [(5, "subscribed"), (6, "message_posted"), (7, "message_posted"),
                                                 (8, "message_posted")]
    assert stub.requests[1].HasField("after_seq") and stub.requests[1].after_seq == 7
    assert stream.resubscriptions == 1 and stream.breaks == {code.name: 1}


def test_a_refusal_is_not_resumed():
    stub = Stub(Call([], grpc.StatusCode.PERMISSION_DENIED))
    with pytest.raises(grpc.RpcError) as refused:
        list(RoomStream(stub, "lobby", backoff=0))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED and len(stub.requests) == 1


def test_it_gives_up_after_max_retries_that_brought_nothing():
    stub = Stub(*[Call([], grpc.StatusCode.UNAVAILABLE) for _ in range(4)])
    with pytest.raises(grpc.RpcError):
        list(RoomStream(stub, "lobby", max_retries=3, backoff=0))
    assert len(stub.requests) == 4


def test_streams_that_open_and_fail_again_still_count_towards_giving_up():
    """A replica that accepts each Subscribe and then breaks it brings nothing new: the client gives up."""
    stub = Stub(Call([item(5, "subscribed")], grpc.StatusCode.UNAVAILABLE),
                *[Call([item(5, "subscribed")], grpc.StatusCode.UNAVAILABLE) for _ in range(3)])
    with pytest.raises(grpc.RpcError):
        list(RoomStream(stub, "lobby", max_retries=2, backoff=0))
    assert len(stub.requests) == 3
