"""Test helpers shared by room's integration tests: a clock the test moves, and identity's events."""
import datetime as dt
import itertools
import uuid

_seq = itertools.count(1)


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


def identity(rooms, event_type, person_id, **data):
    """Feeds room's read model one of identity's events, with an ever higher seq."""
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity",
                                "seq": next(_seq), "data": {"person_id": person_id, **data}})
