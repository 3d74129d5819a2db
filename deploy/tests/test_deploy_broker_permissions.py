"""Deploy check: each service's RabbitMQ user, with exactly the permissions make env generates, can run its processes.

Starts identity-worker, room-worker, course-worker, moderation-worker and room-grpc as real processes on a throwaway
vhost holding the generated definitions (users' permissions; room's, course's and moderation's event queues, bound
ahead of their start), and checks every event and RPC queue and room-grpc's live queue get their consumers, the
broker refused nothing (room-worker's, course-worker's and moderation-worker's requests for a replay from identity
included, moderation's from room and course too), and what identity published before room-worker, course-worker and
moderation-worker first started reached them; and that moderation-worker carries out a removal it owes room
(room.remove_person) on moderation's user. And
for a room service added to a platform already running (its queues made after identity's events went out, as
with a broker started without the definitions): room backfills what it missed by itself, and
`identity-replay-events`, all or one type, to everyone or to room alone, changes nothing more.
"""
import importlib.util
import json
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid

import amqp
import grpc
import kombu
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import errors, testing
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RPC_CALLERS, RoomRpc

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
IDENTITY_EVENTS = ("person_registered", "cohort_changed", "badge_awarded", "badge_revoked", "role_granted",
                   "role_revoked")
ROOM_QUEUES = [f"evt-identity-{e}--room.on_{e}" for e in IDENTITY_EVENTS]
ROOM_QUEUES += [f"evt-moderation-{e}--room.on_{e}" for e in ("sanction_imposed", "sanction_lifted",
                                                           "automod_rules_changed", "notice_issued")]
ROOM_QUEUES += ["evt-course-mentor_review_overdue--room.on_mentor_review_overdue", "rpc-room"]
COURSE_QUEUES = [f"evt-identity-{e}--course.on_{e}" for e in IDENTITY_EVENTS]
SERVICES = ("identity", "room", "moderation", "course")
LOUNGE = "adult-community-lounge"  # a seeded room every adult may enter
_spec = importlib.util.spec_from_file_location("make_definitions", DEPLOY / "rabbitmq" / "make_definitions.py")
make_definitions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_definitions)


def live_queue_consumed(vhost: str) -> bool:
    """Whether a room-grpc replica consumes its room.live.<host>.<id> queue."""
    listed = subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", "list_queues", "-p", vhost,
                             "name", "consumers"], check=True, capture_output=True, text=True, timeout=60).stdout
    return any(line.split()[0].startswith("room.live.") and line.split()[1] != "0"
               for line in listed.splitlines() if len(line.split()) == 2)


def known_to(db_url: str, username: str) -> dict | None:
    """The person as a consumer's read model of people (room's, course's: common's people table) has them."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT username, grants FROM people WHERE username = :u"), {"u": username})
        return dict(row.mappings().first() or {}) or None


def ctl(*args):
    subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", *args], check=True,
                   capture_output=True, timeout=60)


def declare_definitions(uri: str, definitions: dict) -> None:
    """Creates definitions.json's exchanges, queues and bindings on the vhost at `uri`, as the broker does when
    it loads the file at its first start."""
    with kombu.Connection(uri) as conn:
        channel = conn.channel()
        for e in definitions["exchanges"]:
            channel.exchange_declare(e["name"], e["type"], durable=e["durable"], auto_delete=e["auto_delete"],
                                     arguments=e["arguments"])
        for q in definitions["queues"]:
            channel.queue_declare(q["name"], durable=q["durable"], auto_delete=q["auto_delete"],
                                  arguments=q["arguments"])
        for b in definitions["bindings"]:
            channel.queue_bind(b["destination"], b["source"], b["routing_key"], arguments=b["arguments"])


def generated_definitions() -> dict:
    """The definitions `make env` writes for the deployed services (the passwords aside: the test makes its own
    users), the workers' queues read in a process of their own (it imports the nameko workers)."""
    script = str(DEPLOY / "rabbitmq" / "make_definitions.py")
    consumers = json.loads(subprocess.run([sys.executable, script, "--consumers"],
                                          check=True, capture_output=True, text=True, timeout=120).stdout)
    env = {f"RABBITMQ_{user}_PASSWORD": "unused" for user in ("ADMIN", "IDENTITY", "ROOM", "COURSE", "MODERATION")}
    return make_definitions.definitions(env, consumers=consumers)


@pytest.fixture
def restricted_vhost():
    """A vhost holding the definitions `make env` generates, and a broker user of each service with exactly its
    generated permissions (named `<service>.test-<id>`: the convention's further account of a service). Yields the
    users' URIs, the vhost's (for an observer with every right), its name and the generated definitions."""
    vhost = testing.RabbitVhost("hearth_perms").create()
    definitions = generated_definitions()
    declare_definitions(vhost.uri, definitions)
    permissions = {p["user"]: p for p in definitions["permissions"]}
    topics = {(t["user"], t["exchange"]): t for t in definitions["topic_permissions"]}
    for service in SERVICES:  # a service not deployed yet has no generated user: its permissions as generated
        if service not in permissions:
            permissions[service], topic = make_definitions.service_permissions(service, [])
            topics[(service, topic["exchange"])] = topic
    users = {}
    for service in SERVICES:
        p = permissions[service]
        users[service] = vhost.service_user_uri(
            service, (p["configure"], p["write"], p["read"]),
            {exchange: (t["write"], t["read"]) for (user, exchange), t in topics.items() if user == service})
    yield users, vhost.uri, vhost.name, definitions
    vhost.delete()


def test_each_worker_runs_with_only_its_own_broker_permissions(restricted_vhost, tmp_path):
    users, observer_uri, vhost, definitions = restricted_vhost
    identity_db, room_db = testing.create_database("hearth_perm_id"), testing.create_database("hearth_perm_room")
    course_db, moderation_db = testing.create_database("hearth_perm_course"), testing.create_database("hearth_perm_mod")
    moderation_queues = [q["name"] for q in definitions["queues"] if "--moderation." in q["name"]]
    assert {q.split("--")[0].split("-")[1] for q in moderation_queues} == {"identity", "room", "course"}
    procs = []
    try:
        env = {"IDENTITY_DATABASE_URL": identity_db, "ROOM_DATABASE_URL": room_db, "COURSE_DATABASE_URL": course_db,
               "MODERATION_DATABASE_URL": moderation_db, "PATH": str(BIN),
               "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": "perm_admin",
               "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": "perm admin password"}
        for service in SERVICES:  # each migrate step declares its queues with its own rights
            migrate_env = {**env, f"{service.upper()}_AMQP_URI": users[service]}
            subprocess.run([str(BIN / f"{service}-migrate")], env=migrate_env, check=True, capture_output=True,
                           timeout=120)
        logs = {}
        for service in ("identity", "room", "course", "moderation"):
            logs[service] = tmp_path / f"{service}.log"
            worker_env = {**env, f"{service.upper()}_AMQP_URI": users[service],
                          f"{service.upper()}_WORKER_HEARTBEAT_FILE": str(tmp_path / f"{service}.hb")}
            procs.append(subprocess.Popen([str(BIN / f"{service}-worker")], env=worker_env,
                                          stderr=open(logs[service], "w")))
            if service == "identity":  # the bootstrap admin's events go out before room-worker ever starts
                testing.eventually(lambda: not testing.unpublished_events(identity_db), timeout=40,
                                   what="identity's relay to publish the bootstrap admin's events")
        logs["room-grpc"] = tmp_path / "room-grpc.log"
        room_target, identity_target = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
        procs.append(subprocess.Popen([str(BIN / "room-grpc")], stderr=open(logs["room-grpc"], "w"), env={
            **env, "ROOM_AMQP_URI": users["room"], "ROOM_GRPC_ADDRESS": room_target,
            "ROOM_IDENTITY_GRPC_TARGET": identity_target}))
        logs["identity-grpc"] = tmp_path / "identity-grpc.log"
        procs.append(subprocess.Popen([str(BIN / "identity-grpc")], stderr=open(logs["identity-grpc"], "w"), env={
            **env, "IDENTITY_AMQP_URI": users["identity"], "IDENTITY_GRPC_ADDRESS": identity_target}))
        logs["moderation-grpc"] = tmp_path / "moderation-grpc.log"
        moderation_target = f"127.0.0.1:{free_port()}"
        procs.append(subprocess.Popen([str(BIN / "moderation-grpc")], stderr=open(logs["moderation-grpc"], "w"), env={
            **env, "MODERATION_AMQP_URI": users["moderation"], "MODERATION_GRPC_ADDRESS": moderation_target,
            "MODERATION_IDENTITY_GRPC_TARGET": identity_target}))
        deadline = time.monotonic() + 40
        for queue in ("rpc-identity", *ROOM_QUEUES, "rpc-course", *COURSE_QUEUES, "rpc-moderation",
                      *moderation_queues):
            testing.wait_consuming(observer_uri, queue, timeout=max(deadline - time.monotonic(), 1))
        while not live_queue_consumed(vhost):
            assert time.monotonic() < deadline, (
                f"room-grpc does not consume room.live: {logs['room-grpc'].read_text()[-2000:]}")
            time.sleep(0.2)
        assert_nothing_refused(logs)
        for service in ("identity", "room", "course", "moderation"):  # a worker's stderr is its JSON log stream
            lines = logs[service].read_text().splitlines()
            assert lines and all(line.startswith("{") for line in lines), (
                f"{service}-worker wrote a line that is not JSON: {[x for x in lines if not x.startswith('{')][:3]}")
        admin = testing.eventually(lambda: known_to(room_db, "perm_admin"), timeout=30,
                                   what="room to learn of the admin identity made before room-worker started")
        assert [(g["role"], g["active"]) for g in admin["grants"].values()] == [("admin", True)]
        # room-worker's first-start request for a replay went through with room's and identity's own permissions
        # (room asks course too, for its reminders: whether course answered yet depends on which worker came up first)
        assert testing.eventually(lambda: backfills(room_db).get("identity"), timeout=30) == 2
        # course-worker's too, on course's user: the admin reached course's read model of people
        # (course asks room too, for session_ended: whether room answered yet depends on which worker came up first)
        assert testing.eventually(lambda: backfills(course_db).get("identity"), timeout=30) == 2
        course_admin = testing.eventually(lambda: known_to(course_db, "perm_admin"), timeout=30,
                                          what="course to learn of the admin made before course-worker started")
        assert [(g["role"], g["active"]) for g in course_admin["grants"].values()] == [("admin", True)]
        # moderation-worker's too, on moderation's user: identity's events, and room's and course's replay_events
        # (RPCs the table gives moderation), each recorded once its producer answered (they retry until then)
        assert testing.eventually(lambda: backfills(moderation_db).get("identity"), timeout=30) == 2
        testing.eventually(lambda: {"room", "course"} <= set(backfills(moderation_db)), timeout=60,
                           what="room and course to answer moderation-worker's requests for a replay")
        moderation_admin = testing.eventually(lambda: known_to(moderation_db, "perm_admin"), timeout=30,
                                              what="moderation to learn of the admin made before its worker started")
        assert [(g["role"], g["active"]) for g in moderation_admin["grants"].values()] == [("admin", True)]

        # Every call the table allows works end to end, each on its service's real user, through the real workers.
        admin_id = person_id(identity_db, "perm_admin")
        clients = {service: RpcClient(users[service], timeout=10) for service in ("moderation",)}
        try:
            assert RoomRpc(clients["moderation"]).remove_person(LOUNGE, admin_id, admin_id, "check") is False
        finally:
            for client in clients.values():
                client.close()
        with grpc.insecure_channel(identity_target) as channel:  # GrantRole asks room on identity's user
            stub = identity_pb2_grpc.IdentityServiceStub(channel)
            testing.eventually(lambda: grpc_serving(channel), timeout=30, what="identity-grpc to serve")
            token = stub.Login(ipb.LoginRequest(username="perm_admin", password="perm admin password"),
                               timeout=10).tokens.access_token
            md = [("authorization", f"Bearer {token}")]
            grant = stub.GrantRole(ipb.GrantRoleRequest(person_id=admin_id, role=ipb.ROLE_CHAT_ROOM_MODERATOR,
                                                        room_id=LOUNGE), metadata=md, timeout=10).grant
            assert grant.room_id == LOUNGE
            with pytest.raises(grpc.RpcError) as refused:
                stub.GrantRole(ipb.GrantRoleRequest(person_id=admin_id, role=ipb.ROLE_CHAT_ROOM_MODERATOR,
                                                    room_id="adult-community-lounge-typo"), metadata=md, timeout=10)
            assert refused.value.code() == grpc.StatusCode.NOT_FOUND
        kicked = a_kick_carried_out_by_moderation_worker(identity_target, room_target, moderation_target, md)
        assert testing.eventually(lambda: (room_action(moderation_db, kicked) or ("pending",))[0] != "pending" and
                                  room_action(moderation_db, kicked), timeout=30,
                                  what="moderation-worker to call room.remove_person") == ("done", None)
        assert not member_of(room_db, LOUNGE, kicked)
        assert_nothing_refused(logs)
    finally:
        testing.stop_processes(procs)  # a worker stuck retrying refused declarations is killed
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        testing.drop_database(course_db)
        testing.drop_database(moderation_db)


def a_kick_carried_out_by_moderation_worker(identity_target, room_target, moderation_target, admin_md) -> str:
    """A member joins the lounge over room-grpc; once room's event has reached moderation (on moderation's user),
    the admin kicks them over moderation-grpc, and moderation-worker calls room.remove_person. Returns their id."""
    with grpc.insecure_channel(identity_target) as ic, grpc.insecure_channel(room_target) as rc, \
            grpc.insecure_channel(moderation_target) as mc:
        identity = identity_pb2_grpc.IdentityServiceStub(ic)
        member_id = identity.Register(ipb.RegisterRequest(username="perm_member", password="perm member password",
                                                          date_of_birth="1990-01-01", kind=ipb.PERSON_KIND_MEMBER),
                                      timeout=10).person.id
        token = identity.Login(ipb.LoginRequest(username="perm_member", password="perm member password"),
                               timeout=10).tokens.access_token
        member_md = [("authorization", f"Bearer {token}")]
        rooms = room_pb2_grpc.RoomServiceStub(rc)
        testing.eventually(lambda: grpc_serving(rc), timeout=30, what="room-grpc to serve")
        testing.eventually(lambda: "try again" not in " ".join(rooms.CheckAccess(
            rpb.CheckAccessRequest(slug=LOUNGE), metadata=member_md, timeout=10).access.missing), timeout=30,
            what="room to learn of the member")
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=LOUNGE), metadata=member_md, timeout=10)
        moderation = moderation_pb2_grpc.ModerationServiceStub(mc)
        testing.eventually(lambda: grpc_serving(mc), timeout=30, what="moderation-grpc to serve")

        def kick():
            try:
                return moderation.KickPerson(mpb.KickPersonRequest(person_id=member_id, room_slug=LOUNGE,
                                                                   reason="checking the broker's permissions"),
                                             metadata=admin_md, timeout=10)
            except grpc.RpcError as exc:  # until room's room_joined event has reached moderation
                assert exc.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND), exc.details()
                return None

        testing.eventually(kick, timeout=30, what="moderation to learn the member is in the lounge")
    return member_id


def room_action(db_url: str, person_id: str) -> tuple[str, str | None] | None:
    """(status, last error) of moderation's recorded call to room.remove_person for the person, if any."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT status, last_error FROM room_actions WHERE kind = 'remove_person' "
                                   "AND args->>'person_id' = :p"), {"p": person_id}).first()
        return tuple(row) if row else None


def member_of(db_url: str, slug: str, person_id: str) -> bool:
    """Whether room's members table has the person in the room."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM members WHERE room_slug = :r AND person_id = :p"),
                                 {"r": slug, "p": person_id}).scalar_one())


def test_a_room_service_added_later_backfills_by_itself_and_identity_replay_events_changes_nothing(tmp_path):
    vhost = testing.RabbitVhost("hearth_replay").create()  # no definitions: room's queues come with room-migrate
    identity_db, room_db = testing.create_database("hearth_replay_id"), testing.create_database("hearth_replay_room")
    env = {"IDENTITY_DATABASE_URL": identity_db, "ROOM_DATABASE_URL": room_db, "PATH": str(BIN),
           "IDENTITY_AMQP_URI": vhost.uri, "ROOM_AMQP_URI": vhost.uri,
           "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": "replay_admin",
           "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": "replay admin password",
           "IDENTITY_WORKER_HEARTBEAT_FILE": str(tmp_path / "identity.hb"),
           "ROOM_WORKER_HEARTBEAT_FILE": str(tmp_path / "room.hb"),
           "HEARTH_RPC_LOCAL_CALLER": "true"}  # the guest user proves no service: room's replay request is let in
    procs = []
    try:
        subprocess.run([str(BIN / "identity-migrate")], env=env, check=True, capture_output=True, timeout=120)
        procs.append(subprocess.Popen([str(BIN / "identity-worker")], env=env, stderr=subprocess.DEVNULL))
        testing.eventually(lambda: not testing.unpublished_events(identity_db), timeout=40,
                           what="identity's relay to publish the bootstrap admin's events (to no queue of room's yet)")
        subprocess.run([str(BIN / "room-migrate")], env=env, check=True, capture_output=True, timeout=120)
        procs.append(subprocess.Popen([str(BIN / "room-worker")], env=env, stderr=subprocess.DEVNULL))

        # Nobody runs a command: room-worker asks identity for what it missed on its first start.
        admin = testing.eventually(lambda: (known_to(room_db, "replay_admin") or {}).get("grants") and
                                   known_to(room_db, "replay_admin"), timeout=40,
                                   what="room to backfill the admin and their role from identity")
        assert [(g["role"], g["active"]) for g in admin["grants"].values()] == [("admin", True)]
        # the admin's registration and role, replayed to room once (recorded when identity's answer is back)
        # (room asks course too, for its reminders: whether course answered yet depends on which worker came up first)
        assert testing.eventually(lambda: backfills(room_db).get("identity"), timeout=30) == 2

        handled = testing.eventually(lambda: inbox_count(room_db) == 2 and inbox_count(room_db), timeout=30)
        replay = subprocess.run([str(BIN / "identity-replay-events")], env=env, capture_output=True, text=True,
                                timeout=60)
        assert replay.returncode == 0, replay.stderr
        assert "replayed 2 events" in replay.stdout
        again = subprocess.run([str(BIN / "identity-replay-events"), "--type", "role_granted", "--to", "room"],
                               env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        assert "replayed 1 events of type role_granted from seq 1 to room" in again.stdout
        testing.eventually(lambda: room_queues_empty(vhost.name), timeout=30, what="room to take the replayed events")
        assert inbox_count(room_db) == handled and known_to(room_db, "replay_admin") == admin
    finally:
        testing.stop_processes(procs)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        vhost.delete()


def test_every_call_a_service_may_not_make_is_refused_by_the_broker(restricted_vhost):
    users, _, _, _ = restricted_vhost
    # An RPC the table does not give the service: refused by its topic permissions on nameko-rpc.
    for service, routing_key in [("room", "identity.award_badge"), ("moderation", "identity.award_badge"),
                                 ("identity", "identity.award_badge"), ("course", "identity.revoke_badge"),
                                 ("course", "identity.award_badge"),
                                 ("identity", "room.remove_message"), ("course", "room.remove_person"),
                                 ("room", "room.remove_message"), ("course", "room.get_room")]:
        assert refusal(users[service], lambda ch: publish(ch, routing_key)) == "ACCESS_REFUSED", (service, routing_key)
    client = RpcClient(users["room"], timeout=5)  # common's client reports it as the category it is
    try:
        with pytest.raises(errors.PermissionDenied, match="the broker refused identity.award_badge"):
            client.call("identity", "award_badge", person_id=str(uuid.uuid4()), badge_slug="first-post",
                        reason="claimed", idempotency_key="k")  # no such RPC any more: refused before identity
    finally:
        client.close()
    # Claiming another service's user on a call it may make: the broker checks user_id against the connection's.
    for service in SERVICES:
        routing_key = (*RPC_CALLERS[service], str(uuid.uuid4()))[0]
        for other in SERVICES:
            if other != service:
                claim = urllib.parse.unquote(urllib.parse.urlsplit(users[other]).username)
                assert refusal(users[service], lambda ch: publish(ch, routing_key, user_id=claim)) == (
                    "PRECONDITION_FAILED"), (service, other)
    # Deleting or re-declaring what is another service's, or shared: refused (configure).
    for service in SERVICES:
        for other in SERVICES:
            if other != service:
                for act in (lambda ch: ch.exchange_delete(f"{other}.events"),
                            lambda ch: ch.exchange_declare(f"{other}.events", "topic", durable=True, auto_delete=False),
                            lambda ch: ch.queue_delete(f"rpc-{other}"),
                            lambda ch: ch.queue_declare(f"rpc-{other}", durable=True)):
                    assert refusal(users[service], act) == "ACCESS_REFUSED", (service, other)
        for shared in ("nameko-rpc", "hearth.dead-letter"):
            assert refusal(users[service], lambda ch: ch.exchange_delete(shared)) == "ACCESS_REFUSED", (service, shared)
        # Listening in on another's RPC requests: binding a queue of its own to their key is refused.
        other = next(o for o in SERVICES if o != service)
        queue = f"rpc.reply-{service}-{uuid.uuid4()}"

        def eavesdrop(ch, queue=queue, other=other):
            ch.queue_declare(queue, exclusive=True)
            ch.queue_bind(queue, "nameko-rpc", f"{other}.*")

        assert refusal(users[service], eavesdrop) == "ACCESS_REFUSED", service
    # What each may do, in the same terms: its allowed RPCs and replies publish, its own names configure.
    for service in SERVICES:
        for routing_key in [*RPC_CALLERS[service], str(uuid.uuid4())]:
            assert refusal(users[service], lambda ch: publish(ch, routing_key, mandatory=False)) is None

        def declare_own(ch, service=service):
            ch.exchange_declare(f"{service}.events", "topic", durable=True, auto_delete=False)
            ch.queue_declare(f"rpc-{service}", durable=True, auto_delete=False)
            ch.queue_bind(f"rpc-{service}", "nameko-rpc", f"{service}.*")

        assert refusal(users[service], declare_own) is None, service

        def declare_new_event_queue(ch, service=service):  # a handler added later: its migrate step declares it
            queue = f"evt-identity-person_registered--{service}.on_new_{uuid.uuid4().hex[:8]}"
            # as nameko_deps.reliable_queue_arguments: the broker asks for write on the dead-letter exchange
            arguments = {"x-queue-type": "quorum", "x-delivery-limit": 4,
                         "x-dead-letter-exchange": "hearth.dead-letter", "x-dead-letter-routing-key": queue}
            ch.queue_declare(queue, durable=True, auto_delete=False, arguments=arguments)
            ch.queue_delete(queue)

        assert refusal(users[service], declare_new_event_queue) is None, service


def assert_nothing_refused(logs: dict) -> None:
    for service, log in logs.items():
        text = log.read_text()
        assert "ACCESS_REFUSED" not in text.upper().replace("-", "_"), f"{service}: {text[-2000:]}"


def publish(channel, routing_key: str, user_id: str | None = None, mandatory: bool = False) -> None:
    channel.confirm_select()
    properties = {"user_id": user_id} if user_id else {}
    channel.basic_publish(amqp.Message(b"{}", **properties), exchange="nameko-rpc", routing_key=routing_key,
                          mandatory=mandatory)


def refusal(uri: str, act) -> str | None:
    """The name of the error the broker closed the channel with for `act(channel)`, or None if it allowed it."""
    with kombu.Connection(uri) as conn:
        channel = conn.channel()
        try:
            act(channel)
            channel.basic_qos(0, 1, False)  # a round trip, so an asynchronous refusal arrives
        except amqp.exceptions.AMQPError as exc:
            return {403: "ACCESS_REFUSED", 406: "PRECONDITION_FAILED", 404: "NOT_FOUND"}.get(exc.code, repr(exc))
        return None


def person_id(db_url: str, username: str) -> str:
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT id FROM people WHERE username = :u"), {"u": username}).scalar_one())


def grpc_serving(channel) -> bool:
    try:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    except grpc.RpcError:
        return False
    return health.status == health_pb2.HealthCheckResponse.SERVING


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def backfills(db_url: str) -> dict:
    """{producer: events it replayed} for each producer room's worker asked for a replay on its first start."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT source, replayed FROM event_backfills")).all())


def inbox_count(db_url: str) -> int:
    """How many events room's consumers have claimed (each event id once)."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM inbox")).scalar_one()


def room_queues_empty(vhost: str) -> bool:
    """Whether room's identity-event queues hold no message, ready or unacknowledged."""
    listed = subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", "list_queues", "-p", vhost,
                             "name", "messages"], check=True, capture_output=True, text=True, timeout=60).stdout
    counts = dict(line.split() for line in listed.splitlines() if len(line.split()) == 2)
    return all(counts.get(q, "0") == "0" for q in ROOM_QUEUES if q.startswith("evt-identity"))
