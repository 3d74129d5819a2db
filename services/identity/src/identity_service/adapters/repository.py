"""Adapters: SQLAlchemy repositories and the unit of work that commits state and outbox rows together."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hearth_common.db import PreparedStatement
from hearth_common.idempotency_records import SqlIdempotencyRecords
from hearth_common.inbox import claim_event
from hearth_common.sql_unit_of_work import SqlAlchemyUnitOfWork as BaseSqlAlchemyUnitOfWork
from identity_service.adapters import orm
from identity_service.domain import model
from identity_service.domain.badge_rules import Fact, PersonFact, SanctionSpan
from identity_service.service_layer.unit_of_work import UnitOfWork

SOURCE = "identity"


class _Repo:
    def __init__(self, session: Session):
        self.session = session

    def add(self, entity) -> None:
        self.session.add(entity)


class PeopleRepository(_Repo):
    def get(self, person_id: str) -> model.Person | None:
        return self.session.get(model.Person, person_id)

    def get_by_username(self, username: str) -> model.Person | None:
        return self.session.scalars(sa.select(model.Person).filter_by(username_canonical=username)).first()

    def teens_born_on_or_before(self, date: dt.date, limit: int) -> list[model.Person]:
        stmt = (
            sa.select(model.Person)
            .where(orm.people.c.cohort == model.Cohort.TEEN, orm.people.c.date_of_birth <= date)
            .order_by(orm.people.c.date_of_birth)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(stmt))

    def ids_after(self, after: str, limit: int) -> list[str]:
        t = orm.people
        return list(self.session.scalars(sa.select(t.c.id).where(t.c.id > after).order_by(t.c.id).limit(limit)))


class GrantsRepository(_Repo):
    def get(self, grant_id: str, *, lock: bool = False) -> model.RoleGrant | None:
        """With lock, waits for a concurrent change to this grant and sees its result."""
        return self.session.get(model.RoleGrant, grant_id, with_for_update=lock, populate_existing=lock)

    def for_person(self, person_id: str) -> list[model.RoleGrant]:
        stmt = sa.select(model.RoleGrant).filter_by(person_id=person_id, revoked_at=None).order_by(
            orm.role_grants.c.granted_at
        )
        return list(self.session.scalars(stmt))


class BadgesRepository(_Repo):
    def get(self, slug: str) -> model.Badge | None:
        return self.session.get(model.Badge, slug)

    def list(self) -> list[model.Badge]:
        return list(self.session.scalars(sa.select(model.Badge)))


class AwardsRepository(_Repo):
    def by_award_key(self, key: str, *, lock: bool = False) -> model.BadgeAward | None:
        """With lock, a concurrent revocation of it is waited for, and then seen."""
        stmt = sa.select(model.BadgeAward).filter_by(award_key=key)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(stmt).first()

    def by_revoke_key(self, key: str) -> model.BadgeAward | None:
        return self.session.scalars(sa.select(model.BadgeAward).filter_by(revoke_key=key)).first()

    def held(self, person_id: str, slug: str, *, lock: bool = False) -> model.BadgeAward | None:
        """With lock, a concurrent revocation is waited for, and then the award no longer counts as held."""
        stmt = sa.select(model.BadgeAward).filter_by(person_id=person_id, badge_slug=slug, revoked_at=None)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(stmt).first()

    def held_by(self, person_id: str) -> list[model.BadgeAward]:
        stmt = sa.select(model.BadgeAward).filter_by(person_id=person_id, revoked_at=None)
        return list(self.session.scalars(stmt))

    def history(self, person_id: str, slug: str) -> list[model.BadgeAward]:
        stmt = sa.select(model.BadgeAward).filter_by(person_id=person_id, badge_slug=slug)
        return list(self.session.scalars(stmt.order_by(orm.badge_awards.c.awarded_at)))


def _note_statement(name: str, on_conflict: str) -> PreparedStatement:
    """The fact inserted if new and, if that changed it, the person marked due, with the mark from before: one
    round trip, planned once per connection (the statement of nearly every message_posted)."""
    return PreparedStatement(name, f"""
        WITH noted AS (
            INSERT INTO badge_facts AS f (person_id, fact, key, count, first_at, last_at, tag)
            VALUES (CAST(:person_id AS varchar), :fact, :key, 1, :at, :at, :tag)
            ON CONFLICT (person_id, fact, key) {on_conflict}
            RETURNING f.person_id
        ), marked AS (
            INSERT INTO badge_evaluations_due (person_id, marked_at)
            SELECT person_id, CAST(:due_at AS timestamptz) FROM noted
            ON CONFLICT (person_id) DO UPDATE SET marked_at = excluded.marked_at
            RETURNING person_id
        )
        SELECT EXISTS (SELECT 1 FROM marked) AS changed,
               (SELECT marked_at FROM badge_evaluations_due WHERE person_id = CAST(:person_id AS varchar)) AS was_due
    """)


_NOTE = _note_statement("identity_note_fact", "DO NOTHING")
_NOTE_WIDENING = _note_statement(
    "identity_note_fact_widening",
    "DO UPDATE SET first_at = LEAST(f.first_at, excluded.first_at), last_at = GREATEST(f.last_at, excluded.last_at)"
    " WHERE excluded.first_at < f.first_at OR excluded.last_at > f.last_at")


class BadgeFactsRepository(_Repo):
    """Core statements: each upsert is one round trip, and concurrent twins of a fact add up instead of failing."""

    def note(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "", *, due_at: dt.datetime,
             widen: bool = False) -> tuple[bool, dt.datetime | None]:
        statement = _NOTE_WIDENING if widen else _NOTE
        # One statement, atomic by itself: run outside a transaction (no BEGIN, no COMMIT round trip) when it is
        # the unit of work's first.
        connection = self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"}) if (
            not self.session.in_transaction()) else self.session.connection()
        changed, was_due = statement(connection, {"person_id": person_id, "fact": fact.value, "key": key, "at": at,
                                                  "tag": tag, "due_at": due_at}).one()
        return bool(changed), was_due

    def record(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "") -> None:
        t = orm.badge_facts
        insert = postgresql.insert(t).values(person_id=person_id, fact=fact.value, key=key, count=1, first_at=at,
                                             last_at=at, tag=tag)
        self.session.execute(insert.on_conflict_do_update(
            index_elements=[t.c.person_id, t.c.fact, t.c.key],
            set_={"count": t.c.count + 1, "first_at": sa.func.least(t.c.first_at, insert.excluded.first_at),
                  "last_at": sa.func.greatest(t.c.last_at, insert.excluded.last_at)}))

    def of_person(self, person_id: str) -> list[PersonFact]:
        t = orm.badge_facts
        rows = self.session.execute(sa.select(t).where(t.c.person_id == person_id).order_by(t.c.fact, t.c.key))
        return [PersonFact(Fact(r.fact), r.key, r.count, r.first_at, r.last_at, r.tag) for r in rows]

    def sanction_imposed(self, sanction_id: str, person_id: str, imposed_at: dt.datetime,
                         expires_at: dt.datetime | None) -> None:
        t = orm.badge_sanctions
        insert = postgresql.insert(t).values(sanction_id=sanction_id, person_id=person_id, imposed_at=imposed_at,
                                             expires_at=expires_at)
        self.session.execute(insert.on_conflict_do_update(
            index_elements=[t.c.sanction_id],
            set_={"imposed_at": insert.excluded.imposed_at, "expires_at": insert.excluded.expires_at}))

    def sanction_lifted(self, sanction_id: str, person_id: str, lifted_at: dt.datetime) -> None:
        t = orm.badge_sanctions
        insert = postgresql.insert(t).values(sanction_id=sanction_id, person_id=person_id, lifted_at=lifted_at)
        self.session.execute(insert.on_conflict_do_update(index_elements=[t.c.sanction_id],
                                                          set_={"lifted_at": insert.excluded.lifted_at}))

    def sanctions_of(self, person_id: str) -> list[SanctionSpan]:
        t = orm.badge_sanctions
        rows = self.session.execute(sa.select(t).where(t.c.person_id == person_id, t.c.imposed_at.is_not(None))
                                    .order_by(t.c.imposed_at))
        return [SanctionSpan(r.imposed_at, r.expires_at, r.lifted_at) for r in rows]

    def mark_due(self, person_id: str, at: dt.datetime) -> None:
        t = orm.badge_evaluations_due
        insert = postgresql.insert(t).values(person_id=person_id, marked_at=at)
        self.session.execute(insert.on_conflict_do_update(index_elements=[t.c.person_id],
                                                          set_={"marked_at": insert.excluded.marked_at}))

    def marked_due(self, person_id: str) -> dt.datetime | None:
        t = orm.badge_evaluations_due
        return self.session.execute(sa.select(t.c.marked_at).where(t.c.person_id == person_id)).scalar()

    def due(self, limit: int) -> list[tuple[str, dt.datetime]]:
        t = orm.badge_evaluations_due
        rows = self.session.execute(sa.select(t.c.person_id, t.c.marked_at).order_by(t.c.marked_at).limit(limit))
        return [(r.person_id, r.marked_at) for r in rows]

    def clear_due(self, person_id: str, marked_at: dt.datetime) -> None:
        t = orm.badge_evaluations_due
        self.session.execute(sa.delete(t).where(t.c.person_id == person_id, t.c.marked_at <= marked_at))

    def claim_pass(self, name: str, now: dt.datetime, every: dt.timedelta) -> bool:
        t = orm.badge_passes
        insert = postgresql.insert(t).values(name=name, started_at=now)
        # One statement: of two replicas claiming at once, the row lock lets one through and the other sees the
        # new started_at and matches nothing.
        claimed = self.session.execute(insert.on_conflict_do_update(
            index_elements=[t.c.name], set_={"started_at": now},
            where=t.c.started_at <= now - every).returning(t.c.name)).first()
        return claimed is not None


class RefreshTokensRepository(_Repo):
    def by_hash(self, token_hash: str) -> model.RefreshToken | None:
        stmt = sa.select(model.RefreshToken).filter_by(token_hash=token_hash).with_for_update()
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()

    def family_of(self, token_hash: str) -> str | None:
        t = orm.refresh_tokens
        return self.session.execute(sa.select(t.c.family_id).where(t.c.token_hash == token_hash)).scalar()

    def lock_family(self, family_id: str) -> None:
        """The family's refreshes and logouts take turns until commit (a lock of the transaction, taken before
        any token row): each then reads every token the one before it issued."""
        self.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("hearth-refresh-family"),
                                                                     sa.func.hashtext(str(family_id)))))

    def family(self, family_id: str) -> list[model.RefreshToken]:
        return list(self.session.scalars(sa.select(model.RefreshToken).filter_by(family_id=family_id)))


class SigningKeysRepository(_Repo):
    def active(self) -> model.SigningKey | None:
        return self.session.scalars(sa.select(model.SigningKey).filter_by(retired_at=None)).first()

    def list(self) -> list[model.SigningKey]:
        return list(self.session.scalars(sa.select(model.SigningKey).order_by(orm.signing_keys.c.created_at)))


class SqlAlchemyUnitOfWork(BaseSqlAlchemyUnitOfWork, UnitOfWork):
    def __init__(self, session_factory: sessionmaker):
        super().__init__(session_factory, orm.outbox, SOURCE)

    def open_repositories(self, session: Session) -> None:
        self.people = PeopleRepository(session)
        self.grants = GrantsRepository(session)
        self.badges = BadgesRepository(session)
        self.awards = AwardsRepository(session)
        self.refresh_tokens = RefreshTokensRepository(session)
        self.signing_keys = SigningKeysRepository(session)
        self.idempotency = SqlIdempotencyRecords(session, orm.idempotency_records)
        self.badge_facts = BadgeFactsRepository(session)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.session.connection(), orm.inbox, envelope)


def uow_factory(engine: Engine):
    orm.start_mappers()
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return lambda: SqlAlchemyUnitOfWork(sessions)
