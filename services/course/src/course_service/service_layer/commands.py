"""Service layer: the commands that carry whole courses in (the seed courses course-migrate loads)."""
from __future__ import annotations

from typing import Any, NamedTuple


class DiscussionSpec(NamedTuple):
    """A discussion to seed: `slug` is its id in the course."""

    slug: str
    title: str
    opening_post: str


class CourseSpec(NamedTuple):
    """A course to seed with its discussions in order."""

    slug: str
    title: str
    summary: str
    badge_slug: str | None
    enrolment_policy: Any
    status: str
    requirements: list[dict[str, Any]]
    discussions: tuple[DiscussionSpec, ...]
