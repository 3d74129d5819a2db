"""End-to-end fixtures: identity's real processes (migrate, grpc, worker), and course's on top of them, against the real
PostgreSQL and RabbitMQ."""
import json
import os
import subprocess
import time

import kombu
import pytest
from e2e_helpers import ADMIN, BIN, Proc, Stack, free_port, wait_serving

from hearth_common import testing
from hearth_common.outbox import event_exchange


@pytest.fixture(scope="module")
def e2e_env(amqp_uri):
    db_url = testing.create_database("hearth_identity_e2e")
    port = free_port()
    env = {
        **os.environ,
        "IDENTITY_DATABASE_URL": db_url,
        "IDENTITY_AMQP_URI": amqp_uri,
        "IDENTITY_GRPC_ADDRESS": f"127.0.0.1:{port}",
        "IDENTITY_ARGON2_TIME_COST": "1",
        "IDENTITY_ARGON2_MEMORY_KIB": "1024",
        "IDENTITY_KEY_PASSPHRASE": "e2e-passphrase",
        "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
        "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "IDENTITY_GRPC_GRACE_SECONDS": "10",
        "HEARTH_RPC_LOCAL_CALLER": "true",  # the tests call over RPC on the local broker's default user
        # Each gRPC server keeps a PostgreSQL connection per call thread (twice as many in a burst), and every
        # tier shares one PostgreSQL (max_connections 100 as installed): the defaults (16 and 8) are for serving.
        "IDENTITY_GRPC_WORKERS": "4",
        "MODERATION_GRPC_WORKERS": "4",
        "COURSE_GRPC_WORKERS": "4",
    }
    subprocess.run([str(BIN / "identity-migrate")], env=env, check=True, capture_output=True, timeout=120)
    yield env, db_url, f"127.0.0.1:{port}"
    testing.drop_database(db_url)


@pytest.fixture
def stack(e2e_env, tmp_path):
    env, _, target = e2e_env
    s = Stack(env, tmp_path, target)
    yield s
    s.stop()


@pytest.fixture
def course_stack(stack, e2e_env, tmp_path):
    """identity's processes, then course's (migrate with its seed, worker, grpc) started on that running platform:
    course's worker backfills identity's past events by itself. Yields (identity target, course target)."""
    env, _, identity_target = e2e_env
    stack.start_grpc()
    stack.start_worker()
    db_url = testing.create_database("hearth_course_e2e")
    target = f"127.0.0.1:{free_port()}"
    course_env = {**env, "COURSE_DATABASE_URL": db_url, "COURSE_AMQP_URI": env["IDENTITY_AMQP_URI"],
                  "COURSE_IDENTITY_GRPC_TARGET": identity_target, "COURSE_GRPC_ADDRESS": target,
                  "COURSE_WORKER_HEARTBEAT_FILE": str(tmp_path / "course.hb")}
    subprocess.run([str(BIN / "course-migrate")], env=course_env, check=True, capture_output=True, timeout=120)
    worker, grpc_proc = Proc("course-worker", course_env, tmp_path), Proc("course-grpc", course_env, tmp_path)
    testing.wait_consuming(env["IDENTITY_AMQP_URI"], "evt-identity-person_registered--course.on_person_registered",
                           alive=lambda: None if worker.process.poll() is None else worker.log_path.read_text())
    wait_serving(target, grpc_proc)
    yield identity_target, target
    for proc in (grpc_proc, worker):
        proc.terminate()
    testing.drop_database(db_url)


@pytest.fixture
def events(amqp_uri):
    """A durable queue bound to every identity event; messages are acked as read."""
    connection = kombu.Connection(amqp_uri)
    queue = kombu.Queue("e2e-identity-events", exchange=event_exchange("identity"), routing_key="#", durable=True)
    bound = queue(connection.channel())
    bound.declare()
    bound.purge()

    def read(until, timeout=20.0):
        got, deadline = [], time.monotonic() + timeout
        while not until(got):
            assert time.monotonic() < deadline, f"timed out with {len(got)} events"
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                got.append(json.loads(message.body) | {"_headers": message.headers})
        return got

    yield read
    bound.delete()
    connection.release()
