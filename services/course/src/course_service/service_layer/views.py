"""Service layer: the read views the use cases return (plain data, never ORM rows or protobuf)."""
from __future__ import annotations

import dataclasses

from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.posts import Post


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


@dataclasses.dataclass(frozen=True)
class PostView:
    """A post as a reader sees it: a deleted or removed one stays in its thread as a placeholder (its place and
    replies keep their context) with its body and mentions withheld. `liked`: whether the reader likes it."""

    post: Post
    liked: bool

    @property
    def state(self) -> str:
        if self.post.live:
            return LIVE
        return REMOVED if self.post.by_moderation else DELETED

    @property
    def body(self) -> str:
        return self.post.body if self.post.live else ""

    @property
    def mention_ids(self) -> tuple[str, ...]:
        return tuple(self.post.mention_ids) if self.post.live else ()


LIVE, DELETED, REMOVED = "live", "deleted", "removed"


@dataclasses.dataclass(frozen=True)
class ThreadPage:
    """A page of a discussion's thread in one section, oldest first. `cursor`: pass it back for the posts after
    these (it is returned even at the end, so a reader can ask again later for what was posted since);
    `more`: whether posts after these exist already."""

    section: str
    posts: tuple[PostView, ...]
    cursor: str
    more: bool


@dataclasses.dataclass(frozen=True)
class MentionsPage:
    """Posts that mention the reader, newest first; `cursor` for older ones ("" when none remain)."""

    posts: tuple[PostView, ...]
    cursor: str
