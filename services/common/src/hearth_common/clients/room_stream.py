"""Adapter: a room's Subscribe stream that rides through replica restarts, for Python callers of room's API."""
from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Iterator, Sequence

import grpc
from hearth.room.v1 import room_pb2

Metadata = Sequence[tuple[str, str]]

# Statuses after which subscribing again is right: the replica is stopping or none answers yet (UNAVAILABLE),
# or the stream was cut under a proxy (UNKNOWN: measured through grpc-lb when the replica behind it was
# SIGKILLed). Resuming is safe whatever the cause: after_seq gives nothing twice.
RESUMABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNKNOWN})


class RoomStream:
    """A room's timeline items (RoomEvent) in seq order, each once, across replica restarts.

    When a stream ends with UNAVAILABLE (its replica is stopping, or none answers yet) or is cut under a proxy
    (UNKNOWN), it subscribes again with after_seq = the last seq received, through the same stub (a channel
    from hearth_common.clients.channel reaches whichever replica answers). The "subscribed" item opening each
    stream is passed on for the first stream only. Any other error is raised, as is a resumable one after
    `max_retries` tries in a row that brought nothing; `breaks` counts the streams that ended, by status code.
    `metadata` may be a function, called for each subscription (a fresh access token); `cancel()` ends the
    iteration from another thread.
    """

    def __init__(self, stub, slug: str, metadata: Metadata | Callable[[], Metadata] = (),
                 after_seq: int | None = None, *, max_retries: int = 10, backoff: float = 0.2,
                 max_backoff: float = 2.0):
        self.stub, self.slug, self.metadata = stub, slug, metadata
        self.last_seq = after_seq
        self.max_retries, self.backoff, self.max_backoff = max_retries, backoff, max_backoff
        self.resubscriptions = 0
        self.breaks: collections.Counter[str] = collections.Counter()
        self._cancelled = threading.Event()
        self._call = None

    def __iter__(self) -> Iterator:
        failures, first = 0, True
        while not self._cancelled.is_set():
            request = (room_pb2.SubscribeRequest(slug=self.slug) if self.last_seq is None
                       else room_pb2.SubscribeRequest(slug=self.slug, after_seq=self.last_seq))
            metadata = self.metadata() if callable(self.metadata) else self.metadata
            self._call = self.stub.Subscribe(request, metadata=metadata)
            try:
                for item in self._call:
                    self.last_seq = item.seq
                    if item.kind == "subscribed" and not first:
                        continue  # a stream that opens and then fails again brought nothing: not a success
                    failures, first = 0, False
                    yield item
                return  # the server ended the stream: the person left the room
            except grpc.RpcError as exc:
                if self._cancelled.is_set():
                    return
                self.breaks[exc.code().name] += 1
                if exc.code() not in RESUMABLE or failures >= self.max_retries:
                    raise
                failures += 1
                self.resubscriptions += 1
                self._cancelled.wait(min(self.backoff * 2 ** (failures - 1), self.max_backoff))

    def cancel(self) -> None:
        self._cancelled.set()
        if self._call is not None:
            self._call.cancel()
