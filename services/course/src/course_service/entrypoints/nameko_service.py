"""Entrypoint: course's nameko worker: the read model of people from identity's events (backfilled from
identity's outbox on the first start), and the outbox relay and replays of course's events."""
from __future__ import annotations

from course_service import settings as settings_module
from course_service.bootstrap import build_relay, build_service
from hearth_common.contracts import identity
from hearth_common.nameko_deps import Resource
from hearth_common.nameko_kit import WorkerKit, event_handlers

settings = settings_module.load()
kit = WorkerKit(settings, build_relay)


class CourseWorker(
    kit.base(consumes_events=True),
    # identity's events: the read model of people (cohort for the section, badges and roles for the policy)
    event_handlers(identity.CONTRACT, lambda worker, envelope: worker.course.apply_identity_event(envelope)),
):
    """nameko service `course`."""

    name = "course"

    course = Resource(lambda config: build_service(settings, kit.engine))
