"""Benchmark tooling: identity and room started as real processes on throwaway databases and a vhost.

room's worker starts before identity's migrate step, so room's read model learns the bootstrap admin from
identity's events (an admin is needed to create benchmark rooms).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import os
import pathlib
import subprocess
import tempfile
import time

import grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import BIN, CpuMeter, free_port, pids_of, postgres_pids
from pgcount import PgCounts, PgMeter

from hearth_common import testing
from hearth_common.clients.channel import open_channel

ADMIN = ("bench_admin", "bench admin password")
# For rows that do not measure identity: its 16 call threads keep up to 32 connections open after the
# registrations, and the PostgreSQL these machines share allows 100 in all.
FEW_CONNECTIONS = {"IDENTITY_GRPC_WORKERS": "4"}
PASSWORD = "bench password 1"


@dataclasses.dataclass
class Stack:
    identity_target: str
    room_targets: list[str]
    env: dict
    identity: identity_pb2_grpc.IdentityServiceStub
    rooms: room_pb2_grpc.RoomServiceStub
    admin_md: list
    processes: dict[str, list[int]]  # the stack's own processes by name, for CpuMeter
    pg_counts: list[PgCounts] = dataclasses.field(default_factory=list)  # room-grpc's, with count_pg

    def pg_meter(self) -> PgMeter | None:
        """room-grpc's PostgreSQL round trips (running_stack(count_pg=True)), else None."""
        return PgMeter(self.pg_counts) if self.pg_counts else None

    def databases(self) -> list[str]:
        return [url.rsplit("/", 1)[1] for key, url in self.env.items() if key.endswith("_DATABASE_URL")]

    def cpu_meter(self) -> CpuMeter:
        """Counts CPU per call of the stack's processes and of the PostgreSQL and RabbitMQ servers it uses
        (PostgreSQL: the backends of the stack's databases; RabbitMQ: the whole broker, shared with whatever
        else runs on this machine)."""
        return CpuMeter({**self.processes, "postgres": lambda: postgres_pids(self.databases()),
                         "rabbitmq": lambda: pids_of("beam.smp")})

    def register(self, names: list[str], workers: int = 8) -> list[tuple[str, list]]:
        """Registers and logs in adult members; returns (person id, auth metadata) for each."""

        def one(name):
            person = patiently(lambda: self.identity.Register(ipb.RegisterRequest(
                username=name, password=PASSWORD, date_of_birth="1990-01-01", kind=ipb.PERSON_KIND_MEMBER),
                timeout=30).person)
            token = patiently(lambda: self.identity.Login(ipb.LoginRequest(username=name, password=PASSWORD),
                                                          timeout=30))
            return person.id, [("authorization", f"Bearer {token.tokens.access_token}")]

        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return list(pool.map(one, names))

    def settle(self, timeout: float = 120) -> None:
        """Waits until both services' outbox relays have published everything (so rows do not overlap)."""
        deadline = time.monotonic() + timeout
        for url in (self.env["IDENTITY_DATABASE_URL"], self.env["ROOM_DATABASE_URL"]):
            testing.eventually(lambda: not testing.unpublished_events(url), timeout=max(deadline - time.monotonic(), 0),
                               interval=0.1, what="the outbox to drain")

    def wait_known(self, people, slug: str, timeout: float = 120) -> None:
        """Waits until room's read model has every person (registration travels by event)."""
        deadline = time.monotonic() + timeout
        for _, md in people:
            while "try again" in " ".join(self.rooms.CheckAccess(rpb.CheckAccessRequest(slug=slug), metadata=md,
                                                                 timeout=10).access.missing):
                assert time.monotonic() < deadline, "room did not learn of everyone in time"
                time.sleep(0.05)


def patiently(call, attempts: int = 10):
    """A set-up call retried while it answers UNAVAILABLE (the PostgreSQL these machines share refuses clients
    now and then when other sessions' tests hold its 100 connections)."""
    for attempt in range(attempts):
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNAVAILABLE or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


@contextlib.contextmanager
def running_stack(name: str, room_grpc_replicas: int = 1, extra_env: dict | None = None, count_pg: bool = False):
    """identity (gRPC + worker), room-worker and `room_grpc_replicas` room-grpc processes on throwaway databases
    and a vhost. With `count_pg`, each room-grpc runs under pgcount (its PostgreSQL round trips counted)."""
    vhost = testing.RabbitVhost(f"hearth_{name}").create()
    identity_db = testing.create_database(f"hearth_{name}_identity")
    room_db = testing.create_database(f"hearth_{name}_room")
    identity_target = f"127.0.0.1:{free_port()}"
    room_targets = [f"127.0.0.1:{free_port()}" for _ in range(room_grpc_replicas)]
    env = {
        **os.environ, "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "IDENTITY_DATABASE_URL": identity_db, "IDENTITY_AMQP_URI": vhost.uri, "IDENTITY_GRPC_ADDRESS": identity_target,
        "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0], "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024",
        "ROOM_DATABASE_URL": room_db, "ROOM_AMQP_URI": vhost.uri, "ROOM_IDENTITY_GRPC_TARGET": identity_target,
        "HEARTH_RPC_LOCAL_CALLER": "true",  # every process is on the local broker's default user
        **(extra_env or {}),
    }
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run([str(BIN / "room-migrate")], env=env, check=True, capture_output=True)
        procs.append(subprocess.Popen([str(BIN / "room-worker")], env=env))
        room_worker = procs[-1]
        testing.wait_consuming(vhost.uri, "evt-identity-role_granted--room.on_role_granted", timeout=60)
        subprocess.run([str(BIN / "identity-migrate")], env=env, check=True, capture_output=True)
        identity_procs = [subprocess.Popen([str(BIN / name)], env=env) for name in ("identity-grpc", "identity-worker")]
        counts_dir = pathlib.Path(tempfile.mkdtemp(prefix=f"{name}-pgcount-"))
        pg_counts = [PgCounts(counts_dir, f"room-grpc-{i}") for i in range(len(room_targets))] if count_pg else []
        room_grpc = [subprocess.Popen(pg_counts[i].command("room_service.entrypoints.grpc_server:main") if count_pg
                                      else [str(BIN / "room-grpc")], env={**env, "ROOM_GRPC_ADDRESS": target})
                     for i, target in enumerate(room_targets)]
        procs += identity_procs + room_grpc
        for target in (identity_target, *room_targets):
            grpc.channel_ready_future(grpc.insecure_channel(target)).result(timeout=60)
        identity = identity_pb2_grpc.IdentityServiceStub(open_channel(identity_target))
        token = identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=10).tokens.access_token
        yield Stack(identity_target, room_targets, env, identity,
                    room_pb2_grpc.RoomServiceStub(open_channel(room_targets[0])),
                    [("authorization", f"Bearer {token}")],
                    {"room-grpc": [p.pid for p in room_grpc], "room-worker": [room_worker.pid],
                     "identity": [p.pid for p in identity_procs]}, pg_counts)
    finally:
        testing.stop_processes(procs)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        vhost.delete()


def create_rooms(stack: Stack, prefix: str, count: int, policy: str = '{"always": true}', capacity: int = 50,
                 timeout: float = 60) -> list[str]:
    """Creates `count` adult rooms as the bootstrap admin (waiting until room knows the admin)."""
    slugs = [f"{prefix}-{i:03d}" for i in range(count)]
    deadline = time.monotonic() + timeout
    for i, slug in enumerate(slugs):
        spec = rpb.RoomSpec(slug=slug, name=f"Bench {prefix} {i:03d}", description="benchmark room", topic="community",
                            audience=rpb.AUDIENCE_ADULT, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN,
                            capacity=capacity, access_policy_json=policy)
        while True:
            try:
                stack.rooms.CreateRoom(rpb.CreateRoomRequest(room=spec), metadata=stack.admin_md, timeout=10)
                break
            except grpc.RpcError as exc:  # until the admin's role reaches room's read model
                if exc.code() != grpc.StatusCode.PERMISSION_DENIED or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    return slugs


# A queue each service's worker consumes once it is up (bench_pager and bench_course wait on the same ones).
READY_QUEUES = {"moderation": "evt-room-message_posted--moderation.on_message_posted",
                "course": "evt-room-session_ended--course.on_session_ended"}


@contextlib.contextmanager
def more_services(stack: Stack, name: str, services=("moderation", "course")):
    """Each of `services` (moderation, course) with its own throwaway database, migration, worker and gRPC
    server on the stack's vhost; yields {"<service>-grpc": [pid], "<service>-worker": [pid], ...} and adds the
    databases to stack.env (so stack.cpu_meter counts their PostgreSQL backends)."""
    tmp = tempfile.mkdtemp(prefix=f"{name}-services-")
    databases, procs, pids = [], [], {}
    try:
        for service in services:
            prefix = service.upper()
            db = testing.create_database(f"hearth_{name}_{service}")
            databases.append(db)
            env = {**stack.env, f"{prefix}_DATABASE_URL": db, f"{prefix}_AMQP_URI": stack.env["ROOM_AMQP_URI"],
                   f"{prefix}_IDENTITY_GRPC_TARGET": stack.identity_target,
                   f"{prefix}_GRPC_ADDRESS": f"127.0.0.1:{free_port()}",
                   f"{prefix}_WORKER_HEARTBEAT_FILE": f"{tmp}/{service}.hb"}
            subprocess.run([str(BIN / f"{service}-migrate")], env=env, check=True, capture_output=True)
            for role in ("worker", "grpc"):
                procs.append(subprocess.Popen([str(BIN / f"{service}-{role}")], env=env))
                pids[f"{service}-{role}"] = [procs[-1].pid]
            testing.wait_consuming(stack.env["ROOM_AMQP_URI"], READY_QUEUES[service], timeout=60)
            grpc.channel_ready_future(grpc.insecure_channel(env[f"{prefix}_GRPC_ADDRESS"])).result(timeout=60)
            stack.env[f"{prefix}_DATABASE_URL"] = db
        yield pids
    finally:
        testing.stop_processes(procs)
        for db in databases:
            testing.drop_database(db)
