"""Test helpers shared by room's nameko tests: people in room's read model, from identity's events."""
import itertools
import uuid

_seq = itertools.count(1)


def register(rooms, username, role=None):
    """A person room knows from identity's events; with `role`, granted everywhere."""
    person_id = str(uuid.uuid4())
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "person_registered",
                                "source": "identity", "seq": next(_seq),
                                "data": {"person_id": person_id, "username": username, "kind": "member",
                                         "cohort": "adult"}})
    if role:
        rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": "role_granted", "source": "identity",
                                    "seq": next(_seq), "data": {"person_id": person_id, "grant_id": str(uuid.uuid4()),
                                                                "role": role, "room_id": None, "expires_at": None}})
    return person_id
