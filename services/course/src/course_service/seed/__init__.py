"""The courses Hearth starts with (courses.json), each checked by the domain's rules when read."""
from __future__ import annotations

from collections.abc import Mapping

from course_service.domain.courses import Course, Discussion
from course_service.service_layer.commands import CourseSpec, DiscussionSpec
from hearth_common.clock import utcnow
from hearth_common.seed import SeedError, read_document, read_records


def _check_discussion(spec: DiscussionSpec) -> None:
    Discussion.create(course_slug="seed", discussion_id=spec.slug, title=spec.title, opening_post=spec.opening_post,
                      position=1, created_by="seed", now=utcnow())


def _check_course(spec: CourseSpec) -> None:
    Course.create(slug=spec.slug, title=spec.title, summary=spec.summary, badge_slug=spec.badge_slug,
                  policy=spec.enrolment_policy, status=spec.status, requirements=spec.requirements,
                  created_by="seed", now=utcnow())


def load_seed_courses() -> tuple[CourseSpec, ...]:
    """The seed courses with their discussions in order; SeedError names a record the domain refuses."""
    records = read_document(__name__, "courses.json", frozenset({"courses"}))["courses"]
    if not isinstance(records, list) or not all(isinstance(record, Mapping) for record in records):
        raise SeedError("the courses must be a list of objects")
    # Each course's own fields first (its discussions aside), then its discussions, each checked by the domain.
    courses = read_records([{**record, "discussions": ()} for record in records], CourseSpec, _check_course, "course")
    return tuple(
        course._replace(discussions=read_records(record.get("discussions"), DiscussionSpec, _check_discussion,
                                                 f"discussion of {course.slug}"))
        for course, record in zip(courses, records))
