"""Cross-cutting (pure): the contract of room's events (exchange `room.events`, routing key = type): what
happens in rooms, for moderation's filters and audit, course's progress and identity's badge rules.

`seq` in a payload is the room timeline's sequence number of the item the event announces (an integer from
1, gap-free per room), not the outbox `seq` of the envelope.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from hearth_common.contracts.base import Contract, Payload, Received, rule

SOURCE = "room"


def _slug():
    return rule(max_length=64)


def _person_id():
    return rule(max_length=36)


def _id():
    return rule(max_length=64)


def _seq():
    return rule(minimum=1)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberJoined(Payload):
    """A person entered a room. Room writes `seq` in the statement that numbers the timeline item: the
    producer builds the event with seq 0, never published so."""

    TYPE: ClassVar[str] = "member_joined"
    room_slug: str = _slug()
    person_id: str = _person_id()
    seq: int = _seq()
    joined_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberLeft(Payload):
    """A person left a room; `reason` says how (left, timed_out, removed, banned, grant_revoked,
    no_longer_allowed); `removed_by` is sent when a moderator removed them or an admin's revocation did,
    `note` when the moderator gave a reason."""

    TYPE: ClassVar[str] = "member_left"
    room_slug: str = _slug()
    person_id: str = _person_id()
    reason: str = rule(max_length=32)
    seq: int = _seq()
    left_at: dt.datetime
    removed_by: str | None = rule(max_length=36, omitted_when_none=True, default=None)
    note: str | None = rule(max_length=500, omitted_when_none=True, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessagePosted(Payload):
    """A message was posted (`reply_to`: the message it answers; `mention_ids`: the people it mentions).
    `original_body`: what the author wrote, sent only when automod masked the stored `body` (a censor rule), so
    moderation reads the real words for flags and crisis; nobody else sees it."""

    TYPE: ClassVar[str] = "message_posted"
    room_slug: str = _slug()
    message_id: str = _id()
    seq: int = _seq()
    author_id: str = _person_id()
    body: str
    reply_to: str | None = _id()
    mention_ids: tuple[str, ...]
    posted_at: dt.datetime
    # when automod censored the post: the author's words unmasked (moderation reads them; `body` is as shown)
    original_body: str | None = rule(omitted_when_none=True, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageEdited(Payload):
    """A message's author changed its body; `seq` is the edit's item, `message_seq` the message's own;
    `original_body` as in message_posted (sent only when automod masked the stored `body`)."""

    TYPE: ClassVar[str] = "message_edited"
    room_slug: str = _slug()
    message_id: str = _id()
    seq: int = _seq()
    message_seq: int = _seq()
    author_id: str = _person_id()
    body: str
    edited_at: dt.datetime
    # when automod censored the edit: the author's words unmasked (moderation reads them; `body` is as shown)
    original_body: str | None = rule(omitted_when_none=True, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageDeleted(Payload):
    """A message was deleted by its author or (`by_moderation`) a moderator, who may give a `reason`."""

    TYPE: ClassVar[str] = "message_deleted"
    room_slug: str = _slug()
    message_id: str = _id()
    seq: int = _seq()
    message_seq: int = _seq()
    author_id: str = _person_id()
    deleted_by: str = _person_id()
    by_moderation: bool
    reason: str = rule(empty=True)
    deleted_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageRestored(Payload):
    """A moderator undid a moderation removal (a message hidden pending review, then found fine): the message is
    back in the room's history at its own place (`message_seq`) with its original `body`; `seq` is the
    restoration's item, `reason` the moderator's (may be empty)."""

    TYPE: ClassVar[str] = "message_restored"
    room_slug: str = _slug()
    message_id: str = _id()
    seq: int = _seq()
    message_seq: int = _seq()
    author_id: str = _person_id()
    body: str
    restored_by: str = _person_id()
    reason: str = rule(empty=True)
    restored_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageHearted(Payload):
    """A person gave a message a heart (once per person and message, never their own). `hearts`: the message's
    count after it. Identity's badge rules count the hearts a person received from distinct people."""

    TYPE: ClassVar[str] = "message_hearted"
    room_slug: str = _slug()
    message_id: str = _id()
    author_id: str = _person_id()
    hearted_by: str = _person_id()
    hearts: int = rule(minimum=1)
    hearted_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class SessionStarted(Payload):
    """A support session went live in a room (`kind`: scheduled or unplanned); `script_id`: the facilitation
    script from room's library its leader chose, when they chose one."""

    TYPE: ClassVar[str] = "session_started"
    session_id: str = _id()
    room_slug: str = _slug()
    topic: str
    kind: str = rule(max_length=16)
    leader_id: str = _person_id()
    seq: int = _seq()
    started_at: dt.datetime
    script_id: str | None = rule(max_length=64, omitted_when_none=True, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SessionEnded(Payload):
    """A support session ended: by its leader or a moderator (`ended_by`), or by room's worker half an hour
    after its planned end (`ended_by` null, `ended_automatically`). `attendee_ids`: everyone who was there;
    `script_id`: the facilitation script used, when one was chosen (course counts a practicum from it)."""

    TYPE: ClassVar[str] = "session_ended"
    session_id: str = _id()
    room_slug: str = _slug()
    topic: str
    kind: str = rule(max_length=16)
    leader_id: str = _person_id()
    attendee_ids: tuple[str, ...]
    started_at: dt.datetime
    ended_at: dt.datetime
    duration_seconds: int = rule(minimum=0)
    seq: int = _seq()
    ended_by: str | None = _person_id()
    ended_automatically: bool
    script_id: str | None = rule(max_length=64, omitted_when_none=True, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CohortAccessGranted(Payload):
    """An admin let a staff member into one room of the other age cohort until `expires_at` (an audit record)."""

    TYPE: ClassVar[str] = "cohort_access_granted"
    grant_id: str = _id()
    person_id: str = _person_id()
    room_slug: str = _slug()
    reason: str
    granted_by: str = _person_id()
    granted_at: dt.datetime
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CohortAccessRevoked(Payload):
    """An admin revoked a cross-cohort grant (an audit record)."""

    TYPE: ClassVar[str] = "cohort_access_revoked"
    grant_id: str = _id()
    person_id: str = _person_id()
    room_slug: str = _slug()
    revoked_by: str = _person_id()
    revoked_at: dt.datetime


RoomPayload = (MemberJoined | MemberLeft | MessagePosted | MessageEdited | MessageDeleted | MessageRestored
               | MessageHearted
               | SessionStarted | SessionEnded | CohortAccessGranted | CohortAccessRevoked)

CONTRACT = Contract(SOURCE, MemberJoined, MemberLeft, MessagePosted, MessageEdited, MessageDeleted, MessageRestored,
                    MessageHearted,
                    SessionStarted, SessionEnded, CohortAccessGranted, CohortAccessRevoked)
EVENT_TYPES = CONTRACT.types


def parse(envelope: object) -> Received[RoomPayload]:
    """One of room's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
