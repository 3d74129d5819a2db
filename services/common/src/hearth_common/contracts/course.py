"""Cross-cutting (pure): the contract of course's events (exchange `course.events`, routing key = type): completions
for identity (which awards and revokes the course's badge) and posts for moderation (which runs the same detectors on
them as on room messages, and may remove them through course's `remove_post` RPC), and mentors' reminders for room
(which delivers each to its mentor as a private notice).

A course runs one section per age cohort (`section`: adult or teen): a post is seen only in its section.
`completion_id` is the idempotency key of the badge award: a redelivered `course_completed` awards once.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from hearth_common.contracts.base import Contract, Payload, Received, rule
from hearth_common.vocabulary import Cohort, values

SOURCE = "course"
COHORTS: tuple[str, ...] = values(Cohort)


def _id():
    return rule(max_length=64)


def _person_id():
    return rule(max_length=36)


def _slug():
    return rule(max_length=64)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CourseCompleted(Payload):
    """A learner met every requirement of a course. `badge_slug`: the badge the course earns (null when it earns
    none); `certificate_id`: the signed certificate anyone can verify with course's VerifyCertificate."""

    TYPE: ClassVar[str] = "course_completed"
    completion_id: str = _id()
    course_slug: str = _slug()
    person_id: str = _person_id()
    section: str = rule(choices=COHORTS)
    badge_slug: str | None = rule(max_length=64, default=None)
    certificate_id: str = _id()
    completed_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CompletionRevoked(Payload):
    """An admin revoked a completion (and so the course's badge, where it earns one)."""

    TYPE: ClassVar[str] = "completion_revoked"
    completion_id: str = _id()
    course_slug: str = _slug()
    person_id: str = _person_id()
    badge_slug: str | None = rule(max_length=64, default=None)
    revoked_by: str = _person_id()
    reason: str = rule(max_length=500)
    revoked_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CoursePostCreated(Payload):
    """A post in a course discussion: a reply to the discussion's opening post or to another reply (`parent_id`).
    `body` is what the learner wrote."""

    TYPE: ClassVar[str] = "course_post_created"
    post_id: str = _id()
    course_slug: str = _slug()
    discussion_id: str = _id()
    section: str = rule(choices=COHORTS)
    author_id: str = _person_id()
    parent_id: str | None = rule(max_length=64, default=None)
    body: str = rule(max_length=20000)
    mention_ids: tuple[str, ...] = ()
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CoursePostEdited(Payload):
    """A learner edited their post; `body` is the new text."""

    TYPE: ClassVar[str] = "course_post_edited"
    post_id: str = _id()
    course_slug: str = _slug()
    discussion_id: str = _id()
    section: str = rule(choices=COHORTS)
    author_id: str = _person_id()
    body: str = rule(max_length=20000)
    edited_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CoursePostRemoved(Payload):
    """A post was deleted by its author or removed by moderation (`by_moderation`)."""

    TYPE: ClassVar[str] = "course_post_removed"
    post_id: str = _id()
    course_slug: str = _slug()
    discussion_id: str = _id()
    section: str = rule(choices=COHORTS)
    author_id: str = _person_id()
    removed_by: str = _person_id()
    by_moderation: bool
    reason: str = rule(empty=True, max_length=500, default="")
    removed_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class MentorReviewOverdue(Payload):
    """A learner's practicum has waited more than 3 days for their mentor's review: course's worker reminds the
    mentor (at most once per 3 days per review). Room delivers it to the mentor alone as a private notice.
    `reminder_id` is the reminder's idempotency key; `learner_username` is empty when course does not know it yet."""

    TYPE: ClassVar[str] = "mentor_review_overdue"
    reminder_id: str = _id()
    course_slug: str = _slug()
    course_title: str = rule(max_length=120)
    learner_username: str = rule(empty=True, max_length=64, default="")
    mentor_id: str = _person_id()
    waiting_since: dt.datetime
    reminded_at: dt.datetime


CoursePayload = (CourseCompleted | CompletionRevoked | CoursePostCreated | CoursePostEdited | CoursePostRemoved
                 | MentorReviewOverdue)

CONTRACT = Contract(SOURCE, CourseCompleted, CompletionRevoked, CoursePostCreated, CoursePostEdited,
                    CoursePostRemoved, MentorReviewOverdue)
EVENT_TYPES = CONTRACT.types
# What identity binds (the badge a completion earns) and what moderation scans (posts, like room's messages).
COMPLETION_EVENT_TYPES: tuple[str, ...] = (CourseCompleted.TYPE, CompletionRevoked.TYPE)
POST_EVENT_TYPES: tuple[str, ...] = (CoursePostCreated.TYPE, CoursePostEdited.TYPE, CoursePostRemoved.TYPE)
# What room binds: the reminder it delivers to the mentor as a private notice.
REMINDER_EVENT_TYPES: tuple[str, ...] = (MentorReviewOverdue.TYPE,)


def parse(envelope: object) -> Received[CoursePayload]:
    """One of course's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
