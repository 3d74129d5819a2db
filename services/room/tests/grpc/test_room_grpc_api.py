"""gRPC: room's API over a real grpcio server on an ephemeral port, backed by the real PostgreSQL."""
import concurrent.futures
import dataclasses
import datetime as dt
import threading
import time
import uuid

import grpc
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.timestamp_pb2 import Timestamp
from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.tokens import TokenVerifier
from room_service.entrypoints.grpc_server import build_server

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def token_for(person_id):
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": []}
    return jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "test-key"})


@pytest.fixture
def stub(room_settings, room_engine, rooms, amqp_uri):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server, live = build_server(dataclasses.replace(room_settings, amqp_uri=amqp_uri), room_engine, verifier)
    live.start()
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield room_pb2_grpc.RoomServiceStub(channel)
    server.stop(grace=1)
    live.stop()


def known_person(rooms, cohort="adult", kind="member"):
    person_id = str(uuid.uuid4())
    data = {"person_id": person_id, "username": "someone", "kind": kind, "cohort": cohort}
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered", "seq": 1,
                                "data": data})
    return person_id


def test_listing_shows_each_room_with_the_callers_access(stub, rooms):
    person = known_person(rooms, cohort="teen")
    md = [("authorization", f"Bearer {token_for(person)}")]
    listed = stub.ListRooms(pb.ListRoomsRequest(), metadata=md, timeout=T).rooms
    assert len(listed) >= 150
    teen_open = [r for r in listed if r.room.audience == pb.AUDIENCE_TEEN and r.access.allowed]
    adult = [r for r in listed if r.room.audience == pb.AUDIENCE_ADULT]
    assert teen_open and adult
    assert all(not r.access.allowed and r.access.missing == ["this room is for adults only"] for r in adult)
    anxiety = stub.ListRooms(pb.ListRoomsRequest(topic="anxiety"), metadata=md, timeout=T).rooms
    assert anxiety and all(r.room.topic == "anxiety" for r in anxiety)


def test_check_access_explains_a_badge_lock(stub, rooms):
    person = known_person(rooms)
    md = [("authorization", f"Bearer {token_for(person)}")]
    access = stub.CheckAccess(pb.CheckAccessRequest(slug="adult-peer-supporters"), metadata=md, timeout=T).access
    assert not access.allowed
    assert list(access.missing) == ["earn one of: Chief Chat, First Post", "earn: Compassion Hero"]
    room = stub.GetRoom(pb.GetRoomRequest(slug="adult-peer-supporters"), metadata=md, timeout=T).room.room
    assert "Compassion Hero" in room.access_summary


def test_errors_are_statuses_a_client_can_act_on(stub, rooms):
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    with pytest.raises(grpc.RpcError) as info:
        stub.CheckAccess(pb.CheckAccessRequest(slug="no-such-room"), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND and "ListRooms" in info.value.details()
    with pytest.raises(grpc.RpcError) as info:
        stub.ListRooms(pb.ListRoomsRequest(), timeout=T)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_text_with_a_nul_character_is_refused_as_bad_input_and_nothing_is_written(stub, rooms):
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="adult-community-lounge"), metadata=md, timeout=T)
    with pytest.raises(grpc.RpcError) as info:
        stub.PostMessage(pb.PostMessageRequest(slug="adult-community-lounge", body="a\x00b"), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "NUL" in info.value.details()
    page = stub.ListMessages(pb.ListMessagesRequest(slug="adult-community-lounge"), metadata=md, timeout=T)
    assert list(page.messages) == []


def test_admins_create_rooms_over_grpc_and_bad_input_is_refused_clearly(stub, rooms):
    admin = known_person(rooms)
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "seq": 2,
                                "data": {"person_id": admin, "grant_id": "g-admin", "role": "admin", "room_id": None,
                                         "expires_at": None}})
    md = [("authorization", f"Bearer {token_for(admin)}")]
    spec = pb.RoomSpec(slug="adult-grpc-made-room", name="Made over gRPC", description="Test room.", topic="community",
                       audience=pb.AUDIENCE_ADULT, audience_kind="both", mode=pb.ROOM_MODE_ALWAYS_OPEN, capacity=30,
                       access_policy_json='{"badge": "night-owl"}')
    created = stub.CreateRoom(pb.CreateRoomRequest(room=spec), metadata=md, timeout=T).room
    assert created.slug == "adult-grpc-made-room" and "Night Owl" in created.access_summary
    bad_json = pb.RoomSpec()
    bad_json.CopyFrom(spec)
    bad_json.slug, bad_json.access_policy_json = "adult-other-room", "{not json"
    with pytest.raises(grpc.RpcError) as info:
        stub.CreateRoom(pb.CreateRoomRequest(room=bad_json), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "not valid JSON" in info.value.details()
    with pytest.raises(grpc.RpcError) as info:
        stub.CreateRoom(pb.CreateRoomRequest(room=spec), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
    no_policy = pb.RoomSpec()
    no_policy.CopyFrom(spec)
    no_policy.access_policy_json = ""  # an update that left the policy out must not open the room to everyone
    with pytest.raises(grpc.RpcError) as info:
        stub.UpdateRoom(pb.UpdateRoomRequest(room=no_policy), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and '{"always": true}' in info.value.details()
    got = stub.GetRoom(pb.GetRoomRequest(slug=spec.slug), metadata=md, timeout=T)
    assert "Night Owl" in got.room.room.access_summary
    member = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    with pytest.raises(grpc.RpcError) as info:
        stub.ArchiveRoom(pb.ArchiveRoomRequest(slug="adult-grpc-made-room"), metadata=member, timeout=T)
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    deep = pb.RoomSpec()
    deep.CopyFrom(spec)
    deep.slug, deep.access_policy_json = "adult-deep-room", "[" * 16_000  # within the edge's limit of its length
    with pytest.raises(grpc.RpcError) as info:
        stub.CreateRoom(pb.CreateRoomRequest(room=deep), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "nested too deeply" in info.value.details()
    padded = pb.RoomSpec()
    padded.CopyFrom(spec)
    padded.slug, padded.name = "adult-padded-room", "  " + "N" * 99 + "   "  # 99 characters once trimmed
    assert stub.CreateRoom(pb.CreateRoomRequest(room=padded), metadata=md, timeout=T).room.name == "N" * 99
    with pytest.raises(grpc.RpcError) as info:
        stub.OpenPopUp(pb.OpenPopUpRequest(slug="adult-grpc-made-room", opens_at=Timestamp(seconds=0),
                                           closes_at=Timestamp(seconds=10**12)), metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "closes_at is not a valid time" in info.value.details()


def test_bursts_as_wide_as_the_worker_pool_reuse_the_same_database_connections(room_settings, room_engine, rooms,
                                                                               amqp_uri):
    """room-grpc keeps a database connection per worker thread: once warm, a burst of concurrent joins opens
    no new PostgreSQL session (a pool narrower than the workers opened and closed connections mid-burst, each
    a backend start plus re-preparing the hot statements: tens of ms added to calls under load)."""
    workers = 8
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server, live = build_server(dataclasses.replace(room_settings, amqp_uri=amqp_uri, grpc_workers=workers),
                                room_engine, verifier)
    live.start()
    server.start()
    mds = [[("authorization", f"Bearer {token_for(known_person(rooms))}")] for _ in range(workers)]

    def burst(stub):
        gate = threading.Barrier(workers)

        def one(md):
            gate.wait()
            for _ in range(10):  # a first join, then joins again (presence refreshed), on the same pool
                stub.JoinRoom(pb.JoinRoomRequest(slug="adult-24-7-support"), metadata=md, timeout=T)

        threads = [threading.Thread(target=one, args=(md,)) for md in mds]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def sessions_opened(conn) -> int:
        time.sleep(1.2)  # a backend reports its session within a second, or when it exits
        conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        sessions = sa.text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return conn.execute(sessions).scalar()

    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel, room_engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            stub = room_pb2_grpc.RoomServiceStub(channel)
            counts = []
            for _ in range(5):  # the pool grows to the widest burst so far, then stays
                burst(stub)
                counts.append(sessions_opened(conn))
                if len(counts) >= 2 and counts[-1] == counts[-2]:
                    break
            assert counts[-1] == counts[-2], f"every burst opened new database sessions (totals {counts})"
    finally:
        server.stop(grace=1)
        live.stop()


# --- safe retries: the idempotency key -------------------------------------------------------------------


def messages_with(room_engine, body):
    with room_engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM messages WHERE body = :body"), {"body": body}).scalar_one()


def test_a_post_retried_with_its_key_after_a_lost_answer_is_posted_once(stub, rooms, room_engine):
    """The client sent PostMessage, timed out (its answer lost), and sends it again with the same key: it gets
    the same message, and the room has it once; the same key with another text is refused."""
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="adult-community-lounge"), metadata=md, timeout=T)
    request = pb.PostMessageRequest(slug="adult-community-lounge", body="hello, once",
                                    idempotency_key=str(uuid.uuid4()))
    first = stub.PostMessage(request, metadata=md, timeout=T).message
    again = stub.PostMessage(request, metadata=md, timeout=T).message
    assert again == first
    assert messages_with(room_engine, "hello, once") == 1
    page = stub.ListMessages(pb.ListMessagesRequest(slug="adult-community-lounge"), metadata=md, timeout=T)
    assert [m.message_id for m in page.messages] == [first.message_id]
    changed = pb.PostMessageRequest()
    changed.CopyFrom(request)
    changed.body = "hello, twice"
    with pytest.raises(grpc.RpcError) as info:
        stub.PostMessage(changed, metadata=md, timeout=T)
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "use a new key" in info.value.details()


def test_concurrent_twins_of_a_post_with_one_key_post_once(stub, rooms, room_engine):
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="adult-community-lounge"), metadata=md, timeout=T)
    request = pb.PostMessageRequest(slug="adult-community-lounge", body="twins", idempotency_key=str(uuid.uuid4()))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: stub.PostMessage(request, metadata=md, timeout=T).message, range(4)))
    assert len({m.message_id for m in answers}) == 1
    assert messages_with(room_engine, "twins") == 1


def test_a_post_whose_answer_missed_the_deadline_and_was_committed_afterwards_is_not_posted_twice(
        stub, rooms, room_engine):
    """The failure the key is for: the client's deadline passes while the post waits (here: on the room's
    stream row, which another transaction holds), the client sees DEADLINE_EXCEEDED, the post commits
    afterwards; the client's retry with the same key gets that message, and the room has it once."""
    md = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    slug = "adult-community-lounge"
    stub.JoinRoom(pb.JoinRoomRequest(slug=slug), metadata=md, timeout=T)
    request = pb.PostMessageRequest(slug=slug, body="late but once", idempotency_key=str(uuid.uuid4()))
    with room_engine.connect() as blocker:
        blocker.execute(sa.text("SELECT 1 FROM room_streams WHERE room_slug = :slug FOR UPDATE"), {"slug": slug})
        with pytest.raises(grpc.RpcError) as info:
            stub.PostMessage(request, metadata=md, timeout=0.5)
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        blocker.rollback()  # the server's post goes on and commits, after its client gave up
    testing.eventually(lambda: messages_with(room_engine, "late but once") == 1, timeout=T,
                       what="the abandoned post to commit")
    retried = stub.PostMessage(request, metadata=md, timeout=T).message
    assert retried.body == "late but once"
    assert messages_with(room_engine, "late but once") == 1
    page = stub.ListMessages(pb.ListMessagesRequest(slug=slug), metadata=md, timeout=T)
    assert [m.message_id for m in page.messages] == [retried.message_id]


def test_a_teen_posting_a_phone_number_in_a_teen_room_is_refused_with_the_explanation_and_nothing_stored(
        stub, rooms, room_engine):
    """Automod's defaults (no rule set from moderation yet): refused as bad input the author can change, the
    rule's explanation as the details; no message, no event, no seq. An adult's in an adult room is posted."""
    from hearth_common.automod.rules import TEEN_CONTACT

    teen = [("authorization", f"Bearer {token_for(known_person(rooms, cohort='teen'))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="teen-community-hangout"), metadata=teen, timeout=T)
    first = stub.PostMessage(pb.PostMessageRequest(slug="teen-community-hangout", body="hi everyone"),
                             metadata=teen, timeout=T).message
    events_before = len(testing.outbox_data(room_engine, "message_posted"))
    with pytest.raises(grpc.RpcError) as info:
        stub.PostMessage(pb.PostMessageRequest(slug="teen-community-hangout", body="text me on 07700 900123"),
                         metadata=teen, timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and info.value.details() == TEEN_CONTACT
    page = stub.ListMessages(pb.ListMessagesRequest(slug="teen-community-hangout"), metadata=teen, timeout=T)
    assert [m.body for m in page.messages] == ["hi everyone"]
    assert len(testing.outbox_data(room_engine, "message_posted")) == events_before
    again = stub.PostMessage(pb.PostMessageRequest(slug="teen-community-hangout", body="bye"), metadata=teen,
                             timeout=T).message
    assert again.seq == first.seq + 1
    adult = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="adult-community-lounge"), metadata=adult, timeout=T)
    posted = stub.PostMessage(pb.PostMessageRequest(slug="adult-community-lounge", body="text me on 07700 900123"),
                              metadata=adult, timeout=T).message
    assert posted.body == "text me on 07700 900123"


def test_a_rule_set_from_moderation_applies_to_the_next_post_and_edit(stub, rooms, room_engine, room_settings):
    """What room-worker keeps (here applied through the same use case) room-grpc applies on the next call."""
    from hearth_common.contracts import examples
    from room_service.bootstrap import build_conversation

    adult = [("authorization", f"Bearer {token_for(known_person(rooms))}")]
    stub.JoinRoom(pb.JoinRoomRequest(slug="adult-community-lounge"), metadata=adult, timeout=T)
    posted = stub.PostMessage(pb.PostMessageRequest(slug="adult-community-lounge", body="pineapple"),
                              metadata=adult, timeout=T).message
    rules = [{"id": "no-durian", "kind": "word", "pattern": "durian", "action": "block", "explanation": "No durian.",
              "scope": "all", "exempt_roles": []},
             {"id": "mask-pineapple", "kind": "word", "pattern": "pineapple", "action": "censor",
              "explanation": "Masked.", "scope": "room:adult-community-lounge", "exempt_roles": []}]
    worker, _ = build_conversation(room_settings, room_engine)  # room-worker's use cases
    worker.apply_automod_event(examples.envelope("moderation", "automod_rules_changed", 1, version=1,
                                                 rule_set={"version": 1, "rules": rules}))
    with pytest.raises(grpc.RpcError) as info:
        stub.PostMessage(pb.PostMessageRequest(slug="adult-community-lounge", body="durian"), metadata=adult,
                         timeout=T)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and info.value.details() == "No durian."
    masked = stub.PostMessage(pb.PostMessageRequest(slug="adult-community-lounge", body="pineapple pizza"),
                              metadata=adult, timeout=T).message
    assert masked.body == "********* pizza"
    edited = stub.EditMessage(pb.EditMessageRequest(message_id=posted.message_id, body="more pineapple"),
                              metadata=adult, timeout=T).message
    assert edited.body == "more *********"
