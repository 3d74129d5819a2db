"""Service layer: what every room use case shares: its units of work, clock and live fan-out, and the room's
timeline (the gap-free sequence of what happened in a room), with the changes several use cases write to it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hearth_common import ids
from hearth_common.clock import utcnow as utcnow  # the clock every use case defaults to
from room_service.domain import errors, events
from room_service.service_layer.unit_of_work import TimelineItem, UnitOfWork

LiveFanOut = Callable[[list[TimelineItem]], None]


def parse_uuid(value: object, field: str) -> str:
    """The id in its one canonical form (as stored and announced); InvalidId when it is not a UUID."""
    return ids.parse_uuid(value, field, errors.InvalidId)


class Transactions:
    """How room's use cases run: units of work from one factory (`single_statements=True` for those that
    write in one statement), one clock, and the live fan-out (`live`, set once the process has one) that
    receives each committed transaction's timeline items."""

    def __init__(self, uow_factory: Callable[..., UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 live: LiveFanOut | None = None):
        self.uow_factory = uow_factory
        self.clock = clock
        self.live = live

    def begin(self, single_statements: bool = False) -> UnitOfWork:
        return self.uow_factory(single_statements=True) if single_statements else self.uow_factory()

    def commit(self, uow: UnitOfWork) -> None:
        """Commits, then hands the timeline items written to the live fan-out (best effort: subscribers fill
        any gap from the timeline table, so a lost notification delays an item but never loses it)."""
        items = list(uow.timeline_items)
        uow.commit()
        if items and self.live is not None:
            self.live(items)


def append(uow: UnitOfWork, slug: str, kind: str, data: dict, now: dt.datetime) -> TimelineItem:
    """Writes the room's next timeline item (gap-free seq under the stream's row lock) in this transaction."""
    item = TimelineItem(room_slug=slug, seq=uow.streams.next_seq(slug), kind=kind, data=data, occurred_at=now)
    uow.timeline.add(item)
    uow.timeline_items.append(item)
    return item


def remove_member(uow: UnitOfWork, slug: str, person_id: str, reason: str, now: dt.datetime,
                  by: str | None = None, note: str = "", seen_before: dt.datetime | None = None) -> bool:
    """Takes the person out of the room (their place in the Sharing Circle's line and turn too), with the
    member_left timeline item and event; False when they were not in it, or (`seen_before`: the presence
    sweep) were seen since then, a heartbeat or post racing the sweep, or a rejoin. The membership row is
    locked before the room's stream row, in the order a post takes them (no deadlock with one)."""
    if not uow.members.lock(slug, person_id, seen_before):
        return False
    stream = uow.streams.lock(slug)
    uow.members.remove(slug, person_id)
    uow.hands.remove(slug, person_id)  # leaving the Sharing Circle ends one's place in line and one's turn
    if stream.speaker_id == person_id:
        uow.streams.set_speaker(slug, None, None)
    item = append(uow, slug, "member_left", {"person_id": person_id, "reason": reason}, now)
    uow.add_events([events.member_left(slug, person_id, reason, item["seq"], now, removed_by=by, note=note)])
    return True


def set_checked_in(uow: UnitOfWork, slug: str, person_id: str, checked_in: bool, now: dt.datetime) -> None:
    """Checks a facilitator in the room in (a facilitated room is open while one is) or out, with the
    timeline item."""
    uow.members.set_checked_in(slug, person_id, checked_in)
    append(uow, slug, "facilitator_checked_in" if checked_in else "facilitator_checked_out",
           {"person_id": person_id}, now)
