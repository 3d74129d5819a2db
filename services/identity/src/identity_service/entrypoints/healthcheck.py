"""Entrypoint: identity-healthcheck, a gRPC health probe for container health checks (exit 0 when SERVING)."""
from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from identity_service import settings as settings_module


def main() -> None:
    port = settings_module.load().grpc_address.rsplit(":", 1)[1]
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
