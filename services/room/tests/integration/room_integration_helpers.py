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


def register(rooms, cohort="adult", kind="member", username=None, roles=(), badges=()):
    """A person room knows (identity's events fed in), with global roles and badges; returns their id."""
    person_id = str(uuid.uuid4())
    identity(rooms, "person_registered", person_id, username=username or "p" + person_id[:8], kind=kind, cohort=cohort)
    for role in roles:
        identity(rooms, "role_granted", person_id, grant_id=str(uuid.uuid4()), role=role, room_id=None, expires_at=None)
    for badge in badges:
        identity(rooms, "badge_awarded", person_id, badge_slug=badge, award_id=str(uuid.uuid4()))
    return person_id
