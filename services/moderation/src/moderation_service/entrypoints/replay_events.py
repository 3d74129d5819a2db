"""Entrypoint: moderation-replay-events: publishes moderation's past events again (hearth_common.backfill's command).

A consumer started for the first time asks moderation for this by itself (moderation's replay_events RPC); the
command is for an operator, e.g. for a consumer whose queues were deleted. Replaying is safe for every
consumer: each claims events by id (and room keeps a seq per fact), so what was had is ignored.
"""
from __future__ import annotations

import sys

from hearth_common.backfill import replay_events_command
from moderation_service import settings as settings_module
from moderation_service.bootstrap import build_relay
from moderation_service.domain.events import EVENT_TYPES


def main(argv: list[str] | None = None) -> int:
    return replay_events_command("moderation", settings_module.load, build_relay, EVENT_TYPES, argv)


if __name__ == "__main__":
    sys.exit(main())
