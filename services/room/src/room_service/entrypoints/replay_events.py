"""Entrypoint: room-replay-events: publishes room's past events again (hearth_common.backfill's command).

A consumer of room's events started for the first time asks room for this by itself (room's replay_events RPC);
the command is for an operator, e.g. for a consumer whose queues were deleted. Replaying is safe for every
consumer: each claims events by id, so what was had is ignored.
"""
from __future__ import annotations

import sys

from hearth_common.backfill import replay_events_command
from room_service import settings as settings_module
from room_service.bootstrap import build_relay
from room_service.domain.events import EVENT_TYPES


def main(argv: list[str] | None = None) -> int:
    return replay_events_command("room", settings_module.load, build_relay, EVENT_TYPES, argv)


if __name__ == "__main__":
    sys.exit(main())
