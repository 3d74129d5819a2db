"""Unit-test fakes for course: its tables in common's in-memory store with the rules of adapters/orm.py (unique
course slugs, discussion ids per course and one enrolment per person and course), a clock, and a world that
feeds the read model of people through identity's contract."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from course_world import FakeBlocks, World

from course_service.adapters.certificates import Ed25519Signer
from course_service.domain.completions import (
    ONE_ATTEMPT_NUMBER,
    ONE_COMPLETION,
    ONE_SESSION,
    Completion,
    Mentorship,
    QuizAttempt,
)
from course_service.domain.courses import ONE_COURSE, ONE_DISCUSSION, ONE_ENROLMENT, Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.posts import ONE_LIKE, ONE_POST, Post
from course_service.domain.requirements import LedSession
from course_service.service_layer.services import CourseService
from course_service.service_layer.unit_of_work import UnitOfWork
from hearth_common.events import Event
from hearth_common.fakes import (
    INBOX_TABLE,
    FakeClock,
    FakePaces,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    unique,
)
from hearth_common.fakes import foreign_key as references
from hearth_common.people import KnownPerson

TABLES = ("people", "courses", "discussions", "enrolments", "posts", "thread_seqs", "post_likes", "post_mentions",
          "paces", "quiz_attempts", "led_sessions", "mentorships", "completions", INBOX_TABLE)
CONSTRAINTS = (
    references("discussions", lambda d: d.course_slug, "courses"),
    references("enrolments", lambda e: e.course_slug, "courses"),
    references("posts", lambda p: (p.course_slug, p.discussion_id), "discussions"),
    references("post_likes", lambda like: like[0], "posts"),
    references("post_mentions", lambda m: m.post_id, "posts"),
    unique("posts", "uq_posts_course_slug_discussion_id_section_seq",
           lambda p: (p.course_slug, p.discussion_id, p.section, p.seq)),
    references("mentorships", lambda m: (m.course_slug, m.person_id), "enrolments"),
    unique("completions", "uq_completions_certificate_id", lambda c: c.certificate_id),
)


class FakePeopleRepository(InMemoryRepository):
    table = "people"

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        self._read("get")
        return self._get(self.table, person_id)

    def save(self, person: KnownPerson) -> None:
        self._put(self.table, person.person_id, person)

    def lock_new(self, person_id: str) -> None:
        if self._get(self.table, person_id) is None:
            self._put(self.table, person_id, KnownPerson(person_id))


class FakeCoursesRepository(InMemoryRepository):
    table = "courses"

    def get(self, slug: str, *, lock: bool = False) -> Course | None:
        self._read("get")
        return self._get(self.table, slug)

    def add(self, course: Course) -> None:
        self._insert(self.table, course.slug, course, ONE_COURSE)

    def save(self, course: Course) -> None:
        self._put(self.table, course.slug, course)

    def list(self, statuses: tuple[str, ...]) -> list[Course]:
        found = sorted((c for c in self._rows().values() if c.status in statuses), key=lambda c: (c.title, c.slug))
        return [self._get(self.table, c.slug) for c in found]


class FakeDiscussionsRepository(InMemoryRepository):
    table = "discussions"

    def get(self, course_slug: str, discussion_id: str, *, lock: bool = False) -> Discussion | None:
        return self._get(self.table, (course_slug, discussion_id))

    def add(self, discussion: Discussion) -> None:
        self._insert(self.table, (discussion.course_slug, discussion.id), discussion, ONE_DISCUSSION)

    def save(self, discussion: Discussion) -> None:
        self._put(self.table, (discussion.course_slug, discussion.id), discussion)

    def of_course(self, course_slug: str) -> list[Discussion]:
        found = sorted((d for d in self._rows().values() if d.course_slug == course_slug), key=lambda d: d.position)
        return [self._get(self.table, (d.course_slug, d.id)) for d in found]

    def counts(self, course_slugs: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self._rows().values():
            if d.course_slug in course_slugs:
                counts[d.course_slug] = counts.get(d.course_slug, 0) + 1
        return counts


class FakeEnrolmentsRepository(InMemoryRepository):
    table = "enrolments"

    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Enrolment | None:
        self._read("get")
        if lock:
            self.uow.db.locks.append((id(self.uow), "enrolments", course_slug, person_id))
        return self._get(self.table, (course_slug, person_id))

    def add(self, enrolment: Enrolment) -> None:
        self._insert(self.table, (enrolment.course_slug, enrolment.person_id), enrolment, ONE_ENROLMENT)

    def save(self, enrolment: Enrolment) -> None:
        self._put(self.table, (enrolment.course_slug, enrolment.person_id), enrolment)

    def of_person(self, person_id: str) -> list[Enrolment]:
        found = sorted((e for e in self._rows().values() if e.person_id == person_id),
                       key=lambda e: (-e.enrolled_at.timestamp(), e.course_slug))
        return [self._get(self.table, (e.course_slug, e.person_id)) for e in found]

    def members_named(self, course_slug: str, section: str, usernames: list[str]) -> dict[str, str]:
        people = self._rows("people")
        return {people[e.person_id].username: e.person_id for e in self._rows().values()
                if (e.course_slug, e.section) == (course_slug, section) and e.active and e.person_id in people
                and people[e.person_id].username in usernames}


@dataclasses.dataclass
class Mention:
    post_id: str
    person_id: str
    position: int
    mentioned_at: dt.datetime


class FakePostsRepository(InMemoryRepository):
    table = "posts"

    def next_seq(self, course_slug: str, discussion_id: str, section: str) -> int:
        key = (course_slug, discussion_id, section)
        seq = (self._get("thread_seqs", key) or 0) + 1
        self._put("thread_seqs", key, seq)
        return seq

    def add(self, post: Post) -> None:
        self._insert(self.table, post.id, post, ONE_POST)

    def add_numbered(self, post: Post, created: Event) -> None:
        post.seq = self.next_seq(post.course_slug, post.discussion_id, post.section)
        self.add(post)
        self.set_mentions(post.id, post.mention_ids, post.created_at)
        self.uow.add_events([created])  # in the outbox if, and only if, the unit commits

    def get(self, post_id: str, *, lock: bool = False) -> Post | None:
        self._read("get")
        return self._get(self.table, post_id)

    def save(self, post: Post) -> None:
        self._put(self.table, post.id, post)

    def thread(self, course_slug: str, discussion_id: str, section: str, after_seq: int, limit: int,
               reader_id: str = "") -> list[tuple[Post, bool]]:
        found = sorted((p for p in self._rows().values() if (p.course_slug, p.discussion_id, p.section)
                        == (course_slug, discussion_id, section) and p.seq > after_seq), key=lambda p: p.seq)
        liked = self.liked([p.id for p in found[:limit]], reader_id)
        return [(self._get(self.table, p.id), p.id in liked) for p in found[:limit]]

    def reply_words_by_discussion(self, course_slug: str, person_id: str,
                                  section: str | None = None) -> dict[str, int]:
        words: dict[str, int] = {}
        for p in self._rows().values():
            if p.course_slug == course_slug and p.author_id == person_id and p.live and section in (None, p.section):
                words[p.discussion_id] = max(words.get(p.discussion_id, 0), p.words)
        return words

    def like(self, post_id: str, person_id: str, now: dt.datetime) -> bool:
        if self._get("post_likes", (post_id, person_id)) is not None:
            return False
        self._insert("post_likes", (post_id, person_id), (post_id, person_id, now), ONE_LIKE)
        return True

    def unlike(self, post_id: str, person_id: str) -> bool:
        return self._delete("post_likes", (post_id, person_id))

    def liked(self, post_ids: list[str], person_id: str) -> set[str]:
        return {post_id for post_id in post_ids if self._get("post_likes", (post_id, person_id)) is not None}

    def set_mentions(self, post_id: str, person_ids: list[str], now: dt.datetime) -> None:
        rows = self._rows("post_mentions")
        for key in [key for key in rows if key[0] == post_id and key[1] not in person_ids]:
            self._delete("post_mentions", key)
        for person_id in person_ids:
            if (post_id, person_id) not in rows:
                position = max((m.position for m in self._rows("post_mentions").values()), default=0) + 1
                self._put("post_mentions", (post_id, person_id), Mention(post_id, person_id, position, now))

    def mentions_of(self, person_id: str, before: int, limit: int) -> list[tuple[int, Post]]:
        posts, enrolments = self._rows(), self._rows("enrolments")

        def in_their_section(post: Post) -> bool:
            enrolment = enrolments.get((post.course_slug, person_id))
            return enrolment is not None and enrolment.section == post.section

        found = sorted((m for m in self._rows("post_mentions").values() if m.person_id == person_id
                        and (not before or m.position < before) and posts[m.post_id].live
                        and in_their_section(posts[m.post_id])),
                       key=lambda m: -m.position)
        return [(m.position, self._get(self.table, m.post_id)) for m in found[:limit]]


class FakeQuizAttemptsRepository(InMemoryRepository):
    table = "quiz_attempts"

    def of_learner(self, course_slug: str, person_id: str) -> list[QuizAttempt]:
        found = sorted((a for a in self._rows().values() if (a.course_slug, a.person_id) == (course_slug, person_id)),
                       key=lambda a: (a.submitted_at, a.number))
        return [self._get(self.table, self._key(a)) for a in found]

    @staticmethod
    def _key(a: QuizAttempt) -> tuple:
        return a.course_slug, a.person_id, a.quiz_id, a.number  # the UNIQUE number is the fake's key

    def add(self, attempt: QuizAttempt) -> None:
        self._insert(self.table, self._key(attempt), attempt, ONE_ATTEMPT_NUMBER)


class FakeLedSessionsRepository(InMemoryRepository):
    table = "led_sessions"

    def add(self, session: LedSession) -> bool:
        if self._get(self.table, session.session_id) is not None:
            return False
        self._insert(self.table, session.session_id, session, ONE_SESSION)
        return True

    def of_leader(self, person_id: str) -> list[LedSession]:
        return sorted((s for s in self._rows().values() if s.leader_id == person_id), key=lambda s: s.ended_at)


class FakeMentorshipsRepository(InMemoryRepository):
    table = "mentorships"

    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Mentorship | None:
        if lock:
            self.uow.db.locks.append((id(self.uow), "mentorships", course_slug, person_id))
        return self._get(self.table, (course_slug, person_id))

    def save(self, mentorship: Mentorship) -> None:
        self._put(self.table, (mentorship.course_slug, mentorship.person_id), mentorship)

    def of_mentor(self, mentor_id: str, review: str) -> list[Mentorship]:
        found = sorted((m for m in self._rows().values() if (m.mentor_id, m.review) == (mentor_id, review)),
                       key=lambda m: (m.waiting_since or m.assigned_at, m.assigned_at))
        return [self._get(self.table, (m.course_slug, m.person_id)) for m in found]

    def waiting_since(self, before: dt.datetime, limit: int) -> list[Mentorship]:
        found = sorted((m for m in self._rows().values() if m.review == "waiting" and m.waiting_since < before),
                       key=lambda m: m.waiting_since)
        return [self._get(self.table, (m.course_slug, m.person_id)) for m in found[:limit]]


class FakeCompletionsRepository(InMemoryRepository):
    """Keyed by (course, person): the UNIQUE of one completion per learner and course."""

    table = "completions"

    def add(self, completion: Completion) -> None:
        self._insert(self.table, (completion.course_slug, completion.person_id), completion, ONE_COMPLETION)

    def _find(self, match) -> Completion | None:
        found = next((c for c in self._rows().values() if match(c)), None)
        return self._get(self.table, (found.course_slug, found.person_id)) if found is not None else None

    def get(self, completion_id: str, *, lock: bool = False) -> Completion | None:
        return self._find(lambda c: c.id == completion_id)

    def of_learner(self, course_slug: str, person_id: str) -> Completion | None:
        return self._get(self.table, (course_slug, person_id))

    def by_certificate(self, certificate_id: str) -> Completion | None:
        return self._find(lambda c: c.certificate_id == certificate_id)

    def save(self, completion: Completion) -> None:
        self._put(self.table, (completion.course_slug, completion.person_id), completion)

    def list(self, course_slug: str | None, person_id: str | None, limit: int) -> list[Completion]:
        found = sorted((c for c in self._rows().values() if course_slug in (None, c.course_slug)
                        and person_id in (None, c.person_id)), key=lambda c: (-c.completed_at.timestamp(), c.id))
        return [self._get(self.table, (c.course_slug, c.person_id)) for c in found[:limit]]


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.courses = FakeCoursesRepository(self)
        self.discussions = FakeDiscussionsRepository(self)
        self.enrolments = FakeEnrolmentsRepository(self)
        self.posts = FakePostsRepository(self)
        self.paces = FakePaces(self)
        self.quiz_attempts = FakeQuizAttemptsRepository(self)
        self.led_sessions = FakeLedSessionsRepository(self)
        self.mentorships = FakeMentorshipsRepository(self)
        self.completions = FakeCompletionsRepository(self)


@pytest.fixture
def db() -> InMemoryDatabase:
    database = InMemoryDatabase(TABLES, CONSTRAINTS)
    # The row locks taken (FOR UPDATE in the real repositories) of enrolments and mentorships, in order and by
    # unit of work, so a
    # test can check that every use case takes them in one order (the other order deadlocks on PostgreSQL).
    database.locks = []
    return database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# One key for the session: generating an Ed25519 key is cheap, but the certificates of a test are checked with it.
SIGNER = Ed25519Signer.generate()


@pytest.fixture
def signer() -> Ed25519Signer:
    return SIGNER


@pytest.fixture
def blocks() -> FakeBlocks:
    """Room's lists of who blocks whom, as course's threads ask them (nobody blocks anyone until a test says so)."""
    return FakeBlocks()


@pytest.fixture
def service(db, clock, signer, blocks) -> CourseService:
    return CourseService(lambda single_statements=False: FakeUnitOfWork(db), signer, clock=clock, blocks=blocks)


@pytest.fixture
def world(service, clock) -> World:
    return World(service, clock)


@pytest.fixture
def uow_factory(db):
    return lambda single_statements=False: FakeUnitOfWork(db)
