"""Deploy check: each service's RabbitMQ user, with exactly the permissions in definitions.json, can run its processes.

Starts identity-worker, room-worker and room-grpc as real processes on a throwaway vhost whose users get the
committed permissions, and checks every event and RPC queue and room-grpc's live queue get their consumers
and the broker refused nothing.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import time
import uuid

import pytest
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


def ctl(*args):
    subprocess.run([shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl", "-q", *args], check=True,
                   capture_output=True, timeout=60)


@pytest.fixture
def restricted_vhost():
    vhost = testing.RabbitVhost("hearth_perms").create()
    permissions = {p["user"]: p for p in json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())["permissions"]}
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
        env = {"IDENTITY_DATABASE_URL": identity_db, "ROOM_DATABASE_URL": room_db, "PATH": str(BIN)}
        for name in ("identity-migrate", "room-migrate"):
            subprocess.run([str(BIN / name)], env=env, check=True, capture_output=True, timeout=120)
        logs = {}
        for service in ("identity", "room"):
            logs[service] = tmp_path / f"{service}.log"
            worker_env = {**env, f"{service.upper()}_AMQP_URI": users[service],
                          f"{service.upper()}_WORKER_HEARTBEAT_FILE": str(tmp_path / f"{service}.hb")}
            procs.append(subprocess.Popen([str(BIN / f"{service}-worker")], env=worker_env,
                                          stderr=open(logs[service], "w")))
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
