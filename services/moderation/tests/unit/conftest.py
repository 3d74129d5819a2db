"""Unit-test fakes for moderation: its tables in common's in-memory store with the rules of adapters/orm.py, a
fake room that records removals, a clock, and a world that feeds the read models through the producers'
contracts, as the worker does."""
from __future__ import annotations

import datetime as dt

import pytest
from moderation_unit_helpers import START
from moderation_world import World

from hearth_common import errors
from hearth_common.fakes import (
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    FakeClock,
    FakeIdempotencyRecords,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    foreign_key,
    unique,
)
from hearth_common.people import KnownPerson
from moderation_service.domain.audit import AuditEntry, AuditQuery
from moderation_service.domain.ladder import ONE_LADDER_VERSION, Ladder
from moderation_service.domain.reports import (
    COUNTED_OUTCOMES,
    ONE_OPEN_CASE,
    ONE_OPEN_REPORT,
    OPEN,
    Case,
    KnownMessage,
    Membership,
    Report,
)
from moderation_service.domain.room_actions import PENDING, RoomAction
from moderation_service.domain.sanctions import ACTIVE, LASTING, IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService
from moderation_service.service_layer.unit_of_work import UnitOfWork

TABLES = ("people", "members", "messages", "reports", "cases", "paces", "audit_log", "room_actions", INBOX_TABLE,
          IDEMPOTENCY_TABLE, "warnings", "sanctions", "ladders", "live_sessions")
CONSTRAINTS = (
    # the partial unique indexes of adapters/orm.py
    unique("cases", ONE_OPEN_CASE, lambda c: c.subject_id, where=lambda c: c.status == OPEN),
    unique("reports", ONE_OPEN_REPORT, lambda r: (r.reporter_id, r.room_slug, r.subject_id, r.message_id or ""),
           where=lambda r: r.outcome == OPEN),
    foreign_key("reports", lambda r: r.case_id, "cases"),
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


class FakeMessagesRepository(InMemoryRepository):
    table = "messages"

    def get(self, message_id: str, *, lock: bool = False) -> KnownMessage | None:
        self._read("get")
        return self._get(self.table, message_id)

    def save(self, message: KnownMessage) -> None:
        current = self._get(self.table, message.id)
        if current is None or current.seq < message.seq:
            self._put(self.table, message.id, message)

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

    def list_open(self, limit: int) -> list[Case]:
        cases = sorted((c for c in self._rows().values() if c.status == OPEN), key=lambda c: (c.opened_at, c.id))
        return [self._get(self.table, c.id) for c in cases[:limit]]

    def save(self, case: Case) -> None:
        self._put(self.table, case.id, case)


class FakePacesRepository(InMemoryRepository):
    table = "paces"

    def due(self, person_id: str, action: str, *, lock: bool = False) -> dt.datetime | None:
        return self._get(self.table, (person_id, action))

    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None:
        self._put(self.table, (person_id, action), due_at)


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

    def count_by_action(self, actor_id: str, since: dt.datetime | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self._rows().values():
            if e.actor_id == actor_id and (since is None or e.at >= since):
                counts[e.action] = counts.get(e.action, 0) + 1
        return counts


class FakeRoomActions(InMemoryRepository):
    table = "room_actions"

    def add(self, action: RoomAction) -> None:
        self._insert(self.table, action.id, action)

    def next_due(self, now: dt.datetime) -> RoomAction | None:
        due = sorted((a for a in self._rows().values() if a.status == PENDING and a.due_at <= now),
                     key=lambda a: (a.due_at, a.id))
        return self._get(self.table, due[0].id) if due else None

    def get(self, action_id: str) -> RoomAction | None:
        return self._get(self.table, action_id)

    def save(self, action: RoomAction) -> None:
        self._put(self.table, action.id, action)


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


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    """moderation's transaction over the in-memory store, as its Core statements are: reads hand out copies."""

    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.members = FakeMembersRepository(self)
        self.messages = FakeMessagesRepository(self)
        self.reports = FakeReportsRepository(self)
        self.cases = FakeCasesRepository(self)
        self.paces = FakePacesRepository(self)
        self.idempotency = FakeIdempotencyRecords(self)
        self.audit = FakeAuditLog(self)
        self.room_actions = FakeRoomActions(self)
        self.warnings = FakeWarnings(self)
        self.sanctions = FakeSanctions(self)
        self.ladders = FakeLadders(self)
        self.live_sessions = FakeLiveSessions(self)


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


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase(TABLES, CONSTRAINTS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def room() -> FakeRoom:
    return FakeRoom()


@pytest.fixture
def uow_factory(db):
    return lambda: FakeUnitOfWork(db)


@pytest.fixture
def service(uow_factory, room, clock) -> ModerationService:
    return ModerationService(uow_factory, room, clock=clock)


@pytest.fixture
def runner(uow_factory, room, clock) -> RoomActionRunner:
    return RoomActionRunner(uow_factory, room, clock=clock)


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
