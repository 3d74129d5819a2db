"""Unit-test fakes for course: its tables in common's in-memory store with the rules of adapters/orm.py (unique
course slugs, discussion ids per course and one enrolment per person and course), a clock, and a world that
feeds the read model of people through identity's contract."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from course_world import World

from course_service.domain.courses import ONE_COURSE, ONE_DISCUSSION, ONE_ENROLMENT, Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.posts import ONE_LIKE, ONE_POST, Post
from course_service.service_layer.services import CourseService
from course_service.service_layer.unit_of_work import UnitOfWork
from hearth_common.fakes import INBOX_TABLE, FakeClock, InMemoryDatabase, InMemoryRepository, InMemoryUnitOfWork, unique
from hearth_common.fakes import foreign_key as references
from hearth_common.people import KnownPerson

TABLES = ("people", "courses", "discussions", "enrolments", "posts", "thread_seqs", "post_likes", "post_mentions",
          "paces", INBOX_TABLE)
CONSTRAINTS = (
    references("discussions", lambda d: d.course_slug, "courses"),
    references("enrolments", lambda e: e.course_slug, "courses"),
    references("posts", lambda p: (p.course_slug, p.discussion_id), "discussions"),
    references("post_likes", lambda like: like[0], "posts"),
    references("post_mentions", lambda m: m.post_id, "posts"),
    unique("posts", "uq_posts_course_slug_discussion_id_section_seq",
           lambda p: (p.course_slug, p.discussion_id, p.section, p.seq)),
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

    def get(self, post_id: str, *, lock: bool = False) -> Post | None:
        self._read("get")
        return self._get(self.table, post_id)

    def save(self, post: Post) -> None:
        self._put(self.table, post.id, post)

    def thread(self, course_slug: str, discussion_id: str, section: str, after_seq: int, limit: int) -> list[Post]:
        found = sorted((p for p in self._rows().values() if (p.course_slug, p.discussion_id, p.section)
                        == (course_slug, discussion_id, section) and p.seq > after_seq), key=lambda p: p.seq)
        return [self._get(self.table, p.id) for p in found[:limit]]

    def reply_words_by_discussion(self, course_slug: str, person_id: str) -> dict[str, int]:
        words: dict[str, int] = {}
        for p in self._rows().values():
            if p.course_slug == course_slug and p.author_id == person_id and p.live:
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
        posts = self._rows()
        found = sorted((m for m in self._rows("post_mentions").values() if m.person_id == person_id
                        and (not before or m.position < before) and posts[m.post_id].live),
                       key=lambda m: -m.position)
        return [(m.position, self._get(self.table, m.post_id)) for m in found[:limit]]


class FakePacesRepository(InMemoryRepository):
    table = "paces"

    def due(self, person_id: str, action: str) -> dt.datetime | None:
        return self._get(self.table, (person_id, action))

    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None:
        self._put(self.table, (person_id, action), due_at)


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.courses = FakeCoursesRepository(self)
        self.discussions = FakeDiscussionsRepository(self)
        self.enrolments = FakeEnrolmentsRepository(self)
        self.posts = FakePostsRepository(self)
        self.paces = FakePacesRepository(self)


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase(TABLES, CONSTRAINTS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(db, clock) -> CourseService:
    return CourseService(lambda: FakeUnitOfWork(db), clock=clock)


@pytest.fixture
def world(service, clock) -> World:
    return World(service, clock)


@pytest.fixture
def uow_factory(db):
    return lambda: FakeUnitOfWork(db)
