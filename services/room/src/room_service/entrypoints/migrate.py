"""Entrypoint: the room-migrate one-shot: schema upgrade, the seeded room catalogue and script library."""
from __future__ import annotations

import logging

from hearth_common.migrations import migrate_step
from room_service import settings as settings_module
from room_service.bootstrap import build_scripts, build_service
from room_service.migrations import runner
from room_service.seed import STARTER_ROOMS, STARTER_SCRIPTS

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade_as_owner(settings)
    rooms = build_service(settings).seed_rooms(STARTER_ROOMS)
    scripts = build_scripts(settings).seed(STARTER_SCRIPTS)
    log.info("room database migrated", extra={"rooms": rooms, "scripts": scripts})


def main() -> None:
    migrate_step("room", settings_module.load, migrate, "room_service.entrypoints.nameko_service:RoomWorker")


if __name__ == "__main__":
    main()
