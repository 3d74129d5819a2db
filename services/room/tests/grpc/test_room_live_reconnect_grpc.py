"""gRPC over the real broker: a replica whose live consumer lost its connection (its exclusive queue, and any
notice on it, gone with it) re-reads on reconnecting what the notices it missed would have told its streams: the
person's mute and block list, and for staff across the teen/adult wall their access (LiveHub.resync_people)."""
import dataclasses
import datetime as dt
import socket
import threading
import time
import urllib.parse
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc
from test_room_grpc_api import PEM, T, token_for
from test_room_live_grpc import wait_for

from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server

ADULT_ROOM = "adult-24-7-support"
TEEN_ROOM = "teen-community-hangout"


class CuttableProxy:
    """A TCP proxy in front of the broker whose connections can be cut (both ends closed, as a broker restart or
    a network fault does) and which refuses new ones until it is restored."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up.clear()
        with self._lock:
            ends, self._sockets = self._sockets, []
        for end in ends:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def restore(self):
        self.up.set()

    def close(self):
        self.listener.close()
        self.cut()


@pytest.fixture
def cut_replicas(room_settings, room_engine, rooms, amqp_uri):
    """Two replicas as (stub, live hub); the second reaches the broker through a CuttableProxy (the third item).
    Neither re-reads the lists on its sweep's timer (touch_interval) within a test: what follows a cut is the
    reconnect's doing."""
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    parts = urllib.parse.urlsplit(amqp_uri)
    proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    proxied = parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}").geturl()
    started, pairs = [], []
    for uri in (amqp_uri, proxied):
        settings = dataclasses.replace(room_settings, amqp_uri=uri, live_sweep_seconds=0.5)
        server, live = build_server(settings, room_engine, verifier)
        live.touch_interval = 3600
        live.start()
        server.start()
        assert live.consuming.wait(10)
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        started.append((server, live, channel))
        pairs.append((room_pb2_grpc.RoomServiceStub(channel), live))
    yield pairs[0], pairs[1], proxy
    for server, live, channel in started:
        channel.close()
        server.stop(grace=1)
        live.stop()
    proxy.close()


def person(rooms, username, cohort="adult", role=None):
    person_id = str(uuid.uuid4())
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered", "seq": 1,
                                "data": {"person_id": person_id, "username": username, "kind": "member",
                                         "cohort": cohort}})
    if role:
        rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2,
                                    "data": {"person_id": person_id, "grant_id": str(uuid.uuid4()), "role": role,
                                             "room_id": None, "expires_at": None}})
    return person_id, [("authorization", f"Bearer {token_for(person_id)}")]


def follow(stub, md, slug):
    """Subscribes and reads in the background: (call, items, {"error": ...}) once `subscribed` arrived."""
    items, ended = [], {}
    call = stub.Subscribe(pb.SubscribeRequest(slug=slug), metadata=md)

    def read():
        try:
            for item in call:
                items.append(item)
        except grpc.RpcError as exc:
            ended["error"] = exc

    threading.Thread(target=read, daemon=True).start()
    wait_for(lambda: items and items[0].kind == "subscribed")
    return call, items, ended


def bodies(items):
    return [i.message.body for i in items if i.kind == "message_posted"]


def cut_until_notices_are_lost(live, proxy):
    proxy.cut()
    wait_for(lambda: not live.consuming.is_set())


def test_a_mute_made_while_a_replicas_consumer_was_cut_off_filters_its_stream_once_it_reconnects(cut_replicas,
                                                                                                 rooms):
    (a, _), (b, b_live), proxy = cut_replicas
    tag = uuid.uuid4().hex[:6]
    (_, sam), (_, kim), (_, lee) = (person(rooms, f"{name}{tag}") for name in ("sam", "kim", "lee"))
    for md in (sam, kim, lee):
        a.JoinRoom(pb.JoinRoomRequest(slug=ADULT_ROOM), metadata=md, timeout=T)
    call, items, _ = follow(b, sam, ADULT_ROOM)

    cut_until_notices_are_lost(b_live, proxy)
    a.SetPersonalFilter(pb.SetPersonalFilterRequest(kind="mute", on=True, username=f"kim{tag}"), metadata=sam,
                        timeout=T)
    a.PostMessage(pb.PostMessageRequest(slug=ADULT_ROOM, body="kim, while b was away"), metadata=kim, timeout=T)
    # The post reaches b's stream by its sweep (the timeline is the truth); the mute's notice was lost with
    # b's queue, so the stream does not hide it: the gap a reconnect closes.
    wait_for(lambda: "kim, while b was away" in bodies(items))

    proxy.restore()
    wait_for(lambda: b_live.consuming.is_set(), timeout=15)
    a.PostMessage(pb.PostMessageRequest(slug=ADULT_ROOM, body="kim, after"), metadata=kim, timeout=T)
    a.PostMessage(pb.PostMessageRequest(slug=ADULT_ROOM, body="lee, after"), metadata=lee, timeout=T)
    wait_for(lambda: "lee, after" in bodies(items))
    assert bodies(items) == ["kim, while b was away", "lee, after"]
    call.cancel()


def test_a_grant_revoked_while_a_replicas_consumer_was_cut_off_ends_its_stream_on_the_grant_left(cut_replicas,
                                                                                                rooms):
    """Staff let into a teen room by two grants; the later-ending one is revoked while b's consumer is cut off
    (the door still lets them in: no member_left). Back on the broker, b's stream asks the door again and ends
    when the grant left ends, not the day after when the revoked one would have."""
    (a, _), (b, b_live), proxy = cut_replicas
    admin_id, admin = person(rooms, f"ada{uuid.uuid4().hex[:6]}", role="admin")
    mia_id, mia = person(rooms, f"mia{uuid.uuid4().hex[:6]}", role="chat_room_moderator")
    soon = pb.GrantCohortAccessRequest(person_id=mia_id, slug=TEEN_ROOM, reason="covering a shift")
    soon.expires_at.FromDatetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=12))
    a.GrantCohortAccess(soon, metadata=admin, timeout=T)
    later = a.GrantCohortAccess(pb.GrantCohortAccessRequest(person_id=mia_id, slug=TEEN_ROOM,
                                                            reason="covering the night"), metadata=admin,
                                timeout=T).grant
    a.JoinRoom(pb.JoinRoomRequest(slug=TEEN_ROOM), metadata=mia, timeout=T)
    call, _, ended = follow(b, mia, TEEN_ROOM)

    cut_until_notices_are_lost(b_live, proxy)
    a.RevokeCohortAccess(pb.RevokeCohortAccessRequest(grant_id=later.grant_id), metadata=admin, timeout=T)
    time.sleep(1)
    assert not ended  # the notice was lost: the stream still holds the revoked grant's end

    proxy.restore()
    wait_for(lambda: "error" in ended, timeout=25)
    assert ended["error"].code() == grpc.StatusCode.PERMISSION_DENIED
    assert "your access to this room ended" in ended["error"].details()
    call.cancel()
