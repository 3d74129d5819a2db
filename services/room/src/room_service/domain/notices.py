"""Domain: private notices: what moderation tells one person (a warning, a sanction, a care notice with
resources, "help is coming", an appeal's outcome) and course's reminders to a mentor of a practicum waiting for
their review. Room keeps each for its person alone and delivers it on their live streams; it is no item of any
room's timeline, and nobody else ever sees it.

The contracts are `hearth_common.contracts.moderation.NoticeIssued` (a repeated `notice_id` is the same notice) and
`hearth_common.contracts.course.MentorReviewOverdue` (its `reminder_id` is the notice's id).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.contracts import InvalidEvent, course, moderation

# How long room keeps a notice after receiving it; room-worker deletes older ones.
NOTICE_RETENTION = dt.timedelta(days=180)
MAX_PAGE = 100
# The kind of the notice a course reminder becomes (moderation's kinds are its contract's NOTICE_KINDS).
REMINDER = "reminder"


@dataclasses.dataclass
class Notice:
    notice_id: str
    person_id: str
    kind: str
    text: str
    room_slug: str | None
    resources: list[str]
    issued_at: dt.datetime
    received_at: dt.datetime
    read_at: dt.datetime | None = None
    position: int = 0  # the order room stored it in (set by the store; 0 until stored)

    def mark_read(self, now: dt.datetime) -> bool:
        """Marks it read (idempotent: the first time stands); whether this changed it."""
        if self.read_at is not None:
            return False
        self.read_at = now
        return True


def from_event(envelope: dict, received_at: dt.datetime) -> Notice:
    """The notice a `notice_issued` event carries; InvalidEvent (dead-lettered) when it breaks the contract."""
    payload = moderation.parse(envelope).payload
    if not isinstance(payload, moderation.NoticeIssued):
        raise InvalidEvent(f"not a notice: {payload.TYPE}")
    return Notice(notice_id=payload.notice_id, person_id=payload.person_id, kind=payload.kind, text=payload.text,
                  room_slug=payload.room_slug, resources=list(payload.resources), issued_at=payload.issued_at,
                  received_at=received_at)


def from_reminder(envelope: dict, received_at: dt.datetime) -> Notice:
    """The notice to a mentor that a `mentor_review_overdue` event carries; InvalidEvent (dead-lettered) when it
    breaks the contract."""
    payload = course.parse(envelope).payload
    if not isinstance(payload, course.MentorReviewOverdue):
        raise InvalidEvent(f"not a reminder: {payload.TYPE}")
    whose = f"{payload.learner_username}'s practicum" if payload.learner_username else "A practicum"
    since = payload.waiting_since.astimezone(dt.timezone.utc).strftime("%d %B %Y").lstrip("0")
    text = (f"{whose} in the {payload.course_title} has waited for your review since {since}: "
            "open your mentor queue.")
    return Notice(notice_id=payload.reminder_id, person_id=payload.mentor_id, kind=REMINDER, text=text,
                  room_slug=None, resources=[], issued_at=payload.reminded_at, received_at=received_at)
