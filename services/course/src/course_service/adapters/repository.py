"""Adapters: SQLAlchemy Core repositories and the unit of work that commits state and outbox rows together."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from course_service.adapters import orm
from course_service.domain.completions import WAITING, Completion, Mentorship, QuizAttempt
from course_service.domain.courses import Course, Discussion
from course_service.domain.enrolments import ACTIVE, Enrolment
from course_service.domain.posts import Post
from course_service.domain.requirements import LedSession
from course_service.service_layer.unit_of_work import UnitOfWork
from hearth_common.clock import utcnow
from hearth_common.db import PreparedStatement, engine_autocommits
from hearth_common.events import Event
from hearth_common.inbox import claim_event
from hearth_common.outbox import outbox_row
from hearth_common.pacing_table import PacesRepository
from hearth_common.people import BadgeState, GrantState, KnownPerson
from hearth_common.sql_unit_of_work import CoreUnitOfWork
from hearth_common.unit_of_work import UniqueViolation

SOURCE = "course"


def _by_key(name: str, table: sa.Table, *keys: str) -> PreparedStatement:
    """A prepared read of one row of `table` by its key columns (unlocked): every column, named."""
    columns = ", ".join(column.name for column in table.columns)
    where = " AND ".join(f"{key} = :{key}" for key in keys)
    return PreparedStatement(name, f"SELECT {columns} FROM {table.name} WHERE {where}")


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
    _GET = _by_key("course_get_course", orm.courses, "slug")

    def __init__(self, connection: Connection):
        super().__init__(connection)
        self._read: dict[str, Course | None] = {}  # read unlocked in this unit (a post reads its course twice)

    def get(self, slug: str, *, lock: bool = False) -> Course | None:
        if not lock and slug in self._read:
            course = self._read[slug]
            return dataclasses.replace(course) if course is not None else None
        if lock:
            row = self._row(sa.select(orm.courses).where(orm.courses.c.slug == slug), lock)
        else:  # most calls read their course first: prepared
            row = self._GET(self.connection, {"slug": slug}).mappings().first()
        course = Course(**row) if row is not None else None
        self._read[slug] = course
        return dataclasses.replace(course) if course is not None else None

    def add(self, course: Course) -> None:
        self._read.pop(course.slug, None)
        self._insert(orm.courses, dataclasses.asdict(course))

    def save(self, course: Course) -> None:
        self._read.pop(course.slug, None)
        values = dataclasses.asdict(course)
        self.connection.execute(sa.update(orm.courses).where(orm.courses.c.slug == course.slug).values(**values))

    def list(self, statuses: tuple[str, ...]) -> list[Course]:
        t = orm.courses
        rows = self.connection.execute(sa.select(t).where(t.c.status.in_(statuses)).order_by(t.c.title, t.c.slug))
        return [Course(**row) for row in rows.mappings()]


class DiscussionsRepository(_Repo):
    _GET = _by_key("course_get_discussion", orm.discussions, "course_slug", "id")

    def get(self, course_slug: str, discussion_id: str, *, lock: bool = False) -> Discussion | None:
        t = orm.discussions
        if lock:
            row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.id == discussion_id), lock)
        else:  # every post and page reads it: prepared
            row = self._GET(self.connection, {"course_slug": course_slug, "id": discussion_id}).mappings().first()
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
    _GET = _by_key("course_get_enrolment", orm.enrolments, "course_slug", "person_id")

    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Enrolment | None:
        t = orm.enrolments
        if lock:
            row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.person_id == person_id), lock)
        else:  # every post and page reads it: prepared
            row = self._GET(self.connection, {"course_slug": course_slug, "person_id": person_id}).mappings().first()
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

    def members_named(self, course_slug: str, section: str, usernames: list[str]) -> dict[str, str]:
        if not usernames:
            return {}
        e, p = orm.enrolments, orm.people
        rows = self.connection.execute(
            sa.select(p.c.username, p.c.person_id).join(e, e.c.person_id == p.c.person_id)
            .where(e.c.course_slug == course_slug, e.c.section == section, e.c.status == ACTIVE,
                   p.c.username.in_(usernames)))
        return {username: person_id for username, person_id in rows}


class PostsRepository(_Repo):
    _NEXT_SEQ = sa.text("""
        INSERT INTO thread_seqs (course_slug, discussion_id, section, last_seq)
        VALUES (:course_slug, :discussion_id, :section, 1)
        ON CONFLICT (course_slug, discussion_id, section) DO UPDATE SET last_seq = thread_seqs.last_seq + 1
        RETURNING last_seq
    """)

    def next_seq(self, course_slug: str, discussion_id: str, section: str) -> int:
        # The upsert locks the thread's row until commit: the next poster waits, so seqs commit in order.
        return self.connection.execute(self._NEXT_SEQ, {"course_slug": course_slug, "discussion_id": discussion_id,
                                                        "section": section}).scalar_one()

    def add(self, post: Post) -> None:
        self._insert(orm.posts, dataclasses.asdict(post))

    _ADD_NUMBERED = PreparedStatement("course_add_numbered_post", """
        WITH thread AS (
            INSERT INTO thread_seqs (course_slug, discussion_id, section, last_seq)
            VALUES (:course_slug, :discussion_id, :section, 1)
            ON CONFLICT (course_slug, discussion_id, section) DO UPDATE SET last_seq = thread_seqs.last_seq + 1
            RETURNING last_seq
        ), post AS (
            INSERT INTO posts (id, course_slug, discussion_id, section, seq, author_id, parent_id, body, words,
                               mention_ids, likes, created_at, edited_at, deleted_at, removed_by, by_moderation,
                               removal_reason)
            SELECT :id, :course_slug, :discussion_id, :section, thread.last_seq, :author_id, :parent_id, :body,
                   :words, :mention_ids, :likes, :created_at, NULL, NULL, NULL, false, ''
              FROM thread
            RETURNING id, seq
        ), mentioned AS (
            INSERT INTO post_mentions (post_id, person_id, mentioned_at)
            SELECT post.id, m.person_id, :created_at
              FROM post, unnest(CAST(:mentioned AS varchar[])) WITH ORDINALITY AS m(person_id, n)
             ORDER BY m.n
        ), announced AS (
            INSERT INTO outbox (event_id, event_type, payload, request_id, occurred_at)
            SELECT :event_id, :event_type, :payload, :request_id, :occurred_at FROM post
        )
        SELECT seq FROM post
    """, json_params=("mention_ids", "payload"))

    def add_numbered(self, post: Post, created: Event) -> None:
        # One statement, one round trip (prepared once per connection): the thread's seq (its row locked until
        # commit, as next_seq), the post, its mentions and the event's outbox row.
        try:
            post.seq = self._ADD_NUMBERED(self.connection, {
                **dataclasses.asdict(post), "mentioned": list(post.mention_ids), **outbox_row(created, SOURCE),
            }).scalar_one()
        except IntegrityError as exc:
            raise UniqueViolation.of(exc) from exc

    def get(self, post_id: str, *, lock: bool = False) -> Post | None:
        row = self._row(sa.select(orm.posts).where(orm.posts.c.id == post_id), lock)
        return Post(**row) if row is not None else None

    def save(self, post: Post) -> None:
        t = orm.posts
        self.connection.execute(sa.update(t).where(t.c.id == post.id).values(**dataclasses.asdict(post)))

    _THREAD = PreparedStatement("course_thread", f"""
        SELECT {', '.join(f'p.{field.name}' for field in dataclasses.fields(Post))},
               EXISTS (SELECT 1 FROM post_likes l WHERE l.post_id = p.id AND l.person_id = :reader_id) AS liked
          FROM posts p
         WHERE p.course_slug = :course_slug AND p.discussion_id = :discussion_id AND p.section = :section
           AND p.seq > :after_seq
         ORDER BY p.seq
         LIMIT :limit
    """)

    def thread(self, course_slug: str, discussion_id: str, section: str, after_seq: int, limit: int,
               reader_id: str = "") -> list[tuple[Post, bool]]:
        # The page and the reader's likes in one round trip, prepared once per connection (a "load more" is
        # course-grpc's hottest read).
        rows = self._THREAD(self.connection, {"course_slug": course_slug, "discussion_id": discussion_id,
                                              "section": section, "after_seq": after_seq, "limit": limit,
                                              "reader_id": reader_id}).rows
        return [(Post(*row[:-1]), row[-1]) for row in rows]

    def reply_words_by_discussion(self, course_slug: str, person_id: str,
                                  section: str | None = None) -> dict[str, int]:
        t = orm.posts
        stmt = (sa.select(t.c.discussion_id, sa.func.max(t.c.words))
                .where(t.c.course_slug == course_slug, t.c.author_id == person_id, t.c.deleted_at.is_(None)))
        if section is not None:
            stmt = stmt.where(t.c.section == section)
        rows = self.connection.execute(stmt.group_by(t.c.discussion_id))
        return {discussion_id: words for discussion_id, words in rows}

    def like(self, post_id: str, person_id: str, now: dt.datetime) -> bool:
        stmt = postgresql.insert(orm.post_likes).values(post_id=post_id, person_id=person_id, liked_at=now)
        return self.connection.execute(stmt.on_conflict_do_nothing()).rowcount == 1

    def unlike(self, post_id: str, person_id: str) -> bool:
        t = orm.post_likes
        return self.connection.execute(
            sa.delete(t).where(t.c.post_id == post_id, t.c.person_id == person_id)).rowcount == 1

    def liked(self, post_ids: list[str], person_id: str) -> set[str]:
        if not post_ids:
            return set()
        t = orm.post_likes
        rows = self.connection.execute(sa.select(t.c.post_id).where(t.c.post_id.in_(post_ids),
                                                                    t.c.person_id == person_id))
        return set(rows.scalars())

    def set_mentions(self, post_id: str, person_ids: list[str], now: dt.datetime) -> None:
        t = orm.post_mentions
        self.connection.execute(sa.delete(t).where(t.c.post_id == post_id, t.c.person_id.not_in(person_ids)))
        if person_ids:
            stmt = postgresql.insert(t).values([{"post_id": post_id, "person_id": person_id, "mentioned_at": now}
                                                for person_id in person_ids])
            self.connection.execute(stmt.on_conflict_do_nothing())

    def mentions_of(self, person_id: str, before: int, limit: int) -> list[tuple[int, Post]]:
        m, p, e = orm.post_mentions, orm.posts, orm.enrolments
        stmt = (sa.select(m.c.id.label("mention_position"), p).join(p, p.c.id == m.c.post_id)
                .join(e, sa.and_(e.c.course_slug == p.c.course_slug, e.c.person_id == m.c.person_id,
                                 e.c.section == p.c.section))
                .where(m.c.person_id == person_id, p.c.deleted_at.is_(None)))
        if before:
            stmt = stmt.where(m.c.id < before)
        rows = self.connection.execute(stmt.order_by(m.c.id.desc()).limit(limit)).mappings()
        result = []
        for row in rows:
            values = dict(row)
            result.append((values.pop("mention_position"), Post(**values)))
        return result


class QuizAttemptsRepository(_Repo):
    def of_learner(self, course_slug: str, person_id: str) -> list[QuizAttempt]:
        t = orm.quiz_attempts
        rows = self.connection.execute(sa.select(t).where(t.c.course_slug == course_slug, t.c.person_id == person_id)
                                       .order_by(t.c.submitted_at, t.c.number))
        return [QuizAttempt(**row) for row in rows.mappings()]

    def add(self, attempt: QuizAttempt) -> None:
        self._insert(orm.quiz_attempts, dataclasses.asdict(attempt))


class LedSessionsRepository(_Repo):
    def add(self, session: LedSession) -> bool:
        stmt = postgresql.insert(orm.led_sessions).values(**dataclasses.asdict(session)).on_conflict_do_nothing()
        return self.connection.execute(stmt).rowcount == 1

    def of_leader(self, person_id: str) -> list[LedSession]:
        t = orm.led_sessions
        rows = self.connection.execute(sa.select(t).where(t.c.leader_id == person_id).order_by(t.c.ended_at))
        return [LedSession(**row) for row in rows.mappings()]


class MentorshipsRepository(_Repo):
    def get(self, course_slug: str, person_id: str, *, lock: bool = False) -> Mentorship | None:
        t = orm.mentorships
        row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.person_id == person_id), lock)
        return Mentorship(**row) if row is not None else None

    def save(self, mentorship: Mentorship) -> None:
        values = dataclasses.asdict(mentorship)
        stmt = postgresql.insert(orm.mentorships).values(**values)
        self.connection.execute(stmt.on_conflict_do_update(
            index_elements=[orm.mentorships.c.course_slug, orm.mentorships.c.person_id], set_=values))

    def of_mentor(self, mentor_id: str, review: str) -> list[Mentorship]:
        t = orm.mentorships
        rows = self.connection.execute(sa.select(t).where(t.c.mentor_id == mentor_id, t.c.review == review)
                                       .order_by(t.c.waiting_since, t.c.assigned_at))
        return [Mentorship(**row) for row in rows.mappings()]

    def waiting_since(self, before: dt.datetime, limit: int) -> list[Mentorship]:
        t = orm.mentorships
        stmt = (sa.select(t).where(t.c.review == WAITING, t.c.waiting_since < before).order_by(t.c.waiting_since)
                .limit(limit).with_for_update(skip_locked=True))
        return [Mentorship(**row) for row in self.connection.execute(stmt).mappings()]


class CompletionsRepository(_Repo):
    def add(self, completion: Completion) -> None:
        # A savepoint: a twin's completion committed first fails only this insert, not the post or attempt that
        # triggered it.
        try:
            with self.connection.begin_nested():
                self.connection.execute(sa.insert(orm.completions).values(**dataclasses.asdict(completion)))
        except IntegrityError as exc:
            raise UniqueViolation.of(exc) from exc

    def get(self, completion_id: str, *, lock: bool = False) -> Completion | None:
        row = self._row(sa.select(orm.completions).where(orm.completions.c.id == completion_id), lock)
        return Completion(**row) if row is not None else None

    def of_learner(self, course_slug: str, person_id: str) -> Completion | None:
        t = orm.completions
        row = self._row(sa.select(t).where(t.c.course_slug == course_slug, t.c.person_id == person_id), False)
        return Completion(**row) if row is not None else None

    def by_certificate(self, certificate_id: str) -> Completion | None:
        t = orm.completions
        row = self._row(sa.select(t).where(t.c.certificate_id == certificate_id), False)
        return Completion(**row) if row is not None else None

    def save(self, completion: Completion) -> None:
        t = orm.completions
        self.connection.execute(sa.update(t).where(t.c.id == completion.id)
                                .values(**dataclasses.asdict(completion)))

    def list(self, course_slug: str | None, person_id: str | None, limit: int) -> list[Completion]:
        t = orm.completions
        stmt = sa.select(t)
        if course_slug is not None:
            stmt = stmt.where(t.c.course_slug == course_slug)
        if person_id is not None:
            stmt = stmt.where(t.c.person_id == person_id)
        rows = self.connection.execute(stmt.order_by(t.c.completed_at.desc(), t.c.id).limit(limit))
        return [Completion(**row) for row in rows.mappings()]


class SqlUnitOfWork(CoreUnitOfWork, UnitOfWork):
    """On an engine made with make_engine(autocommit=True) (course-grpc's), a unit's BEGIN goes with its first
    statement: a round trip fewer per call."""

    def __init__(self, engine: Engine, single_statements: bool = False):
        super().__init__(engine, orm.outbox, SOURCE, single_statements=single_statements,
                         engine_autocommits=engine_autocommits(engine))

    def open_repositories(self, connection: Connection) -> None:
        self.people = PeopleRepository(connection)
        self.courses = CoursesRepository(connection)
        self.discussions = DiscussionsRepository(connection)
        self.enrolments = EnrolmentsRepository(connection)
        self.posts = PostsRepository(connection)
        self.paces = PacesRepository(connection, orm.paces)
        self.quiz_attempts = QuizAttemptsRepository(connection)
        self.led_sessions = LedSessionsRepository(connection)
        self.mentorships = MentorshipsRepository(connection)
        self.completions = CompletionsRepository(connection)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.connection, orm.inbox, envelope)


def uow_factory(engine: Engine):
    """Units of work on `engine`; `single_statements=True` for a use case that only reads (on an autocommit
    engine its statements then run without a transaction: no BEGIN, no ROLLBACK)."""
    return lambda single_statements=False: SqlUnitOfWork(engine, single_statements)
