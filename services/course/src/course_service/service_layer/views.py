"""Service layer: the read views the use cases return (plain data, never ORM rows or protobuf)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from course_service.domain.completions import Completion, Mentorship, QuizAttempt
from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.posts import Post
from course_service.domain.progress import RequirementProgress
from course_service.domain.requirements import LedSession, PublicQuestion, Quiz


@dataclasses.dataclass(frozen=True)
class CourseView:
    """A course as shown: `with_answers` (admins, who author it) shows its quizzes' answer keys; nobody else ever
    sees them (`requirements`)."""

    course: Course
    discussion_count: int
    policy_summary: str
    with_answers: bool = False

    @property
    def requirements(self) -> list[dict]:
        return self.course.requirements if self.with_answers else self.course.public_requirements()


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


@dataclasses.dataclass(frozen=True)
class QuizView:
    """A quiz as a learner takes it: questions and options only (the answer key is not in this view)."""

    course_slug: str
    quiz_id: str
    title: str
    pass_mark: int
    max_attempts: int
    questions: tuple[PublicQuestion, ...]
    attempts_used: int
    passed: bool
    best_score: int

    @classmethod
    def of(cls, course_slug: str, quiz: Quiz, attempts: list[QuizAttempt]) -> QuizView:
        return cls(course_slug, quiz.id, quiz.title, quiz.pass_mark, quiz.max_attempts, quiz.public(),
                   len(attempts), any(a.passed for a in attempts), max((a.score for a in attempts), default=0))

    @property
    def attempts_left(self) -> int:
        return 0 if self.passed else max(self.max_attempts - self.attempts_used, 0)


@dataclasses.dataclass(frozen=True)
class QuizResult:
    """An attempt's result: the score and whether it passed, never which answers were right."""

    quiz_id: str
    score: int
    out_of: int
    pass_mark: int
    passed: bool
    attempts_left: int


@dataclasses.dataclass(frozen=True)
class ProgressView:
    course_slug: str
    course_title: str
    person_id: str
    section: str
    requirements: tuple[RequirementProgress, ...]
    completion: Completion | None
    next_step: str

    @property
    def complete(self) -> bool:
        return self.completion is not None and not self.completion.revoked


@dataclasses.dataclass(frozen=True)
class MentorQueueItem:
    """A practicum waiting for the mentor's review, with the qualifying sessions the learner led."""

    mentorship: Mentorship
    course_title: str
    username: str
    sessions: tuple[LedSession, ...]
    overdue: bool


@dataclasses.dataclass(frozen=True)
class CertificateCheck:
    """A certificate as anyone holding its id may see it: only the signed facts (never the person id, the section
    or why it was revoked), whether the signature is valid, and whether it was revoked. `document` is the signed
    text and `public_key_pem` the key named by `key_id` (current or retired), so anyone can check it offline;
    `detail` says the verdict in a sentence."""

    certificate_id: str
    username: str
    course_title: str
    completed_on: str
    key_id: str
    signature: str
    public_key_pem: str
    key_retired: bool
    valid: bool
    detail: str
    document: str
    revoked_at: dt.datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
