"""End-to-end fuzzing of the gRPC APIs: identity-grpc, room-grpc and moderation-grpc as real processes (their
workers beside them, the real PostgreSQL and RabbitMQ behind), sent every request message of every method
generated from its descriptor (every field, nested messages, enums known and unknown, repeated, optional and
oneof fields, text with NUL characters and of any length, huge and negative numbers), and raw random bytes,
without a token, with an invalid one, as a member and as an admin. No call is ever answered INTERNAL or UNKNOWN,
and every call is answered (a unary call within its deadline; a stream with its first metadata).

Bounded: HEARTH_FUZZ_EXAMPLES examples of each method (default 25) and of raw bytes (ten times that), about a
minute in all with the processes' start; `HEARTH_FUZZ_EXAMPLES=500 make test-e2e` for a long run.
"""
import datetime as dt
import os
import subprocess
import time
from unittest import mock

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from e2e_helpers import ADMIN, BIN, Proc, Stack, free_port, wait_serving
from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hearth_common import testing
from identity_service.entrypoints.grpc_servicer import PUBLIC_METHODS

EXAMPLES = int(os.environ.get("HEARTH_FUZZ_EXAMPLES", "25"))
T = 10
STREAM_T = 2  # a stream the caller may follow stays open: its first metadata is its answer
PASSWORD = "a long enough password"
OPEN_ROOM = "adult-24-7-support"
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])

SERVICES = {
    "identity": ipb.DESCRIPTOR.services_by_name["IdentityService"],
    "room": rpb.DESCRIPTOR.services_by_name["RoomService"],
    "moderation": mpb.DESCRIPTOR.services_by_name["ModerationService"],
}
METHODS = [(name, method) for name, service in SERVICES.items() for method in service.methods]
PROTECTED = [(name, method) for name, method in METHODS if not (name == "identity" and method.name in PUBLIC_METHODS)]


@pytest.fixture(scope="module")
def platform(e2e_env, tmp_path_factory):
    """identity-grpc, room-grpc and moderation-grpc, each with its worker; a member and an admin every service
    knows. Yields the channels, the callers' metadata, values the services know, and the databases' URLs."""
    env, _, identity_target = e2e_env
    log_dir = tmp_path_factory.mktemp("fuzz-logs")
    stack = Stack(env, log_dir, identity_target)
    stack.start_grpc()
    stack.start_worker()
    db_url = testing.create_database("hearth_room_fuzz")
    room_target = f"127.0.0.1:{free_port()}"
    room_env = {**env, "ROOM_DATABASE_URL": db_url, "ROOM_AMQP_URI": env["IDENTITY_AMQP_URI"],
                "ROOM_IDENTITY_GRPC_TARGET": identity_target, "ROOM_GRPC_ADDRESS": room_target}
    subprocess.run([str(BIN / "room-migrate")], env=room_env, check=True, capture_output=True, timeout=120)
    moderation_db = testing.create_database("hearth_moderation_fuzz")
    moderation_target = f"127.0.0.1:{free_port()}"
    moderation_env = {**env, "MODERATION_DATABASE_URL": moderation_db,
                      "MODERATION_AMQP_URI": env["IDENTITY_AMQP_URI"],
                      "MODERATION_IDENTITY_GRPC_TARGET": identity_target,
                      "MODERATION_GRPC_ADDRESS": moderation_target,
                      "MODERATION_WORKER_HEARTBEAT_FILE": str(log_dir / "moderation.hb"),
                      # a page stays at its first stage while test_e2e_roles compares the database's fingerprints
                      "MODERATION_PAGE_ESCALATION_SECONDS": "3600"}
    subprocess.run([str(BIN / "moderation-migrate")], env=moderation_env, check=True, capture_output=True,
                   timeout=120)
    room = [Proc("room-worker", room_env, log_dir), Proc("room-grpc", room_env, log_dir),
            Proc("moderation-worker", moderation_env, log_dir), Proc("moderation-grpc", moderation_env, log_dir)]
    try:
        wait_serving(room_target, room[1])
        wait_serving(moderation_target, room[3])
        channels = {"identity": grpc.insecure_channel(identity_target), "room": grpc.insecure_channel(room_target),
                    "moderation": grpc.insecure_channel(moderation_target)}
        identity = identity_pb2_grpc.IdentityServiceStub(channels["identity"])
        rooms = room_pb2_grpc.RoomServiceStub(channels["room"])
        member = identity.Register(ipb.RegisterRequest(username="fuzz_member", password=PASSWORD,
                                                       date_of_birth="1990-01-01", kind=ipb.PERSON_KIND_MEMBER),
                                   timeout=T).person
        auth = {
            "none": None,
            "invalid": [("authorization", "Bearer not.a.token")],
            "member": bearer(identity.Login(ipb.LoginRequest(username="fuzz_member", password=PASSWORD), timeout=T)),
            "admin": bearer(identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T)),
            # identity's own kid on claims signed by another key; and identity's real key on a token an hour old
            "forged": forged_token(identity, member.id),
            "expired": expired_token(env, "fuzz_member"),
        }
        # Both people reach room's read model through identity's events; the admin's role too.
        testing.eventually(lambda: "try again" not in " ".join(rooms.CheckAccess(
            rpb.CheckAccessRequest(slug=OPEN_ROOM), metadata=auth["member"], timeout=T).access.missing))
        testing.eventually(lambda: succeeds(rooms.ListCohortGrants, rpb.ListCohortGrantsRequest(),
                                            metadata=auth["admin"], timeout=T))
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=auth["member"], timeout=T)
        posted = rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="hello @fuzz_member"),
                                   metadata=auth["member"], timeout=T).message
        # Values the services know, so that generated requests reach past "not found" now and then.
        known = {"slug": [OPEN_ROOM, "teen-24-7-support", "first-post"], "id": [member.id, posted.message_id],
                 "username": ["fuzz_member", ADMIN[0]]}
        yield channels, auth, known, {"room": db_url, "moderation": moderation_db}
        for channel in channels.values():
            channel.close()
        for proc in [stack.grpc, room[1], room[3]]:
            assert proc.process.poll() is None, f"{proc.name} died under the fuzzer"
            errors = [line for line in proc.logs() if line.get("level") in ("error", "critical")]
            assert not errors, f"{proc.name} logged errors: {errors[:3]}"
    finally:  # a process slow to stop is killed, so the others are stopped and the databases dropped all the same
        testing.stop_processes([proc.process for proc in room])
        stack.stop()
        testing.drop_database(db_url)
        testing.drop_database(moderation_db)


def bearer(login):
    return [("authorization", f"Bearer {login.tokens.access_token}")]


def forged_token(identity, person_id: str) -> list[tuple[str, str]]:
    """Claims as identity makes them, with the kid of identity's published key, signed by another key."""
    kid = identity.GetPublicKeys(ipb.GetPublicKeysRequest(), timeout=T).keys[0].kid
    now = int(time.time())
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": now, "exp": now + 300, "roles": []}
    token = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    return [("authorization", f"Bearer {token}")]


def expired_token(env: dict, username: str) -> list[tuple[str, str]]:
    """A token identity's own service signs with its real key, as if logged in an hour ago: expired."""
    from identity_service import settings as identity_settings
    from identity_service.bootstrap import build_service

    with mock.patch.dict(os.environ, env):
        service = build_service(identity_settings.load())
    service.clock = lambda: dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    token = service.login(username, PASSWORD)["tokens"]["access_token"]
    return [("authorization", f"Bearer {token}")]


def succeeds(call, request, **kwargs) -> bool:
    try:
        call(request, **kwargs)
        return True
    except grpc.RpcError:
        return False


# --- requests from descriptors -------------------------------------------------------------------------------

_INTS = {
    FieldDescriptor.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.CPPTYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.CPPTYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.CPPTYPE_UINT64: (0, 2**64 - 1),
}
_ODD_CHARACTERS = ["\x00", " ", "\n", "é", "\U0001F600", "\u202e", "a", "-", "{", '"']


def text(known: dict) -> st.SearchStrategy[str]:
    """Any text: short and odd (NUL, controls, other scripts), values the services know, and very long runs."""
    every_known = sorted({value for values in known.values() for value in values})
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(every_known + ["", " ", "\x00", "lounge", "00000000-0000-0000-0000-000000000000",
                                       '{"always": true}', '{"badge": "first-post"}', "1990-01-01", PASSWORD]),
        st.builds(lambda run, count: run * count, st.sampled_from(_ODD_CHARACTERS), st.integers(0, 20_000)),
        st.builds(lambda value, tail: value + tail, st.sampled_from(every_known), st.sampled_from(_ODD_CHARACTERS)),
    )


def known_for(field: FieldDescriptor, known: dict) -> list[str]:
    """The values the services know for a field of this name (a slug field: real slugs), to try often."""
    name = field.name
    kind = "slug" if name.endswith("slug") else "id" if name == "id" or name.endswith("_id") or name == "reply_to" \
        else "username" if name.endswith("username") else None
    return known.get(kind, [])


def scalar(field: FieldDescriptor, known: dict) -> st.SearchStrategy:
    if field.type == FieldDescriptor.TYPE_STRING:
        likely = known_for(field, known)
        return st.one_of(st.sampled_from(likely), text(known)) if likely else text(known)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=64)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if field.type == FieldDescriptor.TYPE_ENUM:  # proto3 enums are open: any int32 is a value a client may send
        return st.one_of(st.sampled_from([v.number for v in field.enum_type.values]), st.integers(*_INTS[1]))
    if field.cpp_type in (FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE):
        return st.floats(width=32 if field.cpp_type == FieldDescriptor.CPPTYPE_FLOAT else 64)
    low, high = _INTS[field.cpp_type]
    return st.one_of(st.integers(low, high), st.sampled_from([0, 1, -1, low, high, 15, 60, 100, 3600]).filter(
        lambda n: low <= n <= high))


def message(descriptor, known: dict, depth: int = 0) -> st.SearchStrategy:
    """A message of the type: each field set or not, one member of each oneof at most, lists of any length."""

    def value(field):
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            entry = field.message_type
            if entry.GetOptions().map_entry:
                return st.dictionaries(scalar(entry.fields_by_name["key"], known),
                                       value(entry.fields_by_name["value"]), max_size=5)
            inner = message(entry, known, depth + 1) if depth < 3 else st.just(None)
            return st.lists(inner, max_size=5) if field.is_repeated else inner
        return st.lists(scalar(field, known), max_size=5) if field.is_repeated else scalar(field, known)

    cls = message_factory.GetMessageClass(descriptor)
    # A proto3 optional field sits in a oneof of its own, named after it: it is a plain field here.
    oneofs = [o for o in descriptor.oneofs if not (len(o.fields) == 1 and o.name == "_" + o.fields[0].name)]
    in_oneof = {f.name for o in oneofs for f in o.fields}
    plain = {f.name: value(f) for f in descriptor.fields if f.name not in in_oneof}
    chosen = [st.one_of(st.none(), st.sampled_from(list(o.fields)).flatmap(
        lambda f: st.tuples(st.just(f.name), value(f)))) for o in oneofs]

    def build(fields, picks):
        built = cls()
        for name, item in [*fields.items(), *(pick for pick in picks if pick is not None)]:
            _set(built, descriptor.fields_by_name[name], item)
        return built

    return st.builds(build, st.fixed_dictionaries({}, optional=plain), st.tuples(*chosen))


def _set(built, field, item):
    if item is None:
        return
    target = getattr(built, field.name)
    if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
        for key, value in item.items():
            if field.message_type.fields_by_name["value"].type == FieldDescriptor.TYPE_MESSAGE:
                if value is not None:
                    target[key].CopyFrom(value)
            else:
                target[key] = value
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.is_repeated:
            target.extend(i for i in item if i is not None)
        else:
            target.CopyFrom(item)
    elif field.is_repeated:
        target.extend(item)
    else:
        setattr(built, field.name, item)


# --- calls ------------------------------------------------------------------------------------------------------


def call(channels, service: str, method, payload, metadata, raw: bool = False) -> grpc.StatusCode:
    """The status of one call (OK, or what it was refused with); fails the test if no answer came."""
    path = f"/{method.containing_service.full_name}/{method.name}"
    channel = channels[service]
    serialize = None if raw else type(payload).SerializeToString
    if method.server_streaming:
        stream = channel.unary_stream(path, request_serializer=serialize, response_deserializer=bytes)(
            payload, metadata=metadata, timeout=STREAM_T)
        try:
            next(iter(stream), None)
            stream.cancel()
            return grpc.StatusCode.OK
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:  # open and quiet: answered if metadata came
                assert stream.initial_metadata() is not None, f"{path} never answered"
                return grpc.StatusCode.OK
            return exc.code()
    try:
        channel.unary_unary(path, request_serializer=serialize, response_deserializer=bytes)(
            payload, metadata=metadata, timeout=T)
        return grpc.StatusCode.OK
    except grpc.RpcError as exc:
        assert exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED, f"{path} gave no answer within {T} s"
        assert exc.code() not in NEVER, f"{path}: {exc.code().name} {exc.details()!r}"
        return exc.code()


@pytest.mark.parametrize("service, method", PROTECTED, ids=[f"{s}.{m.name}" for s, m in PROTECTED])
def test_every_method_but_identitys_public_ones_refuses_a_missing_forged_or_expired_token(platform, service, method):
    """Issue 14's scenario (g), over the real processes, for every RPC of every service (a role without the right:
    test_e2e_roles.py, on this platform's processes)."""
    channels, auth, _, _ = platform
    request = message_factory.GetMessageClass(method.input_type)()
    for who in ("none", "forged", "expired"):
        assert call(channels, service, method, request, auth[who]) == grpc.StatusCode.UNAUTHENTICATED, who


@pytest.mark.parametrize("service, method", METHODS, ids=[f"{s}.{m.name}" for s, m in METHODS])
@FUZZ
@given(data=st.data())
def test_no_request_of_any_method_is_answered_internal_or_unknown(platform, service, method, data):
    channels, auth, known, _ = platform
    request = data.draw(message(method.input_type, known), label="request")
    who = data.draw(st.sampled_from(sorted(auth)), label="caller")
    code = call(channels, service, method, request, auth[who])
    event(f"{who}: {code.name}")  # pytest --hypothesis-show-statistics shows what the calls got
    assert code not in NEVER, f"{method.full_name} as {who}: {code.name}"


@settings(FUZZ, max_examples=EXAMPLES * 10)
@given(garbage=st.binary(max_size=300), pick=st.sampled_from(METHODS), who=st.sampled_from(["none", "member"]))
def test_raw_random_bytes_to_any_method_are_answered_and_never_internal_or_unknown(platform, garbage, pick, who):
    channels, auth, _, _ = platform
    service, method = pick
    code = call(channels, service, method, garbage, auth[who], raw=True)
    event(code.name)
    assert code not in NEVER, f"{method.full_name} as {who}: {code.name}"
