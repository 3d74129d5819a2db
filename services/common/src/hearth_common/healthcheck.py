"""Cross-cutting: container health checks: the gRPC health protocol, or a worker's heartbeat file (--worker)."""
from __future__ import annotations

import os
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

HEARTBEAT_MAX_AGE_SECONDS = 30


def check_worker(path: str) -> int:
    """Healthy when the worker touched its heartbeat file recently (it does so while its database and broker answer)."""
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return 1
    healthy = age < HEARTBEAT_MAX_AGE_SECONDS
    print(f"heartbeat {age:.1f}s old" + ("" if healthy else " (stale)"))
    return 0 if healthy else 1


def check_grpc(target: str) -> int:
    try:
        with grpc.insecure_channel(target) as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
    except grpc.RpcError as exc:
        print(f"unhealthy: {exc.code().name}", file=sys.stderr)
        return 1
    serving = response.status == health_pb2.HealthCheckResponse.SERVING
    print("serving" if serving else "not serving")
    return 0 if serving else 1


def main(grpc_address: str, heartbeat_file: str, argv: list[str]) -> None:
    """`<service>-healthcheck [host:port]` checks the gRPC server; `--worker` checks the worker's heartbeat."""
    if argv[:1] == ["--worker"]:
        sys.exit(check_worker(heartbeat_file))
    port = grpc_address.rsplit(":", 1)[1]
    sys.exit(check_grpc(argv[0] if argv else f"127.0.0.1:{port}"))
