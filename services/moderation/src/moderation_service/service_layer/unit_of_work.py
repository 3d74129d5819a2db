"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
import dataclasses
import datetime as dt
from typing import Protocol

from hearth_common.idempotency import IdempotencyRecords
from hearth_common.pacing import PacesPort
from hearth_common.people import KnownPerson, PeoplePort
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork
from moderation_service.domain.appeals import Appeal
from moderation_service.domain.audit import AuditEntry, AuditQuery
from moderation_service.domain.automod_rules import RuleSetVersion
from moderation_service.domain.crisis import CareResources, CrisisFlag
from moderation_service.domain.ladder import Ladder
from moderation_service.domain.pager import Page, Shift
from moderation_service.domain.reports import (
    Case,
    CohortGrant,
    HiddenMessage,
    KnownMessage,
    Membership,
    QueueScope,
    Report,
)
from moderation_service.domain.room_actions import RoomAction
from moderation_service.domain.sanctions import IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession


class MembersRepository(Protocol):
    """Who is in which room, from room's member_joined / member_left."""

    def get(self, room_slug: str, person_id: str, *, lock: bool = False) -> Membership | None: ...
    def save(self, membership: Membership) -> None: ...
    def present_people(self, room_slug: str, limit: int) -> list[KnownPerson]:
        """People present in the room now (those moderation knows), longest present first, at most `limit`."""


class MessagesRepository(Protocol):
    """The messages reports may name, from room's message events, kept for the retention period."""

    def get(self, message_id: str, *, lock: bool = False) -> KnownMessage | None: ...
    def save(self, message: KnownMessage) -> None: ...
    def purge(self, posted_before: dt.datetime, limit: int) -> int: ...
    def recent_by(self, room_slug: str, author_id: str, posted_after: dt.datetime,
                  posted_before: dt.datetime, limit: int) -> list[KnownMessage]:
        """The author's messages in the room posted in (posted_after, posted_before), newest first (for spam)."""


class ReportsRepository(Protocol):
    def add(self, report: Report) -> None: ...
    def open_by(self, reporter_id: str, room_slug: str, subject_id: str, message_id: str | None) -> Report | None:
        """The reporter's open report of that target, if any (UNIQUE among open reports)."""
    def open_in_case(self, case_id: str) -> list[Report]: ...
    def open_in_cases(self, case_ids: list[str]) -> dict[str, list[Report]]:
        """{case id: its open reports} for each of the cases (one query)."""
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
    def save(self, case: Case) -> None: ...
    def queue(self, scope: QueueScope, now: dt.datetime, limit: int) -> list[tuple[Case, float]]:
        """The open cases in the scope (domain.reports.in_scope), each with its priority (domain.reports.priority
        over its open reports, with the reporters' stored accuracy), highest first, then oldest, at most
        `limit`: scope and order in the query, whatever the number of open cases."""


class ReporterAccuracyRepository(Protocol):
    """Each reporter's accuracy as last computed (domain.reports.accuracy over their last decided reports),
    kept so the queue's query can weigh reports; a reporter with no row is a newcomer."""

    def accuracies(self, reporter_ids: list[str]) -> dict[str, float]: ...
    def lock(self, reporter_ids: list[str]) -> None:
        """Makes the reporters' rows exist and locks them (in id order), so concurrent decisions recount each
        reporter one after the other."""
    def save(self, reporter_id: str, upheld: int, decided: int, accuracy: float) -> None: ...


class HiddenMessagesRepository(Protocol):
    """Messages hidden pending review (a message once: the primary key)."""

    def add(self, hidden: HiddenMessage) -> None: ...
    def get(self, message_id: str, *, lock: bool = False) -> HiddenMessage | None: ...
    def in_case(self, case_id: str, *, lock: bool = False) -> list[HiddenMessage]: ...
    def save(self, hidden: HiddenMessage) -> None: ...


class CohortGrantsRepository(Protocol):
    """room's cross-cohort grants, from cohort_access_granted / _revoked (either may arrive first)."""

    def granted(self, grant: CohortGrant) -> None:
        """Records a grant; one already revoked stays revoked."""
    def revoked(self, grant: CohortGrant) -> None:
        """Marks a grant revoked (recording it when the grant itself has not arrived)."""
    def rooms_of(self, person_id: str, now: dt.datetime) -> frozenset[str]:
        """The rooms the person holds a live (unexpired, unrevoked) grant for."""


class AuditLog(Protocol):
    """The append-only audit log: entries are added, listed and counted, never changed or deleted."""

    def append(self, entry: AuditEntry) -> None: ...
    def list(self, query: AuditQuery) -> list[AuditEntry]:
        """Entries matching the query, newest first (then by id), at most query.limit."""
    def latest(self, target_id: str, action: str) -> AuditEntry | None:
        """The newest entry of `action` about the person (e.g. their last care notice), or None."""
    def count_by_action(self, actor_id: str, since: dt.datetime | None = None) -> dict[str, int]:
        """{action: how many} the actor took (since a time, if given)."""
    def count_overturned(self, moderator_id: str, since: dt.datetime | None = None) -> int:
        """How many of the moderator's actions appeals overturned (entries APPEAL_OVERTURNED naming them)."""


class RoomActionsRepository(Protocol):
    """Calls to room recorded with the decisions that need them, carried out by the worker."""

    def add(self, action: RoomAction) -> None: ...
    def next_due(self, now: dt.datetime) -> RoomAction | None:
        """The oldest pending action due by `now`, locked; one another worker holds is skipped, not waited for."""
    def next_due_at(self) -> dt.datetime | None:
        """When the earliest pending action falls due (None: none pending)."""
    def save(self, action: RoomAction) -> None: ...
    def get(self, action_id: str, *, lock: bool = False) -> RoomAction | None: ...
    def removal_besides(self, message_id: str, action_id: str | None) -> bool:
        """Whether a call to remove this message, other than `action_id` (a hide's own), was recorded."""


class AutomodRepository(Protocol):
    """The versions of the automod rule set (each one whole) and the flags automod has filed."""

    def lock_for_change(self) -> None:
        """Serialises rule set changes until this transaction ends (each change reads the latest version)."""
    def latest(self) -> RuleSetVersion | None: ...
    def add(self, version: RuleSetVersion) -> None:
        """A new version (UNIQUE by number)."""
    def flagged(self, message_id: str) -> set[str]:
        """The rules that have flagged this message already."""
    def add_flag(self, message_id: str, rule_id: str, report_id: str, flagged_at: dt.datetime) -> None:
        """Records a rule's flag of a message (UNIQUE per message and rule)."""


class ShiftsRepository(Protocol):
    """The on-duty rota: one shift per moderator at most."""

    def get(self, moderator_id: str) -> Shift | None: ...
    def save(self, shift: Shift) -> None: ...
    def delete(self, moderator_id: str) -> bool: ...
    def list_on(self, now: dt.datetime) -> list[Shift]:
        """The shifts not yet ended, oldest first."""


class StaffRepository(Protocol):
    def admins(self, now: dt.datetime | None = None) -> list[KnownPerson]:
        """The people who are admins `now` (the clock's now when not given): an active, unexpired admin grant
        for every room, as hearth_common.people.is_admin and the queue's query read it."""


class PagesRepository(Protocol):
    """Pages. `add` and `save` give the page the next seq (every change of any page gets a higher one, and
    changes become visible in seq order)."""

    def add(self, page: Page) -> None: ...
    def save(self, page: Page) -> None: ...
    def get(self, page_id: str, *, lock: bool = False) -> Page | None: ...
    def open_referral(self, open_key: str) -> Page | None:
        """The open page of a referral by this referrer of this target (UNIQUE among open pages), if any."""
    def head(self) -> int:
        """The highest seq given so far (0 before any page)."""
    def changed_for(self, person_id: str, after_seq: int, limit: int) -> list[Page]:
        """Pages sent to the person whose last change has a seq above `after_seq`, in seq order."""
    def open_for(self, person_id: str) -> list[Page]:
        """The unacknowledged pages sent to the person, in seq order."""
    def listed(self, person_id: str | None, open_only: bool, limit: int) -> list[Page]:
        """Pages sent to the person (None: every page), newest first."""
    def next_to_escalate(self, stage_before: dt.datetime) -> Page | None:
        """An open page short of its last stage whose stage began before `stage_before`, locked; one another
        worker holds is skipped, not waited for."""
    def earliest_to_escalate(self) -> dt.datetime | None:
        """The earliest stage_at of the pages next_to_escalate may return in time (None: none open)."""


class CrisisFlagsRepository(Protocol):
    def get(self, message_id: str) -> CrisisFlag | None: ...
    def add(self, flag: CrisisFlag) -> None: ...


class CareResourcesRepository(Protocol):
    def get(self, cohort: str) -> CareResources | None:
        """The lines an admin set for the cohort; None while they are the defaults."""
    def save(self, resources: CareResources) -> None: ...


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
    def next_end_at(self) -> dt.datetime | None:
        """When the earliest active mute or ban with an end ends (None: none)."""
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


class AppealsRepository(Protocol):
    """Appeals, kept for good: one per warning or sanction (UniqueViolation(ONE_APPEAL) for a second)."""

    def add(self, appeal: Appeal) -> None: ...
    def get(self, appeal_id: str, *, lock: bool = False) -> Appeal | None: ...
    def of_subject(self, subject_kind: str, subject_id: str) -> Appeal | None: ...
    def of_person(self, person_id: str) -> list[Appeal]:
        """The person's appeals, newest first."""
    def open(self, limit: int) -> list[Appeal]:
        """Open appeals, oldest first, at most `limit`."""
    def save(self, appeal: Appeal) -> None: ...


@dataclasses.dataclass(frozen=True)
class PostSeen:
    """What automod reads about a new post (UnitOfWork.claim_post): the rule set's latest version (its number, and
    the version itself unless it is the one the caller knows), the author as moderation knows them, and the
    author's messages in the place posted in the spam detectors' window, newest first."""

    latest_version: int | None  # None: no version written yet
    rule_set: RuleSetVersion | None  # None when it is the version the caller knows, or there is none
    author: KnownPerson | None
    recent: list[KnownMessage]


class UnitOfWork(BaseUnitOfWork):
    """Moderation's transaction: its repositories, plus the events to publish if, and only if, it commits."""

    people: PeoplePort
    members: MembersRepository
    messages: MessagesRepository
    reports: ReportsRepository
    cases: CasesRepository
    paces: PacesPort
    automod: AutomodRepository
    idempotency: IdempotencyRecords  # the first results of calls made with an idempotency key
    audit: AuditLog
    room_actions: RoomActionsRepository
    reporters: ReporterAccuracyRepository
    hidden_messages: HiddenMessagesRepository
    cohort_grants: CohortGrantsRepository
    shifts: ShiftsRepository
    staff: StaffRepository
    pages: PagesRepository
    crisis_flags: CrisisFlagsRepository
    care_resources: CareResourcesRepository
    warnings: WarningsRepository
    sanctions: SanctionsRepository
    ladders: LaddersRepository
    live_sessions: LiveSessionsRepository
    appeals: AppealsRepository

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records an incoming event as handled in this transaction; False if it was handled before."""

    def claim_post(self, envelope: dict, message: KnownMessage, recent_after: dt.datetime, recent_limit: int,
                   known_version: int | None) -> PostSeen | None:
        """A new room message's or course post's event: claims it (None when it was handled before: nothing is
        written), records the message unless a version of it is known already, and reads what automod reads of it
        (PostSeen; the recent messages are those posted after `recent_after` and before it, at most
        `recent_limit`). These statements one after another; the SQL unit of work sends them as one."""
        if not self.claim_event(envelope):
            return None
        if self.messages.get(message.id, lock=True) is None:
            self.messages.save(message)
        latest = self.automod.latest()
        return PostSeen(
            latest.version if latest is not None else None,
            latest if latest is not None and latest.version != known_version else None,
            self.people.get(message.author_id),
            self.messages.recent_by(message.room_slug, message.author_id, recent_after, message.posted_at,
                                    recent_limit))
