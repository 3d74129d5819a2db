"""Adapters: SQLAlchemy Core repositories and the unit of work that commits state and outbox rows together."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from course_service.adapters import orm
from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import Enrolment
from course_service.service_layer.unit_of_work import UnitOfWork
from hearth_common.clock import utcnow
from hearth_common.inbox import claim_event
from hearth_common.people import BadgeState, GrantState, KnownPerson
from hearth_common.sql_unit_of_work import CoreUnitOfWork
from hearth_common.unit_of_work import UniqueViolation

SOURCE = "course"


class _Repo:
    def __init__(self, connection: Connection):
        self.connection = connection

    def _insert(self, table: sa.Table, values: dict) -> None:
        """An INSERT that meets a uniqueness rule raises UniqueViolation naming it at once, as a commit would."""
        try:
            self.connection.execute(sa.insert(table).values(**values))
        except IntegrityError as exc:
            raise UniqueViolation.of(exc) from exc

    def _row(self, stmt, lock: bool):
        return self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()


class PeopleRepository(_Repo):
    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        row = self._row(sa.select(orm.people).where(orm.people.c.person_id == person_id), lock)
        if row is None:
            return None
        return KnownPerson(
            person_id=row["person_id"], username=row["username"], kind=row["kind"], cohort=row["cohort"],
            cohort_seq=row["cohort_seq"],
            badges={slug: BadgeState(**state) for slug, state in row["badges"].items()},
            grants={gid: GrantState(**state) for gid, state in row["grants"].items()},
        )

    def save(self, person: KnownPerson) -> None:
        values = {
            "person_id": person.person_id, "username": person.username, "kind": person.kind,
            "cohort": person.cohort, "cohort_seq": person.cohort_seq,
            "badges": {slug: dataclasses.asdict(s) for slug, s in person.badges.items()},
            "grants": {gid: dataclasses.asdict(g) for gid, g in person.grants.items()},
            "updated_at": utcnow(),
        }
        stmt = postgresql.insert(orm.people).values(**values)
        self.connection.execute(stmt.on_conflict_do_update(index_elements=[orm.people.c.person_id], set_=values))

    def lock_new(self, person_id: str) -> None:
        """Makes sure a row exists, so concurrent first events for one person serialise on it."""
        self.connection.execute(
            postgresql.insert(orm.people).values(person_id=person_id, badges={}, grants={}, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=[orm.people.c.person_id]))


class CoursesRepository(_Repo):
    def get(self, slug: str, *, lock: bool = False) -> Course | None:
        row = self._row(sa.select(orm.courses).where(orm.courses.c.slug == slug), lock)
        return Course(**row) if row is not None else None

    def add(self, course: Course) -> None:
        self._insert(orm.courses, dataclasses.asdict(course))

    def save(self, course: Course) -> None:
        values = dataclasses.asdict(course)
        self.connection.execute(sa.update(orm.courses).where(orm.courses.c.slug == course.slug).values(**values))

    def list(self, statuses: tuple[str, ...]) -> list[Course]:
        t = orm.courses
        rows = self.connection.execute(sa.select(t).where(t.c.status.in_(statuses)).order_by(t.c.title, t.c.slug))
        return [Course(**row) for row in rows.mappings()]


class DiscussionsRepository(_Repo):
    def get(self, course_slug: str, discussion_id: str, *, lock: bool = False) -> Discussion | None:
        t = orm.discussions
        row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.id == discussion_id), lock)
        return Discussion(**row) if row is not None else None

    def add(self, discussion: Discussion) -> None:
        self._insert(orm.discussions, dataclasses.asdict(discussion))

    def save(self, discussion: Discussion) -> None:
        t = orm.discussions
        self.connection.execute(sa.update(t).where(t.c.course_slug == discussion.course_slug,
                                                   t.c.id == discussion.id).values(**dataclasses.asdict(discussion)))

    def of_course(self, course_slug: str) -> list[Discussion]:
        t = orm.discussions
        rows = self.connection.execute(sa.select(t).where(t.c.course_slug == course_slug).order_by(t.c.position))
        return [Discussion(**row) for row in rows.mappings()]

    def counts(self, course_slugs: list[str]) -> dict[str, int]:
        if not course_slugs:
            return {}
        t = orm.discussions
        rows = self.connection.execute(sa.select(t.c.course_slug, sa.func.count()).where(
            t.c.course_slug.in_(course_slugs)).group_by(t.c.course_slug))
        return {slug: count for slug, count in rows}


class EnrolmentsRepository(_Repo):
    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Enrolment | None:
        t = orm.enrolments
        row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.person_id == person_id), lock)
        return Enrolment(**row) if row is not None else None

    def add(self, enrolment: Enrolment) -> None:
        self._insert(orm.enrolments, dataclasses.asdict(enrolment))

    def save(self, enrolment: Enrolment) -> None:
        t = orm.enrolments
        self.connection.execute(sa.update(t).where(t.c.course_slug == enrolment.course_slug,
                                                   t.c.person_id == enrolment.person_id)
                                .values(**dataclasses.asdict(enrolment)))

    def of_person(self, person_id: str) -> list[Enrolment]:
        t = orm.enrolments
        rows = self.connection.execute(sa.select(t).where(t.c.person_id == person_id)
                                       .order_by(t.c.enrolled_at.desc(), t.c.course_slug))
        return [Enrolment(**row) for row in rows.mappings()]


class SqlUnitOfWork(CoreUnitOfWork, UnitOfWork):
    def __init__(self, engine: Engine):
        super().__init__(engine, orm.outbox, SOURCE)

    def open_repositories(self, connection: Connection) -> None:
        self.people = PeopleRepository(connection)
        self.courses = CoursesRepository(connection)
        self.discussions = DiscussionsRepository(connection)
        self.enrolments = EnrolmentsRepository(connection)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.connection, orm.inbox, envelope)


def uow_factory(engine: Engine):
    return lambda: SqlUnitOfWork(engine)
