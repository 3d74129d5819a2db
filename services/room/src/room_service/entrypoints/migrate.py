"""Entrypoint: the room-migrate one-shot: schema upgrade and the seeded room catalogue."""
from __future__ import annotations

import logging

from hearth_common.backfill import declare_worker_queues
from hearth_common.logging import configure_logging, new_request_id, request_id_var
from room_service import settings as settings_module
from room_service.bootstrap import build_service
from room_service.migrations import runner
from room_service.seed import STARTER_ROOMS

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade(settings.database_url)
    rooms = build_service(settings).seed_rooms(STARTER_ROOMS)
    log.info("room database migrated", extra={"rooms": rooms})


def main() -> None:
    settings = settings_module.load()
    configure_logging("room", "migrate", settings.log_level)
    request_id_var.set(new_request_id())
    migrate(settings)
    # Last, once the database is done: room's event queues, so they exist before any producer's worker starts.
    declare_worker_queues(settings.amqp_uri, "room_service.entrypoints.nameko_service:RoomWorker")


if __name__ == "__main__":
    main()
