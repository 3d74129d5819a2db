"""Adapters: SQLAlchemy Core repositories and the unit of work that commits state and outbox rows together."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from hearth_common.clock import utcnow
from hearth_common.contracts.identity import ADMIN
from hearth_common.db import PreparedStatement
from hearth_common.idempotency_records import SqlIdempotencyRecords
from hearth_common.inbox import claim_event
from hearth_common.logging import current_request_id
from hearth_common.pacing_table import PacesRepository
from hearth_common.people import BadgeState, GrantState, KnownPerson
from hearth_common.sql_unit_of_work import CoreUnitOfWork
from hearth_common.unit_of_work import UniqueViolation
from moderation_service.adapters import orm
from moderation_service.domain.audit import APPEAL_OVERTURNED, OVERTURNED_ACTOR_KEY, AuditEntry, AuditQuery
from moderation_service.domain.automod_rules import ManagedRule, RuleSetVersion
from moderation_service.domain.crisis import CareResources, CrisisFlag
from moderation_service.domain.pager import ADMINS, Page, Shift
from moderation_service.domain.reports import (
    COUNTED_OUTCOMES,
    OPEN,
    SEVERITY,
    Case,
    CohortGrant,
    HiddenMessage,
    KnownMessage,
    Membership,
    QueueScope,
    Report,
    accuracy,
)
from moderation_service.domain.room_actions import PENDING, REMOVE_MESSAGE, RoomAction
from moderation_service.service_layer.unit_of_work import PostSeen, UnitOfWork

SOURCE = "moderation"
_REPORT_FIELDS = [f.name for f in dataclasses.fields(Report)]
_CASE_FIELDS = [f.name for f in dataclasses.fields(Case)]
_AUDIT_FIELDS = [f.name for f in dataclasses.fields(AuditEntry)]
_ACTION_FIELDS = [f.name for f in dataclasses.fields(RoomAction)]
_HIDDEN_FIELDS = [f.name for f in dataclasses.fields(HiddenMessage)]
NEWCOMER = accuracy(0, 0)
# The case's subject (people, outer-joined) does not hold the admin role now: no active, unexpired grant of it for
# every room (hearth_common.people's is_admin: RoleFact.counts(None, now) over KnownPerson.facts()).
# StaffRepository.admins lists people by the same rule (_AN_ADMIN): one SQL test of "is an admin".
_ADMIN_GRANT = ("SELECT 1 FROM jsonb_each(people.grants) AS g(grant_id, fact) "
                "WHERE g.fact->>'role' = :admin_role AND (g.fact->>'active')::boolean "
                "AND g.fact->>'room_id' IS NULL "
                "AND (g.fact->>'expires_at' IS NULL OR (g.fact->>'expires_at')::timestamptz > :now)")
_NOT_ABOUT_AN_ADMIN = sa.text(f"NOT EXISTS ({_ADMIN_GRANT})")
_AN_ADMIN = sa.text(f"EXISTS ({_ADMIN_GRANT})")


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


def known_person(row) -> KnownPerson:
    return KnownPerson(
        person_id=row["person_id"], username=row["username"], kind=row["kind"], cohort=row["cohort"],
        cohort_seq=row["cohort_seq"],
        badges={slug: BadgeState(**state) for slug, state in row["badges"].items()},
        grants={gid: GrantState(**state) for gid, state in row["grants"].items()},
    )


class PeopleRepository(_Repo):
    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        stmt = sa.select(orm.people).where(orm.people.c.person_id == person_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return known_person(row) if row is not None else None

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

    def present_people(self, room_slug: str, limit: int) -> list[KnownPerson]:
        t, p = orm.room_members, orm.people
        stmt = (sa.select(p).select_from(t.join(p, p.c.person_id == t.c.person_id))
                .where(t.c.room_slug == room_slug, t.c.present.is_(True)).order_by(t.c.changed_at).limit(limit))
        return [known_person(row) for row in self.connection.execute(stmt).mappings()]

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

    def recent_by(self, room_slug: str, author_id: str, posted_after, posted_before, limit: int) -> list[KnownMessage]:
        t = orm.messages
        stmt = (sa.select(t).where(t.c.room_slug == room_slug, t.c.author_id == author_id, t.c.deleted.is_(False),
                                   t.c.posted_at > posted_after, t.c.posted_at < posted_before)
                .order_by(t.c.posted_at.desc()).limit(limit))
        return [KnownMessage(id=values.pop("message_id"), **values)
                for values in (dict(row) for row in self.connection.execute(stmt).mappings())]

    def purge(self, posted_before, limit: int) -> int:
        t = orm.messages
        doomed = sa.select(t.c.message_id).where(t.c.posted_at < posted_before).limit(limit).scalar_subquery()
        return self.connection.execute(sa.delete(t).where(t.c.message_id.in_(doomed))).rowcount


def rule_set_version(version: int, records: list[dict], changed_by: str, changed_at: dt.datetime) -> RuleSetVersion:
    return RuleSetVersion(version, tuple(ManagedRule.from_record(r) for r in records), changed_by, changed_at)


class AutomodRepository(_Repo):
    # one key for moderation's database: rule set changes take it for their transaction, one at a time
    LOCK_KEY = 0x4D4F4441  # "MODA"

    def lock_for_change(self) -> None:
        self.connection.execute(sa.select(sa.func.pg_advisory_xact_lock(self.LOCK_KEY)))

    def latest(self) -> RuleSetVersion | None:
        t = orm.automod_rule_sets
        row = self.connection.execute(sa.select(t).order_by(t.c.version.desc()).limit(1)).mappings().first()
        if row is None:
            return None
        return rule_set_version(row["version"], row["rules"], row["changed_by"], row["changed_at"])

    def add(self, version: RuleSetVersion) -> None:
        self._insert(orm.automod_rule_sets, {
            "version": version.version, "rules": [r.to_record() for r in version.rules],
            "changed_by": version.changed_by, "changed_at": version.changed_at})

    def flagged(self, message_id: str) -> set[str]:
        t = orm.automod_flags
        return set(self.connection.execute(sa.select(t.c.rule_id).where(t.c.message_id == message_id)).scalars())

    def add_flag(self, message_id: str, rule_id: str, report_id: str, flagged_at) -> None:
        self._insert(orm.automod_flags, {"message_id": message_id, "rule_id": rule_id, "report_id": report_id,
                                         "flagged_at": flagged_at})


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

    def open_in_cases(self, case_ids: list[str]) -> dict[str, list[Report]]:
        found: dict[str, list[Report]] = {case_id: [] for case_id in case_ids}
        if case_ids:
            for report in self._select(orm.reports.c.case_id.in_(case_ids), orm.reports.c.outcome == OPEN):
                found[report.case_id].append(report)
        return found

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

    def save(self, case: Case) -> None:
        values = dataclasses.asdict(case)
        self.connection.execute(sa.update(orm.cases).where(orm.cases.c.id == values.pop("id")).values(**values))

    def queue(self, scope: QueueScope, now, limit: int) -> list[tuple[Case, float]]:
        """One query: each open case's priority from its open reports (per reporter the gravest reason's severity
        times 0.5 + their stored accuracy, summed), the scope as WHERE clauses, the order and the limit."""
        c, r, a, p = orm.cases, orm.reports, orm.reporter_accuracy, orm.people
        severity = sa.case(*[(r.c.reason == reason, weight) for reason, weight in SEVERITY.items()], else_=1.0)
        per_reporter = (sa.select(r.c.case_id, r.c.reporter_id, sa.func.max(severity).label("gravest"))
                        .where(r.c.outcome == OPEN).group_by(r.c.case_id, r.c.reporter_id).subquery())
        weight = (0.5 + sa.func.coalesce(a.c.accuracy, NEWCOMER)) * per_reporter.c.gravest
        priorities = (sa.select(per_reporter.c.case_id, sa.func.round(sa.cast(sa.func.sum(weight), sa.Numeric), 6)
                                .label("priority"))
                      .select_from(per_reporter.outerjoin(a, a.c.reporter_id == per_reporter.c.reporter_id))
                      .group_by(per_reporter.c.case_id).subquery())
        moderator = scope.moderator
        report = r.alias("scoped")

        def any_open_report(*where):
            return sa.exists().where(report.c.case_id == c.c.id, report.c.outcome == OPEN, *where)

        where = [c.c.status == OPEN, c.c.subject_id != moderator.person_id,
                 _NOT_ABOUT_AN_ADMIN.bindparams(admin_role=ADMIN, now=now),
                 ~any_open_report(report.c.reporter_id == moderator.person_id)]
        if scope.room_slug is not None:
            where.append(any_open_report(report.c.room_slug == scope.room_slug))
        if not scope.admin:
            covered = sa.true() if scope.rooms is None else report.c.room_slug.in_(sorted(scope.rooms))
            cohort_ok = sa.or_(p.c.cohort == moderator.cohort, report.c.room_slug.in_(sorted(scope.granted_rooms)))
            where += [p.c.kind.is_not(None), p.c.cohort.is_not(None), p.c.cohort != "",
                      ~any_open_report(sa.not_(sa.and_(covered, cohort_ok)))]
        stmt = (sa.select(*[c.c[f] for f in _CASE_FIELDS], priorities.c.priority)
                .join(priorities, priorities.c.case_id == c.c.id)
                .outerjoin(p, p.c.person_id == c.c.subject_id)
                .where(*where)
                .order_by(priorities.c.priority.desc(), c.c.opened_at, c.c.id)
                .limit(limit))
        found = []
        for row in self.connection.execute(stmt).mappings():
            values = {f: row[f] for f in _CASE_FIELDS}
            found.append((Case(**{**values, "removed_message_ids": list(values["removed_message_ids"])}),
                          float(row["priority"])))
        return found


class ReporterAccuracyRepository(_Repo):
    def accuracies(self, reporter_ids: list[str]) -> dict[str, float]:
        t = orm.reporter_accuracy
        if not reporter_ids:
            return {}
        rows = self.connection.execute(sa.select(t.c.reporter_id, t.c.accuracy)
                                       .where(t.c.reporter_id.in_(reporter_ids)))
        return {reporter_id: value for reporter_id, value in rows}

    def lock(self, reporter_ids: list[str]) -> None:
        t = orm.reporter_accuracy
        for reporter_id in sorted(reporter_ids):
            self.connection.execute(
                postgresql.insert(t).values(reporter_id=reporter_id, upheld=0, decided=0, accuracy=NEWCOMER)
                .on_conflict_do_nothing(index_elements=[t.c.reporter_id]))
        self.connection.execute(sa.select(t.c.reporter_id).where(t.c.reporter_id.in_(sorted(reporter_ids)))
                                .order_by(t.c.reporter_id).with_for_update()).all()

    def save(self, reporter_id: str, upheld: int, decided: int, accuracy: float) -> None:
        self.connection.execute(_upsert(orm.reporter_accuracy, ["reporter_id"], {
            "reporter_id": reporter_id, "upheld": upheld, "decided": decided, "accuracy": accuracy}))


class HiddenMessagesRepository(_Repo):
    def add(self, hidden: HiddenMessage) -> None:
        self._insert(orm.hidden_messages, dataclasses.asdict(hidden))

    def _select(self, *where, lock: bool) -> list[HiddenMessage]:
        t = orm.hidden_messages
        stmt = sa.select(*[t.c[f] for f in _HIDDEN_FIELDS]).where(*where).order_by(t.c.hidden_at, t.c.message_id)
        return [HiddenMessage(**row) for row in
                self.connection.execute(stmt.with_for_update() if lock else stmt).mappings()]

    def get(self, message_id: str, *, lock: bool = False) -> HiddenMessage | None:
        found = self._select(orm.hidden_messages.c.message_id == message_id, lock=lock)
        return found[0] if found else None

    def in_case(self, case_id: str, *, lock: bool = False) -> list[HiddenMessage]:
        return self._select(orm.hidden_messages.c.case_id == case_id, lock=lock)

    def save(self, hidden: HiddenMessage) -> None:
        values = dataclasses.asdict(hidden)
        t = orm.hidden_messages
        self.connection.execute(sa.update(t).where(t.c.message_id == values.pop("message_id")).values(**values))


class CohortGrantsRepository(_Repo):
    def granted(self, grant: CohortGrant) -> None:
        values = dataclasses.asdict(grant)
        stmt = postgresql.insert(orm.cohort_grants).values(**values)
        # a revocation that came first keeps the grant revoked; the grant's own fields fill in
        self.connection.execute(stmt.on_conflict_do_update(
            index_elements=[orm.cohort_grants.c.grant_id],
            set_={"person_id": grant.person_id, "room_slug": grant.room_slug, "expires_at": grant.expires_at}))

    def revoked(self, grant: CohortGrant) -> None:
        values = {**dataclasses.asdict(grant), "revoked": True}
        stmt = postgresql.insert(orm.cohort_grants).values(**values)
        self.connection.execute(stmt.on_conflict_do_update(index_elements=[orm.cohort_grants.c.grant_id],
                                                           set_={"revoked": True}))

    def rooms_of(self, person_id: str, now) -> frozenset[str]:
        t = orm.cohort_grants
        stmt = sa.select(t.c.room_slug).where(t.c.person_id == person_id, t.c.revoked.is_(False),
                                              t.c.expires_at > now)
        return frozenset(self.connection.execute(stmt).scalars())


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

    def latest(self, target_id: str, action: str) -> AuditEntry | None:
        t = orm.audit_log
        stmt = (sa.select(*[t.c[f] for f in _AUDIT_FIELDS]).where(t.c.target_id == target_id, t.c.action == action)
                .order_by(t.c.at.desc(), t.c.id.desc()).limit(1))
        row = self.connection.execute(stmt).mappings().first()
        return AuditEntry(**row) if row is not None else None

    def count_by_action(self, actor_id: str, since=None) -> dict[str, int]:
        t = orm.audit_log
        where = [t.c.actor_id == actor_id] + ([t.c.at >= since] if since is not None else [])
        stmt = sa.select(t.c.action, sa.func.count()).where(*where).group_by(t.c.action)
        return {action: count for action, count in self.connection.execute(stmt)}

    def count_overturned(self, moderator_id: str, since=None) -> int:
        t = orm.audit_log
        where = [t.c.action == APPEAL_OVERTURNED, t.c.details[OVERTURNED_ACTOR_KEY].as_string() == moderator_id]
        if since is not None:
            where.append(t.c.at >= since)
        return self.connection.execute(sa.select(sa.func.count()).where(*where)).scalar_one()


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

    def next_due_at(self) -> dt.datetime | None:
        t = orm.room_actions  # ix_room_actions_pending
        return self.connection.execute(sa.select(sa.func.min(t.c.due_at)).where(t.c.status == PENDING)).scalar()

    def get(self, action_id: str, *, lock: bool = False) -> RoomAction | None:
        stmt = self._select().where(orm.room_actions.c.id == action_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return RoomAction(**row) if row is not None else None

    def removal_besides(self, message_id: str, action_id: str | None) -> bool:
        t = orm.room_actions
        stmt = sa.select(t.c.id).where(t.c.kind == REMOVE_MESSAGE, t.c.args["message_id"].as_string() == message_id)
        if action_id is not None:
            stmt = stmt.where(t.c.id != action_id)
        return self.connection.execute(stmt.limit(1)).first() is not None

    def save(self, action: RoomAction) -> None:
        values = dataclasses.asdict(action)
        self.connection.execute(sa.update(orm.room_actions).where(orm.room_actions.c.id == values.pop("id"))
                                .values(**values))


# --- sections 4 and 5: the rota, pages, crisis flags, care resources -----------------------------------------

_SHIFT_FIELDS = [f.name for f in dataclasses.fields(Shift)]
_PAGE_FIELDS = [f.name for f in dataclasses.fields(Page)]
# Page changes take their seq under this transaction-scoped lock, so they commit in seq order and a console that
# has read up to seq n never later meets a change below it (page changes are rare: the lock costs nothing).
PAGE_SEQ_LOCK = 0x6D6F642D70616765  # "mod-page"


class ShiftsRepository(_Repo):
    def get(self, moderator_id: str) -> Shift | None:
        t = orm.duty_shifts
        row = self.connection.execute(sa.select(t).where(t.c.moderator_id == moderator_id)).mappings().first()
        return Shift(**{**row, "room_slugs": list(row["room_slugs"])}) if row is not None else None

    def save(self, shift: Shift) -> None:
        self.connection.execute(_upsert(orm.duty_shifts, ["moderator_id"], dataclasses.asdict(shift)))

    def delete(self, moderator_id: str) -> bool:
        t = orm.duty_shifts
        return self.connection.execute(sa.delete(t).where(t.c.moderator_id == moderator_id)).rowcount > 0

    def list_on(self, now) -> list[Shift]:
        t = orm.duty_shifts
        stmt = sa.select(t).where(t.c.ends_at > now).order_by(t.c.started_at, t.c.moderator_id)
        return [Shift(**{**row, "room_slugs": list(row["room_slugs"])})
                for row in self.connection.execute(stmt).mappings()]


class StaffRepository(_Repo):
    def admins(self, now: dt.datetime | None = None) -> list[KnownPerson]:
        t = orm.people
        holds_admin = _AN_ADMIN.bindparams(admin_role=ADMIN, now=now or utcnow())
        ids = self.connection.execute(sa.select(t.c.person_id).where(holds_admin)
                                      .order_by(t.c.person_id)).scalars().all()
        people = PeopleRepository(self.connection)
        return [person for person_id in ids if (person := people.get(person_id)) is not None]


class PagesRepository(_Repo):
    def _next_seq(self) -> int:
        self.connection.execute(sa.select(sa.func.pg_advisory_xact_lock(PAGE_SEQ_LOCK)))
        return self.connection.execute(sa.select(orm.page_seq.next_value())).scalar_one()

    def add(self, page: Page) -> None:
        page.seq = self._next_seq()
        self._insert(orm.pages, dataclasses.asdict(page))

    def save(self, page: Page) -> None:
        page.seq = self._next_seq()
        values = dataclasses.asdict(page)
        self.connection.execute(sa.update(orm.pages).where(orm.pages.c.id == values.pop("id")).values(**values))

    def _select(self):
        return sa.select(*[orm.pages.c[f] for f in _PAGE_FIELDS])

    def _pages(self, stmt) -> list[Page]:
        return [Page(**{**row, "recipient_ids": list(row["recipient_ids"])})
                for row in self.connection.execute(stmt).mappings()]

    def get(self, page_id: str, *, lock: bool = False) -> Page | None:
        stmt = self._select().where(orm.pages.c.id == page_id)
        found = self._pages(stmt.with_for_update() if lock else stmt)
        return found[0] if found else None

    def open_referral(self, open_key: str) -> Page | None:
        found = self._pages(self._select().where(orm.pages.c.open_key == open_key))
        return found[0] if found else None

    def head(self) -> int:
        return self.connection.execute(sa.select(sa.func.coalesce(sa.func.max(orm.pages.c.seq), 0))).scalar_one()

    @staticmethod
    def _sent_to(person_id: str):
        return orm.pages.c.recipient_ids.op("@>")(sa.func.jsonb_build_array(person_id))

    def changed_for(self, person_id: str, after_seq: int, limit: int) -> list[Page]:
        t = orm.pages
        return self._pages(self._select().where(t.c.seq > after_seq, self._sent_to(person_id))
                           .order_by(t.c.seq).limit(limit))

    def open_for(self, person_id: str) -> list[Page]:
        t = orm.pages
        return self._pages(self._select().where(t.c.acknowledged_by.is_(None), self._sent_to(person_id))
                           .order_by(t.c.seq))

    def listed(self, person_id: str | None, open_only: bool, limit: int) -> list[Page]:
        t = orm.pages
        stmt = self._select()
        if person_id is not None:
            stmt = stmt.where(self._sent_to(person_id))
        if open_only:
            stmt = stmt.where(t.c.acknowledged_by.is_(None))
        return self._pages(stmt.order_by(t.c.created_at.desc(), t.c.seq.desc()).limit(limit))

    def next_to_escalate(self, stage_before) -> Page | None:
        """An open page due for its next stage, or (first) one at the last stage that reached nobody, due to be
        routed again; each query is served by its partial index (ix_pages_to_escalate, ix_pages_reaching_nobody)."""
        t = orm.pages
        open_due = (t.c.acknowledged_by.is_(None), t.c.stage_at <= stage_before)
        for where in ((t.c.stage == ADMINS, t.c.recipient_ids == sa.text("'[]'::jsonb")), (t.c.stage != ADMINS,)):
            stmt = (self._select().where(*open_due, *where).order_by(t.c.stage_at).limit(1)
                    .with_for_update(skip_locked=True))
            if found := self._pages(stmt):
                return found[0]
        return None

    def earliest_to_escalate(self) -> dt.datetime | None:
        t = orm.pages  # the two queries of next_to_escalate, each on its partial index
        found = [self.connection.execute(sa.select(sa.func.min(t.c.stage_at))
                                         .where(t.c.acknowledged_by.is_(None), *where)).scalar()
                 for where in ((t.c.stage == ADMINS, t.c.recipient_ids == sa.text("'[]'::jsonb")),
                               (t.c.stage != ADMINS,))]
        return min((at for at in found if at is not None), default=None)


class CrisisFlagsRepository(_Repo):
    def get(self, message_id: str) -> CrisisFlag | None:
        t = orm.crisis_flags
        row = self.connection.execute(sa.select(t).where(t.c.message_id == message_id)).mappings().first()
        return CrisisFlag(**row) if row is not None else None

    def add(self, flag: CrisisFlag) -> None:
        self._insert(orm.crisis_flags, dataclasses.asdict(flag))


class CareResourcesRepository(_Repo):
    def get(self, cohort: str) -> CareResources | None:
        t = orm.care_resources
        row = self.connection.execute(sa.select(t).where(t.c.cohort == cohort)).mappings().first()
        return CareResources(**{**row, "lines": list(row["lines"])}) if row is not None else None

    def save(self, resources: CareResources) -> None:
        self.connection.execute(_upsert(orm.care_resources, ["cohort"], dataclasses.asdict(resources)))


# A new post's event (SqlUnitOfWork.claim_post): its inbox claim, its message recorded when the claim is new and no
# version of it is known, the rule set's latest version (its rules only when they are not the caller's), the author
# and the author's recent messages in the place (newest first, the spam detectors' window): one round trip, planned
# once per connection. The new message is not among the recent ones (a statement's parts see the table as it was).
_CLAIM_POST = PreparedStatement("moderation_claim_post", """
    WITH claimed AS (
        INSERT INTO inbox (event_id, event_type, source, handled_at)
        VALUES (CAST(:event_id AS uuid), CAST(:event_type AS varchar), CAST(:event_source AS varchar),
                CAST(:handled_at AS timestamptz))
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
    ), recorded AS (
        INSERT INTO messages (message_id, room_slug, author_id, body, posted_at, seq, deleted, discussion_id,
                              section)
        SELECT CAST(:message_id AS varchar), CAST(:room_slug AS varchar), CAST(:author_id AS varchar),
               CAST(:body AS text), CAST(:posted_at AS timestamptz), CAST(:seq AS bigint), CAST(:deleted AS boolean),
               CAST(:discussion_id AS varchar), CAST(:section AS varchar)
        FROM claimed
        ON CONFLICT (message_id) DO NOTHING
    ), latest AS (
        SELECT version, changed_by, changed_at,
               CASE WHEN version IS DISTINCT FROM CAST(:known_version AS bigint) THEN rules END AS rules
        FROM automod_rule_sets ORDER BY version DESC LIMIT 1
    ), recent AS (
        SELECT message_id, body, posted_at, seq, discussion_id, section FROM messages
        WHERE room_slug = :room_slug AND author_id = :author_id AND deleted IS FALSE
          AND posted_at > CAST(:recent_after AS timestamptz) AND posted_at < :posted_at
        ORDER BY posted_at DESC LIMIT CAST(:recent_limit AS bigint)
    )
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
           latest.version, latest.rules, latest.changed_by, latest.changed_at,
           people.person_id, people.username, people.kind, people.cohort, people.cohort_seq, people.badges,
           people.grants,
           (SELECT array_agg(message_id ORDER BY posted_at DESC) FROM recent) AS recent_ids,
           (SELECT array_agg(body ORDER BY posted_at DESC) FROM recent) AS recent_bodies,
           (SELECT array_agg(posted_at ORDER BY posted_at DESC) FROM recent) AS recent_times,
           (SELECT array_agg(seq ORDER BY posted_at DESC) FROM recent) AS recent_seqs,
           (SELECT array_agg(discussion_id ORDER BY posted_at DESC) FROM recent) AS recent_discussions,
           (SELECT array_agg(section ORDER BY posted_at DESC) FROM recent) AS recent_sections
    FROM (SELECT 1) AS one
    LEFT JOIN latest ON true
    LEFT JOIN people ON people.person_id = :author_id
""")
_PERSON_COLUMNS = ("person_id", "username", "kind", "cohort", "cohort_seq", "badges", "grants")


class SqlUnitOfWork(CoreUnitOfWork, UnitOfWork):
    """On an engine made with make_engine(autocommit=True) (`engine_autocommits`), a transaction's BEGIN goes with
    its first statement (CoreUnitOfWork)."""

    def __init__(self, engine: Engine, engine_autocommits: bool = False):
        super().__init__(engine, orm.outbox, SOURCE, engine_autocommits=engine_autocommits)

    def open_repositories(self, connection: Connection) -> None:
        self.people = PeopleRepository(connection)
        self.members = MembersRepository(connection)
        self.messages = MessagesRepository(connection)
        self.reports = ReportsRepository(connection)
        self.cases = CasesRepository(connection)
        self.paces = PacesRepository(connection, orm.paces)
        self.automod = AutomodRepository(connection)
        self.idempotency = SqlIdempotencyRecords(connection, orm.idempotency_records)
        self.audit = AuditLog(connection)
        self.room_actions = RoomActionsRepository(connection)
        self.reporters = ReporterAccuracyRepository(connection)
        self.hidden_messages = HiddenMessagesRepository(connection)
        self.cohort_grants = CohortGrantsRepository(connection)
        self.shifts = ShiftsRepository(connection)
        self.staff = StaffRepository(connection)
        self.pages = PagesRepository(connection)
        self.crisis_flags = CrisisFlagsRepository(connection)
        self.care_resources = CareResourcesRepository(connection)
        from moderation_service.adapters import sanctions_repository as section2  # (it imports this module)
        self.warnings = section2.WarningsRepository(connection)
        self.sanctions = section2.SanctionsRepository(connection)
        self.ladders = section2.LaddersRepository(connection)
        self.live_sessions = section2.LiveSessionsRepository(connection)
        from moderation_service.adapters.appeals_repository import AppealsRepository  # (it imports this module)
        self.appeals = AppealsRepository(connection)

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.connection, orm.inbox, envelope)

    def claim_post(self, envelope: dict, message: KnownMessage, recent_after: dt.datetime, recent_limit: int,
                   known_version: int | None) -> PostSeen | None:
        row = _CLAIM_POST(self.connection, {
            "event_id": envelope["event_id"], "event_type": envelope["event_type"],
            "event_source": envelope.get("source", ""), "handled_at": dt.datetime.now(dt.timezone.utc),
            "message_id": message.id, "room_slug": message.room_slug, "author_id": message.author_id,
            "body": message.body, "posted_at": message.posted_at, "seq": message.seq, "deleted": message.deleted,
            "discussion_id": message.discussion_id, "section": message.section, "known_version": known_version,
            "recent_after": recent_after, "recent_limit": recent_limit}).one()
        claimed, version, records, changed_by, changed_at = row[:5]
        if not claimed:
            return None
        person = dict(zip(_PERSON_COLUMNS, row[5:12]))
        ids, bodies, times, seqs, discussions, sections = (column or [] for column in row[12:18])
        return PostSeen(
            version,
            rule_set_version(version, records, changed_by, changed_at) if records is not None else None,
            known_person(person) if person["person_id"] is not None else None,
            [KnownMessage(i, message.room_slug, message.author_id, b, t, q, discussion_id=d, section=c)
             for i, b, t, q, d, c in zip(ids, bodies, times, seqs, discussions, sections, strict=True)])


def uow_factory(engine: Engine, autocommit_engine: Engine | None = None):
    """Units of work on `engine`; with `autocommit_engine` (make_engine(autocommit=True)), on that one instead,
    each transaction's BEGIN sent with its first statement (a round trip fewer per transaction)."""
    if autocommit_engine is not None:
        return lambda: SqlUnitOfWork(autocommit_engine, engine_autocommits=True)
    return lambda: SqlUnitOfWork(engine)
