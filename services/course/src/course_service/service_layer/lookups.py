"""Service layer: the look-ups every course use case shares (a course by slug, refused when unknown)."""
from __future__ import annotations

from course_service.domain import errors
from course_service.domain.courses import Course, check_course_slug
from course_service.service_layer.unit_of_work import UnitOfWork


def course_of(uow: UnitOfWork, slug: object, *, lock: bool = False, field: str = "course_slug") -> Course:
    """The course with this slug (checked, naming `field` when malformed); CourseNotFound when there is none."""
    slug = check_course_slug(slug, field)
    course = uow.courses.get(slug, lock=lock)
    if course is None:
        raise errors.CourseNotFound(f"no course {slug!r}")
    return course
