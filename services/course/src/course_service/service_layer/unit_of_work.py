"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
import datetime as dt
from typing import Protocol

from course_service.domain.completions import Completion, Mentorship, QuizAttempt
from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.posts import Post
from course_service.domain.requirements import LedSession
from hearth_common.events import Event
from hearth_common.pacing import PacesPort
from hearth_common.people import PeoplePort
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork


class CoursesRepository(Protocol):
    def get(self, slug: str, *, lock: bool = False) -> Course | None: ...
    def add(self, course: Course) -> None:
        """Inserts; UniqueViolation(ONE_COURSE) for a slug in use."""
    def save(self, course: Course) -> None: ...
    def list(self, statuses: tuple[str, ...]) -> list[Course]:
        """The courses with one of the statuses, by title."""


class DiscussionsRepository(Protocol):
    def get(self, course_slug: str, discussion_id: str, *, lock: bool = False) -> Discussion | None: ...
    def add(self, discussion: Discussion) -> None:
        """Inserts; UniqueViolation(ONE_DISCUSSION) for an id the course has."""
    def save(self, discussion: Discussion) -> None: ...
    def of_course(self, course_slug: str) -> list[Discussion]:
        """The course's discussions in order (by position)."""
    def counts(self, course_slugs: list[str]) -> dict[str, int]:
        """How many discussions each course has (courses without any are absent)."""


class EnrolmentsRepository(Protocol):
    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Enrolment | None: ...
    def add(self, enrolment: Enrolment) -> None:
        """Inserts; UniqueViolation(ONE_ENROLMENT) when the person has an enrolment in the course."""
    def save(self, enrolment: Enrolment) -> None: ...
    def of_person(self, person_id: str) -> list[Enrolment]:
        """The person's enrolments, most recently enrolled first."""
    def members_named(self, course_slug: str, section: str, usernames: list[str]) -> dict[str, str]:
        """Of these (lower-case) usernames, those of people actively enrolled in the course's section: the person
        id by username."""


class PostsRepository(Protocol):
    def next_seq(self, course_slug: str, discussion_id: str, section: str) -> int:
        """The thread's next seq (1 for its first post), gap-free; the thread stays locked until this transaction
        ends, so the posts of a thread commit in seq order and a reader never sees seq N+1 before N."""
    def add(self, post: Post) -> None:
        """Inserts; UniqueViolation(ONE_POST) for an id in use."""
    def add_numbered(self, post: Post, created: Event) -> None:
        """A new post in one go: sets `post.seq` to the thread's next seq (as next_seq: the thread stays locked
        until this transaction ends), inserts the post (as add) with its mentions (as set_mentions with
        `post.mention_ids`), and writes `created` to the outbox in this transaction (not through add_events)."""
    def get(self, post_id: str, *, lock: bool = False) -> Post | None: ...
    def save(self, post: Post) -> None: ...
    def thread(self, course_slug: str, discussion_id: str, section: str, after_seq: int, limit: int,
               reader_id: str = "") -> list[tuple[Post, bool]]:
        """Up to `limit` posts of the thread with seq above `after_seq`, oldest first (deleted ones included),
        each with whether `reader_id` likes it."""
    def reply_words_by_discussion(self, course_slug: str, person_id: str,
                                  section: str | None = None) -> dict[str, int]:
        """Per discussion id of the course, the most words in one of the person's live (not deleted or removed)
        posts (in `section` when named); discussions where they have none are absent."""
    def like(self, post_id: str, person_id: str, now: dt.datetime) -> bool:
        """Records the person's like; False when they liked it already."""
    def unlike(self, post_id: str, person_id: str) -> bool:
        """Takes back the person's like; False when there was none."""
    def liked(self, post_ids: list[str], person_id: str) -> set[str]:
        """Which of the posts the person likes."""
    def set_mentions(self, post_id: str, person_ids: list[str], now: dt.datetime) -> None:
        """The people the post mentions now: rows of people still mentioned are kept (with when they were first
        mentioned), others removed, new ones added."""
    def mentions_of(self, person_id: str, before: int, limit: int) -> list[tuple[int, Post]]:
        """Up to `limit` of the person's mentions in live posts in the section of their enrolment in the post's
        course (none elsewhere), newest first, each with its position (the
        paging key: pass the last one back as `before`; 0: from the newest)."""


class QuizAttemptsRepository(Protocol):
    def of_learner(self, course_slug: str, person_id: str) -> list[QuizAttempt]:
        """The learner's attempts at the course's quizzes, oldest first."""
    def add(self, attempt: QuizAttempt) -> None:
        """Inserts; UniqueViolation(ONE_ATTEMPT_NUMBER) for a number the learner used at that quiz."""


class LedSessionsRepository(Protocol):
    def add(self, session: LedSession) -> bool:
        """Records a session a person led; False when it was recorded already (session ids are unique)."""
    def of_leader(self, person_id: str) -> list[LedSession]:
        """The sessions the person led, oldest first."""


class MentorshipsRepository(Protocol):
    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Mentorship | None: ...
    def save(self, mentorship: Mentorship) -> None:
        """Inserts or updates (one per learner and course)."""
    def of_mentor(self, mentor_id: str, review: str) -> list[Mentorship]:
        """The mentor's learners whose review is in that state, longest waiting first."""
    def waiting_since(self, before: dt.datetime, limit: int) -> list[Mentorship]:
        """Reviews waiting since before `before`, locked (skipping those another worker holds), oldest first."""


class CompletionsRepository(Protocol):
    def add(self, completion: Completion) -> None:
        """Inserts; UniqueViolation(ONE_COMPLETION) when the learner completed the course already. A violation
        leaves the rest of the transaction usable (the insert is its own savepoint)."""
    def get(self, completion_id: str, *, lock: bool = False) -> Completion | None: ...
    def of_learner(self, course_slug: str, person_id: str) -> Completion | None: ...
    def by_certificate(self, certificate_id: str) -> Completion | None: ...
    def save(self, completion: Completion) -> None: ...
    def list(self, course_slug: str | None, person_id: str | None, limit: int) -> list[Completion]:
        """Completions (of the course and person when named), newest first."""


class CertificateSigner(Protocol):
    """Signs certificate documents with the current key and checks signatures of the current or a retired key
    (adapters.certificates: Ed25519)."""

    key_id: str

    def sign(self, document: bytes) -> str:
        """The signature of the document (base64url)."""
    def knows(self, key_id: str) -> bool:
        """Whether the key id is the current key's or a retired key's."""
    def retired(self, key_id: str) -> bool: ...
    def public_key_pem_of(self, key_id: str) -> str:
        """The public key with that id (PEM); "" for an unknown one."""
    def verify(self, key_id: str, document: bytes, signature: str) -> bool:
        """Whether the key with that id signed the document; False for an unknown key."""


class UnitOfWork(BaseUnitOfWork, abc.ABC):
    people: PeoplePort
    courses: CoursesRepository
    discussions: DiscussionsRepository
    enrolments: EnrolmentsRepository
    posts: PostsRepository
    paces: PacesPort
    quiz_attempts: QuizAttemptsRepository
    led_sessions: LedSessionsRepository
    mentorships: MentorshipsRepository
    completions: CompletionsRepository

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records the event's id in the inbox; False when it was claimed before (a redelivery)."""
