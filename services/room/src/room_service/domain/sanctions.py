"""Domain: room's read model of sanctions (mutes and bans) from moderation's events.

The contract of those events is `hearth_common.contracts.moderation` (`sanction_imposed`, `sanction_lifted`).
A mute stops a person posting; a ban stops them joining (and a ban imposed while they are in the room
removes them). Events may come twice or out of order: a sanction keeps the seq of the event that set it and
an older event never overwrites a newer one. An event that breaks the contract is refused (dead-lettered).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hearth_common.contracts import InvalidEvent, Received, moderation
from room_service.domain.errors import Banned, Muted  # raised by the sanction checks

# An event that breaks moderation's contract (common's refusal, which dead-letters it at once).
InvalidSanctionEvent = InvalidEvent


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


def apply_event(current: Sanction | None, event: Received | dict) -> Sanction | None:
    """The sanction after one of moderation's events (parsed, or its envelope, which is parsed here:
    InvalidSanctionEvent when it breaks the contract), or None when the event is older than what is known."""
    if not isinstance(event, Received):
        event = moderation.parse(event)
    payload, seq = event.payload, event.seq
    if current is not None and current.seq >= seq:
        return None
    if isinstance(payload, moderation.SanctionLifted):
        if current is None:  # lifted before it arrived: remember, so the late imposition stays lifted
            return Sanction(payload.sanction_id, payload.person_id, "mute", None, None, False, "", seq)
        return dataclasses.replace(current, active=False, seq=seq)
    return Sanction(
        payload.sanction_id, payload.person_id, payload.kind, payload.room_slug, payload.expires_at, True,
        payload.reason[:500], seq,
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
