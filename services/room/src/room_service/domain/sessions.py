"""Domain: support sessions in a room, scheduled or unplanned, their lifecycle and who may run them."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from hearth_common.access_policy import PersonFacts
from hearth_common.people import is_staff
from hearth_common.people import may_moderate as may_moderate  # who removes messages and people, ends sessions
from hearth_common.text import required_text
from hearth_common.vocabulary import Role
from room_service.domain.errors import (  # raised by the session rules
    InvalidSession,
    NotSessionLeader,
    SessionClash,
    SessionStateError,
    TooEarlyToStart,
)

SESSION_KINDS = ("scheduled", "unplanned")
SESSION_STATUSES = ("scheduled", "live", "ended", "cancelled")
TOPIC_LENGTH = (3, 120)
DURATION_MINUTES = (15, 240)
UNPLANNED_DURATION_MINUTES = 60
# A clock a little behind, or a form filled in slowly, should not turn "now" into "in the past".
SCHEDULE_GRACE = dt.timedelta(minutes=5)
SCHEDULE_HORIZON = dt.timedelta(days=90)
# This long after a session's planned end, a live one nobody ended is ended for them (a facilitated room it
# kept open closes then; it counts as having run its planned length) and one never started is called off.
OVERRUN_GRACE = dt.timedelta(minutes=30)
EARLY_START = dt.timedelta(minutes=15)

# Roles that may run sessions or hold a facilitated room open; each counts globally or for the one room.
SCHEDULER_ROLES = (Role.SUPPORT_SESSION_LEADER, Role.ADMIN)
UNPLANNED_HOST_ROLES = (Role.ON_SPOT_HOST, Role.ADMIN)


def _topic(topic: Any) -> str:
    low, high = TOPIC_LENGTH
    return required_text(topic, "topic", high, min_length=low, error=InvalidSession)


def _duration(minutes: Any) -> int:
    low, high = DURATION_MINUTES
    # bool is an int subclass; True minutes is a bug upstream, not a duration.
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
        raise InvalidSession(f"duration_minutes must be a whole number from {low} to {high}")
    return minutes


def _utc(moment: Any, field: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        raise InvalidSession(f"{field} must be a date and time with a time zone, such as 2025-06-15T18:00Z")
    return moment.astimezone(dt.timezone.utc)


def _minutes(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


@dataclasses.dataclass(eq=False)
class Session:
    session_id: str
    room_slug: str
    topic: str
    leader_id: str
    kind: str
    starts_at: dt.datetime
    duration_minutes: int
    status: str
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    script_id: str | None = None  # the facilitation script from room's library its leader chose, if any

    @classmethod
    def schedule(
        cls,
        session_id: str,
        room_slug: str,
        topic: str,
        leader_id: str,
        starts_at: dt.datetime,
        duration_minutes: int,
        now: dt.datetime,
        script_id: str | None = None,
    ) -> Session:
        """A session planned ahead; raises InvalidSession naming the field and what it allows. `script_id`: a
        script of the library the service has found fit for it (scripts.Script.check_fits)."""
        topic = _topic(topic)
        starts_at = _utc(starts_at, "starts_at")
        if starts_at < now - SCHEDULE_GRACE:
            raise InvalidSession(
                f"starts_at must be from {_minutes(now - SCHEDULE_GRACE)} on; a session cannot be scheduled "
                f"more than {SCHEDULE_GRACE.seconds // 60} minutes in the past"
            )
        if starts_at > now + SCHEDULE_HORIZON:
            raise InvalidSession(
                f"starts_at must be at most {SCHEDULE_HORIZON.days} days ahead, by {_minutes(now + SCHEDULE_HORIZON)}"
            )
        return cls(
            session_id=session_id,
            room_slug=room_slug,
            topic=topic,
            leader_id=leader_id,
            kind="scheduled",
            starts_at=starts_at,
            duration_minutes=_duration(duration_minutes),
            status="scheduled",
            script_id=script_id,
        )

    @classmethod
    def unplanned(
        cls,
        session_id: str,
        room_slug: str,
        topic: str,
        host_id: str,
        now: dt.datetime,
        duration_minutes: int = UNPLANNED_DURATION_MINUTES,
        script_id: str | None = None,
    ) -> Session:
        """A session an on-spot host opens on the spot: live from now, the host leading it."""
        topic = _topic(topic)
        duration_minutes = _duration(duration_minutes)
        now = _utc(now, "now")
        return cls(
            session_id=session_id,
            room_slug=room_slug,
            topic=topic,
            leader_id=host_id,
            kind="unplanned",
            starts_at=now,
            duration_minutes=duration_minutes,
            status="live",
            started_at=now,
            script_id=script_id,
        )

    @property
    def planned_end(self) -> dt.datetime:
        """When the session is due to end: its planned length after it started (or is due to start)."""
        return (self.started_at or self.starts_at) + dt.timedelta(minutes=self.duration_minutes)

    def check_clashes(self, others: Iterable[Session]) -> None:
        """Raises SessionClash naming the first of the room's other scheduled or live sessions whose time
        overlaps this one's (one room holds one session at a time)."""
        for other in sorted(others, key=lambda s: s.starts_at):
            if other.session_id == self.session_id or other.status not in ("scheduled", "live"):
                continue
            if (other.started_at or other.starts_at) < self.planned_end and self.starts_at < other.planned_end:
                raise SessionClash(
                    f"this room has {other.topic!r} from {_minutes(other.started_at or other.starts_at)} to "
                    f"{_minutes(other.planned_end)}; choose a time (or length) that does not overlap it"
                )

    def overran(self, now: dt.datetime) -> bool:
        """Live past its planned end by more than OVERRUN_GRACE: nobody ended it."""
        return self.status == "live" and now > self.planned_end + OVERRUN_GRACE

    def lapsed(self, now: dt.datetime) -> bool:
        """Still scheduled past its planned end by more than OVERRUN_GRACE: it was never held."""
        return self.status == "scheduled" and now > self.planned_end + OVERRUN_GRACE

    def end_overrun(self, now: dt.datetime) -> None:
        """Ends a session nobody ended, as of its planned end (what it counts for)."""
        if not self.overran(now):
            raise SessionStateError(f"this session is {self.status} and due to end at {_minutes(self.planned_end)}")
        self.status, self.ended_at = "ended", self.planned_end

    def call_off_lapsed(self, now: dt.datetime) -> None:
        """Cancels a session that was never started, now that its time is past (it never counts as held)."""
        if not self.lapsed(now):
            raise SessionStateError(f"this session is {self.status} and due to end at {_minutes(self.planned_end)}")
        self.status, self.ended_at = "cancelled", now

    def _authorise(self, actor_id: str, may_end_any: bool, action: str) -> None:
        if actor_id != self.leader_id and not may_end_any:
            raise NotSessionLeader(f"only the leader of this session, or a moderator or admin, can {action} it")

    def _require(self, status: str, action: str) -> None:
        if self.status != status:
            raise SessionStateError(f"this session is {self.status}; only a {status} session can be {action}")

    def start(self, actor_id: str, now: dt.datetime) -> None:
        if actor_id != self.leader_id:
            raise NotSessionLeader("only the leader of this session can start it")
        self._require("scheduled", "started")
        opens = self.starts_at - EARLY_START
        if now < opens:
            raise TooEarlyToStart(
                f"this session can start from {_minutes(opens)}, {EARLY_START.seconds // 60} minutes before "
                f"it is due at {_minutes(self.starts_at)}"
            )
        self.status, self.started_at = "live", now

    def end(self, actor_id: str, now: dt.datetime, may_end_any: bool = False) -> None:
        """Ends a live session; may_end_any lets a moderator or admin (the service decides) end anyone's."""
        self._authorise(actor_id, may_end_any, "end")
        self._require("live", "ended")
        self.status, self.ended_at = "ended", now

    def cancel(self, actor_id: str, now: dt.datetime, may_end_any: bool = False) -> None:
        """Calls off a session that has not started; ended_at records when, and it never counts as held."""
        self._authorise(actor_id, may_end_any, "cancel")
        self._require("scheduled", "cancelled")
        self.status, self.ended_at = "cancelled", now

    @property
    def duration_seconds(self) -> int:
        """How long the session actually ran; 0 unless it has ended."""
        if self.status != "ended" or self.started_at is None or self.ended_at is None:
            return 0
        # An ended_at before started_at can only come from clock skew between workers; it ran for no time.
        return max(0, int((self.ended_at - self.started_at).total_seconds()))

    def require_ended(self) -> None:
        """Only an ended session has a session_ended event (domain/events.py builds it)."""
        if self.status != "ended" or self.started_at is None or self.ended_at is None:
            raise SessionStateError(f"this session is {self.status}; only an ended session has an ended event")


def _has_any(facts: PersonFacts, roles: tuple[str, ...], room_slug: str, now: dt.datetime) -> bool:
    return any(facts.has_role(role, room_slug, now) for role in roles)


def may_schedule(facts: PersonFacts, room_slug: str, now: dt.datetime) -> bool:
    """Support session leaders (global or for this room) and admins schedule sessions."""
    return _has_any(facts, SCHEDULER_ROLES, room_slug, now)


def may_host_unplanned(facts: PersonFacts, room_slug: str, now: dt.datetime) -> bool:
    """On-spot hosts and admins open unplanned sessions."""
    return _has_any(facts, UNPLANNED_HOST_ROLES, room_slug, now)


# Whoever leads, hosts or moderates may check in to a facilitated room to hold it open.
is_facilitator = is_staff
