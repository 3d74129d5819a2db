"""Test helpers shared by room's unit tests: the clock's start, the rooms the fake store holds, event types."""
import datetime as dt
from collections.abc import Iterable

from hearth_common.events import Event
from room_service.domain.rooms import Room

START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.timezone.utc)

LOUNGE = "adult-lounge"
TEEN_LOUNGE = "teen-lounge"
SMALL = "adult-small-room"
LISTENERS = "listener-lounge"
FACILITATED = "adult-facilitated"
CIRCLE = "adult-circle"
BADGE_LOCKED = "adult-badge-locked"
POP_UP = "adult-pop-up"
OPEN = {"always": True}


def _room(slug: str, name: str, **fields) -> Room:
    values = dict(slug=slug, name=name, description="", topic="community", audience_cohort="adult",
                  audience_kind="both", mode="always_open", status="active", capacity=50, access_policy=OPEN)
    return Room(**values | fields).validate()


ROOMS = (
    _room(LOUNGE, "Adult Lounge"),
    _room(TEEN_LOUNGE, "Teen Lounge", audience_cohort="teen"),
    _room(SMALL, "Small Room", capacity=2),
    _room(LISTENERS, "Listener Lounge", audience_kind="listener"),
    _room(FACILITATED, "Facilitated Room", mode="facilitated"),
    _room(CIRCLE, "Sharing Circle", topic="sharing-circle"),
    _room(BADGE_LOCKED, "Badge Locked", access_policy={"badge": "group-ready"}),
    _room(POP_UP, "Pop Up", mode="pop_up"),
)


def event_types(events: Iterable[Event]) -> list[str]:
    return [e.type for e in events]
