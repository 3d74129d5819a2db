"""Unit-test fakes for course: its tables in common's in-memory store with the rules of adapters/orm.py (unique
course slugs, discussion ids per course and one enrolment per person and course), a clock, and a world that
feeds the read model of people through identity's contract."""
from __future__ import annotations

import pytest
from course_world import World

from course_service.domain.courses import ONE_COURSE, ONE_DISCUSSION, ONE_ENROLMENT, Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.service_layer.services import CourseService
from course_service.service_layer.unit_of_work import UnitOfWork
from hearth_common.fakes import INBOX_TABLE, FakeClock, InMemoryDatabase, InMemoryRepository, InMemoryUnitOfWork
from hearth_common.fakes import foreign_key as references
from hearth_common.people import KnownPerson

TABLES = ("people", "courses", "discussions", "enrolments", INBOX_TABLE)
CONSTRAINTS = (
    references("discussions", lambda d: d.course_slug, "courses"),
    references("enrolments", lambda e: e.course_slug, "courses"),
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


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.courses = FakeCoursesRepository(self)
        self.discussions = FakeDiscussionsRepository(self)
        self.enrolments = FakeEnrolmentsRepository(self)


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
