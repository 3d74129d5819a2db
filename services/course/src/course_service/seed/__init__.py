"""The courses Hearth starts with (courses.json), each checked by the domain's rules when read."""
from __future__ import annotations

from course_service.domain.courses import Course, Discussion
from course_service.service_layer.commands import CourseSpec, DiscussionSpec
from hearth_common.seed import SeedError, read_document, read_records

_CHECK_TIME = None  # the checks build throwaway entities; their timestamps are never kept


def _check_discussion(spec: DiscussionSpec) -> None:
    Discussion.create(course_slug="seed", discussion_id=spec.slug, title=spec.title, opening_post=spec.opening_post,
                      position=1, created_by="seed", now=_CHECK_TIME)


def _check_course(spec: CourseSpec) -> None:
    Course.create(slug=spec.slug, title=spec.title, summary=spec.summary, badge_slug=spec.badge_slug,
                  policy=spec.enrolment_policy, status=spec.status, requirements=spec.requirements,
                  created_by="seed", now=_CHECK_TIME)


def load_seed_courses() -> tuple[CourseSpec, ...]:
    """The seed courses with their discussions in order; SeedError names a record the domain refuses."""
    document = read_document(__name__, "courses.json", frozenset({"courses"}))
    raw = document["courses"]
    if not isinstance(raw, list):
        raise SeedError("the courses must be a list")
    courses = []
    for record in raw:
        fields = dict(record) if isinstance(record, dict) else record
        discussions = read_records(fields.pop("discussions", None) if isinstance(fields, dict) else None,
                                   DiscussionSpec, _check_discussion, f"discussion of {fields.get('slug')}")
        (course,) = read_records([{**fields, "discussions": ()}], CourseSpec, _check_course, "course")
        courses.append(course._replace(discussions=discussions))
    read_records([c._asdict() for c in courses], CourseSpec, lambda spec: None, "course")  # each slug once
    return tuple(courses)
