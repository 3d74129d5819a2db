"""Domain: reports, the case that gathers the open reports about one person, the queue's priority and the
reporters' accuracy; pure rules over plain dataclasses."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hearth_common.contracts.moderation import CASE_DECISIONS, REPORT_REASONS
from hearth_common.pacing import Pace
from hearth_common.people import MODERATOR_ROLES, Actor, PersonFacts, is_admin, may_moderate
from hearth_common.text import optional_text
from moderation_service.domain.cohorts import may_act_across_cohort
from moderation_service.domain.errors import (
    InvalidReport,
    NotAModerator,
    OwnReportInCase,
    ReportingTooFast,
    SelfReport,
)

OTHER = "other"
NOTE_MAX = 500
# How grave each reason is: the weight of a reporter's report in the queue's priority. Contact details and
# the wrong age group are safety matters in a platform with teens; spam and language are nuisances.
SEVERITY: dict[str, float] = {
    "unkind": 1.0,
    "talking_negatively": 1.5,
    "contact_details": 3.0,
    "abusive_language": 3.0,
    "drug_names": 2.0,
    "spam": 1.0,
    "wrong_age_group": 3.0,
    "wrong_language": 0.5,
    OTHER: 1.0,
}
assert set(SEVERITY) == set(REPORT_REASONS), "every reason of the contract has a severity"
REASON_DESCRIPTIONS: dict[str, str] = {
    "unkind": "Unkind or unsupportive",
    "talking_negatively": "Talking negatively about a member or listener",
    "contact_details": "Contact details or social handles",
    "abusive_language": "Abusive, graphic or sexual language",
    "drug_names": "Drug or medication names",
    "spam": "Spam or flooding",
    "wrong_age_group": "Someone in the wrong age group",
    "wrong_language": "A language other than the room's",
    OTHER: "Something else (say what in the note)",
}

AGREE, DISAGREE, DISMISS = CASE_DECISIONS
OPEN = "open"
# What a decision makes of each report in the case (dismissed reports count for nobody's accuracy).
OUTCOME = {AGREE: "upheld", DISAGREE: "rejected", DISMISS: "dismissed"}
COUNTED_OUTCOMES = ("upheld", "rejected")
ACCURACY_WINDOW = 100  # a reporter's accuracy is over their last 100 decided (upheld or rejected) reports
# Reporting: 5 at once, then one a minute (a member reporting a flood reports each message, then waits).
REPORT_PACE = Pace(burst=5, interval=dt.timedelta(seconds=60), what="reporting")
PACE_ACTION = "report"
# Whoever left a room this recently may still report what happened there (or be reported for it).
RECENT_PRESENCE = dt.timedelta(hours=24)
# The uniqueness rules a twin filing meets (the SQL schema's names, and the fakes').
ONE_OPEN_CASE = "uq_cases_one_open_per_subject"
ONE_OPEN_REPORT = "uq_reports_one_open_per_target"
ONE_HIDE = "pk_hidden_messages"  # a message is hidden pending review once

# Hidden pending review: a message whose open reports weigh this much (the queue's weights: each distinct
# reporter's gravest reason times 0.5 + their accuracy) is removed from room until a moderator decides. 6.0 so
# that no single reporter hides a message, however reliable (at most 1.5 x 3.0 = 4.5), two newcomers agreeing on
# a safety matter (contact details, abusive language, the wrong age group: 2 x 1.0 x 3.0) do, three reporters
# proven right on a drug name do (3 x 1.0+ x 2.0), and nuisances need many (six newcomers for unkind or spam).
HIDE_THRESHOLD = 6.0
# What room records (and may show) as a removal's reason: neutral words; a moderator's note stays in moderation.
HIDDEN_REASON = "hidden pending review"
REMOVED_REASON = "removed by moderation after review"
RESTORED_REASON = "shown again after review"
# Who asks room to hide a message pending review: moderation itself, not a person.
SYSTEM_ACTOR = Actor.calling_service("moderation").label
# What became of a hidden message: still hidden, kept removed (the moderator agreed), shown again.
HIDDEN, KEPT_REMOVED, RESTORED = "hidden", "kept", "restored"


@dataclasses.dataclass
class Report:
    """One member's report of a message or a person in a room. `message_body` is the message as it was
    reported (the evidence stays when the message is edited, removed or past its retention)."""

    id: str
    case_id: str
    reporter_id: str
    subject_id: str
    room_slug: str
    reason: str
    note: str | None
    filed_at: dt.datetime
    message_id: str | None = None
    message_body: str | None = None
    outcome: str = OPEN
    decided_at: dt.datetime | None = None
    discussion_id: str | None = None  # a course post's discussion (its course: the place, domain/subjects.py)

    @property
    def target(self) -> tuple[str, str, str | None]:
        """What was reported: the same target reported twice by one reporter is one report."""
        return (self.room_slug, self.subject_id, self.message_id)


@dataclasses.dataclass
class Case:
    """All open reports about one person; decided once, by a moderator."""

    id: str
    subject_id: str
    opened_at: dt.datetime
    status: str = OPEN
    decision: str | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    note: str | None = None
    removed_message_ids: list[str] = dataclasses.field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def decide(self, decision: str, moderator_id: str, note: str | None, removed: list[str], now: dt.datetime,
               reports: Iterable[Report]) -> None:
        self.status, self.decision, self.decided_by, self.decided_at = "decided", decision, moderator_id, now
        self.note, self.removed_message_ids = note, list(removed)
        for report in reports:
            report.outcome, report.decided_at = OUTCOME[decision], now


@dataclasses.dataclass
class Membership:
    """Who is in which room, from room's member_joined / member_left (`seq`: the room timeline's, so an older
    event never overwrites a newer one)."""

    room_slug: str
    person_id: str
    present: bool
    changed_at: dt.datetime
    seq: int

    def counts(self, now: dt.datetime) -> bool:
        """In the room now, or left it recently enough to report (or be reported for) what happened there."""
        return self.present or now - self.changed_at <= RECENT_PRESENCE


@dataclasses.dataclass
class KnownMessage:
    """A room message (from room's events) or a course post (from course's: `room_slug` is its course's place,
    domain/subjects.py, with its discussion and section), kept for its retention period."""

    id: str
    room_slug: str
    author_id: str
    body: str
    posted_at: dt.datetime
    seq: int
    deleted: bool = False
    discussion_id: str | None = None
    section: str | None = None


@dataclasses.dataclass
class HiddenMessage:
    """A message hidden pending review (once): `action_id` is the call to room that hides it."""

    message_id: str
    case_id: str
    room_slug: str
    author_id: str
    action_id: str
    hidden_at: dt.datetime
    weight: float
    status: str = HIDDEN
    decided_at: dt.datetime | None = None


@dataclasses.dataclass
class CohortGrant:
    """room's cross-cohort grant: a staff member may enter (and, when they moderate it, act in) one room of the
    other cohort until `expires_at` or until revoked (room's cohort_access_granted / _revoked, in any order)."""

    grant_id: str
    person_id: str
    room_slug: str
    expires_at: dt.datetime | None = None
    revoked: bool = False

    def counts(self, now: dt.datetime) -> bool:
        return not self.revoked and self.expires_at is not None and self.expires_at > now


@dataclasses.dataclass(frozen=True)
class QueueScope:
    """What a moderator's queue may hold: every case (an admin), or those whose every open report is in a room
    their role covers (`rooms` None: every room) and whose subject is of their cohort, or in a room they hold a
    cross-cohort grant for. Never a case about themselves, about an admin, or one they reported in."""

    moderator: PersonFacts
    admin: bool
    rooms: frozenset[str] | None
    granted_rooms: frozenset[str]
    room_slug: str | None = None


# --- rules -------------------------------------------------------------------------------------------


def reason_of(value: object) -> str:
    if value not in REPORT_REASONS:
        raise InvalidReport("reason must be one of " + ", ".join(REPORT_REASONS))
    return value


def note_of(reason: str, value: object) -> str | None:
    note = optional_text(value, "note", NOTE_MAX, error=InvalidReport)
    if reason == OTHER and note is None:
        raise InvalidReport("a report for reason 'other' needs a note saying what is wrong")
    return note


def decision_of(value: object) -> str:
    if value not in CASE_DECISIONS:
        raise InvalidReport("decision must be one of " + ", ".join(CASE_DECISIONS))
    return value


def refuse_self_report(reporter_id: str, subject_id: str) -> None:
    if reporter_id == subject_id:
        raise SelfReport("you cannot report yourself")


def next_report_due(due_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The pace's next due time, or ReportingTooFast with retry_after_seconds."""
    return REPORT_PACE.next_due(due_at, now, ReportingTooFast)


def accuracy(upheld: int, decided: int) -> float:
    """A reporter's accuracy over their last decided reports, smoothed (one right and one wrong assumed), so a
    newcomer weighs 0.5 and one report decides nothing alone: (upheld + 1) / (decided + 2)."""
    return (upheld + 1) / (decided + 2)


def priority(reports: Iterable[Report], accuracies: dict[str, float]) -> float:
    """The queue's order: each distinct reporter adds the gravest reason they gave, weighed by their accuracy
    (0.5 + accuracy, so an accurate reporter counts up to three times an inaccurate one). More people, more
    reliable people and graver reasons rank higher."""
    gravest: dict[str, float] = {}
    for report in reports:
        gravest[report.reporter_id] = max(gravest.get(report.reporter_id, 0.0), SEVERITY[report.reason])
    return round(sum((0.5 + accuracies.get(r, accuracy(0, 0))) * weight for r, weight in gravest.items()), 6)


def may_review(moderator: PersonFacts | None, subject: PersonFacts | None, room_slugs: Iterable[str],
               now: dt.datetime, granted_rooms: Iterable[str] = ()) -> bool:
    """Whether a moderator may act on a case: nobody on a case about an admin; an admin on any other; a chat
    room moderator whose role covers every one of the case's rooms (a decision closes the reports of all of
    them) and, in each, is of the room's cohort or holds room's cross-cohort grant for it (`granted_rooms`).
    Moderation knows a room's cohort as that of the person reported there (cohorts never share a room but for
    granted staff). A subject unknown to the people read model (their registration not arrived yet) has no
    known cohort: only an admin acts on their case, never a moderator who might be of the other cohort."""
    if moderator is None or (subject is not None and is_admin(subject, now)):
        return False
    if is_admin(moderator, now):
        return True
    rooms, granted = list(room_slugs), set(granted_rooms)
    if subject is None or not subject.cohort:
        return False
    return bool(rooms) and all(may_moderate(moderator, slug, now)
                               and may_act_across_cohort(moderator, granted, slug, subject.cohort, now)
                               for slug in rooms)


def may_report_in_section(reporter: PersonFacts | None, section: str | None) -> bool:
    """Whether a person may report a post in a course section: its cohort's people (a section is one cohort's, and
    teens and adults never see each other's posts); an unknown person or section is nobody's."""
    return reporter is not None and bool(section) and reporter.cohort == section


def moderates_somewhere(moderator: PersonFacts | None, now: dt.datetime) -> bool:
    """Holds an unexpired moderator or admin role, for every room or some room: the queue is theirs to see."""
    return moderator is not None and any(
        fact.role in MODERATOR_ROLES and fact.counts(fact.room_id, now) for fact in moderator.roles)


def queue_scope(moderator: PersonFacts, granted_rooms: Iterable[str], now: dt.datetime,
                room_slug: str | None = None) -> QueueScope:
    """The scope of a moderator's queue (see QueueScope), from their roles and live cross-cohort grants."""
    counting = [f for f in moderator.roles if f.role in MODERATOR_ROLES and f.counts(f.room_id, now)]
    rooms = None if any(f.room_id is None for f in counting) else frozenset(f.room_id for f in counting)
    return QueueScope(moderator, is_admin(moderator, now), rooms, frozenset(granted_rooms), room_slug)


def in_scope(scope: QueueScope, subject_id: str, subject: PersonFacts | None, reports: list[Report],
             now: dt.datetime) -> bool:
    """Whether an open case with these open reports belongs in the scope's queue (the rule the SQL query
    applies; the fakes use this)."""
    rooms = {r.room_slug for r in reports}
    return (bool(reports) and subject_id != scope.moderator.person_id
            and (scope.room_slug is None or scope.room_slug in rooms)
            and all(r.reporter_id != scope.moderator.person_id for r in reports)
            and may_review(scope.moderator, subject, rooms, now, scope.granted_rooms))


def message_weight(reports: Iterable[Report], accuracies: dict[str, float]) -> float:
    """How much one message's open reports weigh: the queue's priority over them alone."""
    return priority(reports, accuracies)


def should_hide(weight: float) -> bool:
    return weight >= HIDE_THRESHOLD


def ensure_may_review(moderator: PersonFacts | None, subject_id: str, subject: PersonFacts | None,
                      room_slugs: Iterable[str], now: dt.datetime, granted_rooms: Iterable[str] = (), *,
                      unknown: Exception) -> None:
    """Whether a moderator may read and decide a case. A moderator out of its scope is answered `unknown`, as for a
    case that does not exist: a refusal would tell a moderator of every room that its subject is of the other
    cohort (or not known here yet), the one thing that refuses them."""
    if moderator is not None and moderator.person_id == subject_id:
        raise NotAModerator("you cannot decide a case about yourself")
    if subject is not None and is_admin(subject, now):
        raise NotAModerator("nobody acts on a case about an admin here; raise it with the other admins")
    if not may_review(moderator, subject, room_slugs, now, granted_rooms):
        raise unknown


def ensure_not_a_reporter(moderator_id: str, reports: Iterable[Report]) -> None:
    """A moderator who reported in a case does not decide it (another moderator or an admin does)."""
    if any(r.reporter_id == moderator_id for r in reports):
        raise OwnReportInCase("you reported in this case; another moderator or an admin decides it")
