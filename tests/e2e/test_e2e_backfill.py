"""End-to-end: a consumer's queues exist before any producer publishes, and a consumer added later backfills itself.

Identity's bootstrap admin is made by identity-migrate and published by identity-worker's relay as soon as it
starts. On a fresh broker that publication used to race room-worker's declaration of its queues (`make run`
starts every worker at once): when identity won, room never learnt of the admin and refused every admin call.
Each test here starts identity-worker first and waits until its events are out, so it is the losing order,
every time, and room must learn of the admin all the same.
"""
import subprocess

import kombu
import pytest
import sqlalchemy as sa
from e2e_helpers import BIN

from hearth_common import testing

ADMIN = ("backfill_admin", "backfill admin password")
ROOM_ADMIN_QUEUES = ("evt-identity-person_registered--room.on_person_registered",
                     "evt-identity-role_granted--room.on_role_granted")


@pytest.fixture
def platform(tmp_path):
    """Environment for identity's and room's processes on an empty vhost (no broker definitions) and new
    databases; yields a starter of processes and stops them all afterwards."""
    vhost = testing.RabbitVhost("hearth_backfill").create()
    identity_db = testing.create_database("hearth_backfill_id")
    room_db = testing.create_database("hearth_backfill_room")
    env = {"PATH": str(BIN), "IDENTITY_DATABASE_URL": identity_db, "ROOM_DATABASE_URL": room_db,
           "IDENTITY_AMQP_URI": vhost.uri, "ROOM_AMQP_URI": vhost.uri,
           "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0], "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
           "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024",
           "IDENTITY_WORKER_HEARTBEAT_FILE": str(tmp_path / "identity.hb"),
           "ROOM_WORKER_HEARTBEAT_FILE": str(tmp_path / "room.hb"),
           # the local broker's guest user proves no service: let the workers take its RPC calls, as `make run` does
           "HEARTH_RPC_LOCAL_CALLER": "true"}
    procs = []

    def run(name):
        subprocess.run([str(BIN / name)], env=env, check=True, capture_output=True, timeout=120)

    def start(name):
        log = tmp_path / f"{name}.log"
        procs.append(subprocess.Popen([str(BIN / name)], env=env, stderr=open(log, "w")))
        return log

    def identity_published():
        testing.eventually(lambda: not testing.unpublished_events(identity_db), timeout=40,
                           what="identity's relay to publish the bootstrap admin's events")

    try:
        yield {"run": run, "start": start, "identity_published": identity_published, "room_db": room_db,
               "vhost": vhost}
    finally:
        testing.stop_processes(procs)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        vhost.delete()


def admin_known_to_room(room_db: str) -> list | None:
    """The bootstrap admin's roles in room's read model (None while room does not know them)."""
    engine = sa.create_engine(room_db, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            grants = conn.execute(sa.text("SELECT grants FROM people WHERE username = :u"), {"u": ADMIN[0]}).scalar()
    finally:
        engine.dispose()
    return sorted((g["role"], g["active"]) for g in grants.values()) if grants else None


def waiting_messages(amqp_uri: str, queue: str) -> int | None:
    """How many messages wait in `queue`, or None when it does not exist."""
    with kombu.Connection(amqp_uri) as conn:
        try:
            return conn.channel().queue_declare(queue, passive=True).message_count
        except Exception:  # a passive declare of a missing queue fails (and closes its channel)
            return None


def test_make_run_order_identity_publishing_before_room_worker_starts_loses_nothing(platform):
    # `make run`: every service's migrate step first, then all the processes; here identity's worker wins the race.
    platform["run"]("identity-migrate")
    platform["run"]("room-migrate")
    platform["start"]("identity-worker")
    platform["identity_published"]()
    # room's queues were made by room-migrate, so the admin's events wait there for room-worker.
    assert [waiting_messages(platform["vhost"].uri, q) for q in ROOM_ADMIN_QUEUES] == [1, 1]

    platform["start"]("room-worker")
    assert testing.eventually(lambda: admin_known_to_room(platform["room_db"]), timeout=40,
                              what="room to learn of the bootstrap admin") == [("admin", True)]


def test_a_room_service_added_to_a_running_platform_backfills_what_identity_published_before(platform):
    platform["run"]("identity-migrate")
    log = platform["start"]("identity-worker")
    platform["identity_published"]()  # to no queue of room's: room is not there yet

    platform["run"]("room-migrate")  # room added later: nobody runs a replay command for it
    platform["start"]("room-worker")
    assert testing.eventually(lambda: admin_known_to_room(platform["room_db"]), timeout=40,
                              what=f"room to backfill the admin from identity ({log})") == [("admin", True)]
