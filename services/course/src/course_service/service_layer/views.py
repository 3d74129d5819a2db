"""Service layer: the read views the use cases return (plain data, never ORM rows or protobuf)."""
from __future__ import annotations

import dataclasses

from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment


@dataclasses.dataclass(frozen=True)
class CourseView:
    course: Course
    discussion_count: int
    policy_summary: str


@dataclasses.dataclass(frozen=True)
class CourseListing:
    """A course as one learner sees it in the catalogue."""

    course: CourseView
    may_enrol: bool
    missing: tuple[str, ...]
    enrolled: bool


@dataclasses.dataclass(frozen=True)
class CourseDetail:
    listing: CourseListing
    discussions: tuple[Discussion, ...]
    enrolment: Enrolment | None
