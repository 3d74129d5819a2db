"""Entrypoint: course-replay-events: publishes course's past events again (hearth_common.backfill's command).

A consumer started for the first time asks course for this by itself (course's replay_events RPC); the
command is for an operator, e.g. for a consumer whose queues were deleted. Replaying is safe for every
consumer: each claims events by id (and room keeps a seq per fact), so what was had is ignored.
"""
from __future__ import annotations

import sys

from course_service import settings as settings_module
from course_service.bootstrap import build_relay
from course_service.domain.events import EVENT_TYPES
from hearth_common.backfill import replay_events_command


def main(argv: list[str] | None = None) -> int:
    return replay_events_command("course", settings_module.load, build_relay, EVENT_TYPES, argv)


if __name__ == "__main__":
    sys.exit(main())
