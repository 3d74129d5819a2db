"""gRPC: room-grpc with its database cut (through a TcpProxy in front of the real PostgreSQL) answers UNAVAILABLE
before the caller's deadline, reports NOT_SERVING, and serves again by itself once the database is back."""
import collections
import dataclasses
import datetime as dt
import threading
import time
import uuid
from concurrent import futures

import grpc
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.db import DatabaseReadiness
from hearth_common.tokens import TokenVerifier
from room_service.bootstrap import build_conversation
from room_service.entrypoints.grpc_server import build_server, make_grpc_engine

DEADLINE = 5
ROOM = "adult-community-lounge"
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def auth(person_id):
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": []}
    return [("authorization", f"Bearer {jwt.encode(claims, KEY, algorithm='EdDSA', headers={'kid': 'test-key'})}")]


@pytest.fixture
def proxy(room_db_url):
    proxy = testing.TcpProxy.in_front_of(room_db_url)
    yield proxy
    proxy.close()


@pytest.fixture
def served(room_settings, rooms, amqp_uri, proxy):
    """room-grpc as its main() starts it (a FailFast engine, health following the database), its database
    reached through the proxy; two call threads, so that a burst of calls is many times the pool."""
    settings = dataclasses.replace(room_settings, amqp_uri=amqp_uri, database_url=proxy.url(room_settings.database_url),
                                   grpc_workers=2)
    engine = make_grpc_engine(settings)
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server, live = build_server(settings, engine, verifier)
    live.start()
    server.start(readiness=DatabaseReadiness.from_settings(engine, settings))
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield room_pb2_grpc.RoomServiceStub(channel), health_pb2_grpc.HealthStub(channel)
    server.stop(grace=1)
    live.stop()
    engine.dispose()


@pytest.fixture
def members(rooms, room_settings):
    """People of the room (joined directly, on the real database): each posts once."""
    conversation, _ = build_conversation(room_settings)
    people = []
    for _ in range(80):
        person_id = str(uuid.uuid4())
        rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered", "seq": 1,
                                    "data": {"person_id": person_id, "username": "someone", "kind": "member",
                                             "cohort": "adult"}})
        conversation.join(person_id, ROOM)
        people.append(person_id)
    return people


def outcome(call) -> grpc.StatusCode:
    try:
        call()
        return grpc.StatusCode.OK
    except grpc.RpcError as error:
        return error.code()


def health(health_stub):
    return health_stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=DEADLINE).status


def bodies(stub, person_id) -> set[str]:
    page = stub.ListMessages(pb.ListMessagesRequest(slug=ROOM, limit=100), metadata=auth(person_id), timeout=DEADLINE)
    return {m.body for m in page.messages}


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
def test_while_the_database_is_cut_calls_answer_unavailable_and_it_recovers_by_itself(served, proxy, members, cut):
    stub, health_stub = served

    def post(person_id, body):
        return outcome(lambda: stub.PostMessage(pb.PostMessageRequest(slug=ROOM, body=body), metadata=auth(person_id),
                                                timeout=DEADLINE))

    assert post(members[0], "before the cut") == grpc.StatusCode.OK
    assert health(health_stub) == health_pb2.HealthCheckResponse.SERVING

    getattr(proxy, cut)()
    # A burst many times the server's two call threads, posts and reads: every call is answered, UNAVAILABLE,
    # before its deadline (none queues behind threads waiting on connects).
    cut_posts = {person_id: f"posted while cut by {person_id}" for person_id in members[1:61]}
    with futures.ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(lambda item: post(*item), cut_posts.items()))
        codes += list(pool.map(lambda p: outcome(lambda: bodies(stub, p)), members[61:]))
    assert set(codes) == {grpc.StatusCode.UNAVAILABLE}, codes
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.NOT_SERVING, timeout=DEADLINE,
                       what="health to report NOT_SERVING")

    proxy.restore()
    testing.eventually(lambda: post(members[0], "after the cut") == grpc.StatusCode.OK, timeout=DEADLINE,
                       interval=0.2, what="a post to succeed again")
    testing.eventually(lambda: health(health_stub) == health_pb2.HealthCheckResponse.SERVING, timeout=DEADLINE,
                       what="health to report SERVING")
    seen = bodies(stub, members[0])
    assert {"before the cut", "after the cut"} <= seen
    assert not seen & set(cut_posts.values())  # a post answered with an error was not written


def test_connections_the_server_ends_mid_call_are_answered_unavailable_and_a_keyed_retry_stores_once(
        served, members, room_db_url):
    # What a PostgreSQL restart does to the calls in flight: their sessions are terminated, whatever statement
    # of the transaction each is at. Every such call is answered UNAVAILABLE (a client retries it), never
    # INTERNAL; a post retried with its idempotency key is stored once.
    stub, _ = served
    database = sa.engine.make_url(room_db_url).database
    admin = sa.create_engine(testing.ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    codes: list[grpc.StatusCode] = []
    stop = threading.Event()

    def post_keyed(person_id: str, body: str) -> None:
        request = pb.PostMessageRequest(slug=ROOM, body=body, idempotency_key=str(uuid.uuid4()))
        for _ in range(100):
            code = outcome(lambda: stub.PostMessage(request, metadata=auth(person_id), timeout=DEADLINE))
            codes.append(code)
            if code != grpc.StatusCode.UNAVAILABLE:
                return
            time.sleep(0.05)

    def terminate_sessions() -> None:
        with admin.connect() as conn:
            while not stop.wait(0.15):
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                     " WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})

    posts = {person_id: f"posted while sessions end, by {person_id}" for person_id in members[:60]}
    terminator = threading.Thread(target=terminate_sessions)
    terminator.start()
    try:
        with futures.ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda item: post_keyed(*item), posts.items()))
    finally:
        stop.set()
        terminator.join()
        admin.dispose()
    assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, collections.Counter(codes)
    assert grpc.StatusCode.UNAVAILABLE in codes  # the sessions did end under calls
    assert codes.count(grpc.StatusCode.OK) == len(posts)
    page = stub.ListMessages(pb.ListMessagesRequest(slug=ROOM, limit=100), metadata=auth(members[0]),
                             timeout=DEADLINE)
    stored = collections.Counter(m.body for m in page.messages)
    assert all(stored[body] == 1 for body in posts.values()), stored
