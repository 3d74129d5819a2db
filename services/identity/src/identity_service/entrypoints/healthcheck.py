"""Entrypoint: identity-healthcheck: container health checks (gRPC health, or the worker's heartbeat with --worker)."""
from __future__ import annotations

import os
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from identity_service import settings as settings_module


HEARTBEAT_MAX_AGE_SECONDS = 30


def check_worker(path: str) -> None:
    """Healthy when the worker touched its heartbeat file recently (it does so while its database and broker answer)."""
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        sys.exit(1)
    healthy = age < HEARTBEAT_MAX_AGE_SECONDS
    print(f"heartbeat {age:.1f}s old" + ("" if healthy else " (stale)"))
    sys.exit(0 if healthy else 1)


def main() -> None:
    settings = settings_module.load()
    if sys.argv[1:2] == ["--worker"]:
        check_worker(settings.worker_heartbeat_file)
    port = settings.grpc_address.rsplit(":", 1)[1]
    target = sys.argv[1] if len(sys.argv) > 1 else f"127.0.0.1:{port}"
    try:
        with grpc.insecure_channel(target) as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
    except grpc.RpcError as exc:
        print(f"unhealthy: {exc.code().name}", file=sys.stderr)
        sys.exit(1)
    serving = response.status == health_pb2.HealthCheckResponse.SERVING
    print("serving" if serving else "not serving")
    sys.exit(0 if serving else 1)


if __name__ == "__main__":
    main()
