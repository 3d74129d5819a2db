"""Entrypoint: the course-migrate one-shot: schema upgrade, the seed courses, then the worker's event queues."""
from __future__ import annotations

import logging

from course_service import settings as settings_module
from course_service.bootstrap import build_service
from course_service.migrations import runner
from course_service.seed import load_seed_courses
from hearth_common.migrations import migrate_step

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade_as_owner(settings)
    log.info("course database migrated")
    added = build_service(settings).seed(load_seed_courses())
    log.info("seed courses loaded", extra={"added": added})


def main() -> None:
    migrate_step("course", settings_module.load, migrate, "course_service.entrypoints.nameko_service:CourseWorker")


if __name__ == "__main__":
    main()
