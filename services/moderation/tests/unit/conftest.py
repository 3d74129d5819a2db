"""Unit-test fakes for moderation: its tables in common's in-memory store with the rules of adapters/orm.py, a
fake room that records removals, a clock, and a world that feeds the read models through the producers'
contracts, as the worker does."""
from __future__ import annotations

import datetime as dt

import pytest
from moderation_unit_helpers import START
from moderation_world import World

from hearth_common import errors
from hearth_common.clock import utcnow
from hearth_common.fakes import (
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    FakeClock,
    FakeIdempotencyRecords,
    FakePaces,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    foreign_key,
    unique,
)
from hearth_common.people import KnownPerson, is_admin
from moderation_service.domain.appeals import ONE_APPEAL, Appeal
from moderation_service.domain.audit import APPEAL_OVERTURNED, OVERTURNED_ACTOR_KEY, AuditEntry, AuditQuery
from moderation_service.domain.automod_rules import ONE_FLAG, ONE_VERSION, RuleSetVersion
from moderation_service.domain.crisis import CareResources, CrisisFlag
from moderation_service.domain.ladder import ONE_LADDER_VERSION, Ladder
from moderation_service.domain.pager import ADMINS, ONE_OPEN_REFERRAL, Page, Shift
from moderation_service.domain.reports import (
    COUNTED_OUTCOMES,
    ONE_HIDE,
    ONE_OPEN_CASE,
    ONE_OPEN_REPORT,
    OPEN,
    Case,
    CohortGrant,
    HiddenMessage,
    KnownMessage,
    Membership,
    QueueScope,
    Report,
    accuracy,
    in_scope,
    priority,
)
from moderation_service.domain.room_actions import PENDING, RoomAction
from moderation_service.domain.sanctions import ACTIVE, LASTING, IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession
from moderation_service.service_layer.appeals import AppealsService
from moderation_service.service_layer.audit_log import AuditLogQueries
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService
from moderation_service.service_layer.unit_of_work import UnitOfWork

TABLES = ("people", "members", "messages", "reports", "cases", "paces", "audit_log", "room_actions", INBOX_TABLE,
          IDEMPOTENCY_TABLE, "reporter_accuracy", "hidden_messages", "cohort_grants",
          "shifts", "pages", "crisis_flags", "care_resources", "warnings", "sanctions", "ladders",
          "live_sessions", "appeals")
AUTOMOD_TABLES = ("automod_rule_sets", "automod_flags")
CONSTRAINTS = (
    # the partial unique indexes of adapters/orm.py
    unique("cases", ONE_OPEN_CASE, lambda c: c.subject_id, where=lambda c: c.status == OPEN),
    unique("reports", ONE_OPEN_REPORT, lambda r: (r.reporter_id, r.room_slug, r.subject_id, r.message_id or ""),
           where=lambda r: r.outcome == OPEN),
    foreign_key("reports", lambda r: r.case_id, "cases"),
    unique("pages", ONE_OPEN_REFERRAL, lambda p: p.open_key, where=lambda p: p.open_key is not None),
    unique("appeals", ONE_APPEAL, lambda a: (a.subject_kind, a.subject_id)),
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


class FakeMembersRepository(InMemoryRepository):
    table = "members"

    def get(self, room_slug: str, person_id: str, *, lock: bool = False) -> Membership | None:
        self._read("get")
        return self._get(self.table, (room_slug, person_id))

    def save(self, membership: Membership) -> None:
        current = self._get(self.table, (membership.room_slug, membership.person_id))
        if current is None or current.seq < membership.seq:  # as the SQL upsert's WHERE
            self._put(self.table, (membership.room_slug, membership.person_id), membership)

    def present_people(self, room_slug: str, limit: int) -> list[KnownPerson]:
        present = sorted((m for m in self._rows().values() if m.room_slug == room_slug and m.present),
                         key=lambda m: m.changed_at)
        people = [self._get("people", m.person_id) for m in present]
        return [p for p in people if p is not None][:limit]


class FakeMessagesRepository(InMemoryRepository):
    table = "messages"

    def get(self, message_id: str, *, lock: bool = False) -> KnownMessage | None:
        self._read("get")
        return self._get(self.table, message_id)

    def save(self, message: KnownMessage) -> None:
        current = self._get(self.table, message.id)
        if current is None or current.seq < message.seq:
            self._put(self.table, message.id, message)

    def recent_by(self, room_slug: str, author_id: str, posted_after: dt.datetime, posted_before: dt.datetime,
                  limit: int) -> list[KnownMessage]:
        found = [m for m in self._rows().values() if m.room_slug == room_slug and m.author_id == author_id
                 and not m.deleted and posted_after < m.posted_at < posted_before]
        return [self._get(self.table, m.id) for m in sorted(found, key=lambda m: m.posted_at, reverse=True)[:limit]]

    def purge(self, posted_before: dt.datetime, limit: int) -> int:
        doomed = [m.id for m in self._rows().values() if m.posted_at < posted_before][:limit]
        for message_id in doomed:
            self._delete(self.table, message_id)
        return len(doomed)


class FakeReportsRepository(InMemoryRepository):
    table = "reports"

    def add(self, report: Report) -> None:
        self._insert(self.table, report.id, report)

    def _where(self, keep) -> list[Report]:
        return sorted((self._get(self.table, r.id) for r in self._rows().values() if keep(r)),
                      key=lambda r: (r.filed_at, r.id))

    def open_by(self, reporter_id: str, room_slug: str, subject_id: str, message_id: str | None) -> Report | None:
        self._read("open_by")
        found = self._where(lambda r: r.outcome == OPEN and r.target == (room_slug, subject_id, message_id)
                            and r.reporter_id == reporter_id)
        return found[0] if found else None

    def open_in_case(self, case_id: str) -> list[Report]:
        return self._where(lambda r: r.case_id == case_id and r.outcome == OPEN)

    def in_case(self, case_id: str) -> list[Report]:
        return self._where(lambda r: r.case_id == case_id)

    def open_in_cases(self, case_ids: list[str]) -> dict[str, list[Report]]:
        return {case_id: self.open_in_case(case_id) for case_id in case_ids}

    def save(self, report: Report) -> None:
        self._put(self.table, report.id, report)

    def track_records(self, reporter_ids: list[str], window: int) -> dict[str, tuple[int, int]]:
        records = {}
        for reporter in reporter_ids:
            decided = sorted((r for r in self._rows().values()
                              if r.reporter_id == reporter and r.outcome in COUNTED_OUTCOMES),
                             key=lambda r: (r.decided_at, r.id), reverse=True)[:window]
            if decided:
                records[reporter] = (sum(r.outcome == COUNTED_OUTCOMES[0] for r in decided), len(decided))
        return records

    def upheld_cases_about(self, subject_id: str) -> int:
        return sum(c.subject_id == subject_id and c.decision == "agree" for c in self._rows("cases").values())


class FakeCasesRepository(InMemoryRepository):
    table = "cases"

    def add(self, case: Case) -> None:
        self._insert(self.table, case.id, case)

    def get(self, case_id: str, *, lock: bool = False) -> Case | None:
        self._read("get")
        return self._get(self.table, case_id)

    def open_about(self, subject_id: str, *, lock: bool = False) -> Case | None:
        self._read("open_about")
        return next((self._get(self.table, c.id) for c in self._rows().values()
                     if c.subject_id == subject_id and c.status == OPEN), None)

    def save(self, case: Case) -> None:
        self._put(self.table, case.id, case)

    def queue(self, scope: QueueScope, now: dt.datetime, limit: int) -> list[tuple[Case, float]]:
        """The scope by the domain's rule (in_scope), the priority by the domain's formula on stored accuracy."""
        stored = {r: a for r, (_, _, a) in self._rows("reporter_accuracy").items()}
        found = []
        for case in self._rows().values():
            if case.status != OPEN:
                continue
            reports = [r for r in self._rows("reports").values() if r.case_id == case.id and r.outcome == OPEN]
            subject = self._get("people", case.subject_id)
            facts = subject.facts() if subject is not None and subject.known else None
            if in_scope(scope, case.subject_id, facts, reports, now):
                accuracies = {r.reporter_id: stored.get(r.reporter_id, accuracy(0, 0)) for r in reports}
                found.append((self._get(self.table, case.id), priority(reports, accuracies)))
        found.sort(key=lambda pair: (-pair[1], pair[0].opened_at, pair[0].id))
        return found[:limit]


class FakeReporterAccuracy(InMemoryRepository):
    table = "reporter_accuracy"

    def accuracies(self, reporter_ids: list[str]) -> dict[str, float]:
        return {r: row[2] for r in reporter_ids if (row := self._get(self.table, r)) is not None}

    def lock(self, reporter_ids: list[str]) -> None:
        pass

    def save(self, reporter_id: str, upheld: int, decided: int, accuracy: float) -> None:
        self._put(self.table, reporter_id, (upheld, decided, accuracy))


class FakeHiddenMessages(InMemoryRepository):
    table = "hidden_messages"

    def add(self, hidden: HiddenMessage) -> None:
        self._insert(self.table, hidden.message_id, hidden, ONE_HIDE)

    def get(self, message_id: str, *, lock: bool = False) -> HiddenMessage | None:
        return self._get(self.table, message_id)

    def in_case(self, case_id: str, *, lock: bool = False) -> list[HiddenMessage]:
        return sorted((self._get(self.table, h.message_id) for h in self._rows().values() if h.case_id == case_id),
                      key=lambda h: (h.hidden_at, h.message_id))

    def save(self, hidden: HiddenMessage) -> None:
        self._put(self.table, hidden.message_id, hidden)


class FakeCohortGrants(InMemoryRepository):
    table = "cohort_grants"

    def granted(self, grant: CohortGrant) -> None:
        current = self._get(self.table, grant.grant_id)
        self._put(self.table, grant.grant_id,
                  CohortGrant(grant.grant_id, grant.person_id, grant.room_slug, grant.expires_at,
                              revoked=current is not None and current.revoked))

    def revoked(self, grant: CohortGrant) -> None:
        current = self._get(self.table, grant.grant_id) or grant
        current.revoked = True
        self._put(self.table, grant.grant_id, current)

    def rooms_of(self, person_id: str, now: dt.datetime) -> frozenset[str]:
        return frozenset(g.room_slug for g in self._rows().values() if g.person_id == person_id and g.counts(now))


class FakeAuditLog(InMemoryRepository):
    """The audit log: append only, as the database's trigger makes it (an entry id is never written twice)."""

    table = "audit_log"

    def append(self, entry: AuditEntry) -> None:
        self._insert(self.table, entry.id, entry)

    def list(self, query: AuditQuery) -> list[AuditEntry]:
        self._read("list")
        found = sorted((e for e in self._rows().values() if query.matches(e)), key=lambda e: (e.at, e.id),
                       reverse=True)
        return found[:query.limit]

    def latest(self, target_id: str, action: str) -> AuditEntry | None:
        self._read("latest")
        found = [e for e in self._rows().values() if e.target_id == target_id and e.action == action]
        newest = max(found, key=lambda e: (e.at, e.id), default=None)
        return self._get(self.table, newest.id) if newest is not None else None

    def count_by_action(self, actor_id: str, since: dt.datetime | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self._rows().values():
            if e.actor_id == actor_id and (since is None or e.at >= since):
                counts[e.action] = counts.get(e.action, 0) + 1
        return counts

    def count_overturned(self, moderator_id: str, since: dt.datetime | None = None) -> int:
        return sum(e.action == APPEAL_OVERTURNED and e.details.get(OVERTURNED_ACTOR_KEY) == moderator_id
                   and (since is None or e.at >= since) for e in self._rows().values())


class FakeRoomActions(InMemoryRepository):
    table = "room_actions"

    def add(self, action: RoomAction) -> None:
        self._insert(self.table, action.id, action)

    def next_due(self, now: dt.datetime) -> RoomAction | None:
        due = sorted((a for a in self._rows().values() if a.status == PENDING and a.due_at <= now),
                     key=lambda a: (a.due_at, a.id))
        return self._get(self.table, due[0].id) if due else None

    def next_due_at(self) -> dt.datetime | None:
        return min((a.due_at for a in self._rows().values() if a.status == PENDING), default=None)

    def get(self, action_id: str, *, lock: bool = False) -> RoomAction | None:
        return self._get(self.table, action_id)

    def removal_besides(self, message_id: str, action_id: str | None) -> bool:
        return any(a.kind == "remove_message" and a.args.get("message_id") == message_id and a.id != action_id
                   for a in self._rows().values())

    def save(self, action: RoomAction) -> None:
        self._put(self.table, action.id, action)

class FakeAutomodRepository(InMemoryRepository):
    """The rule set's versions (primary key: the number, as pk_automod_rule_sets) and automod's flags (one per
    message and rule, as pk_automod_flags). One fake transaction runs at a time, so the change lock is a no-op."""

    def lock_for_change(self) -> None:
        pass

    def latest(self) -> RuleSetVersion | None:
        self._read("automod.latest")
        versions = self._rows("automod_rule_sets")
        return self._get("automod_rule_sets", max(versions)) if versions else None

    def add(self, version: RuleSetVersion) -> None:
        self._insert("automod_rule_sets", version.version, version, ONE_VERSION)

    def flagged(self, message_id: str) -> set[str]:
        return {rule_id for (m, rule_id) in self._rows("automod_flags") if m == message_id}

    def add_flag(self, message_id: str, rule_id: str, report_id: str, flagged_at: dt.datetime) -> None:
        self._insert("automod_flags", (message_id, rule_id), report_id, ONE_FLAG)


class FakeShifts(InMemoryRepository):
    table = "shifts"

    def get(self, moderator_id: str) -> Shift | None:
        return self._get(self.table, moderator_id)

    def save(self, shift: Shift) -> None:
        self._put(self.table, shift.moderator_id, shift)

    def delete(self, moderator_id: str) -> bool:
        return self._delete(self.table, moderator_id)

    def list_on(self, now: dt.datetime) -> list[Shift]:
        return sorted((self._get(self.table, s.moderator_id) for s in self._rows().values() if s.ends_at > now),
                      key=lambda s: (s.started_at, s.moderator_id))


class FakeStaff(InMemoryRepository):
    table = "people"

    def admins(self, now: dt.datetime | None = None) -> list[KnownPerson]:
        now = now or utcnow()
        return [self._get(self.table, p.person_id) for p in self._rows().values()
                if p.known and is_admin(p.facts(), now)]


class FakePages(InMemoryRepository):
    """Pages; every add and save takes the next seq, as the SQL sequence (behind its advisory lock) gives it."""

    table = "pages"

    def _next_seq(self) -> int:
        return max((p.seq for p in self._rows().values()), default=0) + 1

    def add(self, page: Page) -> None:
        page.seq = self._next_seq()
        self._insert(self.table, page.id, page)

    def save(self, page: Page) -> None:
        page.seq = self._next_seq()
        self._put(self.table, page.id, page)

    def get(self, page_id: str, *, lock: bool = False) -> Page | None:
        self._read("get")
        return self._get(self.table, page_id)

    def open_referral(self, open_key: str) -> Page | None:
        self._read("open_referral")
        return next((self._get(self.table, p.id) for p in self._rows().values() if p.open_key == open_key), None)

    def head(self) -> int:
        return max((p.seq for p in self._rows().values()), default=0)

    def _sorted(self, keep, newest_first: bool = False) -> list[Page]:
        return [self._get(self.table, p.id) for p in sorted((p for p in self._rows().values() if keep(p)),
                                                            key=lambda p: p.seq, reverse=newest_first)]

    def changed_for(self, person_id: str, after_seq: int, limit: int) -> list[Page]:
        return self._sorted(lambda p: p.seq > after_seq and person_id in p.recipient_ids)[:limit]

    def open_for(self, person_id: str) -> list[Page]:
        return self._sorted(lambda p: p.is_open and person_id in p.recipient_ids)

    def listed(self, person_id: str | None, open_only: bool, limit: int) -> list[Page]:
        found = self._sorted(lambda p: (person_id is None or person_id in p.recipient_ids)
                             and (not open_only or p.is_open))
        return sorted(found, key=lambda p: (p.created_at, p.seq), reverse=True)[:limit]

    def next_to_escalate(self, stage_before: dt.datetime) -> Page | None:
        due = self._sorted(lambda p: p.is_open and (p.stage != ADMINS or not p.recipient_ids)
                           and p.stage_at <= stage_before)
        return due[0] if due else None

    def earliest_to_escalate(self) -> dt.datetime | None:
        return min((p.stage_at for p in self._rows().values()
                    if p.is_open and (p.stage != ADMINS or not p.recipient_ids)), default=None)


class FakeCrisisFlags(InMemoryRepository):
    table = "crisis_flags"

    def get(self, message_id: str) -> CrisisFlag | None:
        self._read("get")
        return self._get(self.table, message_id)

    def add(self, flag: CrisisFlag) -> None:
        self._insert(self.table, flag.message_id, flag)


class FakeCareResources(InMemoryRepository):
    table = "care_resources"

    def get(self, cohort: str) -> CareResources | None:
        return self._get(self.table, cohort)

    def save(self, resources: CareResources) -> None:
        self._put(self.table, resources.cohort, resources)


# --- warnings, the strike ladder and sanctions (section 2) ---------------------------------------------------


class FakeWarnings(InMemoryRepository):
    table = "warnings"

    def add(self, warning: IssuedWarning) -> None:
        self._insert(self.table, warning.id, warning)

    def get(self, warning_id: str, *, lock: bool = False) -> IssuedWarning | None:
        return self._get(self.table, warning_id)

    def of_person(self, person_id: str) -> list[IssuedWarning]:
        found = sorted((w for w in self._rows().values() if w.person_id == person_id),
                       key=lambda w: (w.issued_at, w.id), reverse=True)
        return [self._get(self.table, w.id) for w in found]

    def save(self, warning: IssuedWarning) -> None:
        self._put(self.table, warning.id, warning)


class FakeSanctions(InMemoryRepository):
    table = "sanctions"

    def add(self, sanction: Sanction) -> None:
        self._insert(self.table, sanction.id, sanction)

    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None:
        return self._get(self.table, sanction_id)

    def of_person(self, person_id: str) -> list[Sanction]:
        found = sorted((s for s in self._rows().values() if s.person_id == person_id),
                       key=lambda s: (s.imposed_at, s.id), reverse=True)
        return [self._get(self.table, s.id) for s in found]

    def due_to_end(self, now: dt.datetime, limit: int) -> list[Sanction]:
        due = sorted((s for s in self._rows().values() if s.status == ACTIVE and s.kind in LASTING
                      and s.expires_at is not None and s.expires_at <= now), key=lambda s: (s.expires_at, s.id))
        return [self._get(self.table, s.id) for s in due[:limit]]

    def next_end_at(self) -> dt.datetime | None:
        return min((s.expires_at for s in self._rows().values()
                    if s.status == ACTIVE and s.kind in LASTING and s.expires_at is not None), default=None)

    def save(self, sanction: Sanction) -> None:
        self._put(self.table, sanction.id, sanction)


class FakeLadders(InMemoryRepository):
    table = "ladders"

    def current(self) -> Ladder | None:
        rows = self._rows()
        return self._get(self.table, max(rows)) if rows else None

    def add(self, ladder: Ladder) -> None:
        self._insert(self.table, ladder.version, ladder, ONE_LADDER_VERSION)


class FakeLiveSessions(InMemoryRepository):
    table = "live_sessions"

    def get(self, session_id: str, *, lock: bool = False) -> LiveSession | None:
        return self._get(self.table, session_id)

    def save(self, session: LiveSession) -> None:
        current = self._get(self.table, session.session_id)
        if current is None or current.seq < session.seq:  # as the SQL upsert's WHERE
            self._put(self.table, session.session_id, session)

    def rooms_led_by(self, person_id: str) -> list[str]:
        return sorted({s.room_slug for s in self._rows().values() if s.leader_id == person_id and s.live})


class FakeAppeals(InMemoryRepository):
    table = "appeals"

    def add(self, appeal: Appeal) -> None:
        self._insert(self.table, appeal.id, appeal)

    def get(self, appeal_id: str, *, lock: bool = False) -> Appeal | None:
        return self._get(self.table, appeal_id)

    def of_subject(self, subject_kind: str, subject_id: str) -> Appeal | None:
        found = [a for a in self._rows().values() if (a.subject_kind, a.subject_id) == (subject_kind, subject_id)]
        return self._get(self.table, found[0].id) if found else None

    def of_person(self, person_id: str) -> list[Appeal]:
        found = sorted((a for a in self._rows().values() if a.person_id == person_id),
                       key=lambda a: (a.filed_at, a.id), reverse=True)
        return [self._get(self.table, a.id) for a in found]

    def open(self, limit: int) -> list[Appeal]:
        found = sorted((a for a in self._rows().values() if a.status == "open"), key=lambda a: (a.filed_at, a.id))
        return [self._get(self.table, a.id) for a in found[:limit]]

    def save(self, appeal: Appeal) -> None:
        self._put(self.table, appeal.id, appeal)


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    """moderation's transaction over the in-memory store, as its Core statements are: reads hand out copies."""

    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.members = FakeMembersRepository(self)
        self.messages = FakeMessagesRepository(self)
        self.reports = FakeReportsRepository(self)
        self.cases = FakeCasesRepository(self)
        self.paces = FakePaces(self)
        self.automod = FakeAutomodRepository(self)
        self.idempotency = FakeIdempotencyRecords(self)
        self.audit = FakeAuditLog(self)
        self.room_actions = FakeRoomActions(self)
        self.reporters = FakeReporterAccuracy(self)
        self.hidden_messages = FakeHiddenMessages(self)
        self.cohort_grants = FakeCohortGrants(self)
        self.shifts = FakeShifts(self)
        self.staff = FakeStaff(self)
        self.pages = FakePages(self)
        self.crisis_flags = FakeCrisisFlags(self)
        self.care_resources = FakeCareResources(self)
        self.warnings = FakeWarnings(self)
        self.sanctions = FakeSanctions(self)
        self.ladders = FakeLadders(self)
        self.live_sessions = FakeLiveSessions(self)
        self.appeals = FakeAppeals(self)


class FakeRoom:
    """room's calls: records each; a message id in `gone` is one room no longer has (NotFound), one in
    `refused` one room refuses to restore (its author deleted it); `down` makes every call fail as an unanswered
    RPC does."""

    def __init__(self):
        self.removed: list[tuple[str, str, str]] = []
        self.restored: list[tuple[str, str, str]] = []
        self.removed_people: list[tuple[str, str, str, str]] = []
        self.gone: set[str] = set()
        self.refused: set[str] = set()
        self.down = False

    def _answer(self, message_id: str | None = None) -> None:
        if self.down:
            raise ConnectionError("room did not answer")
        if message_id in self.gone:
            raise errors.NotFound(f"no message {message_id}")

    def remove_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict:
        self._answer(message_id)
        self.removed.append((message_id, moderator_id, reason))
        return {"id": message_id, "deleted": True}

    def restore_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict:
        self._answer(message_id)
        if message_id in self.refused:
            raise errors.FailedPrecondition(f"message {message_id} was deleted by its author")
        self.restored.append((message_id, moderator_id, reason))
        return {"id": message_id, "deleted": False}

    def remove_person(self, room_slug: str, person_id: str, moderator_id: str, reason: str = "") -> bool:
        self._answer()
        self.removed_people.append((room_slug, person_id, moderator_id, reason))
        return True


class FakeCourse:
    """course's calls: records each removal; a post id in `gone` is one course does not have (NotFound); `down`
    makes every call fail as an unanswered RPC does."""

    def __init__(self):
        self.removed: list[tuple[str, str, str]] = []
        self.gone: set[str] = set()
        self.down = False

    def remove_post(self, post_id: str, moderator_id: str, reason: str = "") -> dict:
        if self.down:
            raise ConnectionError("course did not answer")
        if post_id in self.gone:
            raise errors.NotFound(f"no post {post_id}")
        self.removed.append((post_id, moderator_id, reason))
        return {"post_id": post_id, "removed": True}


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase(TABLES + AUTOMOD_TABLES, CONSTRAINTS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def room() -> FakeRoom:
    return FakeRoom()


@pytest.fixture
def course() -> FakeCourse:
    return FakeCourse()


@pytest.fixture
def uow_factory(db):
    return lambda: FakeUnitOfWork(db)


@pytest.fixture
def service(uow_factory, clock) -> ModerationService:
    return ModerationService(uow_factory, clock=clock)


@pytest.fixture
def audit_log(uow_factory, clock) -> AuditLogQueries:
    return AuditLogQueries(uow_factory, clock=clock)


@pytest.fixture
def runner(uow_factory, room, clock, course) -> RoomActionRunner:
    return RoomActionRunner(uow_factory, room, clock=clock, course=course)


@pytest.fixture
def pager(uow_factory, clock) -> PagerService:
    return PagerService(uow_factory, clock=clock, poll_interval=0.01)


@pytest.fixture
def world(service, clock) -> World:
    return World(service, clock)


@pytest.fixture
def published(db):
    """The events committed so far, oldest first."""
    return db.published


@pytest.fixture
def sanctions(uow_factory, clock) -> SanctionsService:
    return SanctionsService(uow_factory, clock=clock)


@pytest.fixture
def appeals(uow_factory, clock, sanctions) -> AppealsService:
    return AppealsService(uow_factory, clock=clock, sanctions=sanctions)
