"""Domain: what moderation asks another service to do: room (remove or restore a message, remove a person from a
room) and course (remove a post), recorded in the transaction of the decision that needs it and carried out by the
worker's one runner until the service has done it. Their calls are idempotent, so carrying one out again after a
crash repeats nothing. (The name is the first target's: the table is `room_actions` for every target.)"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hearth_common.ids import new_id

REMOVE_MESSAGE, RESTORE_MESSAGE, REMOVE_PERSON = ROOM_KINDS = ("remove_message", "restore_message", "remove_person")
REMOVE_POST, = COURSE_KINDS = ("remove_post",)
# Each kind's target service: the runner calls that service's RPC of the kind's name.
TARGETS: dict[str, str] = {**dict.fromkeys(ROOM_KINDS, "room"), **dict.fromkeys(COURSE_KINDS, "course")}
KINDS = tuple(TARGETS)
# What became of an action: still to do, done, or nothing to do (room no longer has the message or person).
PENDING, DONE, GONE = "pending", "done", "gone"
# Retrying a call room did not answer: 1 s, 2 s, 4 s ... at most a minute apart, for as long as it takes.
FIRST_RETRY = dt.timedelta(seconds=1)
LONGEST_RETRY = dt.timedelta(seconds=60)
ERROR_MAX = 500


@dataclasses.dataclass
class RoomAction:
    """One call to room or course (`target`). `args` are the call's own arguments (message_id; room_slug and
    person_id; post_id), without the moderator and reason, which are fields."""

    id: str
    kind: str
    args: dict[str, Any]
    moderator_id: str
    reason: str
    created_at: dt.datetime
    due_at: dt.datetime
    status: str = PENDING
    attempts: int = 0
    done_at: dt.datetime | None = None
    last_error: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"a moderation action is one of {', '.join(KINDS)}, not {self.kind!r}")

    @property
    def target(self) -> str:
        """The service the call goes to."""
        return TARGETS[self.kind]

    def succeeded(self, now: dt.datetime, gone: bool = False) -> None:
        self.status, self.done_at, self.attempts = (GONE if gone else DONE), now, self.attempts + 1

    def cancel(self, now: dt.datetime, why: str) -> None:
        """Not to be made after all (e.g. a hide the moderator's decision overtook before room was asked)."""
        self.status, self.done_at, self.last_error = GONE, now, why[:ERROR_MAX]

    def failed(self, now: dt.datetime, error: str) -> None:
        """The service did not answer (or failed): try again later, waiting longer each time."""
        self.attempts += 1
        self.due_at = now + min(FIRST_RETRY * (2 ** min(self.attempts - 1, 16)), LONGEST_RETRY)
        self.last_error = error[:ERROR_MAX]


def remove_message(message_id: str, moderator_id: str, reason: str, now: dt.datetime) -> RoomAction:
    return RoomAction(new_id(), REMOVE_MESSAGE, {"message_id": message_id}, moderator_id, reason, now, now)


def restore_message(message_id: str, moderator_id: str, reason: str, now: dt.datetime) -> RoomAction:
    return RoomAction(new_id(), RESTORE_MESSAGE, {"message_id": message_id}, moderator_id, reason, now, now)


def remove_person(room_slug: str, person_id: str, moderator_id: str, reason: str, now: dt.datetime) -> RoomAction:
    return RoomAction(new_id(), REMOVE_PERSON, {"room_slug": room_slug, "person_id": person_id}, moderator_id,
                      reason, now, now)


def remove_post(post_id: str, moderator_id: str, reason: str, now: dt.datetime) -> RoomAction:
    """course's removal of a course post (course.remove_post)."""
    return RoomAction(new_id(), REMOVE_POST, {"post_id": post_id}, moderator_id, reason, now, now)
