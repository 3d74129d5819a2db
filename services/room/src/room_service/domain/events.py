"""Domain: the events room announces, one constructor each, built through room's contract in common
(`hearth_common.contracts.room`: the payloads its consumers parse)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hearth_common.contracts import room as contract
from hearth_common.events import Event
from room_service.domain.grants import CohortGrant
from room_service.domain.messages import Message
from room_service.domain.sessions import Session

# Every event type room announces (on the room.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES
MAX_NOTE = 500


def member_joined(room_slug: str, person_id: str, joined_at: dt.datetime) -> Event:
    """`seq` 0 here: the statement that writes the join fills in the timeline seq it takes."""
    return contract.MemberJoined(room_slug=room_slug, person_id=person_id, seq=0, joined_at=joined_at).event()


def member_left(room_slug: str, person_id: str, reason: str, seq: int, left_at: dt.datetime,
                removed_by: str | None = None, note: str = "") -> Event:
    """`removed_by`: the moderator or admin who took the person out; `note`: a moderator's reason."""
    return contract.MemberLeft(room_slug=room_slug, person_id=person_id, reason=reason, seq=seq, left_at=left_at,
                               removed_by=removed_by or None, note=note[:MAX_NOTE] or None).event()


def message_posted(message: Message, original_body: str | None = None) -> Event:
    """`original_body`: what the author wrote, when automod masked the stored `body` (else None: left out)."""
    return contract.MessagePosted(
        room_slug=message.room_slug, message_id=message.message_id, seq=message.seq, author_id=message.author_id,
        body=message.body, reply_to=message.reply_to,
        mention_ids=tuple(mention["person_id"] for mention in message.mentions), posted_at=message.posted_at,
        original_body=original_body,
    ).event()


def message_edited(message: Message, seq: int, original_body: str | None = None) -> Event:
    """`seq`: the edit's own timeline seq (`message_seq` is the message's); `original_body` as for a post."""
    return contract.MessageEdited(
        room_slug=message.room_slug, message_id=message.message_id, seq=seq, message_seq=message.seq,
        author_id=message.author_id, body=message.body, edited_at=message.edited_at, original_body=original_body,
    ).event()


def message_deleted(message: Message, seq: int, *, by_moderation: bool, reason: str = "") -> Event:
    """`seq`: the deletion's own timeline seq (`message_seq` is the message's)."""
    return contract.MessageDeleted(
        room_slug=message.room_slug, message_id=message.message_id, seq=seq, message_seq=message.seq,
        author_id=message.author_id, deleted_by=message.deleted_by, by_moderation=by_moderation, reason=reason,
        deleted_at=message.deleted_at,
    ).event()


def message_restored(message: Message, seq: int, restored_by: str, reason: str, restored_at: dt.datetime) -> Event:
    """`seq`: the restoration's own timeline seq (`message_seq` is the message's); the body as first posted (or
    last edited by its author)."""
    return contract.MessageRestored(
        room_slug=message.room_slug, message_id=message.message_id, seq=seq, message_seq=message.seq,
        author_id=message.author_id, body=message.body, restored_by=restored_by, reason=reason[:MAX_NOTE],
        restored_at=restored_at,
    ).event()


def message_hearted(message: Message, hearted_by: str, hearts: int, hearted_at: dt.datetime) -> Event:
    """`hearts`: the message's count with this heart."""
    return contract.MessageHearted(
        room_slug=message.room_slug, message_id=message.message_id, author_id=message.author_id,
        hearted_by=hearted_by, hearts=hearts, hearted_at=hearted_at,
    ).event()


def session_started(session: Session, seq: int) -> Event:
    """`script_id`: the facilitation script the leader chose (left out when none)."""
    return contract.SessionStarted(
        session_id=session.session_id, room_slug=session.room_slug, topic=session.topic, kind=session.kind,
        leader_id=session.leader_id, seq=seq, started_at=session.started_at, script_id=session.script_id,
    ).event()


def session_ended(session: Session, attendee_ids: Iterable[str], seq: int, ended_by: str | None) -> Event:
    """`ended_by` None: the worker ended a session nobody ended (`ended_automatically`). Attendees are exactly
    those given (the leader only if among them); `script_id` as for session_started."""
    session.require_ended()
    return contract.SessionEnded(
        session_id=session.session_id, room_slug=session.room_slug, topic=session.topic, kind=session.kind,
        leader_id=session.leader_id, attendee_ids=tuple(sorted(set(attendee_ids))), started_at=session.started_at,
        ended_at=session.ended_at, duration_seconds=session.duration_seconds, seq=seq, ended_by=ended_by,
        ended_automatically=ended_by is None, script_id=session.script_id,
    ).event()


def cohort_access_granted(grant: CohortGrant) -> Event:
    return contract.CohortAccessGranted(
        grant_id=grant.grant_id, person_id=grant.person_id, room_slug=grant.room_slug, reason=grant.reason,
        granted_by=grant.granted_by, granted_at=grant.granted_at, expires_at=grant.expires_at,
    ).event()


def cohort_access_revoked(grant: CohortGrant) -> Event:
    return contract.CohortAccessRevoked(
        grant_id=grant.grant_id, person_id=grant.person_id, room_slug=grant.room_slug, revoked_by=grant.revoked_by,
        revoked_at=grant.revoked_at,
    ).event()
