"""Benchmark: room's access checks and how long a badge awarded in identity takes to open a room (make bench).

Starts identity and room as real processes (migrate, worker, grpc each) on throwaway databases and a vhost,
with the load generator on the same machine; prints figures only.
"""
from __future__ import annotations

import os
import subprocess
import time

import grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from hearth_common import testing
from loadgen import BIN, free_port, open_loop, report, stop_processes

ADMIN = ("bench_admin", "bench admin password")
LOCKED = "adult-peer-supporters"  # one of Chief Chat or First Post, plus Compassion Hero
PEOPLE = 60


def main() -> None:
    vhost = testing.RabbitVhost("hearth_bench").create()
    identity_db, room_db = testing.create_database("hearth_bench_identity"), testing.create_database("hearth_bench_room")
    identity_target, room_target = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    env = {
        **os.environ, "LOG_LEVEL": "WARNING",
        "IDENTITY_DATABASE_URL": identity_db, "IDENTITY_AMQP_URI": vhost.uri, "IDENTITY_GRPC_ADDRESS": identity_target,
        "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0], "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024",
        "ROOM_DATABASE_URL": room_db, "ROOM_AMQP_URI": vhost.uri, "ROOM_GRPC_ADDRESS": room_target,
        "ROOM_IDENTITY_GRPC_TARGET": identity_target,
    }
    procs = []
    try:
        for step in ("identity-migrate", "room-migrate"):
            subprocess.run([str(BIN / step)], env=env, check=True, capture_output=True)
        procs = [subprocess.Popen([str(BIN / name)], env=env)
                 for name in ("identity-grpc", "identity-worker", "room-worker", "room-grpc")]
        for target in (identity_target, room_target):
            grpc.channel_ready_future(grpc.insecure_channel(target)).result(timeout=60)
        testing.wait_consuming(vhost.uri, "evt-identity-badge_awarded--room.on_badge_awarded", timeout=60)
        identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(identity_target))
        rooms = room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target))
        admin = [("authorization", "Bearer " + identity.Login(
            ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=10).tokens.access_token)]
        people = []
        for i in range(PEOPLE):
            name = f"bench_room_{i:03d}"
            person = identity.Register(ipb.RegisterRequest(username=name, password="bench password 1",
                                                           date_of_birth="1990-01-01", kind=ipb.PERSON_KIND_MEMBER),
                                       timeout=10).person
            token = identity.Login(ipb.LoginRequest(username=name, password="bench password 1"), timeout=10)
            people.append((person.id, [("authorization", f"Bearer {token.tokens.access_token}")]))

        def allowed(md) -> bool:
            return rooms.CheckAccess(rpb.CheckAccessRequest(slug=LOCKED), metadata=md, timeout=5).access.allowed

        print("room benchmark, load generator on the same machine")
        opened = []
        for person_id, md in people[: PEOPLE // 2]:
            identity.AwardBadge(ipb.AwardBadgeRequest(person_id=person_id, badge_slug="first-post", reason="bench"),
                                metadata=admin, timeout=10)
            identity.AwardBadge(ipb.AwardBadgeRequest(person_id=person_id, badge_slug="compassion-hero",
                                                      reason="bench"), metadata=admin, timeout=10)
            awarded = time.perf_counter()
            while not allowed(md):
                time.sleep(0.002)
            opened.append(time.perf_counter() - awarded)
        report("badge awarded -> room opens (n=%d)" % len(opened), opened)
        for rate in (100, 300):
            open_loop("gRPC CheckAccess, badge-locked room", rate, lambda i: rooms.CheckAccess(
                rpb.CheckAccessRequest(slug=LOCKED), metadata=people[i % PEOPLE][1], timeout=5))
        open_loop("gRPC ListRooms (198 rooms, with access)", 20, lambda i: rooms.ListRooms(
            rpb.ListRoomsRequest(), metadata=people[i % PEOPLE][1], timeout=10), workers=8)
    finally:
        stop_processes(procs)
        testing.drop_database(identity_db)
        testing.drop_database(room_db)
        vhost.delete()


if __name__ == "__main__":
    main()
