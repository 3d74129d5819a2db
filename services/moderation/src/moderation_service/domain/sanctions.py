"""Domain: warnings and sanctions (mute, ban, kick, message removal) as moderation records them, their lifetimes
and the private notices that tell the person; pure rules over plain dataclasses."""
from __future__ import annotations

import dataclasses
import datetime as dt

from moderation_service.domain.ladder import BAN, MUTE, Ladder, duration_words
from moderation_service.domain.reports import REASON_DESCRIPTIONS

KICK, MESSAGE_REMOVAL = "kick", "message_removal"
KINDS = (MUTE, BAN, KICK, MESSAGE_REMOVAL)
# Mutes and bans last (room enforces them from sanction_imposed); a kick and a removal are done at once through
# room's RPCs and recorded as done.
LASTING = (MUTE, BAN)
ACTIVE, LIFTED, EXPIRED, DONE = "active", "lifted", "expired", "done"
# Who imposed it: a moderator by hand, or the ladder on the warning that reached a rung.
BY_MODERATOR, BY_LADDER = "moderator", "ladder"
NOTE_MAX = 500
REASON_MAX = 500
# "Mute everyone in this exchange": 2 to 10 people named, for 1 to 60 minutes.
EXCHANGE_PEOPLE_MIN, EXCHANGE_PEOPLE_MAX = 2, 10
EXCHANGE_MINUTES_MIN, EXCHANGE_MINUTES_MAX = 1, 60


@dataclasses.dataclass
class IssuedWarning:
    """A moderator's warning for a reason of the taxonomy; it counts on the ladder until `expires_at` (its
    reason's tier lifetime when it was issued: a later ladder edit does not change warnings already given)."""

    id: str
    person_id: str
    reason: str
    tier: str
    note: str | None
    room_slug: str | None
    issued_by: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    voided_at: dt.datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    sanction_id: str | None = None  # the ladder's sanction this warning triggered, if any

    def counts(self, now: dt.datetime) -> bool:
        return self.voided_at is None and now < self.expires_at

    def void(self, by: str, reason: str, now: dt.datetime) -> None:
        self.voided_at, self.voided_by, self.void_reason = now, by, reason


@dataclasses.dataclass
class Sanction:
    """A mute or ban (in one room, or every room when `room_slug` is None; until `expires_at`, or until lifted),
    or a kick or message removal (done at once, through room). `people` of an exchange mute share `exchange_id`."""

    id: str
    person_id: str
    kind: str
    room_slug: str | None
    reason: str
    note: str | None
    imposed_by: str
    imposed_at: dt.datetime
    expires_at: dt.datetime | None
    source: str = BY_MODERATOR
    status: str = ACTIVE
    warning_id: str | None = None
    message_id: str | None = None
    exchange_id: str | None = None
    ended_at: dt.datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None

    @property
    def lasting(self) -> bool:
        return self.kind in LASTING

    def in_force(self, now: dt.datetime) -> bool:
        return self.status == ACTIVE and (self.expires_at is None or now < self.expires_at)

    def lift(self, by: str, reason: str, now: dt.datetime) -> None:
        self.status, self.ended_at, self.lifted_by, self.lift_reason = LIFTED, now, by, reason

    def expire(self) -> None:
        self.status, self.ended_at = EXPIRED, self.expires_at

    def describe(self) -> str:
        """In words, for the person: "muted in every room for 24 hours (until 2026-06-16 12:00 UTC)"."""
        where = f"in {self.room_slug}" if self.room_slug else "in every room"
        if self.kind == KICK:
            return f"removed from {self.room_slug}"
        if self.kind == MESSAGE_REMOVAL:
            return f"a message of yours in {self.room_slug} was removed"
        what = "muted" if self.kind == MUTE else "banned"
        if self.expires_at is None:
            return f"{what} {where} until a moderator lifts it"
        minutes = int((self.expires_at - self.imposed_at).total_seconds() // 60)
        return f"{what} {where} {duration_words(minutes)} (until {until_words(self.expires_at)})"


def until_words(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def active_count(warnings: list[IssuedWarning], now: dt.datetime) -> int:
    return sum(w.counts(now) for w in warnings)


# --- the private notices that tell the person -----------------------------------------------------------


def warning_notice(warning: IssuedWarning, active: int, ladder: Ladder, sanction: Sanction | None) -> str:
    """Names the reason, the moderator's note, how many warnings count now and the ladder's next step (or the
    sanction this warning brought)."""
    text = f"A moderator has warned you: {REASON_DESCRIPTIONS[warning.reason]}."
    if warning.note:
        text += f" {warning.note}"
    text += f" This warning counts for {(warning.expires_at - warning.issued_at).days} days; "
    text += f"you have {active} active warning{'s' if active != 1 else ''}."
    if sanction is not None:
        text += f" Because of it you are {sanction.describe()}."
    text += " " + ladder.next_step(active)
    return text


def sanction_notice(sanction: Sanction) -> str:
    text = f"You are {sanction.describe()}." if sanction.lasting else f"You were {sanction.describe()}."
    if sanction.kind == MESSAGE_REMOVAL:
        text = f"A moderator removed a message of yours in {sanction.room_slug}."
    text += f" Reason: {sanction.reason}"
    if sanction.source == BY_LADDER:
        text += " (your active warnings reached the next step of the ladder)"
    # Mutes and bans may be appealed once (domain/appeals.py); a kick or a removal is done at once, nothing to undo.
    return text + (". You may appeal it once." if sanction.lasting else ".")


def ended_notice(sanction: Sanction) -> str:
    what = "mute" if sanction.kind == MUTE else "ban"
    where = f"in {sanction.room_slug}" if sanction.room_slug else "in every room"
    if sanction.status == LIFTED:
        return f"Your {what} {where} was lifted early by a moderator: {sanction.lift_reason}."
    return f"Your {what} {where} has ended."
