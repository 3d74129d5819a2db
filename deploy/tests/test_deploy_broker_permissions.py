"""Deploy check: each service's RabbitMQ user, with exactly the permissions in definitions.json, can run its processes.

Starts identity-worker, room-worker and room-grpc as real processes on a throwaway vhost holding the committed
definitions (users' permissions; room's event queues, bound ahead of its start), and checks every event and
RPC queue and room-grpc's live queue get their consumers, the broker refused nothing (room-worker's request
for a replay from identity included), and what identity published before room-worker first started reached
room. And for a room service added to a platform already running (its queues made after identity's events
went out, as with a broker started without the definitions): room backfills what it missed by itself, and
`identity-replay-events`, all or one type, to everyone or to room alone, changes nothing more.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import time
import uuid

import kombu
import pytest
import sqlalchemy as sa

from hearth_common import testing

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
ROOM_QUEUES = [f"evt-identity-{e}--room.on_{e}" for e in
               ("person_registered", "cohort_changed", "badge_awarded", "badge_revoked", "role_granted", "role_revoked")]
ROOM_QUEUES += [f"evt-moderation-{e}--room.on_{e}" for e in ("sanction_imposed", "sanction_lifted")] + ["rpc-room"]


def live_queue_consumed(vhost: str) -> bool:
    """Whether a room-grpc replica consumes its room.live.<host>.<id> queue."""
    listed = subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", "list_queues", "-p", vhost,
                             "name", "consumers"], check=True, capture_output=True, text=True, timeout=60).stdout
    return any(line.split()[0].startswith("room.live.") and line.split()[1] != "0"
               for line in listed.splitlines() if len(line.split()) == 2)


def known_to_room(db_url: str, username: str) -> dict | None:
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


@pytest.fixture
def restricted_vhost():
    vhost = testing.RabbitVhost("hearth_perms").create()
    definitions = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    declare_definitions(vhost.uri, definitions)
    permissions = {p["user"]: p for p in definitions["permissions"]}
    users = {}
    for service in ("identity", "room"):
        user, password = f"perm_{service}_{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
        ctl("add_user", user, password)
        p = permissions[service]
        ctl("set_permissions", "-p", vhost.name, user, p["configure"], p["write"], p["read"])
        users[service] = f"amqp://{user}:{password}@127.0.0.1:5672/{vhost.name}"
    yield users, vhost.uri, vhost.name
    for uri in users.values():  # noqa: B007
        ctl("delete_user", uri.split("//")[1].split(":")[0])
    vhost.delete()


def test_each_worker_runs_with_only_its_own_broker_permissions(restricted_vhost, tmp_path):
    users, observer_uri, vhost = restricted_vhost
    identity_db, room_db = testing.create_database("hearth_perm_id"), testing.create_database("hearth_perm_room")
    procs = []
    try:
        env = {"IDENTITY_DATABASE_URL": identity_db, "ROOM_DATABASE_URL": room_db, "PATH": str(BIN),
               "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": "perm_admin", "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": "perm admin password"}
        for service in ("identity", "room"):  # room-migrate declares room's queues with room's own permissions
            migrate_env = {**env, f"{service.upper()}_AMQP_URI": users[service]}
            subprocess.run([str(BIN / f"{service}-migrate")], env=migrate_env, check=True, capture_output=True,
                           timeout=120)
        logs = {}
        for service in ("identity", "room"):
            logs[service] = tmp_path / f"{service}.log"
            worker_env = {**env, f"{service.upper()}_AMQP_URI": users[service],
                          f"{service.upper()}_WORKER_HEARTBEAT_FILE": str(tmp_path / f"{service}.hb")}
            procs.append(subprocess.Popen([str(BIN / f"{service}-worker")], env=worker_env,
                                          stderr=open(logs[service], "w")))
            if service == "identity":  # the bootstrap admin's events go out before room-worker ever starts
                testing.eventually(lambda: not testing.unpublished_events(identity_db), timeout=40,
                                   what="identity's relay to publish the bootstrap admin's events")
        logs["room-grpc"] = tmp_path / "room-grpc.log"
        procs.append(subprocess.Popen([str(BIN / "room-grpc")], stderr=open(logs["room-grpc"], "w"), env={
            **env, "ROOM_AMQP_URI": users["room"], "ROOM_GRPC_ADDRESS": "127.0.0.1:0"}))
        deadline = time.monotonic() + 40
        for queue in ("rpc-identity", *ROOM_QUEUES):
            testing.wait_consuming(observer_uri, queue, timeout=max(deadline - time.monotonic(), 1))
        while not live_queue_consumed(vhost):
            assert time.monotonic() < deadline, f"room-grpc does not consume room.live: {logs['room-grpc'].read_text()[-2000:]}"
            time.sleep(0.2)
        for service, log in logs.items():
            assert "ACCESS_REFUSED" not in log.read_text().upper().replace("-", "_"), f"{service}: {log.read_text()[-2000:]}"
        admin = testing.eventually(lambda: known_to_room(room_db, "perm_admin"), timeout=30,
                                   what="room to learn of the admin identity made before room-worker started")
        assert [(g["role"], g["active"]) for g in admin["grants"].values()] == [("admin", True)]
        # room-worker's first-start request for a replay went through with room's and identity's own permissions
        assert testing.eventually(lambda: backfills(room_db), timeout=30) == {"identity": 2}
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:  # a worker stuck retrying refused declarations
                proc.kill()
                proc.wait(10)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)


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
        admin = testing.eventually(lambda: (known_to_room(room_db, "replay_admin") or {}).get("grants") and
                                   known_to_room(room_db, "replay_admin"), timeout=40,
                                   what="room to backfill the admin and their role from identity")
        assert [(g["role"], g["active"]) for g in admin["grants"].values()] == [("admin", True)]
        # the admin's registration and role, replayed to room once (recorded when identity's answer is back)
        assert testing.eventually(lambda: backfills(room_db), timeout=30) == {"identity": 2}

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
        assert inbox_count(room_db) == handled and known_to_room(room_db, "replay_admin") == admin
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        vhost.delete()


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
