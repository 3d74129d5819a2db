"""Entrypoint: moderation-healthcheck: container health checks (gRPC health, or the worker heartbeat with --worker)."""
import sys

from hearth_common import healthcheck
from moderation_service import settings as settings_module


def main() -> None:
    settings = settings_module.load()
    healthcheck.main(settings.grpc_address, settings.worker_heartbeat_file, sys.argv[1:])


if __name__ == "__main__":
    main()
