"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
import datetime as dt
from typing import Protocol

from hearth_common.idempotency import IdempotencyRecords
from hearth_common.people import KnownPerson
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork
from moderation_service.domain.audit import AuditEntry, AuditQuery
from moderation_service.domain.ladder import Ladder
from moderation_service.domain.reports import Case, KnownMessage, Membership, Report
from moderation_service.domain.room_actions import RoomAction
from moderation_service.domain.sanctions import IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession


class PeopleRepository(Protocol):
    """The read model of people from identity's events (hearth_common.people)."""

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None: ...
    def save(self, person: KnownPerson) -> None: ...
    def lock_new(self, person_id: str) -> None: ...


class MembersRepository(Protocol):
    """Who is in which room, from room's member_joined / member_left."""

    def get(self, room_slug: str, person_id: str, *, lock: bool = False) -> Membership | None: ...
    def save(self, membership: Membership) -> None: ...


class MessagesRepository(Protocol):
    """The messages reports may name, from room's message events, kept for the retention period."""

    def get(self, message_id: str, *, lock: bool = False) -> KnownMessage | None: ...
    def save(self, message: KnownMessage) -> None: ...
    def purge(self, posted_before: dt.datetime, limit: int) -> int: ...


class ReportsRepository(Protocol):
    def add(self, report: Report) -> None: ...
    def open_by(self, reporter_id: str, room_slug: str, subject_id: str, message_id: str | None) -> Report | None:
        """The reporter's open report of that target, if any (UNIQUE among open reports)."""
    def open_in_case(self, case_id: str) -> list[Report]: ...
    def in_case(self, case_id: str) -> list[Report]: ...
    def save(self, report: Report) -> None: ...
    def track_records(self, reporter_ids: list[str], window: int) -> dict[str, tuple[int, int]]:
        """{reporter: (upheld, decided)} over each reporter's last `window` upheld or rejected reports."""
    def upheld_cases_about(self, subject_id: str) -> int: ...


class CasesRepository(Protocol):
    def add(self, case: Case) -> None: ...
    def get(self, case_id: str, *, lock: bool = False) -> Case | None: ...
    def open_about(self, subject_id: str, *, lock: bool = False) -> Case | None:
        """The one open case about a person (UNIQUE among open cases), if any."""
    def list_open(self, limit: int) -> list[Case]: ...
    def save(self, case: Case) -> None: ...


class PacesRepository(Protocol):
    def due(self, person_id: str, action: str, *, lock: bool = False) -> dt.datetime | None: ...
    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None: ...


class AuditLog(Protocol):
    """The append-only audit log: entries are added, listed and counted, never changed or deleted."""

    def append(self, entry: AuditEntry) -> None: ...
    def list(self, query: AuditQuery) -> list[AuditEntry]:
        """Entries matching the query, newest first (then by id), at most query.limit."""
    def count_by_action(self, actor_id: str, since: dt.datetime | None = None) -> dict[str, int]:
        """{action: how many} the actor took (since a time, if given)."""


class RoomActionsRepository(Protocol):
    """Calls to room recorded with the decisions that need them, carried out by the worker."""

    def add(self, action: RoomAction) -> None: ...
    def next_due(self, now: dt.datetime) -> RoomAction | None:
        """The oldest pending action due by `now`, locked; one another worker holds is skipped, not waited for."""
    def save(self, action: RoomAction) -> None: ...
    def get(self, action_id: str) -> RoomAction | None: ...


class WarningsRepository(Protocol):
    """Warnings, kept for good (voided ones too: the record shows them)."""

    def add(self, warning: IssuedWarning) -> None: ...
    def get(self, warning_id: str, *, lock: bool = False) -> IssuedWarning | None: ...
    def of_person(self, person_id: str) -> list[IssuedWarning]:
        """The person's warnings, newest first."""
    def save(self, warning: IssuedWarning) -> None: ...


class SanctionsRepository(Protocol):
    """Mutes, bans, kicks and message removals, kept for good."""

    def add(self, sanction: Sanction) -> None: ...
    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None: ...
    def of_person(self, person_id: str) -> list[Sanction]:
        """The person's sanctions, newest first."""
    def due_to_end(self, now: dt.datetime, limit: int) -> list[Sanction]:
        """Active mutes and bans whose end has come, locked; rows another worker holds are skipped."""
    def save(self, sanction: Sanction) -> None: ...


class LaddersRepository(Protocol):
    """The strike ladder's versions (an edit adds one; the highest is in force)."""

    def current(self) -> Ladder | None: ...
    def add(self, ladder: Ladder) -> None:
        """UniqueViolation(ONE_LADDER_VERSION) when a concurrent edit took that version first."""


class LiveSessionsRepository(Protocol):
    """The support sessions live now, from room's session events."""

    def get(self, session_id: str, *, lock: bool = False) -> LiveSession | None: ...
    def save(self, session: LiveSession) -> None: ...
    def rooms_led_by(self, person_id: str) -> list[str]:
        """The rooms where the person leads a live session."""


class UnitOfWork(BaseUnitOfWork):
    """Moderation's transaction: its repositories, plus the events to publish if, and only if, it commits."""

    people: PeopleRepository
    members: MembersRepository
    messages: MessagesRepository
    reports: ReportsRepository
    cases: CasesRepository
    paces: PacesRepository
    idempotency: IdempotencyRecords  # the first results of calls made with an idempotency key
    audit: AuditLog
    room_actions: RoomActionsRepository
    warnings: WarningsRepository
    sanctions: SanctionsRepository
    ladders: LaddersRepository
    live_sessions: LiveSessionsRepository

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records an incoming event as handled in this transaction; False if it was handled before."""
