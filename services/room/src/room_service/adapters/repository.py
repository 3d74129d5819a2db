"""Adapters: room's repositories (SQLAlchemy Core) and its unit of work."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from hearth_common.inbox import claim_event
from hearth_common.unit_of_work import SqlAlchemyUnitOfWork as BaseSqlAlchemyUnitOfWork
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from room_service.adapters import orm
from room_service.domain.people import BadgeState, GrantState, KnownPerson
from room_service.domain.rooms import Room
from room_service.service_layer.unit_of_work import UnitOfWork

SOURCE = "room"
_ROOM_FIELDS = [f.name for f in dataclasses.fields(Room)]


def _now():
    return dt.datetime.now(dt.timezone.utc)


class RoomsRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, slug: str, *, lock: bool = False) -> Room | None:
        stmt = sa.select(orm.rooms).where(orm.rooms.c.slug == slug)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Room(**{k: row[k] for k in _ROOM_FIELDS}) if row else None

    def list(self, include_archived: bool = False, topic: str | None = None) -> list[Room]:
        stmt = sa.select(orm.rooms).order_by(orm.rooms.c.name)
        if not include_archived:
            stmt = stmt.where(orm.rooms.c.status == "active")
        if topic:
            stmt = stmt.where(orm.rooms.c.topic == topic)
        return [Room(**{k: row[k] for k in _ROOM_FIELDS}) for row in self.session.execute(stmt).mappings()]

    def add_if_missing(self, room: Room, actor: str) -> bool:
        """Inserts the room unless its slug exists; returns whether it was added."""
        values = {k: getattr(room, k) for k in _ROOM_FIELDS} | {"updated_at": _now(), "updated_by": actor}
        stmt = postgresql.insert(orm.rooms).values(**values).on_conflict_do_nothing(index_elements=[orm.rooms.c.slug])
        return self.session.execute(stmt).rowcount == 1

    def add(self, room: Room, actor: str) -> None:
        values = {k: getattr(room, k) for k in _ROOM_FIELDS} | {"updated_at": _now(), "updated_by": actor}
        self.session.execute(sa.insert(orm.rooms).values(**values))

    def save(self, room: Room, actor: str) -> None:
        values = {k: getattr(room, k) for k in _ROOM_FIELDS if k != "slug"} | {"updated_at": _now(), "updated_by": actor}
        self.session.execute(sa.update(orm.rooms).where(orm.rooms.c.slug == room.slug).values(**values))


class PeopleRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        stmt = sa.select(orm.people).where(orm.people.c.person_id == person_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.execute(stmt).mappings().first()
        if row is None:
            return None
        return KnownPerson(
            person_id=row["person_id"],
            username=row["username"],
            kind=row["kind"],
            cohort=row["cohort"],
            cohort_seq=row["cohort_seq"],
            badges={slug: BadgeState(**state) for slug, state in row["badges"].items()},
            grants={gid: GrantState(**state) for gid, state in row["grants"].items()},
        )

    def save(self, person: KnownPerson) -> None:
        values = {
            "person_id": person.person_id,
            "username": person.username,
            "kind": person.kind,
            "cohort": person.cohort,
            "cohort_seq": person.cohort_seq,
            "badges": {slug: dataclasses.asdict(s) for slug, s in person.badges.items()},
            "grants": {gid: dataclasses.asdict(g) for gid, g in person.grants.items()},
            "updated_at": _now(),
        }
        stmt = postgresql.insert(orm.people).values(**values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[orm.people.c.person_id], set_=values))

    def lock_new(self, person_id: str) -> None:
        """Makes sure a row exists and is locked, so concurrent first events for one person serialise."""
        self.session.execute(
            postgresql.insert(orm.people)
            .values(person_id=person_id, badges={}, grants={}, updated_at=_now())
            .on_conflict_do_nothing(index_elements=[orm.people.c.person_id])
        )


class SqlAlchemyUnitOfWork(BaseSqlAlchemyUnitOfWork, UnitOfWork):
    def __init__(self, session_factory: sessionmaker):
        super().__init__(session_factory, orm.outbox, SOURCE)

    def open_repositories(self, session: Session) -> None:
        self.rooms = RoomsRepository(session)
        self.people = PeopleRepository(session)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.session.connection(), orm.inbox, envelope)


def uow_factory(engine: Engine):
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return lambda: SqlAlchemyUnitOfWork(sessions)
