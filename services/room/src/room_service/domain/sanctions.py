"""Domain: room's read model of sanctions (mutes and bans) from moderation's events, and the contract of those events.

The contract (moderation publishes on the `moderation.events` topic exchange, in the common envelope:
event_id, event_type, source, occurred_at, request_id, data, and the outbox `seq`):

- `sanction_imposed`: data = {sanction_id: str, person_id: str, kind: "mute" | "ban",
  room_slug: str | null (null: everywhere), expires_at: ISO-8601 with offset | null (null: until lifted),
  reason: str}
- `sanction_lifted`: data = {sanction_id: str, person_id: str}

A mute stops a person posting; a ban stops them joining (and a ban imposed while they are in the room
removes them). Events may come twice or out of order: a sanction keeps the seq of the event that set it and
an older event never overwrites a newer one. An event that breaks the contract is refused (dead-lettered).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hearth_common.errors import InvalidArgument, PermissionDenied

SANCTION_EVENTS = ("sanction_imposed", "sanction_lifted")
KINDS = ("mute", "ban")


class InvalidSanctionEvent(InvalidArgument):
    pass


class Banned(PermissionDenied):
    pass


class Muted(PermissionDenied):
    pass


@dataclasses.dataclass
class Sanction:
    sanction_id: str
    person_id: str
    kind: str
    room_slug: str | None
    expires_at: dt.datetime | None
    active: bool
    reason: str
    seq: int

    def in_force(self, kind: str, room_slug: str, now: dt.datetime) -> bool:
        return (
            self.active
            and self.kind == kind
            and (self.room_slug is None or self.room_slug == room_slug)
            and (self.expires_at is None or now < self.expires_at)
        )

    def describe(self) -> str:
        where = "in this room" if self.room_slug else "in every room"
        until = f" until {self.expires_at.isoformat(timespec='minutes')}" if self.expires_at else ""
        return f"{where}{until}"


def _text(data: dict, key: str, *, optional: bool = False, limit: int = 64) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise InvalidSanctionEvent(f"{key} must be a non-empty string of at most {limit} characters")
    return value


def apply_event(current: Sanction | None, envelope: dict) -> Sanction | None:
    """The sanction after one of moderation's events, or None when the event is older than what is known."""
    kind, data = envelope.get("event_type"), envelope.get("data") or {}
    seq = envelope.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:  # without it, order could not be kept
        raise InvalidSanctionEvent("seq must be the outbox sequence number (an integer from 1)")
    if kind not in SANCTION_EVENTS:
        raise InvalidSanctionEvent(f"unknown sanction event {kind!r}")
    sanction_id, person_id = _text(data, "sanction_id"), _text(data, "person_id", limit=36)
    if current is not None and current.seq >= seq:
        return None
    if kind == "sanction_lifted":
        if current is None:  # lifted before it arrived: remember, so the late imposition stays lifted
            return Sanction(sanction_id, person_id, "mute", None, None, False, "", seq)
        return dataclasses.replace(current, active=False, seq=seq)
    if data.get("kind") not in KINDS:
        raise InvalidSanctionEvent("kind must be mute or ban")
    expires_at = data.get("expires_at")
    if expires_at is not None:
        try:
            expires_at = dt.datetime.fromisoformat(expires_at)
        except (TypeError, ValueError):
            raise InvalidSanctionEvent("expires_at must be an ISO-8601 time with a UTC offset, or null") from None
        if expires_at.tzinfo is None:
            raise InvalidSanctionEvent("expires_at must carry a UTC offset")
    reason = data.get("reason") or ""
    return Sanction(
        sanction_id, person_id, data["kind"], _text(data, "room_slug", optional=True), expires_at, True,
        str(reason)[:500], seq,
    )


def in_force(sanctions: Iterable[Sanction], kind: str, room_slug: str, now: dt.datetime) -> Sanction | None:
    """One of the person's sanctions of that kind in force in the room, or None."""
    return next((sanction for sanction in sanctions if sanction.in_force(kind, room_slug, now)), None)


def banned_because(sanction: Sanction) -> str:
    return f"you are banned {sanction.describe()}"


def check(sanctions: Iterable[Sanction], kind: str, room_slug: str, now: dt.datetime) -> None:
    """Raises Banned or Muted when one of the person's sanctions of that kind is in force in the room."""
    sanction = in_force(sanctions, kind, room_slug, now)
    if sanction is not None:
        if kind == "ban":
            raise Banned(banned_because(sanction))
        raise Muted(f"you are muted {sanction.describe()}; you can read but not post")
