"""Domain: messages in a room (length limit, replies, @mentions, hearts, own edits) and the posting limits."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from hearth_common import text
from hearth_common.pacing import Pace
from room_service.domain.errors import (
    InvalidMessage,
    MessageDeleted,
    NotRestorable,
    NotYourMessage,
    OwnMessage,
    PostingTooFast,
)

MAX_BODY = 2000
MAX_MENTIONS = 10

# Per-person posting rate across all rooms: a burst of RATE_BURST messages, then about one every
# RATE_WINDOW / RATE_BURST seconds on average.
RATE_BURST = 5
RATE_WINDOW = dt.timedelta(seconds=10)
MAX_SLOW_MODE_SECONDS = 3600
# Hearts given or taken back, per person across all rooms (each change is announced to everyone in the room):
# a burst of HEART_BURST, then one every HEART_INTERVAL.
HEART_BURST = 10
HEART_INTERVAL = dt.timedelta(seconds=1)
HEART_PACE = Pace(HEART_BURST, HEART_INTERVAL, "giving hearts")


def clean_body(body: str) -> str:
    """The text to store, or InvalidMessage saying what to change."""
    if not isinstance(body, str) or not body.strip():
        raise InvalidMessage("a message needs some text")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise InvalidMessage(f"a message may be at most {MAX_BODY} characters; this one has {len(body)}")
    return body


def mentioned_usernames(body: str) -> list[str]:
    """The distinct @usernames in a message, in order of first mention, lower-cased."""
    return text.mentioned_usernames(body, MAX_MENTIONS)


@dataclasses.dataclass(eq=False)
class Message:
    message_id: str
    room_slug: str
    seq: int
    author_id: str
    author_username: str | None
    body: str
    posted_at: dt.datetime
    reply_to: str | None = None
    mentions: list[dict] = dataclasses.field(default_factory=list)
    hearts: int = 0
    edited_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None
    deleted_by: str | None = None
    # Removed by moderation (which may restore it), not deleted by its author (which nobody undoes). The body is
    # kept either way; the views show a deleted message without it.
    deleted_by_moderation: bool = False

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def edit(self, actor_id: str, body: str, mentions: list[dict], now: dt.datetime) -> None:
        self._own(actor_id, "edit")
        self.body, self.mentions, self.edited_at = clean_body(body), mentions, now

    def delete(self, actor_id: str, now: dt.datetime, *, moderator: bool = False) -> None:
        if not moderator:
            self._own(actor_id, "delete")
        self.deleted_at, self.deleted_by, self.deleted_by_moderation = now, actor_id, moderator

    def restore(self) -> bool:
        """Undoes a moderation removal: the message shows again, with its body, at its place. False when it is
        not deleted (nothing to do); NotRestorable when its author deleted it (their choice stands)."""
        if not self.deleted:
            return False
        if not self.deleted_by_moderation:
            raise NotRestorable("its author deleted this message; only a moderation removal can be undone")
        self.deleted_at = self.deleted_by = None
        self.deleted_by_moderation = False
        return True

    def check_heart(self, person_id: str, giving: bool) -> None:
        """A heart is given to someone else's message that shows (not deleted by its author nor removed by a
        moderator); taking one back needs only the message to show."""
        if self.deleted:
            raise MessageDeleted("this message was deleted or removed; it takes no hearts")
        if giving and person_id == self.author_id:
            raise OwnMessage("you cannot heart your own message; hearts are for thanking others")

    def _own(self, actor_id: str, verb: str) -> None:
        if self.deleted:
            raise MessageDeleted("this message was deleted")
        if actor_id != self.author_id:
            raise NotYourMessage(f"you can only {verb} your own messages")


def check_posting_rate(
    recent_posts: Sequence[dt.datetime],
    last_in_room: dt.datetime | None,
    slow_mode_seconds: int,
    now: dt.datetime,
    what: str = "messages",
) -> None:
    """Refuses a post past the per-person rate or the room's slow mode, saying when to retry.

    `recent_posts` are this person's posting times within RATE_WINDOW (any room); `last_in_room` is their
    last post in this room.
    """
    within = sorted(t for t in recent_posts if t > now - RATE_WINDOW)
    if len(within) >= RATE_BURST:
        retry = (within[-RATE_BURST] + RATE_WINDOW - now).total_seconds()
        raise PostingTooFast(
            f"you are posting too fast: at most {RATE_BURST} {what} in {int(RATE_WINDOW.total_seconds())} "
            f"seconds; try again in {max(retry, 0.1):.1f} s",
            retry_after_seconds=max(retry, 0.1),
        )
    if slow_mode_seconds and last_in_room is not None:
        retry = (last_in_room + dt.timedelta(seconds=slow_mode_seconds) - now).total_seconds()
        if retry > 0:
            retry = max(retry, 0.1)
            raise PostingTooFast(
                f"slow mode is on in this room: one message every {slow_mode_seconds} s; try again in {retry:.1f} s",
                retry_after_seconds=retry,
            )


def check_editing_rate(
    last_edited_at: dt.datetime | None, recent_writes: Sequence[dt.datetime], now: dt.datetime
) -> None:
    """Edits count with posts against the per-person rate (each is announced to every subscriber, as a post
    is), and one message takes at most one edit every RATE_WINDOW / RATE_BURST. `last_edited_at`: the
    message's previous edit; `recent_writes`: this person's posting and last-edit times within RATE_WINDOW."""
    if last_edited_at is not None:
        retry = (last_edited_at + RATE_WINDOW / RATE_BURST - now).total_seconds()
        if retry > 0:
            raise PostingTooFast(
                f"you are editing this message too fast: once every {(RATE_WINDOW / RATE_BURST).total_seconds():g} s; "
                f"try again in {max(retry, 0.1):.1f} s", retry_after_seconds=max(retry, 0.1))
    check_posting_rate(recent_writes, None, 0, now, what="messages and edits")


def pace_hearts(due_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """Refuses a heart given or taken back past the per-person pace, saying when to retry; otherwise returns
    when the next one is due. `due_at`: what the previous change returned (None for a first)."""
    return HEART_PACE.next_due(due_at, now, PostingTooFast)
