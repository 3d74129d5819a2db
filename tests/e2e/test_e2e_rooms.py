"""End-to-end: identity and room as real processes; a badge awarded in identity opens a badge-locked room."""
import subprocess

import grpc
import pytest
from e2e_helpers import ADMIN, BIN, Proc, free_port, wait_serving
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing

T = 10
PASSWORD = "a long enough password"


@pytest.fixture
def room_stack(stack, e2e_env, tmp_path):
    env, _, identity_target = e2e_env
    stack.start_grpc()
    stack.start_worker()
    db_url = testing.create_database("hearth_room_e2e")
    room_targets = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    room_env = {**env, "ROOM_DATABASE_URL": db_url, "ROOM_AMQP_URI": env["IDENTITY_AMQP_URI"],
                "ROOM_IDENTITY_GRPC_TARGET": identity_target}
    subprocess.run([str(BIN / "room-migrate")], env=room_env, check=True, capture_output=True, timeout=120)
    # One worker and two room-grpc replicas: the live fan-out between replicas goes through RabbitMQ.
    procs = [Proc("room-worker", room_env, tmp_path)] + [
        Proc("room-grpc", {**room_env, "ROOM_GRPC_ADDRESS": target}, tmp_path) for target in room_targets
    ]
    worker = procs[0]
    testing.wait_consuming(
        env["IDENTITY_AMQP_URI"], "evt-identity-person_registered--room.on_person_registered",
        alive=lambda: None if worker.process.poll() is None else worker.log_path.read_text(),
    )
    for target, proc in zip(room_targets, procs[1:]):
        wait_serving(target, proc)
    yield identity_target, *room_targets
    for proc in procs:
        proc.terminate()
    testing.drop_database(db_url)


def test_refused_then_told_what_is_needed_then_admitted_once_the_badge_arrives(room_stack):
    identity_target, room_target, _ = room_stack
    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(identity_target))
    rooms = room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target))
    person = identity.Register(ipb.RegisterRequest(username="e2e_roomer", password=PASSWORD, date_of_birth="1990-01-01",
                                                   kind=ipb.PERSON_KIND_MEMBER), timeout=T).person
    me = [("authorization", "Bearer " + identity.Login(ipb.LoginRequest(username="e2e_roomer", password=PASSWORD),
                                                       timeout=T).tokens.access_token)]

    def check():
        return rooms.CheckAccess(rpb.CheckAccessRequest(slug="adult-peer-supporters"), metadata=me, timeout=T).access

    # Registration reaches room through identity's events; until then room says to try again.
    refused = testing.eventually(lambda: (a := check()) and "try again" not in " ".join(a.missing) and a)
    assert not refused.allowed
    assert list(refused.missing) == ["earn one of: Chief Chat, First Post", "earn: Compassion Hero"]

    admin_token = identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
    staff = [("authorization", f"Bearer {admin_token}")]
    for slug in ("first-post", "compassion-hero"):
        identity.AwardBadge(ipb.AwardBadgeRequest(person_id=person.id, badge_slug=slug, reason="earned"),
                            metadata=staff, timeout=T)
    assert testing.eventually(lambda: check().allowed)
    joined = rooms.JoinRoom(rpb.JoinRoomRequest(slug="adult-peer-supporters"), metadata=me, timeout=T)
    assert joined.member.person_id == person.id and joined.seq >= 1

    teen_only = [r for r in rooms.ListRooms(rpb.ListRoomsRequest(), metadata=me, timeout=T).rooms
                 if r.room.audience == rpb.AUDIENCE_TEEN]
    assert teen_only and not any(r.access.allowed for r in teen_only)
