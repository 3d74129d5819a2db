"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
from typing import Protocol

from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment
from hearth_common.people import KnownPerson
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork


class PeopleRepository(Protocol):
    """The read model of people from identity's events (hearth_common.people)."""

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None: ...
    def save(self, person: KnownPerson) -> None: ...
    def lock_new(self, person_id: str) -> None: ...


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


class UnitOfWork(BaseUnitOfWork, abc.ABC):
    people: PeopleRepository
    courses: CoursesRepository
    discussions: DiscussionsRepository
    enrolments: EnrolmentsRepository

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records the event's id in the inbox; False when it was claimed before (a redelivery)."""
