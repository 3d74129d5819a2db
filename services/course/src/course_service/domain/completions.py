"""Domain: what a learner does towards a course (quiz attempts, the mentor's review of their practicum) and the
completion it earns, with the certificate document that is signed and verified."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

from course_service.domain.errors import InvalidReview, InvalidRevocation, NoMentorApproval
from hearth_common.people import MODERATOR_ROLES, PersonFacts
from hearth_common.text import optional_text, required_text

# The uniqueness rules of adapters/orm.py, by constraint name (the fakes enforce the same ones).
ONE_ATTEMPT_NUMBER = "uq_quiz_attempts_number"
ONE_COMPLETION = "uq_completions_course_person"
ONE_SESSION = "pk_led_sessions"

# A practicum review waiting longer than this is overdue: the mentor is reminded (once per period).
REVIEW_REMINDER_AFTER = dt.timedelta(days=3)
FEEDBACK_MAX, REASON_MAX = 4000, 500



def may_mentor(mentor: PersonFacts, section: str, now: dt.datetime) -> bool:
    """Whether this person may mentor a learner of this section (issue 17 §2). A mentor sees the learner's
    progress (its section is the learner's cohort), their username in the queue and the rooms of the sessions they
    led, and exchanges feedback with them: so a mentor is of the learner's cohort, or staff whose duty covers every
    learner, a moderator of every room or an admin, holding the role now. Chosen on the side of the teen's safety
    where the issue is silent: a moderator of one room only, a session leader or a host does not count (their duty
    is not this learner), and the rule is asked again whenever the mentor acts or reads, so a mentor whose role
    lapsed or whose cohort or learner's section changed since the assignment sees nothing more."""
    return mentor.cohort == section or mentor.has_any_role(MODERATOR_ROLES, None, now)


NOT_READY, WAITING, APPROVED, RETURNED = "not_ready", "waiting", "approved", "returned"
APPROVE, RETURN = "approve", "return"


@dataclasses.dataclass
class QuizAttempt:
    id: str
    course_slug: str
    quiz_id: str
    person_id: str
    number: int  # 1 for the first attempt; UNIQUE per learner and quiz (ONE_ATTEMPT_NUMBER)
    answers: list[int]
    score: int
    passed: bool
    submitted_at: dt.datetime


@dataclasses.dataclass
class Mentorship:
    """The mentor an admin assigned to a learner in a course, and the state of their review of the practicum:
    not_ready (the practicum is not met), waiting (for the mentor), approved, or returned (with feedback: a new
    qualifying session after the return puts it back in the queue)."""

    course_slug: str
    person_id: str
    mentor_id: str
    assigned_by: str
    assigned_at: dt.datetime
    review: str = NOT_READY
    waiting_since: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    feedback: str = ""
    reminded_at: dt.datetime | None = None

    def practicum_met(self, last_qualifying_end: dt.datetime | None, now: dt.datetime) -> bool:
        """Puts the review in the mentor's queue when a qualifying session is there (after a return: one that
        ended after it); returns whether anything changed."""
        if last_qualifying_end is None:
            return False
        if self.review == NOT_READY or (self.review == RETURNED and self.reviewed_at is not None
                                        and last_qualifying_end > self.reviewed_at):
            self.review, self.waiting_since, self.reminded_at = WAITING, now, None
            return True
        return False

    def decide(self, decision: object, feedback: object, now: dt.datetime) -> None:
        if decision not in (APPROVE, RETURN):
            raise InvalidReview(f"decision must be {APPROVE} or {RETURN}")
        if self.review != WAITING:
            raise NoMentorApproval(f"this practicum is not waiting for a review (it is {self.review})")
        if decision == RETURN:
            text = required_text(feedback, "feedback", FEEDBACK_MAX, error=InvalidReview)
        else:
            text = optional_text(feedback, "feedback", FEEDBACK_MAX, error=InvalidReview) or ""
        self.review = APPROVED if decision == APPROVE else RETURNED
        self.reviewed_at, self.feedback = now, text

    def overdue(self, now: dt.datetime) -> bool:
        return self.review == WAITING and self.waiting_since is not None and \
            now - self.waiting_since > REVIEW_REMINDER_AFTER

    def remind(self, now: dt.datetime) -> bool:
        """Records a reminder when the review is overdue and none was recorded in the last period."""
        if not self.overdue(now) or (self.reminded_at is not None and now - self.reminded_at < REVIEW_REMINDER_AFTER):
            return False
        self.reminded_at = now
        return True


@dataclasses.dataclass
class Completion:
    """A learner completed a course: once per learner and course (ONE_COMPLETION), with a signed certificate
    naming them, the course and the date. Revoking marks it; nothing deletes it, and an edit of the course's
    requirements never reaches it."""

    id: str
    course_slug: str
    person_id: str
    section: str
    username: str
    course_title: str
    badge_slug: str | None
    certificate_id: str
    completed_at: dt.datetime
    key_id: str = ""
    signature: str = ""
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str = ""

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def certificate_document(self) -> bytes:
        """The exact bytes signed (version 2): the facts a certificate shows anyone, as canonical JSON (sorted keys,
        no spaces); nothing that says more about the holder (no person id, no section)."""
        return _canonical({"version": 2, "certificate_id": self.certificate_id, "course_title": self.course_title,
                           "username": self.username, "completed_on": self.completed_on})

    def legacy_certificate_document(self) -> bytes:
        """What version 1 signed (certificates made before version 2): it names the person id, so it is checked
        but never shown."""
        return _canonical({
            "version": 1, "certificate_id": self.certificate_id, "completion_id": self.id,
            "course_slug": self.course_slug, "course_title": self.course_title, "person_id": self.person_id,
            "username": self.username, "completed_on": self.completed_on})

    @property
    def completed_on(self) -> str:
        return self.completed_at.date().isoformat()

    def revoke(self, by: str, reason: object, now: dt.datetime) -> bool:
        """Revokes; returns whether anything changed (revoking twice keeps the first revocation)."""
        text = required_text(reason, "reason", REASON_MAX, error=InvalidRevocation)
        if self.revoked:
            return False
        self.revoked_at, self.revoked_by, self.revoke_reason = now, by, text
        return True


def _canonical(facts: dict) -> bytes:
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
