"""Adapters: SQLAlchemy Core repositories and the unit of work that commits state and outbox rows together."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from hearth_common.clock import utcnow
from hearth_common.idempotency_records import SqlIdempotencyRecords
from hearth_common.inbox import claim_event
from hearth_common.logging import current_request_id
from hearth_common.people import BadgeState, GrantState, KnownPerson
from hearth_common.sql_unit_of_work import CoreUnitOfWork
from hearth_common.unit_of_work import UniqueViolation
from moderation_service.adapters import orm
from moderation_service.domain.audit import AuditEntry, AuditQuery
from moderation_service.domain.reports import COUNTED_OUTCOMES, OPEN, Case, KnownMessage, Membership, Report
from moderation_service.domain.room_actions import PENDING, RoomAction
from moderation_service.service_layer.unit_of_work import UnitOfWork

SOURCE = "moderation"
_REPORT_FIELDS = [f.name for f in dataclasses.fields(Report)]
_CASE_FIELDS = [f.name for f in dataclasses.fields(Case)]
_AUDIT_FIELDS = [f.name for f in dataclasses.fields(AuditEntry)]
_ACTION_FIELDS = [f.name for f in dataclasses.fields(RoomAction)]


def _upsert(table: sa.Table, keys: list[str], values: dict, only_if_newer: bool = False):
    stmt = postgresql.insert(table).values(**values)
    where = table.c.seq < stmt.excluded.seq if only_if_newer else None
    return stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=values, where=where)


class _Repo:
    def __init__(self, connection: Connection):
        self.connection = connection

    def _insert(self, table: sa.Table, values: dict) -> None:
        """An INSERT that meets a uniqueness rule (a twin's row, committed or waited for) raises UniqueViolation
        naming it, as a commit would: the statement runs at once, not at commit."""
        try:
            self.connection.execute(sa.insert(table).values(**values))
        except IntegrityError as exc:
            raise UniqueViolation.of(exc) from exc


class PeopleRepository(_Repo):
    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        stmt = sa.select(orm.people).where(orm.people.c.person_id == person_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
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
        self.connection.execute(_upsert(orm.people, ["person_id"], values))

    def lock_new(self, person_id: str) -> None:
        """Makes sure a row exists and is locked, so concurrent first events for one person serialise."""
        self.connection.execute(
            postgresql.insert(orm.people).values(person_id=person_id, badges={}, grants={}, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=[orm.people.c.person_id]))


class MembersRepository(_Repo):
    def get(self, room_slug: str, person_id: str, *, lock: bool = False) -> Membership | None:
        t = orm.room_members
        stmt = sa.select(t).where(t.c.room_slug == room_slug, t.c.person_id == person_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Membership(**row) if row is not None else None

    def save(self, membership: Membership) -> None:
        self.connection.execute(_upsert(orm.room_members, ["room_slug", "person_id"],
                                        dataclasses.asdict(membership), only_if_newer=True))


class MessagesRepository(_Repo):
    def get(self, message_id: str, *, lock: bool = False) -> KnownMessage | None:
        t = orm.messages
        stmt = sa.select(t).where(t.c.message_id == message_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        if row is None:
            return None
        values = dict(row)
        return KnownMessage(id=values.pop("message_id"), **values)

    def save(self, message: KnownMessage) -> None:
        values = dataclasses.asdict(message)
        values["message_id"] = values.pop("id")
        self.connection.execute(_upsert(orm.messages, ["message_id"], values, only_if_newer=True))

    def purge(self, posted_before, limit: int) -> int:
        t = orm.messages
        doomed = sa.select(t.c.message_id).where(t.c.posted_at < posted_before).limit(limit).scalar_subquery()
        return self.connection.execute(sa.delete(t).where(t.c.message_id.in_(doomed))).rowcount


class ReportsRepository(_Repo):
    def add(self, report: Report) -> None:
        self._insert(orm.reports, dataclasses.asdict(report))

    def _select(self, *where) -> list[Report]:
        stmt = sa.select(*[orm.reports.c[f] for f in _REPORT_FIELDS]).where(*where).order_by(
            orm.reports.c.filed_at, orm.reports.c.id)
        return [Report(**row) for row in self.connection.execute(stmt).mappings()]

    def open_by(self, reporter_id: str, room_slug: str, subject_id: str, message_id: str | None) -> Report | None:
        t = orm.reports
        found = self._select(t.c.reporter_id == reporter_id, t.c.room_slug == room_slug,
                             t.c.subject_id == subject_id, t.c.outcome == OPEN,
                             t.c.message_id.is_(None) if message_id is None else t.c.message_id == message_id)
        return found[0] if found else None

    def open_in_case(self, case_id: str) -> list[Report]:
        return self._select(orm.reports.c.case_id == case_id, orm.reports.c.outcome == OPEN)

    def in_case(self, case_id: str) -> list[Report]:
        return self._select(orm.reports.c.case_id == case_id)

    def save(self, report: Report) -> None:
        values = dataclasses.asdict(report)
        self.connection.execute(sa.update(orm.reports).where(orm.reports.c.id == values.pop("id")).values(**values))

    def track_records(self, reporter_ids: list[str], window: int) -> dict[str, tuple[int, int]]:
        t = orm.reports
        ranked = (
            sa.select(t.c.reporter_id, t.c.outcome,
                      sa.func.row_number().over(partition_by=t.c.reporter_id,
                                                order_by=(t.c.decided_at.desc(), t.c.id.desc())).label("n"))
            .where(t.c.reporter_id.in_(reporter_ids), t.c.outcome.in_(COUNTED_OUTCOMES))
            .subquery()
        )
        stmt = (
            sa.select(ranked.c.reporter_id,
                      sa.func.count().filter(ranked.c.outcome == COUNTED_OUTCOMES[0]),
                      sa.func.count())
            .where(ranked.c.n <= window)
            .group_by(ranked.c.reporter_id)
        )
        return {row[0]: (row[1], row[2]) for row in self.connection.execute(stmt)}

    def upheld_cases_about(self, subject_id: str) -> int:
        t = orm.cases
        stmt = sa.select(sa.func.count()).where(t.c.subject_id == subject_id, t.c.decision == "agree")
        return self.connection.execute(stmt).scalar_one()


class CasesRepository(_Repo):
    def add(self, case: Case) -> None:
        self._insert(orm.cases, dataclasses.asdict(case))

    def _one(self, *where, lock: bool) -> Case | None:
        stmt = sa.select(*[orm.cases.c[f] for f in _CASE_FIELDS]).where(*where)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Case(**{**row, "removed_message_ids": list(row["removed_message_ids"])}) if row is not None else None

    def get(self, case_id: str, *, lock: bool = False) -> Case | None:
        return self._one(orm.cases.c.id == case_id, lock=lock)

    def open_about(self, subject_id: str, *, lock: bool = False) -> Case | None:
        return self._one(orm.cases.c.subject_id == subject_id, orm.cases.c.status == OPEN, lock=lock)

    def list_open(self, limit: int) -> list[Case]:
        t = orm.cases
        stmt = sa.select(*[t.c[f] for f in _CASE_FIELDS]).where(t.c.status == OPEN).order_by(
            t.c.opened_at, t.c.id).limit(limit)
        return [Case(**{**row, "removed_message_ids": list(row["removed_message_ids"])})
                for row in self.connection.execute(stmt).mappings()]

    def save(self, case: Case) -> None:
        values = dataclasses.asdict(case)
        self.connection.execute(sa.update(orm.cases).where(orm.cases.c.id == values.pop("id")).values(**values))


class PacesRepository(_Repo):
    def due(self, person_id: str, action: str, *, lock: bool = False):
        t = orm.paces
        stmt = sa.select(t.c.due_at).where(t.c.person_id == person_id, t.c.action == action)
        return self.connection.execute(stmt.with_for_update() if lock else stmt).scalar()

    def set_due(self, person_id: str, action: str, due_at) -> None:
        self.connection.execute(_upsert(orm.paces, ["person_id", "action"],
                                        {"person_id": person_id, "action": action, "due_at": due_at}))


class AuditLog(_Repo):
    def append(self, entry: AuditEntry) -> None:
        values = dataclasses.asdict(entry)
        values["request_id"] = entry.request_id or current_request_id()
        self.connection.execute(sa.insert(orm.audit_log).values(**values))

    def list(self, query: AuditQuery) -> list[AuditEntry]:
        t = orm.audit_log
        where = [column == value for column, value in ((t.c.target_id, query.target_id),
                                                       (t.c.room_slug, query.room_slug),
                                                       (t.c.actor_id, query.actor_id)) if value is not None]
        if query.since is not None:
            where.append(t.c.at >= query.since)
        if query.until is not None:
            where.append(t.c.at < query.until)
        if query.before is not None:
            where.append(sa.tuple_(t.c.at, t.c.id) < sa.tuple_(*query.before))
        stmt = (sa.select(*[t.c[f] for f in _AUDIT_FIELDS]).where(*where)
                .order_by(t.c.at.desc(), t.c.id.desc()).limit(query.limit))
        return [AuditEntry(**row) for row in self.connection.execute(stmt).mappings()]

    def count_by_action(self, actor_id: str, since=None) -> dict[str, int]:
        t = orm.audit_log
        where = [t.c.actor_id == actor_id] + ([t.c.at >= since] if since is not None else [])
        stmt = sa.select(t.c.action, sa.func.count()).where(*where).group_by(t.c.action)
        return {action: count for action, count in self.connection.execute(stmt)}


class RoomActionsRepository(_Repo):
    def add(self, action: RoomAction) -> None:
        self._insert(orm.room_actions, dataclasses.asdict(action))

    def _select(self):
        return sa.select(*[orm.room_actions.c[f] for f in _ACTION_FIELDS])

    def next_due(self, now) -> RoomAction | None:
        t = orm.room_actions
        stmt = (self._select().where(t.c.status == PENDING, t.c.due_at <= now)
                .order_by(t.c.due_at, t.c.id).limit(1).with_for_update(skip_locked=True))
        row = self.connection.execute(stmt).mappings().first()
        return RoomAction(**row) if row is not None else None

    def get(self, action_id: str) -> RoomAction | None:
        row = self.connection.execute(self._select().where(orm.room_actions.c.id == action_id)).mappings().first()
        return RoomAction(**row) if row is not None else None

    def save(self, action: RoomAction) -> None:
        values = dataclasses.asdict(action)
        self.connection.execute(sa.update(orm.room_actions).where(orm.room_actions.c.id == values.pop("id"))
                                .values(**values))


class SqlUnitOfWork(CoreUnitOfWork, UnitOfWork):
    def __init__(self, engine: Engine):
        super().__init__(engine, orm.outbox, SOURCE)

    def open_repositories(self, connection: Connection) -> None:
        self.people = PeopleRepository(connection)
        self.members = MembersRepository(connection)
        self.messages = MessagesRepository(connection)
        self.reports = ReportsRepository(connection)
        self.cases = CasesRepository(connection)
        self.paces = PacesRepository(connection)
        self.idempotency = SqlIdempotencyRecords(connection, orm.idempotency_records)
        self.audit = AuditLog(connection)
        self.room_actions = RoomActionsRepository(connection)
        from moderation_service.adapters import sanctions_repository as section2  # (it imports this module)
        self.warnings = section2.WarningsRepository(connection)
        self.sanctions = section2.SanctionsRepository(connection)
        self.ladders = section2.LaddersRepository(connection)
        self.live_sessions = section2.LiveSessionsRepository(connection)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.connection, orm.inbox, envelope)


def uow_factory(engine: Engine):
    return lambda: SqlUnitOfWork(engine)
