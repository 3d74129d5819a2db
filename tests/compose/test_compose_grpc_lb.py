"""Compose: the grpc-lb service (HAProxy) is one entry point per service that spreads calls over the replicas."""
import csv
import io
import os
import subprocess

import grpc
from compose_helpers import COMPOSE
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common.clients.channel import open_channel

CALLS = 40


def served_per_replica(backend: str) -> dict[str, int]:
    """Calls (streams) each replica of `backend` has served so far, from HAProxy's statistics."""
    raw = subprocess.run([*COMPOSE, "exec", "-T", "grpc-lb", "bash", "-c",
                          'exec 3<>/dev/tcp/127.0.0.1/8404; printf "GET /stats;csv HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3'],
                         capture_output=True, check=True, timeout=30).stdout
    head, rest = raw.split(b"\r\n\r\n", 1)
    body = b""
    while b"transfer-encoding: chunked" in head.lower():  # one chunk after another, then a 0-sized one
        size, rest = rest.split(b"\r\n", 1)
        if int(size, 16) == 0:
            break
        body, rest = body + rest[:int(size, 16)], rest[int(size, 16) + 2:]
    else:
        body = rest
    body = body.decode().lstrip("# ")
    return {row["svname"]: int(row["stot"] or 0) for row in csv.DictReader(io.StringIO(body))
            if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND") and row["status"] == "UP"}


def test_calls_through_the_load_balancer_are_spread_over_every_room_replica():
    channel = open_channel([f"127.0.0.1:{os.environ.get('ROOM_GRPC_LB_HOST_PORT', '15060')}"])
    before = served_per_replica("room-grpc")
    assert len(before) == 2  # both replicas found through docker's DNS
    health = health_pb2_grpc.HealthStub(channel)
    for _ in range(CALLS):
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    try:  # a service's own RPC goes through too, and room itself answers it
        room_pb2_grpc.RoomServiceStub(channel).ListRooms(rpb.ListRoomsRequest(), timeout=5)
        raise AssertionError("a call without a token was answered")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.UNAUTHENTICATED and "access token" in exc.details()
    after = served_per_replica("room-grpc")
    spread = {name: after[name] - before.get(name, 0) for name in after}
    assert sum(spread.values()) >= CALLS and all(n >= CALLS // 4 for n in spread.values()), spread
    channel.close()


def test_an_unknown_method_through_the_load_balancer_is_unimplemented_not_a_proxy_error():
    channel = open_channel([f"127.0.0.1:{os.environ.get('ROOM_GRPC_LB_HOST_PORT', '15060')}"])
    call = channel.unary_unary("/hearth.room.v1.RoomService/NoSuchMethod")
    try:
        call(b"", timeout=5)
        raise AssertionError("an unknown method answered")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.UNIMPLEMENTED
    channel.close()
