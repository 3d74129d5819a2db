"""Compose: the real images and docker-compose.yml, driven from the host over the published gRPC ports."""
import functools
import os
import subprocess
import uuid

import grpc
from compose_helpers import COMPOSE, compose, container_ids, psql, replica_targets
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common import testing

T = 10
ADMIN = ("admin", os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ""))  # exported by deploy/compose-test.sh


def stub(channel):
    return identity_pb2_grpc.IdentityServiceStub(channel)


def register(s, username):
    request = pb.RegisterRequest(username=username, password="a long enough password", date_of_birth="1992-03-04",
                                 kind=pb.PERSON_KIND_MEMBER)
    return s.Register(request, timeout=T).person


def health(channel):
    try:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=3).status
    except grpc.RpcError:
        return None


eventually = functools.partial(testing.eventually, timeout=60, interval=1)  # containers take their time


def unpublished_events() -> int:
    return int(psql("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


def test_register_login_award_and_read_back_on_every_replica(channels):
    for i, channel in enumerate(channels):
        s = stub(channel)
        person = register(s, f"compose_{i}_{uuid.uuid4().hex[:6]}")
        token = s.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
        md = [("authorization", f"Bearer {token}")]
        s.AwardBadge(pb.AwardBadgeRequest(person_id=person.id, badge_slug="compassion-hero", reason="compose e2e"),
                     metadata=md, timeout=T)
        # Read back through the other replica: both serve the same data.
        other = stub(channels[1 - i])
        held = other.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=person.id), metadata=md, timeout=T).awards
        assert [a.badge.slug for a in held] == ["compassion-hero"]
    eventually(lambda: unpublished_events() == 0, what="the workers to publish every event")


def test_a_badge_awarded_in_identity_opens_a_room_on_every_room_replica(channels):
    from hearth.room.v1 import room_pb2 as rpb
    from hearth.room.v1 import room_pb2_grpc

    s = stub(channels[0])
    username = f"roomer_{uuid.uuid4().hex[:6]}"
    person = register(s, username)
    me = [("authorization", "Bearer " + s.Login(pb.LoginRequest(username=username, password="a long enough password"),
                                                 timeout=T).tokens.access_token)]
    room_stubs = [room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(t)) for t in replica_targets("room-grpc", 50052)]

    def access(index):
        request = rpb.CheckAccessRequest(slug="adult-peer-supporters")
        return room_stubs[index].CheckAccess(request, metadata=me, timeout=T).access

    eventually(lambda: "try again" not in " ".join(access(0).missing), what="room to learn of the registration")
    assert list(access(1).missing) == ["earn one of: Chief Chat, First Post", "earn: Compassion Hero"]
    staff = [("authorization", "Bearer " + s.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]),
                                                    timeout=T).tokens.access_token)]
    for slug in ("chief-chat", "compassion-hero"):
        s.AwardBadge(pb.AwardBadgeRequest(person_id=person.id, badge_slug=slug, reason="compose e2e"),
                     metadata=staff, timeout=T)
    eventually(lambda: access(0).allowed and access(1).allowed, what="the room to open")

    # The bootstrap admin, made by identity whenever its containers came up, is an admin in room too: room's
    # event queues are in the broker's definitions, so identity's first events wait for room-worker.
    spec = rpb.RoomSpec(slug=f"adult-compose-{uuid.uuid4().hex[:6]}", name=f"Compose room {uuid.uuid4().hex[:6]}",
                        description="Made by the bootstrap admin.", topic="community", audience=rpb.AUDIENCE_ADULT,
                        audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN, capacity=30,
                        access_policy_json='{"always": true}')
    created = room_stubs[1].CreateRoom(rpb.CreateRoomRequest(room=spec), metadata=staff, timeout=T).room
    assert created.slug == spec.slug


def test_identity_replay_events_runs_as_documented_and_room_ignores_what_it_already_had(channels):
    eventually(lambda: unpublished_events() == 0, what="the workers to publish every event")
    published = int(psql("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))
    people = ("SELECT md5(string_agg(person_id || username || badges::text || grants::text, ',' ORDER BY person_id))"
              " FROM people")
    known, handled = psql(people, database="room"), psql("SELECT count(*) FROM inbox", database="room")

    out = compose("run", "--rm", "identity-migrate", "identity-replay-events", timeout=180)  # README's command
    assert f"replayed {published} events" in out

    def room_queues():
        listed = compose("exec", "-T", "rabbitmq", "rabbitmqctl", "-q", "list_queues", "-p", "hearth",
                         "name", "messages")
        return {name: int(n) for name, n in (line.split() for line in listed.splitlines() if len(line.split()) == 2)
                if name.startswith("evt-identity-")}

    eventually(lambda: room_queues() and not any(room_queues().values()),
               what="room-worker to take the replayed events")
    assert psql("SELECT count(*) FROM inbox", database="room") == handled  # every one was had already
    assert psql(people, database="room") == known


def test_a_message_posted_on_one_room_replica_streams_to_a_subscriber_on_the_other(channels):
    import threading

    from hearth.room.v1 import room_pb2 as rpb
    from hearth.room.v1 import room_pb2_grpc

    s = stub(channels[0])
    replicas = [room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(t)) for t in replica_targets("room-grpc", 50052)]
    people = []
    for role in ("writer", "reader"):
        username = f"{role}_{uuid.uuid4().hex[:6]}"
        register(s, username)
        token = s.Login(pb.LoginRequest(username=username, password="a long enough password"), timeout=T)
        people.append([("authorization", f"Bearer {token.tokens.access_token}")])
    room = "adult-24-7-support"
    for md in people:
        eventually(lambda: "try again" not in " ".join(replicas[0].CheckAccess(
            rpb.CheckAccessRequest(slug=room), metadata=md, timeout=T).access.missing), what="room to learn of people")
        replicas[0].JoinRoom(rpb.JoinRoomRequest(slug=room), metadata=md, timeout=T)
    writer, reader = people
    call = replicas[1].Subscribe(rpb.SubscribeRequest(slug=room), metadata=reader, timeout=60)
    received = []

    def read():
        try:
            for item in call:
                received.append(item)
        except grpc.RpcError:  # cancelled at the end
            pass

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    eventually(lambda: received, what="the stream to start")
    posted = replicas[0].PostMessage(rpb.PostMessageRequest(slug=room, body="across replicas"), metadata=writer,
                                     timeout=T).message
    eventually(lambda: any(i.kind == "message_posted" for i in received), what="the message on the other replica")
    got = next(i for i in received if i.kind == "message_posted")
    assert (got.seq, got.message.body, got.message.message_id) == (posted.seq, "across replicas", posted.message_id)
    call.cancel()


def test_a_service_database_accepts_only_its_own_role():
    psql("DROP ROLE IF EXISTS intruder; CREATE ROLE intruder LOGIN PASSWORD 'intruder-password'", database="postgres")
    result = compose("exec", "-T", "-e", "PGPASSWORD=intruder-password", "postgres", "psql", "-h", "127.0.0.1",
                     "-U", "intruder", "-d", "identity", "-c", "SELECT 1", check=False)
    logs = compose("logs", "--no-color", "postgres")
    assert "permission denied for database" in logs or "permission denied" in result
    psql("DROP ROLE intruder", database="postgres")


def test_broker_outage_keeps_grpc_serving_and_loses_no_event(channels):
    compose("stop", "rabbitmq")
    try:
        s = stub(channels[0])
        person = register(s, f"outage_{uuid.uuid4().hex[:6]}")  # committed to the outbox while the broker is gone
        assert person.id
        assert health(channels[0]) == health_pb2.HealthCheckResponse.SERVING
        assert unpublished_events() >= 1
    finally:
        compose("start", "rabbitmq")
    eventually(lambda: unpublished_events() == 0, timeout=120, what="the workers to reconnect and publish")


def test_grpc_health_follows_the_database_and_recovers(channels):
    compose("stop", "postgres")
    try:
        eventually(lambda: health(channels[0]) == health_pb2.HealthCheckResponse.NOT_SERVING, timeout=40,
                   what="NOT_SERVING while PostgreSQL is down")
        s = stub(channels[0])
        try:
            s.ListBadgeCatalogue(pb.ListBadgeCatalogueRequest(), timeout=T)
            raise AssertionError("a call that needs the database succeeded while it was down")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        compose("start", "postgres")
    eventually(lambda: all(health(c) == health_pb2.HealthCheckResponse.SERVING for c in channels), timeout=90,
               what="SERVING again after PostgreSQL returned")
    assert register(stub(channels[1]), f"after_{uuid.uuid4().hex[:6]}").id


def fresh_stub(index=1):
    """A stub for the `index`th running replica, looking its host port up again (it changes when a container
    is re-created; a rolling redeploy also renumbers the replicas)."""
    return stub(grpc.insecure_channel(replica_targets("identity-grpc", 50051)[index - 1]))


def admin_md(s):
    token = s.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}")]


def test_backup_and_restore_of_a_service_database(channels):
    s = stub(channels[0])
    kept = register(s, f"kept_{uuid.uuid4().hex[:6]}")
    dump = subprocess.run([*COMPOSE, "exec", "-T", "postgres", "pg_dump", "-U", "postgres", "-Fc", "identity"],
                          capture_output=True, check=True, timeout=120).stdout
    lost = register(s, f"lost_{uuid.uuid4().hex[:6]}")  # after the backup: gone once it is restored
    compose("stop", "identity-grpc", "identity-worker")
    sequence = "SELECT pg_get_serial_sequence('outbox', 'seq')"
    last = int(psql(f"SELECT pg_sequence_last_value(({sequence})::regclass)"))  # as README's restore steps
    subprocess.run([*COMPOSE, "exec", "-T", "postgres", "pg_restore", "-U", "postgres", "--clean", "--if-exists",
                    "-d", "identity"], input=dump, capture_output=True, check=True, timeout=120)
    psql(f"SELECT setval(({sequence})::regclass, {last} + 1)")
    compose("start", "identity-worker", "identity-grpc")
    subprocess.run(["bash", "deploy/wait-healthy.sh", " ".join(COMPOSE), "180"], check=True, timeout=300)
    after = fresh_stub()
    md = admin_md(after)
    assert after.GetPerson(pb.GetPersonRequest(id=kept.id), metadata=md, timeout=T).person.username == kept.username
    try:
        after.GetPerson(pb.GetPersonRequest(id=lost.id), metadata=md, timeout=T)
        raise AssertionError("a person registered after the backup survived the restore")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND
    register(after, f"after_{uuid.uuid4().hex[:6]}")  # its event is numbered above every one sent before
    assert int(psql("SELECT max(seq) FROM outbox WHERE event_type = 'person_registered'")) > last


def test_a_redeploy_whose_new_replica_never_gets_healthy_stops_and_leaves_the_old_ones_running():
    before = {name: set(container_ids(name)) for name in ("identity-worker", "identity-grpc")}
    done = subprocess.run(["bash", "deploy/redeploy.sh", " ".join(COMPOSE), "identity"], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "REDEPLOY_HEALTH_TIMEOUT": "1"})
    assert done.returncode == 1
    assert "never became healthy" in done.stderr and "rollout stopped" in done.stderr, done.stderr
    assert {name: set(container_ids(name)) for name in before} == before


def test_one_service_is_redeployed_alone_and_keeps_its_data():
    s = fresh_stub()
    before_person = register(s, f"redeploy_{uuid.uuid4().hex[:6]}")
    untouched = {name: set(container_ids(name)) for name in ("postgres", "rabbitmq")}
    old_grpc = set(container_ids("identity-grpc"))
    subprocess.run(["bash", "deploy/redeploy.sh", " ".join(COMPOSE), "identity"], check=True, timeout=600)
    subprocess.run(["bash", "deploy/wait-healthy.sh", " ".join(COMPOSE), "180"], check=True, timeout=300)
    assert {name: set(container_ids(name)) for name in untouched} == untouched
    new_grpc = set(container_ids("identity-grpc"))
    assert len(new_grpc) == 2 and not (new_grpc & old_grpc)
    for index in (1, 2):
        after = fresh_stub(index)
        found = after.GetPerson(pb.GetPersonRequest(id=before_person.id), metadata=admin_md(after), timeout=T).person
        assert found.username == before_person.username
