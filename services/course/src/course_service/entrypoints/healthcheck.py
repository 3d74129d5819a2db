"""Entrypoint: course-healthcheck: container health checks (gRPC health, or the worker heartbeat with --worker)."""
import sys

from course_service import settings as settings_module
from hearth_common import healthcheck


def main() -> None:
    settings = settings_module.load()
    healthcheck.main(settings.grpc_address, settings.worker_heartbeat_file, sys.argv[1:])


if __name__ == "__main__":
    main()
