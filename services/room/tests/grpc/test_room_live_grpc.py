"""gRPC: Subscribe on two real room-grpc servers (two replicas in one process, one database, one broker vhost)."""
import dataclasses
import gc
import json
import logging
import socket
import threading
import time
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc
from test_room_grpc_api import PEM, T, known_person, token_for

from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server

ROOM = "adult-24-7-support"


@pytest.fixture
def live_replicas(room_settings, room_engine, rooms, amqp_uri):
    """Two replicas as (stub, live hub) pairs."""
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    settings = dataclasses.replace(room_settings, amqp_uri=amqp_uri, live_sweep_seconds=0.5)
    started, pairs = [], []
    for _ in range(2):
        server, live = build_server(settings, room_engine, verifier)
        live.start()
        server.start()
        assert live.consuming.wait(10)
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        started.append((server, live, channel))
        pairs.append((room_pb2_grpc.RoomServiceStub(channel), live))
    yield pairs
    for server, live, channel in started:
        channel.close()
        server.stop(grace=1)
        live.stop()


@pytest.fixture
def replicas(live_replicas):
    return [stub for stub, _ in live_replicas]


def member(rooms, stub):
    person = known_person(rooms)
    md = [("authorization", f"Bearer {token_for(person)}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md, timeout=T)
    return person, md


def read(call, items):
    try:
        for item in call:
            items.append(item)
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.CANCELLED, exc


def stream(stub, md, **request):
    """Subscribes to ROOM and reads it in the background; returns (call, items, thread) once the first item
    (`subscribed`) has arrived."""
    items = []
    call = stub.Subscribe(pb.SubscribeRequest(slug=ROOM, **request), metadata=md)
    thread = threading.Thread(target=read, args=(call, items), daemon=True)
    thread.start()
    wait_for(lambda: items and items[0].kind == "subscribed")
    return call, items, thread


def wait_for(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.02)


def test_a_message_posted_on_one_replica_reaches_a_subscriber_on_the_other(replicas, rooms):
    a, b = replicas
    _, writer = member(rooms, a)
    _, reader = member(rooms, b)
    call, items, thread = stream(b, reader)
    posted = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="hello from a"), metadata=writer, timeout=T).message
    wait_for(lambda: any(i.kind == "message_posted" for i in items))
    got = [i for i in items if i.kind == "message_posted"][0]
    assert (got.seq, got.message.body, got.message.message_id) == (posted.seq, "hello from a", posted.message_id)
    call.cancel()
    thread.join(5)


def test_streams_on_the_posting_replica_and_on_the_other_get_each_item_once(live_replicas, rooms):
    """The posting replica hands its items to its own streams directly and drops their echo from the broker;
    the other replica's streams get them by the broker. Each stream sees each item exactly once, in order."""
    (a, hub_a), (b, _) = live_replicas
    _, writer = member(rooms, a)
    streams = [stream(a, member(rooms, a)[1]), stream(b, member(rooms, b)[1])]
    echoes = []
    consume = hub_a._on_message
    # What a decodes of its own posts (b's joins, published by b, may still be on their way to a: not echoes).
    def decoded_posts(body) -> list:
        items = json.loads(body) if isinstance(body, (str, bytes)) else body
        return [i.get("seq") for i in items if isinstance(i, dict) and i.get("kind") == "message_posted"] \
            if isinstance(items, list) else []

    hub_a._on_message = lambda body, message: (echoes.extend(decoded_posts(body)), consume(body, message))
    posted = [a.PostMessage(pb.PostMessageRequest(slug=ROOM, body=f"m{n}"), metadata=writer, timeout=T).message.seq
              for n in range(3)]
    a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="last"), metadata=writer, timeout=T)
    for call, items, thread in streams:
        wait_for(lambda: any(i.message.body == "last" for i in items))
        call.cancel()
        thread.join(5)
        assert [i.seq for i in items if i.kind == "message_posted"][:3] == posted
        assert len({i.seq for i in items}) == len(items)
    assert echoes == []  # a's own items never reached its streams' path from the broker


def test_an_item_lost_on_its_way_to_the_posting_replicas_streams_arrives_by_the_sweep(live_replicas, rooms):
    """The timeline table is the truth: an item whose local hand-off and broker notice were both lost (here
    the hub drops what it is handed) reaches the stream from the sweep, once."""
    (a, hub_a), _ = live_replicas
    _, writer = member(rooms, a)
    call, items, thread = stream(a, member(rooms, a)[1])
    deliver = hub_a._deliver
    hub_a._deliver = lambda handed: None
    lost = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="lost"), metadata=writer, timeout=T).message.seq
    wait_for(lambda: any(i.kind == "message_posted" for i in items))
    hub_a._deliver = deliver
    after = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="after"), metadata=writer, timeout=T).message.seq
    wait_for(lambda: any(i.message.body == "after" for i in items))
    call.cancel()
    thread.join(5)
    assert [(i.seq, i.message.body) for i in items if i.kind == "message_posted"] == [(lost, "lost"), (after, "after")]


def test_subscribe_needs_membership_and_resume_replays_exactly_what_was_missed(replicas, rooms):
    a, b = replicas
    outsider = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    with pytest.raises(grpc.RpcError) as refused:
        list(b.Subscribe(pb.SubscribeRequest(slug=ROOM), metadata=outsider, timeout=T))
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    _, writer = member(rooms, a)
    _, reader = member(rooms, b)
    bodies = [a.PostMessage(pb.PostMessageRequest(slug=ROOM, body=f"m{n}"), metadata=writer, timeout=T).message
              for n in range(3)]
    call, items, thread = stream(b, reader, after_seq=bodies[0].seq)
    wait_for(lambda: len(items) >= 3)
    call.cancel()
    thread.join(5)
    assert (items[0].kind, items[0].seq) == ("subscribed", bodies[0].seq)
    assert [(i.seq, i.message.body) for i in items[1:]] == [(bodies[1].seq, "m1"), (bodies[2].seq, "m2")]


def test_resuming_from_a_seq_this_room_never_reached_is_refused_rather_than_silently_skipping(replicas, rooms):
    a, b = replicas
    _, writer = member(rooms, a)
    head = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="the latest"), metadata=writer, timeout=T).message.seq
    for after_seq, words in ((head + 5, "past this room's last seq"), (-1, "must not be negative")):
        with pytest.raises(grpc.RpcError) as refused:
            list(b.Subscribe(pb.SubscribeRequest(slug=ROOM, after_seq=after_seq), metadata=writer, timeout=T))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and words in refused.value.details()


def test_a_stream_carries_each_kind_of_change_with_its_details_in_seq_order(replicas, rooms):
    a, b = replicas
    _, reader = member(rooms, b)
    call, items, thread = stream(b, reader)
    host = known_person(rooms)
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2, "data": {
        "person_id": host, "grant_id": str(uuid.uuid4()), "role": "on_spot_host", "room_id": None, "expires_at": None}})
    md = [("authorization", f"Bearer {token_for(host)}")]
    a.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md, timeout=T)
    said = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="first words"), metadata=md, timeout=T).message
    a.EditMessage(pb.EditMessageRequest(message_id=said.message_id, body="first words, edited"), metadata=md, timeout=T)
    b.HeartMessage(pb.HeartMessageRequest(message_id=said.message_id, hearted=True), metadata=reader, timeout=T)
    unplanned = pb.StartUnplannedSessionRequest(slug=ROOM, topic="Drop-in check-in", duration_minutes=30)
    session = a.StartUnplannedSession(unplanned, metadata=md, timeout=T).session
    a.EndSession(pb.EndSessionRequest(session_id=session.session_id), metadata=md, timeout=T)
    a.DeleteMessage(pb.DeleteMessageRequest(message_id=said.message_id), metadata=md, timeout=T)
    a.LeaveRoom(pb.LeaveRoomRequest(slug=ROOM), metadata=md, timeout=T)
    wait_for(lambda: len(items) >= 9)
    call.cancel()
    thread.join(5)
    got = items[1:]
    assert [i.kind for i in got] == ["member_joined", "message_posted", "message_edited", "hearts_changed",
                                     "session_started", "session_ended", "message_deleted", "member_left"]
    assert [i.seq for i in got] == list(range(items[0].seq + 1, items[0].seq + 9))  # gap-free, in order
    joined, posted, edited, hearts, started, ended, deleted, left = got
    assert (joined.member.person_id, left.member.person_id, left.member.reason) == (host, host, "left")
    assert (posted.message.body, edited.message.body) == ("first words", "first words, edited")
    assert edited.message.message_id == said.message_id and edited.message.seq == said.seq
    assert (hearts.hearts.message_id, hearts.hearts.hearts) == (said.message_id, 1)
    assert (started.session.session_id, started.session.status) == (session.session_id, "live")
    assert (ended.session.session_id, ended.session.status) == (session.session_id, "ended")
    assert (deleted.deletion.message_id, deleted.deletion.deleted_by) == (said.message_id, host)


def test_posting_too_fast_says_when_to_retry_and_every_answer_carries_the_request_id(replicas, rooms):
    a, _ = replicas
    _, writer = member(rooms, a)
    for n in range(5):
        a.PostMessage(pb.PostMessageRequest(slug=ROOM, body=f"quick {n}"), metadata=writer, timeout=T)
    call = a.PostMessage.with_call
    with pytest.raises(grpc.RpcError) as refused:
        call(pb.PostMessageRequest(slug=ROOM, body="one too many"), metadata=writer + [("x-request-id", "trace-77")],
             timeout=T)
    error = refused.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "try again in" in error.details()
    retry_after = dict(error.trailing_metadata())["retry-after"]
    assert 0 < float(retry_after) <= 10
    assert ("x-request-id", "trace-77") in error.trailing_metadata()  # beside retry-after
    _, answered = a.ListMessages.with_call(pb.ListMessagesRequest(slug=ROOM), metadata=writer, timeout=T)
    assert dict(answered.trailing_metadata())["x-request-id"]


class FreezingProxy:
    """A TCP proxy in front of a server that can go silent like a phone that lost its network: once frozen it
    passes no more bytes either way, and closes nothing."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.frozen = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                if not self.frozen.is_set():
                    sink.sendall(data)
        except OSError:
            pass

    def close(self):
        self.listener.close()


def test_the_stream_of_a_client_that_vanished_without_closing_ends_after_the_keepalive(room_settings, room_engine,
                                                                                      rooms, amqp_uri):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    settings = dataclasses.replace(room_settings, amqp_uri=amqp_uri, grpc_keepalive_seconds=2.0)
    server, live = build_server(settings, room_engine, verifier)
    live.start()
    server.start()
    proxy = FreezingProxy(server.port)
    channel = grpc.insecure_channel(f"127.0.0.1:{proxy.port}")
    try:
        stub = room_pb2_grpc.RoomServiceStub(channel)
        _, md = member(rooms, stub)
        call, _, _ = stream(stub, md)
        time.sleep(5)  # a quiet room: pings with no data between them keep a live client's stream open
        assert sum(len(subs) for subs in live._snapshot().values()) == 1
        proxy.frozen.set()  # no FIN, no RST: only the server's unanswered keepalive ping can tell
        wait_for(lambda: not live._snapshot(), timeout=20)  # the stream ended: its presence is no longer kept up
        call.cancel()
    finally:
        channel.close()
        proxy.close()
        server.stop(grace=1)
        live.stop()



def test_a_stream_is_refused_without_a_valid_token_and_is_unavailable_while_keys_cannot_be_fetched(
        room_settings, room_engine, rooms, amqp_uri):
    def identity_down():
        raise ConnectionError("identity is unreachable")

    verifier = TokenVerifier(identity_down, issuer="hearth-identity", audience="hearth")
    server, live = build_server(dataclasses.replace(room_settings, amqp_uri=amqp_uri), room_engine, verifier)
    live.start()
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            stub = room_pb2_grpc.RoomServiceStub(channel)
            with pytest.raises(grpc.RpcError) as refused:
                list(stub.Subscribe(pb.SubscribeRequest(slug=ROOM), timeout=T))
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert refused.value.details() == "this call needs an access token: send 'authorization: Bearer <token>'"
            md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]  # its key must be fetched
            for call in (lambda: list(stub.Subscribe(pb.SubscribeRequest(slug=ROOM), metadata=md, timeout=T)),
                         lambda: stub.JoinRoom(pb.JoinRoomRequest(slug=ROOM), metadata=md, timeout=T)):
                with pytest.raises(grpc.RpcError) as unavailable:
                    call()
                assert unavailable.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop(grace=1)
        live.stop()

def test_cancelling_a_stream_while_it_sends_logs_no_error(replicas, rooms, caplog):
    """A client that goes away mid-replay is an ordinary end of a stream: room-grpc logs no ERROR (the call
    scope's request id once failed to reset from the task that closed the stream: 'Task exception was never
    retrieved ... was created in a different Context')."""
    a, b = replicas
    _, reader = member(rooms, b)
    writers = [member(rooms, a)[1] for _ in range(12)]
    first = a.PostMessage(pb.PostMessageRequest(slug=ROOM, body="m"), metadata=writers[0], timeout=T).message.seq
    for writer in writers:  # a backlog to replay, within each writer's posting limit
        for n in range(4):
            a.PostMessage(pb.PostMessageRequest(slug=ROOM, body=f"m{n}"), metadata=writer, timeout=T)
    caplog.set_level(logging.INFO)
    for _ in range(20):
        call = b.Subscribe(pb.SubscribeRequest(slug=ROOM, after_seq=first), metadata=reader, timeout=T)
        items = iter(call)
        next(items), next(items)  # the replay is under way
        call.cancel()
    wait_for(lambda: len(_access_records(caplog, "Subscribe")) >= 20)
    gc.collect()  # a task whose exception nobody retrieved is reported when it is collected
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def _access_records(caplog, method):
    return [r for r in caplog.records if r.getMessage() == "grpc call" and r.grpc_method.endswith(f"/{method}")]
